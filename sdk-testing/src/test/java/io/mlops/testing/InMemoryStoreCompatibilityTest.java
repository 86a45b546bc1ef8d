package io.mlops.testing;

import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;

/** The in-memory backend passes the backend compatibility kit. */
class InMemoryStoreCompatibilityTest extends BackendCompatibilityKit {
  @Override
  protected TrackingClient openClient() {
    InMemoryBackend backend = InMemoryBackend.create();
    return TrackingClient.create(MlopsConfig.builder().trackingUri(backend.trackingUri()).build(), backend);
  }
}
