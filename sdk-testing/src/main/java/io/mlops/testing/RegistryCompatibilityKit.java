package io.mlops.testing;

import io.mlops.core.spi.Operation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.CandidateInfo;
import io.mlops.core.Experiment;
import io.mlops.core.MlopsException;
import io.mlops.core.Model;
import io.mlops.core.ModelQuery;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewCandidate;
import io.mlops.core.NewModelVersion;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.Page;
import io.mlops.core.RegistryClient;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.TrackingClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every backend's model registry must show through {@link RegistryClient}. A backend's test extends
 * this class and opens a registry client and a tracking client on the same backend (versions are created from real
 * candidates). Every model name carries a per-test suffix, so a shared server works too; the models a test created
 * are deleted afterwards, best effort.
 *
 * <p>A backend may lack operations ({@link io.mlops.core.spi.Capabilities}). Where a test reaches one, it checks instead that the call
 * fails with {@link OperationNotSupportedException} naming the backend, and what the backend does instead.
 */
public abstract class RegistryCompatibilityKit {
  @TempDir protected Path temp;
  protected RegistryClient registry;
  protected TrackingClient tracking;
  private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  /** Opens a registry client on the backend under test. */
  protected abstract RegistryClient openRegistry();

  /** Opens a tracking client on the same backend. */
  protected abstract TrackingClient openTracking();

  @BeforeEach
  void openBackend() {
    tracking = openTracking();
    registry = openRegistry();
  }

  @AfterEach
  void closeBackend() {
    try {
      for (Model m : registry.searchModels(ModelQuery.builder().filter("name LIKE '%" + suffix + "'").build())) {
        try {
          registry.deleteModel(m.name());
        } catch (MlopsException e) {
          // best effort: names are unique per test anyway
        }
      }
    } finally {
      registry.close();
      tracking.close();
    }
  }

  /**
   * False when the backend supports {@code op}. Otherwise checks that {@code call} fails with
   * {@link OperationNotSupportedException} naming the backend, and returns true.
   */
  protected final boolean lacks(Operation op, ThrowingCallable call) {
    if (registry.capabilities().supports(op)) {
      return false;
    }
    assertThatThrownBy(call).isInstanceOf(OperationNotSupportedException.class)
        .hasMessageContaining(registry.capabilities().backendName());
    return true;
  }

  private boolean supports(Operation op) {
    return registry.capabilities().supports(op);
  }

  /** A name unique to this test. */
  protected String name(String base) {
    return base + "-" + suffix;
  }

  /** A real candidate to promote, in an experiment of this test. */
  protected CandidateInfo newCandidate(String runName) {
    Experiment exp = tracking.getOrCreateExperiment(name("registry-kit"));
    return tracking.createCandidate(NewCandidate.builder().experimentId(exp.id()).name(runName)
        .startTime(System.currentTimeMillis()).build());
  }

  /** The model inside a candidate's artifacts, as promotion registers it. */
  protected static String modelSource(CandidateInfo candidate) {
    return candidate.artifactUri() + "/model";
  }

  /** Creates a version from a candidate with a semantic version tag. */
  protected ModelVersion newVersion(String model, CandidateInfo candidate, String semver) {
    return registry.createModelVersion(NewModelVersion.builder().modelName(model).source(modelSource(candidate))
        .candidateId(candidate.id()).putTag(ModelVersion.SEMVER_TAG, semver).build());
  }

  /**
   * The version links the candidate: the candidate itself, or, on a backend that keeps a version's data apart
   * (GitLab), a copy tagged {@value ModelVersion#PROMOTED_FROM_TAG} with the candidate's id.
   */
  protected void assertLinks(ModelVersion version, CandidateInfo candidate) {
    assertThat(version.candidateId()).isPresent();
    String linked = version.candidateId().get();
    if (!linked.equals(candidate.id())) {
      assertThat(tracking.getCandidate(linked).data().tags())
          .containsEntry(ModelVersion.PROMOTED_FROM_TAG, candidate.id());
      assertThat(version.tags()).containsEntry(ModelVersion.PROMOTED_FROM_TAG, candidate.id());
    }
  }

  private List<String> versionIds(String model) {
    return registry.listModelVersions(model).stream().map(ModelVersion::version).collect(Collectors.toList());
  }

  private List<String> searchNames(String filter, String... orderBy) {
    return registry.searchModels(ModelQuery.builder().filter(filter).addOrderBy(orderBy).maxResults(2).build())
        .stream().map(Model::name).collect(Collectors.toList());
  }

  // ---------------------------------------------------------------- models

