package io.mlops.registry;

import java.util.Map;

/**
 * {@link MlflowNativeRegistryScenario} on the local file store: MLflow's Python client writes {@code mlruns/} (with
 * {@code MLFLOW_ALLOW_FILE_STORE=true}, MLflow 3.13+), {@link ModelRegistry} reads the same folder
 * ({@code mvn verify -Pinterop -Dmlflow.python=...}).
 */
class MlflowNativeRegistryInteropIT extends MlflowNativeRegistryScenario {
  @Override
  protected String pythonTrackingUri() {
    return temp.resolve("mlruns").toUri().toString();
  }

  @Override
  protected String sdkTrackingUri() {
    return temp.resolve("mlruns").toString();
  }

  @Override
  protected Map<String, String> pythonEnvironment() {
    return Map.of("MLFLOW_ALLOW_FILE_STORE", "true");
  }
}
