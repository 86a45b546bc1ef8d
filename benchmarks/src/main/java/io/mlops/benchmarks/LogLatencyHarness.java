package io.mlops.benchmarks;

import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.core.TransportException;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.FlushResult;
import io.mlops.tracking.Tracker;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The latency of each {@code logMetric} call, p50/p99/p99.9/max, while the backend is healthy and while it is down
 * (issue 10 §2: the training loop never waits on an outage). Every call is timed with {@link System#nanoTime()}
 * (whose own cost, about 20 ns, is included) into a histogram of 10 ns buckets up to 1 ms, calls above that kept
 * exactly. The tracker runs with its defaults (65,536-point queue, SPILL with a 100 ms grace, 4 retries from
 * 200 ms) over in-memory backends, so the figures are the SDK's, not a store's:
 *
 * <ul>
 *   <li>{@code healthy}: every batch is accepted at once;
 *   <li>{@code down}: every request fails at once, as against a server that refuses connections;
 *   <li>{@code hanging}: every request hangs for the delivery timeout (10 s) and then times out, as against a
 *       server that accepts connections and never answers.
 * </ul>
 *
 * Two producers: {@code tight} calls back to back (far faster than any backend drains, so the queue fills and the
 * full-queue policy is what is measured), {@code paced} does about 2 µs of work between calls (500k points/s, a
 * busy training loop). {@code --seconds=N} per scenario (default 10), {@code --only=down/tight,...}.
 *
 * <pre>
 * mvn -q -Pbench -DskipTests verify -pl benchmarks -am \
 *     -Dbench.main=io.mlops.benchmarks.LogLatencyHarness -Dbench.args="--seconds=10"
 * </pre>
 */
public final class LogLatencyHarness {
  private static final int BUCKET_NANOS = 10;
  private static final int BUCKETS = 100_000; // 1 ms

  private LogLatencyHarness() {}

  /** Runs the scenarios and prints one line each. */
  public static void main(String[] args) throws Exception {
    int seconds = 10;
    List<String> only = new ArrayList<>();
    for (String a : args) {
      if (a.startsWith("--seconds=")) {
        seconds = Integer.parseInt(a.substring("--seconds=".length()));
      } else if (a.startsWith("--only=")) {
        only.addAll(Arrays.asList(a.substring("--only=".length()).split(",")));
      } else {
        throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    System.out.printf(Locale.ROOT, "%-16s %12s %8s %8s %9s %10s %9s %10s %10s %10s%n", "scenario", "calls",
        "p50 ns", "p99 ns", "p99.9 ns", "max ns", ">10 ms", "delivered", "journaled", "dropped");
    for (String backend : List.of("healthy", "down", "hanging")) {
      for (String producer : List.of("tight", "paced")) {
        String name = backend + "/" + producer;
        if (!only.isEmpty() && !only.contains(name)) {
          continue;
        }
        run(name, backend, producer.equals("paced"), seconds);
      }
    }
  }

  private static void run(String name, String backendKind, boolean paced, int seconds) throws Exception {
    Path dir = Files.createTempDirectory("mlops-latency-");
    Scenario scenario = new Scenario(backendKind);
    TrackingClient client = TrackingClient.create(MlopsConfig.builder().trackingUri(NoopBackend.URI).build(),
        new NoopBackend(scenario));
    long[] histogram = new long[BUCKETS];
    long[] slow = new long[1 << 16];
    int slowCount = 0;
    long over10ms = 0;
    long max = 0;
    long calls = 0;
    FlushResult result;
    try (Tracker tracker = Tracker.builder().client(client).systemTags(false).shutdownHook(false)
        .journalDirectory(dir.resolve("journal")).build()) {
      ActiveCandidate c = tracker.startCandidate("latency");
      long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      long step = 0;
      double sink = 0;
      while (System.nanoTime() < warmEnd) { // JIT warm-up, not recorded
        c.logMetric("loss", step, step++);
        if (paced) {
          sink += work();
        }
      }
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (true) {
        long t0 = System.nanoTime();
        if (t0 - end >= 0) {
          break;
        }
        c.logMetric("loss", step, step++);
        long took = System.nanoTime() - t0;
        calls++;
        if (took < (long) BUCKETS * BUCKET_NANOS) {
          histogram[(int) (took / BUCKET_NANOS)]++;
        } else {
          if (slowCount == slow.length) {
            slow = Arrays.copyOf(slow, slow.length * 2);
          }
          slow[slowCount++] = took;
          if (took > 10_000_000) {
            over10ms++;
          }
        }
        max = Math.max(max, took);
        if (paced) {
          sink += work();
        }
      }
      if (sink == 42) {
        System.out.print("");
      }
      scenario.release();
      result = tracker.flush().get(120, TimeUnit.SECONDS);
    } finally {
      BenchmarkTracker.deleteRecursively(dir);
    }
    Arrays.sort(slow, 0, slowCount);
    System.out.printf(Locale.ROOT, "%-16s %12d %8d %8d %9d %10d %9d %10d %10d %10d%n", name, calls,
        percentile(histogram, slow, slowCount, calls, 0.50), percentile(histogram, slow, slowCount, calls, 0.99),
        percentile(histogram, slow, slowCount, calls, 0.999), max, over10ms, result.delivered(), result.journaled(),
        result.dropped());
  }

  /** About 2 µs of floating-point work, standing in for a training step. */
  private static double work() {
    double x = 1.0001;
    for (int i = 0; i < 600; i++) {
      x = x * 1.0000001 + 1e-9;
    }
    return x;
  }

  private static long percentile(long[] histogram, long[] slow, int slowCount, long calls, double q) {
    long rank = (long) Math.ceil(q * calls);
    long seen = 0;
    for (int i = 0; i < histogram.length; i++) {
      seen += histogram[i];
      if (seen >= rank) {
        return (long) (i + 1) * BUCKET_NANOS;
      }
    }
    int index = (int) Math.min(slowCount - 1, rank - seen - 1);
    return index < 0 ? 0 : slow[index];
  }

  /** The write hook of a scenario's {@link NoopBackend}: accept, refuse or hang on every write until released. */
  private static final class Scenario implements Runnable {
    private final String kind;
    private final CountDownLatch released = new CountDownLatch(1);

    Scenario(String kind) {
      this.kind = kind;
    }

    /** Ends the outage: writes succeed from now on (so the final flush can complete). */
    void release() {
      released.countDown();
    }

    @Override
    public void run() {
      if (released.getCount() == 0 || kind.equals("healthy")) {
        return;
      }
      if (kind.equals("down")) {
        throw new TransportException("POST /api/2.0/mlflow/runs/log-batch failed: Connection refused", null);
      }
      try {
        if (!released.await(10, TimeUnit.SECONDS)) {
          throw new TransportException("POST /api/2.0/mlflow/runs/log-batch failed: timeout",
              new SocketTimeoutException("timeout"));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransportException("interrupted", e);
      }
    }
  }
}
