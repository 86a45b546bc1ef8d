package io.mlops.testing;

import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import org.junit.jupiter.api.AfterEach;

/**
 * The in-memory backend opened by its tracking URI ({@code memory://<name>}, through the {@code BackendProvider})
 * passes the backend compatibility kit too; every test gets a store of its own, discarded afterwards.
 */
class InMemoryUriStoreCompatibilityTest extends BackendCompatibilityKit {
  private final String store = "kit-" + java.util.UUID.randomUUID();

  @Override
  protected TrackingClient openClient() {
    return TrackingClient.create(MlopsConfig.builder().trackingUri(InMemoryBackend.trackingUri(store)).build());
  }

  @AfterEach
  void discardStore() {
    InMemoryBackend.discard(store);
  }
}
