package io.mlops.testing;

import io.mlops.core.MlopsConfig;
import io.mlops.core.RegistryClient;
import io.mlops.core.TrackingClient;
import io.mlops.testing.RegistryCompatibilityKit;

/** The local store's registry passes the registry compatibility kit. */
class LocalRegistryCompatibilityTest extends RegistryCompatibilityKit {
  @Override
  protected RegistryClient openRegistry() {
    return RegistryClient.create(config());
  }

  @Override
  protected TrackingClient openTracking() {
    return TrackingClient.create(config());
  }

  private MlopsConfig config() {
    return MlopsConfig.builder().trackingUri(temp.resolve("mlruns").toString()).build();
  }
}
