package io.mlops.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateInfo;
import io.mlops.core.Model;
import io.mlops.core.ModelQuery;
import io.mlops.core.ModelVersion;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Promotion: the version links its candidate, takes the candidate's files (all or {@code model/}), exposes the
 * candidate's params, metrics and run context, exports the training configuration; bad input is a typed error that
 * says what was wrong and leaves nothing half-created.
 */
class ModelRegistryPromotionTest {
  @TempDir Path temp;
  private ModelRegistry registry;
  private CandidateInfo candidate;

  @BeforeEach
  void open() {
    registry = RegistryFixture.localRegistry(temp.resolve("mlruns"));
    candidate = RegistryFixture.candidateWithModel(registry.trackingClient(), temp, "promotion", "lr-0.5");
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private List<String> modelNames() {
    return registry.registryClient().searchModels(ModelQuery.all()).stream().map(Model::name)
        .collect(Collectors.toList());
  }

  @Test
  void promote_createsTheMissingModel_andLinksTheCandidate() {
    assertThat(registry.findModel("churn")).isEmpty();

    RegisteredVersion v = registry.promote(candidate.id(), "churn", VersionSpec.of("1.4.0"), "lr=0.5; 0.86 acc");

    assertThat(registry.findModel("churn")).isPresent();
    assertThat(v.candidateId()).hasValue(candidate.id());
    assertThat(v.description()).isEqualTo("lr=0.5; 0.86 acc");
    assertThat(v.creationTime()).isPositive();
    ModelVersion stored = registry.registryClient().getModelVersion("churn", v.backendVersion());
    assertThat(stored.candidateId()).hasValue(candidate.id());
    assertThat(stored.tags()).containsEntry(ModelVersion.SEMVER_TAG, "1.4.0");
  }

  @Test
  void promote_withoutArtifactPath_makesAllOfTheCandidatesArtifactsTheSource() {
    RegisteredVersion v = registry.promote(candidate.id(), "churn", VersionSpec.of("1.0.0"), null);

    assertThat(v.artifactPath()).isEmpty();
    assertThat(v.source()).isEqualTo(candidate.artifactUri().replaceAll("/+$", ""));
    assertThat(v.tags()).containsEntry(ModelRegistry.ARTIFACT_PATH_TAG, "");
    assertThat(v.description()).isEmpty();
  }

  @Test
  void promote_withArtifactPathModel_makesTheModelFolderTheSource() {
    RegisteredVersion v = registry.promote(Promotion.builder().candidateId(candidate.id()).modelName("churn")
        .version(VersionSpec.of("1.0.0")).artifactPath("model/").build());

    assertThat(v.artifactPath()).isEqualTo("model");
    assertThat(v.source()).isEqualTo(candidate.artifactUri().replaceAll("/+$", "") + "/model");
    assertThat(v.tags()).containsEntry(ModelRegistry.ARTIFACT_PATH_TAG, "model");
  }

  @Test
  void promote_keepsTheGivenTags_besideTheRegistrysOwn() {
    RegisteredVersion v = registry.promote(Promotion.builder().candidateId(candidate.id()).modelName("churn")
        .version(VersionSpec.of("1.0.0")).artifactPath("model").putTag("dataset", "2026-q3")
        .putTag(ModelVersion.SEMVER_TAG, "9.9.9").build());

    assertThat(v.tags()).containsEntry("dataset", "2026-q3").containsEntry(ModelVersion.SEMVER_TAG, "1.0.0");
  }

  @Test
  void promote_intoAnExistingModel_withCreateModelIfMissingOff_works() {
    registry.createModel("churn", "Predicts churn", Map.of("team", "risk"));

    RegisteredVersion v = registry.promote(Promotion.builder().candidateId(candidate.id()).modelName("churn")
        .version(VersionSpec.bump(Bump.MAJOR)).createModelIfMissing(false).build());

    assertThat(v.semver()).isEqualTo("1.0.0");
    assertThat(registry.findModel("churn").get().description()).isEqualTo("Predicts churn");
  }

  @Test
  void candidateOfAVersion_hasTheCandidatesParamsMetricsAndRunContext() {
    RegisteredVersion v = registry.promote(candidate.id(), "churn", VersionSpec.of("1.0.0"), null);

    Candidate c = registry.candidate(registry.resolve("models:/churn/1.0.0"));

    assertThat(c.id()).isEqualTo(candidate.id());
    assertThat(c.name()).isEqualTo("lr-0.5");
    assertThat(c.data().params()).containsOnly(entry("lr", "0.5"), entry("l2", "0"));
    assertThat(c.data().metrics().get("accuracy").value()).isEqualTo(0.86);
    assertThat(c.data().tags()).containsEntry("mlflow.source.git.commit", RegistryFixture.COMMIT)
        .containsEntry("mlops.ci.job_url", RegistryFixture.CI_JOB_URL);
    assertThat(registry.candidate(v).id()).isEqualTo(candidate.id());
  }

  // ---------------------------------------------------------------- training configuration

  private static final Map<String, String> EXPECTED_CONFIG = expectedConfig();

  private static Map<String, String> expectedConfig() {
    Map<String, String> m = new TreeMap<>();
    m.put("model.name", "churn");
    m.put("model.version", "1.5.0");
    m.put("candidate.name", "lr-0.5");
    m.put("param.lr", "0.5");
    m.put("param.l2", "0");
    m.put("git.commit", RegistryFixture.COMMIT);
    m.put("git.branch", RegistryFixture.BRANCH);
    m.put("git.repo_url", RegistryFixture.REPO_URL);
    m.put("ci.job_url", RegistryFixture.CI_JOB_URL);
    m.put("ci.pipeline_id", "815");
    return m;
  }

  @Test
  void trainingConfiguration_hasParamsGitAndCiContext() {
    RegisteredVersion v = registry.promote(candidate.id(), "churn", VersionSpec.of("1.5.0"), null);

    Map<String, String> config = registry.trainingConfiguration(v);

    assertThat(config).containsAllEntriesOf(EXPECTED_CONFIG).containsEntry("candidate.id", candidate.id());
    assertThat(config.keySet()).allMatch(k -> k.startsWith("model.") || k.startsWith("candidate.")
        || k.startsWith("param.") || k.startsWith("git.") || k.startsWith("ci.") || k.startsWith("source."));
  }

  @Test
  void writeTrainingConfiguration_toJson_roundTripsTheMap() throws IOException {
    RegisteredVersion v = registry.promote(candidate.id(), "churn", VersionSpec.of("1.5.0"), null);
    Path file = temp.resolve("out/churn-1.5.0.json");

    assertThat(registry.writeTrainingConfiguration(v, file)).isEqualTo(file);

    Map<String, String> read = new ObjectMapper().readValue(file.toFile(), new TypeReference<Map<String, String>>() {});
    assertThat(read).isEqualTo(registry.trainingConfiguration(v)).containsAllEntriesOf(EXPECTED_CONFIG);
  }

  @Test
  void writeTrainingConfiguration_toProperties_roundTripsTheMap() throws IOException {
    RegisteredVersion v = registry.promote(candidate.id(), "churn", VersionSpec.of("1.5.0"), null);
    Path file = temp.resolve("churn-1.5.0.PROPERTIES");

    registry.writeTrainingConfiguration(v, file);

    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    Map<String, String> read = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> read.put(k, p.getProperty(k)));
    assertThat(read).isEqualTo(registry.trainingConfiguration(v)).containsAllEntriesOf(EXPECTED_CONFIG);
  }

