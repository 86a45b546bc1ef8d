package io.mlops.testing;

import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.testing.BackendCompatibilityKit;

/** The local store passes the backend compatibility kit. */
class LocalStoreCompatibilityTest extends BackendCompatibilityKit {
  @Override
  protected TrackingClient openClient() {
    return TrackingClient.create(MlopsConfig.builder().trackingUri(temp.resolve("mlruns").toString()).build());
  }
}
