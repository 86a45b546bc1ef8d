package io.mlops.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.ConfigurationException;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.core.internal.BackendModule;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** This module's tests run without sdk-gitlab: what the MLflow module serves, and what it leaves to GitLab's. */
class MlflowModuleTest {
  private static MlopsConfig config(String uri) {
    return MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties()).trackingUri(uri).build();
  }

  @Test
  void aGitlabUri_withoutTheGitlabModule_namesIt_insteadOfTalkingPlainMlflowToGitlab() {
    assertThatThrownBy(() -> TrackingClient.create(config("https://gitlab.example.com/api/v4/projects/42/ml/mlflow")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("io.mlops:mlops-sdk-gitlab")
        .hasMessageContaining("MLflow");
  }

  @Test
  void theCoreTable_agreesWithThisProvider() {
    MlflowBackendProvider provider = new MlflowBackendProvider();
    for (String uri : new String[] {"http://127.0.0.1:5000", "HTTPS://mlflow.example.com/x", "https://h/api/2.0"}) {
      assertThat(provider.score(uri)).as(uri).isEqualTo(BackendModule.MLFLOW.score());
      assertThat(BackendModule.serving(uri)).as(uri).isEqualTo(BackendModule.MLFLOW);
    }
    for (String uri : new String[] {"/tmp/mlruns", "file:///tmp/mlruns", "databricks", "s3://bucket"}) {
      assertThat(provider.score(uri)).as(uri).isZero();
      assertThat(BackendModule.serving(uri)).as(uri).isNull();
    }
    assertThat(provider.name()).isEqualTo(BackendModule.MLFLOW.providerName());
  }

  @Test
  void anHttpUri_opensTheMlflowBackend_throughTheServiceFile() {
    try (TrackingClient client = TrackingClient.create(config("http://127.0.0.1:1"))) {
      assertThat(client.capabilities().backendName()).isEqualTo("MLflow");
    }
  }
}
