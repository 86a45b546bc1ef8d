package io.mlops.gitlab.internal;

import io.mlops.gitlab.GitlabBackendProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.ArtifactInfo;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateStatus;
import io.mlops.core.Experiment;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.MlopsServiceException;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewCandidate;
import io.mlops.core.NewModelVersion;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.Param;
import io.mlops.core.PermissionDeniedException;
import io.mlops.core.RegistryClient;
import io.mlops.core.Tag;
import io.mlops.core.TrackingClient;
import io.mlops.core.ValidationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promotion on GitLab, against {@link GitlabFake}: GitLab links a version only to a candidate of the model's own
 * experiment {@code [model]<name>} (create_model_version_service.rb: "Run's experiment does not belong to this
 * model"), so a candidate of that experiment is linked as it is and any other one is copied into the version's own
 * candidate: params, full metric histories, tags, the files under the version's source, status.
 */
class GitlabPromotionTest {
  private static final GitlabFake GITLAB = new GitlabFake();
  @RegisterExtension static WireMockExtension wm = GitlabFake.server(GITLAB);
  @TempDir Path temp;

  private TrackingClient tracking;
  private RegistryClient registry;
  private final String model = "churn-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void open() {
    GitlabFake.install(wm);
    tracking = GitlabStubs.client(wm);
    registry = registry(GitlabStubs.config(wm));
  }

  @AfterEach
  void close() {
    registry.close();
    tracking.close();
    GITLAB.project("42").maxFileSize = 10_737_418_240L;
  }

  private static RegistryClient registry(MlopsConfig config) {
    return RegistryClient.create(config, new GitlabBackendProvider().open(config));
  }

  /** A finished candidate with params, a metric history, tags and files in model/ and beside it. */
  private CandidateInfo trainedCandidate(String experiment) throws Exception {
    Experiment e = tracking.getOrCreateExperiment(experiment);
    CandidateInfo c = tracking.createCandidate(NewCandidate.builder().experimentId(e.id()).name("train")
        .startTime(1_700_000_000_000L).build());
    tracking.logBatch(c.id(), List.of(Metric.of("loss", 0.9, 1, 0), Metric.of("loss", 0.5, 2, 1),
        Metric.of("loss", 0.2, 3, 2)), List.of(Param.of("lr", "0.1")), List.of(Tag.of("team", "risk")));
    Path dir = Files.createDirectories(temp.resolve("out/model/sub"));
    Files.write(dir.resolve("c.json"), "{}".getBytes(StandardCharsets.UTF_8));
    Files.write(temp.resolve("out/model/w.bin"), new byte[] {1, 2, 3});
    Files.write(temp.resolve("out/notes.txt"), "n".getBytes(StandardCharsets.UTF_8));
    tracking.uploadArtifacts(c.id(), temp.resolve("out"), "");
    tracking.endCandidate(c.id(), CandidateStatus.FINISHED);
    return tracking.getCandidate(c.id()).info();
  }

  private ModelVersion promote(CandidateInfo c, String semver) {
    return registry.createModelVersion(NewModelVersion.builder().modelName(model).source(c.artifactUri() + "model")
        .candidateId(c.id()).putTag(ModelVersion.SEMVER_TAG, semver).build());
  }

  @Test
  void candidateOfAnotherExperiment_isCopiedIntoTheVersionsCandidate() throws Exception {
    registry.createModel(model, null, Map.of());
    CandidateInfo c = trainedCandidate("training-" + model);

    ModelVersion v = promote(c, "1.2.0");

    assertThat(v.semver()).hasValue("1.2.0");
    assertThat(v.tags()).containsEntry(GitlabRegistryStore.GITLAB_VERSION_TAG, "1.2.0")
        .containsEntry(ModelVersion.PROMOTED_FROM_TAG, c.id());
    assertThat(v.source()).isEqualTo(c.artifactUri() + "model");
    String copyId = v.candidateId().orElseThrow();
    assertThat(copyId).isNotEqualTo(c.id());
    Candidate copy = tracking.getCandidate(copyId);
    assertThat(copy.info().experimentId()).isEqualTo(tracking.getExperimentByName("[model]" + model).id());
    assertThat(copy.info().status()).isEqualTo(CandidateStatus.FINISHED);
    assertThat(copy.info().artifactUri()).endsWith("/packages/ml_models/" + v.version() + "/files/");
    assertThat(copy.data().params()).containsEntry("lr", "0.1");
    assertThat(copy.data().tags()).containsEntry("team", "risk").containsEntry(ModelVersion.PROMOTED_FROM_TAG, c.id())
        .containsEntry("mlflow.runName", "train");
    assertThat(tracking.getMetricHistory(copyId, "loss")).extracting(Metric::value).containsExactly(0.9, 0.5, 0.2);
    assertThat(copy.data().metrics().get("loss").value()).isEqualTo(0.2);
    // only the files under the version's source, at the same paths
    assertThat(tracking.listArtifactsRecursively(copyId, "")).containsExactlyInAnyOrder(
        ArtifactInfo.file("model/w.bin", 3), ArtifactInfo.file("model/sub/c.json", 2));
    Path out = tracking.downloadArtifacts(copyId, "model", temp.resolve("dl"));
    assertThat(Files.readAllBytes(out.resolve("w.bin"))).containsExactly(1, 2, 3);
    // the original is untouched
    assertThat(tracking.listArtifactsRecursively(c.id(), "")).hasSize(3);
  }

  @Test
  void candidateOfTheModelsExperiment_isLinkedAsItIs() throws Exception {
    registry.createModel(model, null, Map.of());
    CandidateInfo c = trainedCandidate("[model]" + model);

    ModelVersion v = promote(c, "1.0.0");

    assertThat(v.candidateId()).hasValue(c.id());
    assertThat(v.tags()).doesNotContainKey(ModelVersion.PROMOTED_FROM_TAG);
    // GitLab renames the candidate's package to the version's: its files are the version's files now
    CandidateInfo linked = tracking.getCandidate(c.id()).info();
    assertThat(linked.artifactUri()).endsWith("/packages/ml_models/" + v.version() + "/files/");
    assertThat(tracking.listArtifactsRecursively(c.id(), "")).hasSize(3);
    assertThat(GITLAB.served).noneMatch(r -> r.contains("/packages/ml_models/" + v.version() + "/files/")
        && r.startsWith("PUT"));
  }

  @Test
  void aCopyThatFails_deletesTheVersionAgain() throws Exception {
    registry.createModel(model, null, Map.of());
    CandidateInfo c = trainedCandidate("training-" + model);
    GITLAB.project("42").maxFileSize = 1; // the copy's uploads are refused: "Artifact file is too large"

    assertThatThrownBy(() -> promote(c, "2.0.0")).isInstanceOf(MlopsServiceException.class)
        .hasMessageContaining("too large");

    assertThat(registry.listModelVersions(model).stream().count()).isZero();
    assertThat(GITLAB.served).anyMatch(r -> r.equals("POST /api/graphql"));
  }

  @Test
  void gitlabsValidationMessages_reachTheCaller() throws Exception {
    registry.createModel(model, null, Map.of());
    CandidateInfo c = trainedCandidate("training-" + model);

    // Gitlab::Regex.semver_regex refuses "1.0"; the service answers message: ["Version must be semantic version"]
    assertThatThrownBy(() -> promote(c, "1.0")).isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("Version must be semantic version");
    assertThatThrownBy(() -> registry.createModel("has space", null, Map.of()))
        .isInstanceOf(ValidationException.class).hasMessageContaining("GitLab");
    assertThatThrownBy(() -> registry.setAlias(model, "champion", "1"))
        .isInstanceOf(OperationNotSupportedException.class).hasMessageContaining("GitLab");
  }

  @Test
  void tokensWithoutWriteAccess_arePermissionDenied() {
    // read_api: 403 insufficient_scope before the route runs (lib/api/api_guard.rb); Reporter role: the MLflow
    // routes' check_api_write! answers 401 (lib/api/ml/mlflow/api_helpers.rb)
    for (String token : List.of(GitlabFake.READ_TOKEN, GitlabFake.REPORTER_TOKEN)) {
      try (RegistryClient limited = registry(GitlabStubs.config(wm).toBuilder().token(token).build())) {
        assertThatThrownBy(() -> limited.createModel(model, null, Map.of()))
            .isInstanceOf(PermissionDeniedException.class);
        assertThat(limited.findModel(model)).isEmpty(); // reads work
      }
    }
  }
}
