package io.mlops.testing;

import io.mlops.core.spi.ArtifactStore;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.Capabilities;
import io.mlops.core.spi.RegistryStore;
import io.mlops.core.spi.TrackingStore;
import io.mlops.testing.internal.MemoryNamespace;
import io.mlops.testing.internal.NamedStores;

/**
 * A backend that keeps everything in memory, for tests: experiments, candidates, metrics, params, tags, artifacts
 * and the model registry, with the local store's semantics (MLflow's search syntax, write-once params, soft deletes,
 * semver-unique versions, aliases) and every {@link io.mlops.core.spi.Operation}. Nothing touches the disk but the
 * files a test uploads or downloads, and artifact content is bounded ({@link #DEFAULT_MAX_ARTIFACT_BYTES} unless
 * configured), so that a test that uploads too much fails with a clear message instead of exhausting the heap.
 *
 * <p>Hand a backend to the typed clients directly:
 *
 * <pre>{@code
 * InMemoryBackend backend = InMemoryBackend.create();
 * MlopsConfig config = MlopsConfig.builder().trackingUri(backend.trackingUri()).build();
 * try (TrackingClient tracking = TrackingClient.create(config, backend);
 *     RegistryClient registry = RegistryClient.create(config, backend)) {
 *   Experiment exp = tracking.getOrCreateExperiment("churn");
 *   // ... exercise the code under test, then assert on what it logged
 * }
 * }</pre>
 *
 * <p>Or name a store in the tracking URI, {@code memory://<name>}: every client, {@code Tracker} or
 * {@code ModelRegistry} built from a configuration with that URI in this JVM shares one store, found through
 * {@link io.mlops.core.spi.BackendProvider} like any other backend ({@code memory:} and {@code memory://} alone name
 * the store {@value #DEFAULT_NAME}). Reset it between tests:
 *
 * <pre>{@code
 * MlopsConfig config = MlopsConfig.builder().trackingUri("memory://my-test").build();
 * try (Tracker tracker = Tracker.builder().config(config).journalDirectory(tempDir).build()) {
 *   // ... training code under test
 * }
 * InMemoryBackend store = InMemoryBackend.named("my-test");   // the same data
 * // ... assertions through TrackingClient.create(config, store)
 * InMemoryBackend.discard("my-test");                          // or store.reset()
 * }</pre>
 *
 * <p>Closing a backend releases nothing: its data stays readable through every backend on the same store until the
 * store is {@link #reset() reset} or {@link #discard(String) discarded} (a {@link io.mlops.core.TrackingClient}
 * closes the backend it was given, and the data is still there for the assertions). Thread-safe.
 */
public final class InMemoryBackend implements Backend {
  /** The tracking URI scheme of named in-memory stores: {@code memory://<name>}. */
  public static final String SCHEME = MemoryNamespace.SCHEME;
  /** The store that {@code memory:} and {@code memory://} name. */
  public static final String DEFAULT_NAME = NamedStores.DEFAULT_NAME;
  /** The artifact bytes a store holds at most unless configured otherwise: 64 MiB. */
  public static final long DEFAULT_MAX_ARTIFACT_BYTES = MemoryNamespace.DEFAULT_MAX_ARTIFACT_BYTES;
  /**
   * The setting that bounds a named store's artifact bytes when the store is first opened through its tracking URI,
   * e.g. {@code MlopsConfig.builder().trackingUri("memory://big").set(MAX_ARTIFACT_BYTES_SETTING, "500000000")}, or
   * the environment variable of that name.
   */
  public static final String MAX_ARTIFACT_BYTES_SETTING = MemoryNamespace.MAX_ARTIFACT_BYTES_SETTING;

  private final MemoryNamespace store;
  private final Backend backend;
  private final boolean named;

  private InMemoryBackend(MemoryNamespace store, boolean named) {
    this.store = store;
    this.backend = store.open();
    this.named = named;
  }

  /**
   * A backend on a new, empty store of its own, with the default artifact limit; no tracking URI reaches it, so
   * pass it to {@code TrackingClient.create(config, backend)} and {@code RegistryClient.create(config, backend)}.
   */
  public static InMemoryBackend create() {
    return builder().build();
  }

