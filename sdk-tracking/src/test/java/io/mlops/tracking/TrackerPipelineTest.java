package io.mlops.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mlops.core.CandidateStatus;
import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.Param;
import io.mlops.core.Tag;
import io.mlops.core.TrackingClient;
import io.mlops.tracking.internal.Journal;
import io.mlops.tracking.internal.JournalRecord;
import io.mlops.tracking.support.FlakyBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The asynchronous pipeline against a real local store behind a switchable failure. */
class TrackerPipelineTest {
  @TempDir Path dir;
  private FlakyBackend backend;
  private TrackingClient client;
  private Tracker tracker;

  @BeforeEach
  void open() {
    backend = new FlakyBackend(dir.resolve("mlruns"));
    client = TrackingClient.create(MlopsConfig.builder().trackingUri(dir.resolve("mlruns").toString()).build(),
        backend);
  }

  @AfterEach
  void close() {
    backend.open();
    if (tracker != null) {
      tracker.close();
    }
  }

  private Tracker.Builder builder() {
    return Tracker.builder().client(client).journalDirectory(dir.resolve("journal")).shutdownHook(false)
        .systemTags(false).flushInterval(Duration.ofMillis(50)).sleeper(nanos -> { })
        .retry(Duration.ofMillis(1), Duration.ofMillis(5), 2);
  }

  private List<Long> steps(String candidateId, String key) {
    return client.getMetricHistory(candidateId, key).stream().map(Metric::step).collect(Collectors.toList());
  }

