package io.mlops.gitlab.internal;

import io.mlops.gitlab.GitlabBackendProvider;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.MlopsConfig;
import io.mlops.core.internal.BackendResolver;
import io.mlops.mlflow.MlflowBackendProvider;
import io.mlops.mlflow.internal.MlflowHttp;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.Capabilities;
import io.mlops.core.spi.Operation;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Selection by tracking URI and the capabilities GitLab states (reference §1). */
class GitlabBackendProviderTest {
  private final GitlabBackendProvider gitlab = new GitlabBackendProvider();
  private final MlflowBackendProvider mlflow = new MlflowBackendProvider();

  @Test
  void score_beatsMlflowForGitlabMlflowUris() {
    // <gitlab>/api/v4/projects/<id or url-encoded path>/ml/mlflow (reference §1 "Tracking URI", [MC])
    for (String uri : new String[] {
        "https://gitlab.com/api/v4/projects/42/ml/mlflow",
        "https://gitlab.com/api/v4/projects/42/ml/mlflow/",
        "https://gitlab.example.com/api/v4/projects/group%2Fsub%2Fproj/ml/mlflow",
        "http://host:8080/gitlab/api/v4/projects/7/ml/mlflow"}) {
      assertThat(gitlab.score(uri)).as(uri).isGreaterThan(mlflow.score(uri));
    }
  }

  @Test
  void score_isZeroForOtherUris() {
    for (String uri : new String[] {
        "http://localhost:5000",
        "https://gitlab.com/api/v4/projects/42/mlflow", // the gitlab-mlops README form without /ml ([PYPI])
        "https://gitlab.com/api/v4/projects/42/ml/mlflow/api/2.0/mlflow",
        "file:///tmp/mlruns", "/tmp/mlruns"}) {
      assertThat(gitlab.score(uri)).as(uri).isZero();
    }
  }

  @Test
  void capabilities_stateGitlabsOperationsAndLimits() {
    Capabilities c = GitlabCapabilities.of();

    assertThat(c.backendName()).isEqualTo("GitLab");
    assertThat(c.operations()).containsExactlyInAnyOrderElementsOf(EnumSet.of(Operation.CREATE_EXPERIMENT,
        Operation.GET_EXPERIMENT, Operation.GET_EXPERIMENT_BY_NAME, Operation.SEARCH_EXPERIMENTS,
        Operation.DELETE_EXPERIMENT, Operation.SET_EXPERIMENT_TAG, Operation.CREATE_CANDIDATE,
        Operation.GET_CANDIDATE, Operation.UPDATE_CANDIDATE, Operation.DELETE_CANDIDATE,
        Operation.SEARCH_CANDIDATES, Operation.SEARCH_CANDIDATES_WITH_FILTER, Operation.LOG_BATCH,
        Operation.GET_METRIC_HISTORY, Operation.UPLOAD_ARTIFACT, Operation.LIST_ARTIFACTS, Operation.DOWNLOAD_ARTIFACT,
        Operation.MODEL_REGISTRY, Operation.DELETE_MODEL_VERSION));
    for (Operation lacking : List.of(Operation.RENAME_EXPERIMENT, Operation.RESTORE_EXPERIMENT,
        Operation.DELETE_EXPERIMENT_TAG, Operation.OVERWRITE_TAGS, Operation.RENAME_CANDIDATE,
        Operation.RESTORE_CANDIDATE, Operation.DELETE_TAG, Operation.RENAME_MODEL, Operation.MODEL_TAGS,
        Operation.MODEL_ALIASES)) {
      assertThat(c.supports(lacking)).as(lacking.name()).isFalse();
    }
    assertThat(c.maxKeyLength()).isEqualTo(250);
    assertThat(c.maxParamValueLength()).isEqualTo(250);
    assertThat(c.maxTagValueLength()).isEqualTo(5000);
    assertThat(c.maxExperimentTagValueLength()).isEqualTo(5000);
  }

  @Test
  void resolver_opensGitlabForItsUris_throughTheServiceFile() {
    MlopsConfig config = MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
        .trackingUri("https://gitlab.example.com/api/v4/projects/42/ml/mlflow").build();

    try (Backend backend = BackendResolver.open(config)) {
      assertThat(backend.capabilities().backendName()).isEqualTo("GitLab");
    }
  }

  @Test
  void urlEncodedProjectPath_staysOneSegmentInRequests() {
    // A project given by path must reach GitLab as group%2Fproj, one segment (reference §1 "Tracking URI")
    MlopsConfig config = MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
        .trackingUri("https://gitlab.example.com/api/v4/projects/group%2Fsub%2Fproj/ml/mlflow").build();

    try (MlflowHttp http = new MlflowHttp(config)) {
      assertThat(http.url("api/2.0/mlflow/runs/get").build().encodedPath())
          .isEqualTo("/api/v4/projects/group%2Fsub%2Fproj/ml/mlflow/api/2.0/mlflow/runs/get");
    }
  }
}
