package io.mlops.gitlab;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.core.internal.BackendModule;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The core's table of official modules agrees with this module's provider, which the service file installs. */
class GitlabModuleTest {
  @Test
  void theCoreTable_agreesWithThisProvider() {
    GitlabBackendProvider provider = new GitlabBackendProvider();
    for (String uri : new String[] {"https://gitlab.com/api/v4/projects/42/ml/mlflow",
        "https://host/gitlab/api/v4/projects/my%2Fproject/ml/mlflow/", "http://127.0.0.1:8080/api/v4/projects/1/ml/mlflow"}) {
      assertThat(provider.score(uri)).as(uri).isEqualTo(BackendModule.GITLAB.score());
      assertThat(BackendModule.serving(uri)).as(uri).isEqualTo(BackendModule.GITLAB);
    }
    for (String uri : new String[] {"https://gitlab.com", "https://gitlab.com/api/v4/projects/42",
        "https://gitlab.com/api/v4/projects/42/ml/mlflow/api/2.0/mlflow", "/tmp/mlruns"}) {
      assertThat(provider.score(uri)).as(uri).isZero();
      assertThat(BackendModule.serving(uri)).as(uri).isNotEqualTo(BackendModule.GITLAB);
    }
    assertThat(provider.name()).isEqualTo(BackendModule.GITLAB.providerName());
  }

  @Test
  void aGitlabUri_opensTheGitlabBackend_throughTheServiceFile() {
    MlopsConfig config = MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
        .trackingUri("http://127.0.0.1:1/api/v4/projects/42/ml/mlflow").token("glpat-x").build();
    try (TrackingClient client = TrackingClient.create(config)) {
      assertThat(client.capabilities().backendName()).isEqualTo("GitLab");
    }
  }
}
