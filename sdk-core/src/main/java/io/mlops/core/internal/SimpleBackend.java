package io.mlops.core.internal;

import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.spi.ArtifactStore;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.Capabilities;
import io.mlops.core.spi.RegistryStore;
import io.mlops.core.spi.TrackingStore;
import java.util.concurrent.atomic.AtomicBoolean;

/** A {@link Backend} assembled from its parts; the built-in providers and the tests all build theirs this way. */
public final class SimpleBackend implements Backend {
  private final String description;
  private final Capabilities capabilities;
  private final TrackingStore tracking;
  private final ArtifactStore artifacts;
  private final RegistryStore registry;
  private final Runnable closer;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * A backend.
   *
   * @param description what {@link #toString()} says, e.g. {@code local store at /data/mlruns}
   * @param registry the registry, or null when the backend has none
   * @param closer releases what the stores hold; runs once
   */
  public SimpleBackend(String description, Capabilities capabilities, TrackingStore tracking, ArtifactStore artifacts,
      RegistryStore registry, Runnable closer) {
    this.description = description;
    this.capabilities = capabilities;
    this.tracking = tracking;
    this.artifacts = artifacts;
    this.registry = registry;
    this.closer = closer;
  }

  @Override
  public Capabilities capabilities() {
    return capabilities;
  }

  @Override
  public TrackingStore trackingStore() {
    return tracking;
  }

  @Override
  public ArtifactStore artifactStore() {
    return artifacts;
  }

  @Override
  public RegistryStore registryStore() {
    if (registry == null) {
      throw new OperationNotSupportedException(capabilities.backendName(), "the model registry");
    }
    return registry;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closer.run();
    }
  }

  @Override
  public String toString() {
    return description;
  }
}
