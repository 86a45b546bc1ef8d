package io.mlops.testing.internal;

import io.mlops.core.MlopsConfig;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.BackendProvider;

/**
 * Opens the in-memory store named by a {@code memory://<name>} tracking URI (see {@link NamedStores}); registered in
 * {@code META-INF/services/io.mlops.core.spi.BackendProvider}.
 */
public final class MemoryBackendProvider implements BackendProvider {
  /** The score of a {@code memory:} URI, the local store's score for its own URIs. */
  static final int SCORE = 10;

  /** For {@link java.util.ServiceLoader}. */
  public MemoryBackendProvider() {}

  @Override
  public String name() {
    return "in-memory";
  }

  @Override
  public int score(String trackingUri) {
    return NamedStores.isMemoryUri(trackingUri) ? SCORE : 0;
  }

  @Override
  public Backend open(MlopsConfig config) {
    String name = NamedStores.nameOf(config.trackingUri());
    return NamedStores.get(name, NamedStores.maxArtifactBytes(config)).open();
  }
}