  @Test
  void model_createGetAndFind() {
    Model created = registry.createModel(name("churn"), "Predicts churn", Map.of("team", "risk"));
    assertThat(created.name()).isEqualTo(name("churn"));
    assertThat(created.description()).isEqualTo("Predicts churn");
    assertThat(created.tags()).containsEntry("team", "risk");
    assertThat(created.aliases()).isEmpty();
    assertThat(created.creationTime()).isPositive();

    Model read = registry.getModel(name("churn"));
    assertThat(read.name()).isEqualTo(name("churn"));
    assertThat(read.description()).isEqualTo("Predicts churn");
    assertThat(read.tags()).containsEntry("team", "risk");
    assertThat(read.creationTime()).isEqualTo(created.creationTime());
    assertThat(registry.findModel(name("churn"))).isPresent();
    assertThat(registry.findModel(name("missing"))).isEmpty();
  }

  @Test
  void model_withoutDescriptionHasAnEmptyOne() {
    assertThat(registry.createModel(name("plain"), null, Map.of()).description()).isEmpty();
    assertThat(registry.getModel(name("plain")).description()).isEmpty();
  }

  @Test
  void model_duplicateNameIsAlreadyExists() {
    registry.createModel(name("dup"), null, Map.of());
    assertThatThrownBy(() -> registry.createModel(name("dup"), null, Map.of()))
        .isInstanceOf(ResourceAlreadyExistsException.class);
  }