  @Test
  void writeTrainingConfiguration_toAnotherFormat_isRefused_andWritesNothing() {
    RegisteredVersion v = registry.promote(candidate.id(), "churn", VersionSpec.of("1.5.0"), null);
    Path file = temp.resolve("churn.yaml");

    assertThatThrownBy(() -> registry.writeTrainingConfiguration(v, file))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("config-format"))
        .hasMessageContaining(".json").hasMessageContaining(".properties");
    assertThat(file).doesNotExist();
  }

  // ---------------------------------------------------------------- bad input

  @ParameterizedTest
  @ValueSource(strings = {"1.2", "v1.2.0", "01.2.3"})
  void invalidSemver_isAValidationErrorNamingTheRule_andNothingIsCreated(String version) {
    assertThatThrownBy(() -> registry.promote(candidate.id(), "churn", VersionSpec.of(version), null))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("semver"))
        .hasMessageContaining("'" + version + "'").hasMessageContaining("MAJOR.MINOR.PATCH");
    assertThat(modelNames()).isEmpty();
  }

  @Test
  void existingVersion_isResourceAlreadyExists_andTheModelKeepsItsVersions() {
    registry.promote(candidate.id(), "churn", VersionSpec.of("1.0.0"), "first");

    assertThatThrownBy(() -> registry.promote(candidate.id(), "churn", VersionSpec.of("1.0.0"), "second"))
        .isInstanceOf(ResourceAlreadyExistsException.class).hasMessageContaining("1.0.0");
    assertThat(registry.findModel("churn")).isPresent();
    assertThat(registry.versions("churn", true)).singleElement()
        .satisfies(v -> assertThat(v.description()).isEqualTo("first"));
  }

  @Test
  void unknownCandidate_isNotFound_andTheModelIsNotCreated() {
    String unknown = "0123456789abcdef0123456789abcdef";

    assertThatThrownBy(() -> registry.promote(unknown, "churn", VersionSpec.of("1.0.0"), null))
        .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining(unknown);
    assertThat(modelNames()).isEmpty();
  }

  @Test
  void malformedCandidateId_isAValidationError_andTheModelIsNotCreated() {
    assertThatThrownBy(() -> registry.promote("not a run id!", "churn", VersionSpec.of("1.0.0"), null))
        .isInstanceOf(ValidationException.class).hasMessageContaining("not a run id!");
    assertThat(modelNames()).isEmpty();
  }

  @Test
  void unknownModel_withCreateModelIfMissingOff_isNotFound_andTheModelIsNotCreated() {
    assertThatThrownBy(() -> registry.promote(Promotion.builder().candidateId(candidate.id()).modelName("churn")
        .version(VersionSpec.of("1.0.0")).createModelIfMissing(false).build()))
        .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("churn")
        .hasMessageContaining("createModelIfMissing");
    assertThat(modelNames()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"team/churn", "churn\\v2", "50%", "..", " "})
  void invalidModelName_isAValidationError_andNothingIsCreated(String name) {
    assertThatThrownBy(() -> registry.promote(candidate.id(), name, VersionSpec.of("1.0.0"), null))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).startsWith("model-name"))
        .hasMessageContaining("Model name");
    assertThat(modelNames()).isEmpty();
    assertThat(temp.resolve("mlruns/models/team")).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"weights", "model/missing.bin", "missing/deeper/model"})
  void unknownArtifactPath_isAValidationError_andTheNewModelIsNotCreated(String path) {
    assertThatThrownBy(() -> registry.promote(Promotion.builder().candidateId(candidate.id()).modelName("churn")
        .version(VersionSpec.of("1.0.0")).artifactPath(path).build()))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("artifact-path"))
        .hasMessageContaining("'" + path + "'").hasMessageContaining(candidate.id());
    assertThat(registry.findModel("churn")).isEmpty();
    assertThat(modelNames()).isEmpty();
  }

  @Test
  void artifactPathLeavingTheCandidate_isAValidationError_andTheModelIsNotCreated() {
    assertThatThrownBy(() -> registry.promote(Promotion.builder().candidateId(candidate.id()).modelName("churn")
        .version(VersionSpec.of("1.0.0")).artifactPath("../other-run").build()))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("artifact-path"));
    assertThat(modelNames()).isEmpty();
  }

  @Test
  void failureAfterTheModelWasCreated_removesTheNewModelAgain() {
    // the tag key is only checked when the version is created, i.e. after the model was created for it
    assertThatThrownBy(() -> registry.promote(Promotion.builder().candidateId(candidate.id()).modelName("churn")
        .version(VersionSpec.of("1.0.0")).putTag("bad key!", "x").build()))
        .isInstanceOf(ValidationException.class).hasMessageContaining("bad key!");
    assertThat(registry.findModel("churn")).isEmpty();
    assertThat(modelNames()).isEmpty();
  }

  @Test
  void failureInAnExistingModel_keepsTheModelAndItsVersions() {
    registry.promote(candidate.id(), "churn", VersionSpec.of("1.0.0"), null);

    assertThatThrownBy(() -> registry.promote(Promotion.builder().candidateId(candidate.id()).modelName("churn")
        .version(VersionSpec.of("1.1.0")).putTag("bad key!", "x").build()))
        .isInstanceOf(ValidationException.class);
    assertThat(registry.versions("churn", true)).extracting(RegisteredVersion::semver).containsExactly("1.0.0");
  }
}
