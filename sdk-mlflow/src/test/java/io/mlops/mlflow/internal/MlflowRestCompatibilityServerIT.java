package io.mlops.mlflow.internal;

import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.testing.BackendCompatibilityKit;

/** The MLflow REST backend, against a real MLflow server, passes the backend compatibility kit. */
class MlflowRestCompatibilityServerIT extends BackendCompatibilityKit {
  @Override
  protected TrackingClient openClient() {
    return TrackingClient.create(MlopsConfig.builder().trackingUri(MlflowServer.get().url()).build());
  }
}
