package io.mlops.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What direct delivery does in local mode, where the executor is the driver's JVM: two trackers (so two local stores
 * with their own open metric files) write one candidate of one store at once, the driver's and the executor's
 * attached one, into the same metric key and into keys of their own. Every point must be there once, every line
 * whole: the store appends each batch's lines of a key with one write on an O_APPEND channel.
 */
class TwoTrackersOneLocalStoreTest {
  private static final int THREADS_PER_TRACKER = 2;
  private static final int POINTS_PER_THREAD = 5_000;

  @TempDir
  Path dir;

  private Tracker tracker(Path store, String journal) {
    return Tracker.builder()
        .config(MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
            .trackingUri(store.toString()).build())
        .journalDirectory(dir.resolve(journal)).systemTags(false).shutdownHook(false)
        .flushInterval(Duration.ofMillis(2)) // many small batches, so that the two writers interleave
        .build();
  }

  @Test
  void twoTrackersOnOneStore_writingOneCandidateAtOnce_loseAndTearNothing() throws Exception {
    Path store = dir.resolve("mlruns");
    try (Tracker driver = tracker(store, "driver-journal"); Tracker executor = tracker(store, "executor-journal")) {
      ActiveCandidate owned = driver.startCandidate("shared");
      ActiveCandidate attached = executor.attachCandidate(owned.id());
      ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS_PER_TRACKER);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < 2 * THREADS_PER_TRACKER; t++) {
        ActiveCandidate c = t % 2 == 0 ? owned : attached;
        String own = t % 2 == 0 ? "driver_only" : "executor_only";
        long base = t * 1_000_000L;
        writers.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < POINTS_PER_THREAD; i++) {
            c.logMetric("shared", i, base + i);
            c.logMetric(own, i, base + i);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> w : writers) {
        w.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      executor.flush().get(30, TimeUnit.SECONDS);
      attached.close(); // attached: flushes, does not end
      owned.close();

      try (TrackingClient client = SparkTestSessions.client(store)) {
        assertComplete(client, owned.id(), "shared", 2 * THREADS_PER_TRACKER);
        assertComplete(client, owned.id(), "driver_only", THREADS_PER_TRACKER);
        assertComplete(client, owned.id(), "executor_only", THREADS_PER_TRACKER);
      }
    }
  }

  private static void assertComplete(TrackingClient client, String id, String key, int threads) {
    List<Metric> points = new ArrayList<>();
    client.getMetricHistory(id, key).forEach(points::add);
    assertThat(points).hasSize(threads * POINTS_PER_THREAD);
    TreeSet<Long> steps = new TreeSet<>();
    for (Metric m : points) {
      steps.add(m.step());
      assertThat(m.value()).isEqualTo((double) (m.step() % 1_000_000L));
    }
    assertThat(steps).hasSize(threads * POINTS_PER_THREAD);
  }
}
