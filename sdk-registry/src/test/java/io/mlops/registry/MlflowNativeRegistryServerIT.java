package io.mlops.registry;

import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.BeforeAll;

/**
 * {@link MlflowNativeRegistryScenario} on a real MLflow tracking server ({@code -Pmlflow-server
 * -Dmlflow.server.url=...}): MLflow's Python client registers through the server (sources
 * {@code mlflow-artifacts:/...}, {@code runs:/...}, a logged model served by the artifact proxy), and
 * {@link ModelRegistry} reads it through the same server.
 */
class MlflowNativeRegistryServerIT extends MlflowNativeRegistryScenario {
  private static String serverUrl;

  @BeforeAll
  static void server() {
    String url = System.getProperty("mlflow.server.url", "").trim();
    if (url.isEmpty()) {
      fail("-Dmlflow.server.url is not set: MlflowNativeRegistryServerIT needs a running MLflow server "
          + "(bash .ci/mlflow-server.sh start)");
    }
    serverUrl = url.replaceAll("/+$", "");
  }

  @Override
  protected String pythonTrackingUri() {
    return serverUrl;
  }

  @Override
  protected String sdkTrackingUri() {
    return serverUrl;
  }
}
