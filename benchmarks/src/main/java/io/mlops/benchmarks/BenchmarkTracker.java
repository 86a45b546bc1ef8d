package io.mlops.benchmarks;

import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.tracking.FullQueuePolicy;
import io.mlops.tracking.Tracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A {@link Tracker} over a throwaway backend for one benchmark run: the in-memory {@link NoopBackend}, or a local
 * store in a temporary directory. The journal lives in the same temporary directory; {@link #close()} closes the
 * tracker and its client and deletes the directory.
 *
 * <pre>{@code
 * try (BenchmarkTracker bench = BenchmarkTracker.open(BenchmarkTracker.Kind.NOOP, Tracker.DEFAULT_QUEUE_CAPACITY,
 *     FullQueuePolicy.SPILL)) {
 *   ActiveCandidate c = bench.tracker().startCandidate("bench");
 *   c.logMetric("loss", 0.5, 0);
 * }
 * }</pre>
 */
public final class BenchmarkTracker implements AutoCloseable {
  /** Which backend the tracker writes to. */
  public enum Kind {
    /** {@link NoopBackend}: counts batches, stores nothing. */
    NOOP,
    /** The local store (MLflow's file-store layout) in a temporary directory. */
    LOCAL;

    /** Parses {@code noop} or {@code local}, ignoring case. */
    public static Kind parse(String s) {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
  }

  private final Path directory;
  private final TrackingClient client;
  private final NoopBackend noop;
  private final Tracker tracker;
  private boolean closed;

  private BenchmarkTracker(Path directory, TrackingClient client, NoopBackend noop, Tracker tracker) {
    this.directory = directory;
    this.client = client;
    this.noop = noop;
    this.tracker = tracker;
  }

  /**
   * Opens a tracker without system tags or shutdown hook, with its journal (and, for {@link Kind#LOCAL}, its
   * store) in a new temporary directory.
   */
  public static BenchmarkTracker open(Kind kind, int queueCapacity, FullQueuePolicy policy) {
    Path dir;
    try {
      dir = Files.createTempDirectory("mlops-bench-" + kind.name().toLowerCase(Locale.ROOT) + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    NoopBackend noop = null;
    TrackingClient client;
    if (kind == Kind.NOOP) {
      noop = new NoopBackend();
      client = TrackingClient.create(MlopsConfig.builder().trackingUri(NoopBackend.URI).build(), noop);
    } else {
      client = TrackingClient.create(MlopsConfig.builder().trackingUri(storeDirectory(dir).toUri().toString())
          .build());
    }
    Tracker tracker = Tracker.builder()
        .client(client)
        .systemTags(false)
        .shutdownHook(false)
        .queueCapacity(queueCapacity)
        .fullQueuePolicy(policy)
        .journalDirectory(dir.resolve("journal"))
        .build();
    return new BenchmarkTracker(dir, client, noop, tracker);
  }

  /** Where the local store of a benchmark directory is. */
  private static Path storeDirectory(Path dir) {
    return dir.resolve("mlruns");
  }

  /** The tracker. */
  public Tracker tracker() {
    return tracker;
  }

  /** The client the tracker logs through. */
  public TrackingClient client() {
    return client;
  }

  /** Metric points the noop backend received, or -1 for the local store. */
  public long backendMetricCount() {
    return noop == null ? -1 : noop.metricsLogged();
  }

  /** The temporary directory (journal, and the local store under {@code mlruns}). */
  public Path directory() {
    return directory;
  }

  /** Closes the tracker and the client, then deletes the temporary directory. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      tracker.close();
    } finally {
      client.close();
      deleteRecursively(directory);
    }
  }

  /** Deletes a directory tree; a missing one is fine. */
  static void deleteRecursively(Path root) {
    try {
      io.mlops.core.internal.FileTrees.delete(root);
    } catch (IOException e) {
      System.err.println("Could not delete " + root + ": " + e);
    }
  }
}
