package io.mlops.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * sdk-core's tests run without the MLflow and GitLab modules on the class path, as an application that depends on
 * sdk-core alone does: a remote tracking URI must say which artifact to add, and must not leak credentials.
 */
class MissingBackendModuleTest {
  private static MlopsConfig config(String uri) {
    return MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties()).trackingUri(uri).build();
  }

  @Test
  void anHttpUri_namesTheMlflowModule() {
    for (String uri : new String[] {"http://127.0.0.1:5000", "https://mlflow.example.com/tracking"}) {
      assertThatThrownBy(() -> TrackingClient.create(config(uri))).as(uri)
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("io.mlops:mlops-sdk-mlflow").hasMessageContaining("MLflow backend")
          .hasMessageContaining("installed backends: [").hasMessageContaining("local");
      assertThatThrownBy(() -> RegistryClient.create(config(uri))).as(uri)
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("io.mlops:mlops-sdk-mlflow");
    }
  }

  @Test
  void aGitlabUri_namesTheGitlabModule() {
    assertThatThrownBy(() -> TrackingClient.create(config("https://gitlab.example.com/api/v4/projects/42/ml/mlflow")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("io.mlops:mlops-sdk-gitlab")
        .hasMessageContaining("GitLab backend");
  }

  @Test
  void theMessage_hidesCredentialsInTheUri() {
    assertThatThrownBy(() -> TrackingClient.create(config("https://alice:s3cret@mlflow.example.com")))
        .isInstanceOf(ConfigurationException.class).hasMessageNotContaining("s3cret")
        .hasMessageContaining("io.mlops:mlops-sdk-mlflow");
  }

  @Test
  void anUnknownScheme_isStillNoBackendUnderstands() {
    assertThatThrownBy(() -> TrackingClient.create(config("s3://bucket/mlruns")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("No backend understands");
  }
}