  private static List<Long> range(int n) {
    List<Long> out = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      out.add(i);
    }
    return out;
  }

  /** Makes the worker block inside a delivery, so that the queue fills up. */
  private void blockWorker(ActiveCandidate c) {
    backend.hold();
    c.logMetric("warmup", 1, 0);
    tracker.flush(); // not joined: the worker is now waiting at the gate
    await().atMost(Duration.ofSeconds(10)).until(() -> tracker.stats().queued() >= 1
        && Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("mlops-tracker-worker")
        && t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING));
  }

  @Test
  void backendDownForAWhile_losesNothingAndDuplicatesNothing() {
    tracker = builder().build();
    backend.setDown(true);
    ActiveCandidate c = tracker.startCandidate("outage");
    for (int step = 0; step < 5000; step++) {
      c.logMetric("loss", 1.0 / (step + 1), step);
    }
    c.logParam("lr", "0.1");
    c.setTag("phase", "outage");
    FlushResult whileDown = tracker.flush().join();
    assertThat(whileDown.delivered()).isZero();
    assertThat(whileDown.journaled()).isEqualTo(5002);
    assertThat(whileDown.stats().queued()).isEqualTo(5002);
    assertThat(tracker.stats().lastError()).hasValueSatisfying(e -> assertThat(e).contains("Connection refused"));
    assertThat(steps(c.id(), "loss")).isEmpty();

    backend.setDown(false);
    FlushResult replayed = tracker.replayJournal().join();
    assertThat(replayed.stats().replayed()).isEqualTo(5002);
    assertThat(replayed.journaled()).isZero();
    assertThat(replayed.delivered()).isEqualTo(5002);
    assertThat(steps(c.id(), "loss")).isEqualTo(range(5000));
    assertThat(client.getCandidate(c.id()).data().params()).containsEntry("lr", "0.1");
    assertThat(client.getCandidate(c.id()).data().tags()).containsEntry("phase", "outage");

    for (int step = 5000; step < 5100; step++) {
      c.logMetric("loss", 0, step);
    }
    c.close();
    assertThat(steps(c.id(), "loss")).isEqualTo(range(5100));
    assertThat(client.getCandidate(c.id()).info().status()).isEqualTo(CandidateStatus.FINISHED);
    assertThat(tracker.stats().dropped()).isZero();
  }

  @Test
  void backendComingBack_isFoundByTheWorkerWithoutAnyCall() {
    tracker = builder().retry(Duration.ofMillis(1), Duration.ofMillis(20), 1).build();
    backend.setDown(true);
    ActiveCandidate c = tracker.startCandidate("probe");
    for (int step = 0; step < 100; step++) {
      c.logMetric("loss", step, step);
    }
    tracker.flush().join();
    backend.setDown(false);
    await().atMost(Duration.ofSeconds(20)).until(() -> steps(c.id(), "loss").size() == 100);
    assertThat(steps(c.id(), "loss")).isEqualTo(range(100));
  }

  @Test
  void transientFailures_areRetriedWithoutJournaling() {
    tracker = builder().retry(Duration.ofMillis(1), Duration.ofMillis(5), 3).build();
    ActiveCandidate c = tracker.startCandidate("retry");
    backend.failNext(2);
    for (int step = 0; step < 10; step++) {
      c.logMetric("m", step, step);
    }
    FlushResult r = tracker.flush().join();
    assertThat(r.journaled()).isZero();
    assertThat(r.stats().retried()).isEqualTo(2);
    assertThat(steps(c.id(), "m")).isEqualTo(range(10));
  }

  @Test
  void endWhileDown_isJournaledAfterTheDataAndReplayedInOrder() {
    tracker = builder().build();
    backend.setDown(true);
    ActiveCandidate c = tracker.startCandidate("ends-down");
    c.logMetric("m", 1, 1);
    c.end(CandidateStatus.KILLED);
    assertThat(client.getCandidate(c.id()).info().status()).isEqualTo(CandidateStatus.RUNNING);
    backend.setDown(false);
    tracker.replayJournal().join();
    assertThat(client.getCandidate(c.id()).info().status()).isEqualTo(CandidateStatus.KILLED);
    assertThat(steps(c.id(), "m")).containsExactly(1L);
  }

  @Test
  void spillPolicy_writesOverflowToTheJournalAndDeliversItLater() {
    tracker = builder().queueCapacity(4).fullQueuePolicy(FullQueuePolicy.SPILL).spillAfter(Duration.ofMillis(1))
        .build();
    ActiveCandidate c = tracker.startCandidate("spill");
    blockWorker(c);
    for (int step = 0; step < 200; step++) {
      c.logMetric("loss", step, step);
    }
    TrackerStats during = tracker.stats();
    assertThat(during.journaled()).isGreaterThanOrEqualTo(196);
    assertThat(during.dropped()).isZero();
    backend.open();
    tracker.flush().join();
    tracker.replayJournal().join();
    assertThat(steps(c.id(), "loss")).containsExactlyInAnyOrderElementsOf(range(200));
  }

  @Test
  void spilledPoints_doNotForceLaterLiveDataThroughTheJournal() {
    tracker = builder().queueCapacity(4).fullQueuePolicy(FullQueuePolicy.SPILL).spillAfter(Duration.ofMillis(1))
        .build();
    ActiveCandidate c = tracker.startCandidate("spill-then-live");
    blockWorker(c);
    for (int step = 0; step < 50; step++) {
      c.logMetric("burst", step, step);
    }
    long spilled = tracker.stats().journaled();
    assertThat(spilled).isGreaterThanOrEqualTo(46);
    backend.open();
    tracker.flush().join();
    for (int step = 0; step < 100; step++) {
      c.logMetric("live", step, step);
      if (step % 4 == 3) {
        tracker.flush().join(); // paced: the 4-slot queue never overflows, so nothing new is spilled
      }
    }
    c.setTag("phase", "live");
    tracker.flush().join();
    // the live points and the tag went straight to the store, whatever the journal still held
    assertThat(tracker.stats().journaled()).isEqualTo(spilled);
    assertThat(steps(c.id(), "live")).isEqualTo(range(100));
    tracker.replayJournal().join();
    assertThat(steps(c.id(), "burst")).containsExactlyInAnyOrderElementsOf(range(50));
  }

  @Test
  void dropPolicy_dropsAndCountsWithoutBlocking() {
    tracker = builder().queueCapacity(4).fullQueuePolicy(FullQueuePolicy.DROP).build();
    ActiveCandidate c = tracker.startCandidate("drop");
    blockWorker(c);
    for (int step = 0; step < 200; step++) {
      c.logMetric("loss", step, step);
    }
    assertThat(tracker.stats().dropped()).isEqualTo(196);
    backend.open();
    FlushResult r = tracker.flush().join();
    assertThat(r.dropped()).isEqualTo(196);
    assertThat(steps(c.id(), "loss")).isEqualTo(range(4));
    assertThat(r.journaled()).isZero();
  }

  @Test
  void blockPolicy_waitsForRoomAndDropsOnlyAfterTheTimeout() throws Exception {
    tracker = builder().queueCapacity(4).fullQueuePolicy(FullQueuePolicy.BLOCK)
        .blockTimeout(Duration.ofMillis(100)).build();
    ActiveCandidate c = tracker.startCandidate("block");
    blockWorker(c);
    long started = System.nanoTime();
    for (int step = 0; step < 6; step++) {
      c.logMetric("held", step, step);
    }
    assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    assertThat(tracker.stats().dropped()).isEqualTo(2);
    backend.open();
    for (int step = 0; step < 3000; step++) { // the worker makes room: everything gets through
      c.logMetric("flowing", step, step);
    }
    tracker.flush().join();
    assertThat(tracker.stats().dropped()).isEqualTo(2);
    assertThat(steps(c.id(), "flowing")).isEqualTo(range(3000));
  }

  @Test
  void manyThreadsAndManyCandidates_countsAreExact() throws Exception {
    tracker = builder().queueCapacity(256).build();
    int threads = 4;
    int candidatesPerThread = 3;
    int points = 3000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<String>>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      futures.add(pool.submit(() -> {
        start.await();
        List<ActiveCandidate> mine = new ArrayList<>();
        for (int k = 0; k < candidatesPerThread; k++) {
          mine.add(tracker.startCandidate("t" + thread + "-c" + k));
        }
        for (int s = 0; s < points; s++) {
          for (ActiveCandidate c : mine) {
            c.logMetric("loss", s, s);
          }
        }
        return mine.stream().map(ActiveCandidate::id).collect(Collectors.toList());
      }));
    }
    start.countDown();
    List<String> ids = new ArrayList<>();
    for (Future<List<String>> f : futures) {
      ids.addAll(f.get(2, TimeUnit.MINUTES));
    }
    pool.shutdown();
    FlushResult r = tracker.flush().join();
    assertThat(r.dropped()).isZero();
    // with a small queue, fast producers spill to the journal; a replay delivers the rest
    assertThat(r.delivered() + r.journaled()).isEqualTo((long) threads * candidatesPerThread * points);
    TrackerStats after = tracker.replayJournal().join().stats();
    assertThat(after.delivered()).isEqualTo((long) threads * candidatesPerThread * points);
    assertThat(after.queued()).isEqualTo(after.delivered());
    for (String id : ids) {
      // every point exactly once; spilled points may arrive after later ones
      assertThat(steps(id, "loss")).containsExactlyInAnyOrderElementsOf(range(points));
    }
  }

  @Test
  void permanentRefusal_isCountedNotThrownIntoTheTrainingLoop() {
    tracker = builder().build();
    ActiveCandidate c = tracker.startCandidate("deleted-meanwhile");
    client.deleteCandidate(c.id());
    c.logMetric("m", 1, 1);
    FlushResult r = tracker.flush().join();
    assertThat(r.rejected()).isEqualTo(1);
    assertThat(r.stats().lastError()).hasValueSatisfying(e -> assertThat(e).contains("active"));
  }

  @Test
  void recordDeliveredBeforeACrashButNotAcknowledged_isNotDuplicatedOnReplay() throws Exception {
    String id = client.createCandidate(io.mlops.core.NewCandidate.builder().experimentId("0").name("crash")
        .startTime(1).build()).id();
    Path journalDir = dir.resolve("journal");
    Journal dead = new Journal(journalDir);
    List<Metric> points = new ArrayList<>();
    for (int s = 0; s < 10; s++) {
      points.add(Metric.of("loss", s, 100 + s, s));
    }
    dead.append(JournalRecord.batch(id, points, List.of(Param.of("p", "1")), List.of(Tag.of("t", "1"))));
    dead.append(JournalRecord.batch(id, List.of(Metric.of("loss", 10, 110, 10)), List.of(), List.of()));
    client.logBatch(id, points, List.of(Param.of("p", "1")), List.of(Tag.of("t", "1"))); // delivered, no ack
    dead.close();

    tracker = builder().build(); // adopts the dead writer's journal
    tracker.replayJournal().join();
    assertThat(steps(id, "loss")).isEqualTo(range(11));
  }

  @Test
  void failingReadDuringReplayDeduplication_doesNotStopTheWorker() {
    tracker = builder().retry(Duration.ofMillis(1), Duration.ofMillis(2), 1).build();
    ActiveCandidate c = tracker.startCandidate("dedupe-read-fails");
    backend.setDown(true);
    c.logMetric("loss", 1, 1); // delivery attempted, failed: journaled as "may have been delivered"
    tracker.flush().join();
    backend.setDown(false);
    backend.setReadsDown(true); // replay must read the history first, and that fails
    tracker.replayJournal().join();
    assertThat(tracker.stats().lastError()).hasValueSatisfying(e -> assertThat(e).contains("reads"));
    backend.setReadsDown(false);
    tracker.replayJournal().join();
    assertThat(steps(c.id(), "loss")).containsExactly(1L);
    c.logMetric("loss", 2, 2);
    assertThat(tracker.flush().join().delivered()).isEqualTo(2);
  }

  @Test
  void flushWithTimeout_completesWhenNothingIsStuck() {
    tracker = builder().build();
    ActiveCandidate c = tracker.startCandidate("t");
    c.logMetric("x", 1);
    assertThat(tracker.flush(Duration.ofSeconds(10)).join().delivered()).isGreaterThanOrEqualTo(1);
    assertThat(Set.of(tracker.stats().toString())).first().asString().contains("delivered=");
  }
}
