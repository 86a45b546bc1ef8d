package io.mlops.core.internal.mlflow;

import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.core.spi.BackendCompatibilityKit;

/** The MLflow REST backend, against a real MLflow server, passes the backend compatibility kit. */
class MlflowRestCompatibilityServerIT extends BackendCompatibilityKit {
  @Override
  protected TrackingClient openClient() {
    return TrackingClient.create(MlopsConfig.builder().trackingUri(MlflowServer.get().url()).build());
  }
}
