package io.mlops.testing;

import io.mlops.core.MlopsConfig;
import io.mlops.core.RegistryClient;
import io.mlops.core.TrackingClient;

/** The in-memory backend's registry passes the registry compatibility kit. */
class InMemoryRegistryCompatibilityTest extends RegistryCompatibilityKit {
  /** One store per test, shared by its tracking and registry clients. */
  private final InMemoryBackend backend = InMemoryBackend.create();
  private final MlopsConfig config = MlopsConfig.builder().trackingUri(backend.trackingUri()).build();

  @Override
  protected RegistryClient openRegistry() {
    return RegistryClient.create(config, backend);
  }

  @Override
  protected TrackingClient openTracking() {
    return TrackingClient.create(config, backend);
  }
}
