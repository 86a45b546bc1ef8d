package io.mlops.core.internal;

import io.mlops.core.MlopsConfig;
import io.mlops.core.internal.local.LocalBackendProvider;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.BackendProvider;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test backend found through {@code META-INF/services} (src/test/resources) for {@code closing-probe:<folder>}
 * URIs: a local store in that folder that counts how often it is closed, so ownership can be checked through the
 * same path real backends take.
 */
public final class ClosingProbeBackendProvider implements BackendProvider {
  /** The scheme this provider serves. */
  public static final String SCHEME = "closing-probe:";
  /** How many probe backends were closed, in this JVM. */
  public static final AtomicInteger CLOSED = new AtomicInteger();

  @Override
  public String name() {
    return "closing probe";
  }

  @Override
  public int score(String trackingUri) {
    return trackingUri.startsWith(SCHEME) ? 100 : 0;
  }

  @Override
  public Backend open(MlopsConfig config) {
    String folder = config.trackingUri().substring(SCHEME.length());
    Backend local = new LocalBackendProvider().open(config.toBuilder().trackingUri(Paths.get(folder).toString())
        .build());
    return new SimpleBackend("closing probe", local.capabilities(), local.trackingStore(), local.artifactStore(),
        local.registryStore(), () -> {
          CLOSED.incrementAndGet();
          local.close();
        });
  }
}
