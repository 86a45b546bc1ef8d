package io.mlops.testing.internal;

import io.mlops.core.internal.SimpleBackend;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.Capabilities;
import java.util.function.LongSupplier;

/**
 * One in-memory store: its experiments, candidates and artifacts, its registry, and its artifact budget. Every
 * backend opened on it sees the same data; closing a backend leaves the data alone.
 */
public final class MemoryNamespace {
  /** The setting (an environment variable's name, see {@code MlopsConfig.setting}) that bounds artifact bytes. */
  public static final String MAX_ARTIFACT_BYTES_SETTING = "MLOPS_MEMORY_MAX_ARTIFACT_BYTES";
  /** The artifact bytes a store holds at most unless told otherwise: 64 MiB. */
  public static final long DEFAULT_MAX_ARTIFACT_BYTES = 64L * 1024 * 1024;
  /** The tracking URI scheme. */
  public static final String SCHEME = "memory";

  private final String name;
  private final Capabilities capabilities;
  private final ArtifactBudget budget;
  private final MemoryTrackingStore tracking;
  private final MemoryRegistry registry;

  /**
   * A new, empty store.
   *
   * @param name the store's name, in messages and in its artifact URIs ({@code memory://<name>/...})
   * @param maxArtifactBytes the artifact bytes it may hold at most
   * @param clock milliseconds since the epoch, for creation and update times
   */
  public MemoryNamespace(String name, long maxArtifactBytes, LongSupplier clock) {
    this.name = name;
    this.capabilities = Capabilities.mlflowDefaults("in-memory store '" + name + "'");
    this.budget = new ArtifactBudget(maxArtifactBytes);
    this.tracking = new MemoryTrackingStore("in-memory store '" + name + "'", SCHEME + "://" + name, clock, budget);
    this.registry = new MemoryRegistry(clock);
  }

  /** The store's name. */
  public String name() {
    return name;
  }

  /** Full capabilities with MLflow's limits. */
  public Capabilities capabilities() {
    return capabilities;
  }

  /** The artifact bytes the store may hold at most. */
  public long maxArtifactBytes() {
    return budget.limit();
  }

  /** The artifact bytes it holds now. */
  public long artifactBytes() {
    synchronized (tracking) { // the budget changes under the tracking store's monitor
      return budget.used();
    }
  }

  /** A backend on this store; closing it releases nothing, the data stays. */
  public Backend open() {
    return new SimpleBackend("in-memory store '" + name + "'", capabilities, tracking, tracking, registry, () -> { });
  }

  /** Empties the store: only a new Default experiment is left, no models, no artifact bytes. */
  public void clear() {
    tracking.clear();
    registry.clear();
  }
}