  /**
   * A backend on the named store that {@code memory://<name>} opens, created empty (with the default artifact limit)
   * if this JVM has none of that name yet.
   *
   * @param name 1 to 200 ASCII letters, digits, {@code '.'}, {@code '_'} and {@code '-'}, not starting with
   *     {@code anonymous-} (kept for the stores of {@link #create()})
   * @throws IllegalArgumentException for another name
   */
  public static InMemoryBackend named(String name) {
    return new InMemoryBackend(NamedStores.get(name, DEFAULT_MAX_ARTIFACT_BYTES), true);
  }

  /**
   * The tracking URI of a named store, {@code memory://<name>}.
   *
   * @throws IllegalArgumentException for an invalid name (see {@link #named(String)})
   */
  public static String trackingUri(String name) {
    NamedStores.checkName(name);
    return SCHEME + "://" + name;
  }

  /**
   * Forgets a named store and empties it: the next {@link #named(String)} or {@code memory://<name>} starts a new,
   * empty one. Backends still open on the old store see it empty.
   *
   * @return true when a store of that name existed
   */
  public static boolean discard(String name) {
    return NamedStores.discard(name);
  }

  /** A builder for a backend on a new store of its own. */
  public static Builder builder() {
    return new Builder();
  }

  /** The store's name: the one given to {@link #named(String)}, or a generated {@code anonymous-<n>}. */
  public String name() {
    return store.name();
  }

  /**
   * The tracking URI for a configuration: {@code memory://<name>} of a named store. For a store of its own
   * ({@link #create()}) that URI names no store, as no URI reaches it; it is still the right URI for the
   * configuration passed along with this backend.
   */
  public String trackingUri() {
    return SCHEME + "://" + store.name();
  }

  /** Whether this backend is on a named store, one that {@code memory://<name>} reaches. */
  public boolean isNamed() {
    return named;
  }

  /** The artifact bytes the store may hold at most. */
  public long maxArtifactBytes() {
    return store.maxArtifactBytes();
  }

  /** The artifact bytes the store holds now. */
  public long artifactBytes() {
    return store.artifactBytes();
  }

  /**
   * Empties the store, for every backend on it: only a new Default experiment (id {@code 0}) is left, no models and
   * no artifacts.
   */
  public void reset() {
    store.clear();
  }

  /** Every operation, with MLflow's batch and length limits. */
  @Override
  public Capabilities capabilities() {
    return backend.capabilities();
  }

  /** Experiments, candidates and their data. */
  @Override
  public TrackingStore trackingStore() {
    return backend.trackingStore();
  }

  /** Candidate artifacts, in memory within {@link #maxArtifactBytes()}. */
  @Override
  public ArtifactStore artifactStore() {
    return backend.artifactStore();
  }

  /** Models, versions, tags and aliases. */
  @Override
  public RegistryStore registryStore() {
    return backend.registryStore();
  }

  /** Does nothing to the data (see the class comment); idempotent. */
  @Override
  public void close() {
    backend.close();
  }

  /** {@code in-memory store '<name>'}. */
  @Override
  public String toString() {
    return backend.toString();
  }

  /** Builds a backend on a new store of its own; each setter returns this builder. */
  public static final class Builder {
    private long maxArtifactBytes = DEFAULT_MAX_ARTIFACT_BYTES;

    private Builder() {}

    /**
     * The artifact bytes the store may hold at most, all candidates together; default
     * {@link #DEFAULT_MAX_ARTIFACT_BYTES}. An upload past it fails with a
     * {@link io.mlops.core.LimitExceededException} and stores nothing.
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder maxArtifactBytes(long maxArtifactBytes) {
      if (maxArtifactBytes < 0) {
        throw new IllegalArgumentException("maxArtifactBytes must not be negative, got " + maxArtifactBytes);
      }
      this.maxArtifactBytes = maxArtifactBytes;
      return this;
    }

    /** The backend, on a new, empty store named {@code anonymous-<n>}. */
    public InMemoryBackend build() {
      return new InMemoryBackend(
          new MemoryNamespace(NamedStores.anonymousName(), maxArtifactBytes, System::currentTimeMillis), false);
    }
  }
}