  @Test
  void model_unknownIsNotFound() {
    assertThatThrownBy(() -> registry.getModel(name("nope"))).isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> registry.deleteModel(name("nope"))).isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> registry.updateModelDescription(name("nope"), "x"))
        .isInstanceOf(ResourceNotFoundException.class);
    if (supports(Operation.MODEL_TAGS)) {
      assertThatThrownBy(() -> registry.setModelTag(name("nope"), "k", "v"))
          .isInstanceOf(ResourceNotFoundException.class);
    }
  }

  @Test
  void model_searchByNamePatternAndTagWithOrderAndPaging() {
    registry.createModel(name("srch-b"), null, Map.of("team", "risk"));
    registry.createModel(name("srch-a"), null, Map.of("team", "risk"));
    registry.createModel(name("srch-c"), null, Map.of("team", "ops"));
    registry.createModel(name("other"), null, Map.of("team", "risk"));

    // MLflow's default order is by name, ascending; pages of 2 are joined by the client.
    assertThat(searchNames("name LIKE 'srch-%-" + suffix + "'"))
        .containsExactly(name("srch-a"), name("srch-b"), name("srch-c"));
    assertThat(searchNames("name LIKE 'srch-%-" + suffix + "'", "name DESC"))
        .containsExactly(name("srch-c"), name("srch-b"), name("srch-a"));
    assertThat(searchNames("name ILIKE 'SRCH-%-" + suffix.toUpperCase(java.util.Locale.ROOT) + "'"))
        .containsExactly(name("srch-a"), name("srch-b"), name("srch-c"));
    assertThat(searchNames("name = '" + name("srch-b") + "'")).containsExactly(name("srch-b"));
    assertThat(searchNames("name LIKE '%" + suffix + "' AND tags.team = 'risk'"))
        .containsExactly(name("other"), name("srch-a"), name("srch-b"));
    assertThat(searchNames("name LIKE '%" + suffix + "' AND tags.team != 'risk'")).containsExactly(name("srch-c"));
    assertThat(searchNames("name LIKE '%" + suffix + "' AND tags.missing = 'x'")).isEmpty();

    Page<Model> first = registry.searchModels(ModelQuery.builder().filter("name LIKE 'srch-%-" + suffix + "'")
        .maxResults(2).build()).firstPage();
    assertThat(first.items()).extracting(Model::name).containsExactly(name("srch-a"), name("srch-b"));
    assertThat(first.nextPageToken()).isPresent();
  }

  @Test
  void model_updateDescription() {
    registry.createModel(name("desc"), "old", Map.of());
    Model updated = registry.updateModelDescription(name("desc"), "new");
    assertThat(updated.description()).isEqualTo("new");
    assertThat(registry.getModel(name("desc")).description()).isEqualTo("new");
  }

  @Test
  void model_tagsSetOverwriteDelete() {
    registry.createModel(name("mtags"), null, Map.of("a", "1"));
    if (lacks(Operation.MODEL_TAGS, () -> registry.setModelTag(name("mtags"), "owner", "alice"))) {
      assertThat(registry.getModel(name("mtags")).tags()).containsExactly(Map.entry("a", "1"));
      return;
    }
    registry.setModelTag(name("mtags"), "owner", "alice");
    registry.setModelTag(name("mtags"), "owner", "bob");
    assertThat(registry.getModel(name("mtags")).tags()).containsEntry("owner", "bob").containsEntry("a", "1");
    registry.deleteModelTag(name("mtags"), "owner");
    assertThat(registry.getModel(name("mtags")).tags()).doesNotContainKey("owner").containsEntry("a", "1");
  }

  @Test
  void model_renameTakesVersionsAndAliasesAlong() {
    registry.createModel(name("before"), "d", Map.of("team", "risk"));
    if (lacks(Operation.RENAME_MODEL, () -> registry.renameModel(name("before"), name("after")))) {
      assertThat(registry.findModel(name("before"))).isPresent();
      return;
    }
    CandidateInfo c = newCandidate("r");
    ModelVersion v1 = newVersion(name("before"), c, "1.0.0");
    registry.setAlias(name("before"), "champion", v1.version());

    Model renamed = registry.renameModel(name("before"), name("after"));
    assertThat(renamed.name()).isEqualTo(name("after"));
    assertThat(registry.findModel(name("before"))).isEmpty();
    Model read = registry.getModel(name("after"));
    assertThat(read.tags()).containsEntry("team", "risk");
    assertThat(read.description()).isEqualTo("d");
    assertThat(read.aliases()).containsEntry("champion", v1.version());
    ModelVersion moved = registry.getModelVersion(name("after"), v1.version());
    assertThat(moved.modelName()).isEqualTo(name("after"));
    assertThat(moved.semver()).hasValue("1.0.0");
    assertThat(registry.getModelVersionByAlias(name("after"), "champion").version()).isEqualTo(v1.version());
  }

  @Test
  void model_renameOntoAnExistingNameIsAlreadyExists() {
    registry.createModel(name("ren-a"), null, Map.of());
    registry.createModel(name("ren-b"), null, Map.of());
    if (lacks(Operation.RENAME_MODEL, () -> registry.renameModel(name("ren-a"), name("ren-b")))) {
      return;
    }
    assertThatThrownBy(() -> registry.renameModel(name("ren-a"), name("ren-b")))
        .isInstanceOf(ResourceAlreadyExistsException.class);
    assertThat(registry.findModel(name("ren-a"))).isPresent();
  }

  @Test
  void model_deleteRemovesItWithItsVersions() {
    registry.createModel(name("gone"), null, Map.of());
    ModelVersion v = newVersion(name("gone"), newCandidate("r"), "1.0.0");
    registry.deleteModel(name("gone"));
    assertThat(registry.findModel(name("gone"))).isEmpty();
    assertThatThrownBy(() -> registry.getModelVersion(name("gone"), v.version()))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(searchNames("name = '" + name("gone") + "'")).isEmpty();

    registry.createModel(name("gone"), null, Map.of()); // the name is free again, with no versions
    assertThat(versionIds(name("gone"))).isEmpty();
  }

  // ---------------------------------------------------------------- versions

  @Test
  void version_downloadUri_namesWhereTheVersionsFilesAre() {
    String model = name("download");
    registry.createModel(model, null, Map.of());
    CandidateInfo c = newCandidate("download");
    ModelVersion v = registry.createModelVersion(NewModelVersion.builder().modelName(model).source(modelSource(c))
        .candidateId(c.id()).putTag(ModelVersion.SEMVER_TAG, "1.0.0").putTag(ModelVersion.ARTIFACT_PATH_TAG, "model")
        .build());

    // the source itself (MLflow's storage_location), or, where the version's files live in its own candidate
    // (GitLab's package), that candidate's model/ folder
    assertThat(registry.getModelVersionDownloadUri(model, v.version()))
        .isIn(modelSource(c), "runs:/" + v.candidateId().orElse("?") + "/model");
    assertThatThrownBy(() -> registry.getModelVersionDownloadUri(model, "999999"))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void version_createFromCandidateWithSemverTag() {
    registry.createModel(name("ver"), null, Map.of());
    CandidateInfo c = newCandidate("train");
    ModelVersion created = registry.createModelVersion(NewModelVersion.builder().modelName(name("ver"))
        .source(modelSource(c)).candidateId(c.id()).putTag(ModelVersion.SEMVER_TAG, "1.4.0")
        .putTag("framework", "xgboost").description("first").build());
    assertThat(created.modelName()).isEqualTo(name("ver"));
    assertThat(created.version()).isNotEmpty();
    assertThat(created.source()).isEqualTo(c.artifactUri() + "/model");
    assertLinks(created, c);
    assertThat(created.semver()).hasValue("1.4.0");
    assertThat(created.tags()).containsEntry("framework", "xgboost");
    assertThat(created.description()).isEqualTo("first");
    assertThat(created.status()).isEqualTo("READY");
    assertThat(created.aliases()).isEmpty();

    ModelVersion read = registry.getModelVersion(name("ver"), created.version());
    assertThat(read.version()).isEqualTo(created.version());
    assertThat(read.source()).isEqualTo(created.source());
    assertThat(read.candidateId()).isEqualTo(created.candidateId());
    assertThat(read.tags()).containsEntry(ModelVersion.SEMVER_TAG, "1.4.0").containsEntry("framework", "xgboost");
    assertThat(read.description()).isEqualTo("first");
    assertThat(read.creationTime()).isEqualTo(created.creationTime());
  }

  @Test
  void version_listHasEveryVersionInCreationOrder() {
    registry.createModel(name("list"), null, Map.of());
    CandidateInfo c = newCandidate("r");
    ModelVersion a = newVersion(name("list"), c, "1.0.0");
    ModelVersion b = newVersion(name("list"), c, "1.1.0");
    ModelVersion d = newVersion(name("list"), c, "2.0.0");
    assertThat(List.of(a.version(), b.version(), d.version())).doesNotHaveDuplicates();
    List<ModelVersion> listed = registry.listModelVersions(name("list")).stream().collect(Collectors.toList());
    assertThat(listed).extracting(ModelVersion::version).containsExactly(a.version(), b.version(), d.version());
    assertThat(listed).extracting(v -> v.semver().orElse("?")).containsExactly("1.0.0", "1.1.0", "2.0.0");
    assertThat(listed).allSatisfy(v -> assertThat(v.modelName()).isEqualTo(name("list")));
  }

  @Test
  void version_updateDescriptionAndTags() {
    registry.createModel(name("vmeta"), null, Map.of());
    ModelVersion v = newVersion(name("vmeta"), newCandidate("r"), "1.0.0");
    assertThat(registry.updateModelVersionDescription(name("vmeta"), v.version(), "better").description())
        .isEqualTo("better");
    if (lacks(Operation.MODEL_TAGS, () -> registry.setModelVersionTag(name("vmeta"), v.version(), "k", "v"))) {
      ModelVersion read = registry.getModelVersion(name("vmeta"), v.version());
      assertThat(read.description()).isEqualTo("better");
      assertThat(read.tags()).containsEntry(ModelVersion.SEMVER_TAG, "1.0.0").doesNotContainKey("k");
      return;
    }
    registry.setModelVersionTag(name("vmeta"), v.version(), "validated", "no");
    registry.setModelVersionTag(name("vmeta"), v.version(), "validated", "yes");
    ModelVersion read = registry.getModelVersion(name("vmeta"), v.version());
    assertThat(read.description()).isEqualTo("better");
    assertThat(read.tags()).containsEntry("validated", "yes").containsEntry(ModelVersion.SEMVER_TAG, "1.0.0");
    registry.deleteModelVersionTag(name("vmeta"), v.version(), "validated");
    assertThat(registry.getModelVersion(name("vmeta"), v.version()).tags()).doesNotContainKey("validated")
        .containsEntry(ModelVersion.SEMVER_TAG, "1.0.0");
  }

  @Test
  void version_deleteHidesItDropsItsAliasesAndNeverReusesItsId() {
    registry.createModel(name("vdel"), null, Map.of());
    CandidateInfo c = newCandidate("r");
    ModelVersion v1 = newVersion(name("vdel"), c, "1.0.0");
    ModelVersion v2 = newVersion(name("vdel"), c, "2.0.0");
    if (lacks(Operation.DELETE_MODEL_VERSION, () -> registry.deleteModelVersion(name("vdel"), v2.version()))) {
      assertThat(versionIds(name("vdel"))).containsExactly(v1.version(), v2.version());
      return;
    }
    boolean aliases = supports(Operation.MODEL_ALIASES);
    if (aliases) {
      registry.setAlias(name("vdel"), "champion", v2.version());
      registry.setAlias(name("vdel"), "stable", v1.version());
    }

    registry.deleteModelVersion(name("vdel"), v2.version());
    assertThatThrownBy(() -> registry.getModelVersion(name("vdel"), v2.version()))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(versionIds(name("vdel"))).containsExactly(v1.version());
    if (aliases) {
      assertThatThrownBy(() -> registry.getModelVersionByAlias(name("vdel"), "champion"))
          .isInstanceOf(ResourceNotFoundException.class);
      assertThat(registry.getModel(name("vdel")).aliases()).containsOnlyKeys("stable");
    }
    assertThatThrownBy(() -> registry.deleteModelVersion(name("vdel"), v2.version()))
        .isInstanceOf(ResourceNotFoundException.class);

    ModelVersion v3 = newVersion(name("vdel"), c, "3.0.0");
    assertThat(v3.version()).isNotIn(v1.version(), v2.version());
  }

  @Test
  void version_ofUnknownModelIsNotFound() {
    CandidateInfo c = newCandidate("r");
    assertThatThrownBy(() -> newVersion(name("nomodel"), c, "1.0.0")).isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> registry.listModelVersions(name("nomodel")).stream().count())
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void version_unknownIsNotFound() {
    registry.createModel(name("nover"), null, Map.of());
    assertThatThrownBy(() -> registry.getModelVersion(name("nover"), "987654"))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> registry.updateModelVersionDescription(name("nover"), "987654", "x"))
        .isInstanceOf(ResourceNotFoundException.class);
    if (supports(Operation.MODEL_TAGS)) {
      assertThatThrownBy(() -> registry.setModelVersionTag(name("nover"), "987654", "k", "v"))
          .isInstanceOf(ResourceNotFoundException.class);
    }
  }

  // ---------------------------------------------------------------- aliases

  @Test
  void alias_setResolveMoveAndDelete() {
    registry.createModel(name("alias"), null, Map.of());
    CandidateInfo c = newCandidate("r");
    ModelVersion v1 = newVersion(name("alias"), c, "1.0.0");
    ModelVersion v2 = newVersion(name("alias"), c, "1.1.0");
    if (lacks(Operation.MODEL_ALIASES, () -> registry.setAlias(name("alias"), "champion", v1.version()))) {
      assertThat(registry.getModel(name("alias")).aliases()).isEmpty();
      return;
    }

    registry.setAlias(name("alias"), "champion", v1.version());
    ModelVersion resolved = registry.getModelVersionByAlias(name("alias"), "champion");
    assertThat(resolved.version()).isEqualTo(v1.version());
    assertThat(resolved.semver()).hasValue("1.0.0");
    assertThat(resolved.aliases()).containsExactly("champion");
    assertThat(registry.getModel(name("alias")).aliases()).containsExactly(Map.entry("champion", v1.version()));

    registry.setAlias(name("alias"), "champion", v2.version()); // moves
    assertThat(registry.getModelVersionByAlias(name("alias"), "champion").version()).isEqualTo(v2.version());
    assertThat(registry.getModelVersion(name("alias"), v1.version()).aliases()).isEmpty();
    assertThat(registry.getModelVersion(name("alias"), v2.version()).aliases()).containsExactly("champion");
    assertThat(registry.getModel(name("alias")).aliases()).containsExactly(Map.entry("champion", v2.version()));

    registry.deleteAlias(name("alias"), "champion");
    assertThatThrownBy(() -> registry.getModelVersionByAlias(name("alias"), "champion"))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(registry.getModel(name("alias")).aliases()).isEmpty();
    assertThat(registry.getModelVersion(name("alias"), v2.version()).aliases()).isEmpty();
  }

  @Test
  void alias_unknownIsNotFound() {
    registry.createModel(name("noalias"), null, Map.of());
    if (lacks(Operation.MODEL_ALIASES, () -> registry.getModelVersionByAlias(name("noalias"), "champion"))) {
      return;
    }
    assertThatThrownBy(() -> registry.getModelVersionByAlias(name("noalias"), "champion"))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> registry.getModelVersionByAlias(name("nomodel"), "champion"))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void alias_onUnknownVersionIsNotFound() {
    registry.createModel(name("badalias"), null, Map.of());
    if (lacks(Operation.MODEL_ALIASES, () -> registry.setAlias(name("badalias"), "champion", "987654"))) {
      return;
    }
    assertThatThrownBy(() -> registry.setAlias(name("badalias"), "champion", "987654"))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(registry.getModel(name("badalias")).aliases()).isEmpty();
  }

  @Test
  void version_withASemverAlreadyTaken_isAlreadyExistsAndLeavesOneVersion() {
    String model = name("semver-unique");
    registry.createModel(model, null, java.util.Map.of());
    CandidateInfo c = newCandidate("r");
    newVersion(model, c, "1.0.0");
    assertThatThrownBy(() -> newVersion(model, c, "1.0.0"))
        .isInstanceOf(io.mlops.core.ResourceAlreadyExistsException.class).hasMessageContaining("1.0.0");
    assertThat(versionIds(model)).hasSize(1);
    newVersion(model, c, "1.0.1");
    assertThat(versionIds(model)).hasSize(2);
  }
}
