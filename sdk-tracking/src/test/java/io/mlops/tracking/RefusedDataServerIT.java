package io.mlops.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateStatus;
import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.NewCandidate;
import io.mlops.core.TrackingClient;
import io.mlops.mlflow.internal.MlflowServer;
import io.mlops.tracking.support.CountingProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a real MLflow server refuses, and an outage of it, cost a {@link Tracker} only what they must: a param that
 * another writer logged with another value (into the tracker's candidate, or into the writer's own candidate that
 * the tracker attached to) is rejected alone and everything else of the batch arrives once; a
 * candidate deleted on the server meanwhile has its data rejected in a few requests, journals nothing and does not
 * stop the next candidate; a stopped server sends the data to the journal after the pipeline's own retries (the
 * tracker's client adds none) and the journal delivers it once when the server is back.
 *
 * <p>The tracker talks to the server through a {@link CountingProxy}, which counts the log-batch requests (the
 * server keeps no such count); the other writer and the checks talk to the server directly. Needs
 * {@code mlflow.server.url} and {@code mlflow.server.script} (the mlflow-server profile sets both).
 */
class RefusedDataServerIT {
  private static final String LOG_BATCH = "/api/2.0/mlflow/runs/log-batch";
  private static final int POINTS = 1500;
  /** The pipeline's retries of a failed delivery in these tests: 3 attempts, then the journal. */
  private static final int PIPELINE_RETRIES = 2;

  @TempDir Path dir;

  private MlflowServer server;
  private CountingProxy proxy;
  private TrackingClient direct;
  private String experiment;

  @BeforeEach
  void connect() {
    server = MlflowServer.get();
    proxy = CountingProxy.start(server.url());
    direct = TrackingClient.create(MlopsConfig.builder().trackingUri(server.url()).build());
    experiment = "refused-data-" + System.currentTimeMillis();
  }

  @AfterEach
  void disconnect() {
    direct.close();
    proxy.close();
  }

  /**
   * A tracker with the client it opens itself (default transport settings: MLflow's 7 retries, which the tracker
   * must turn off for its deliveries), delivering only when a batch is full or on a flush.
   */
  private Tracker tracker() {
    return Tracker.builder().config(MlopsConfig.builder().trackingUri(proxy.url()).build())
        .experimentName(experiment).journalDirectory(dir.resolve("journal")).shutdownHook(false)
        .flushInterval(Duration.ofHours(1))
        .retry(Duration.ofMillis(100), Duration.ofSeconds(1), PIPELINE_RETRIES).build();
  }

  @Test
  void paramChangedByAnotherWriter_isRejectedAloneAndTheRestOfTheFlushArrivesOnce() throws Exception {
    String id;
    FlushResult flushed;
    int requests;
    try (Tracker tracker = tracker()) {
      ActiveCandidate c = tracker.startCandidate("param-changed-elsewhere");
      id = c.id();
      direct.logParam(id, "lr", "0.1"); // the other writer is first
      proxy.reset();
      c.logParam("lr", "0.2");
      c.setTag("phase", "train");
      c.setTag("owner", "refused-data-it");
      for (int s = 0; s < POINTS; s++) {
        c.logMetric("loss", 1.0 / (s + 1), s);
      }
      flushed = tracker.flush().get(2, TimeUnit.MINUTES);
      requests = proxy.count("POST", LOG_BATCH);
      c.close();
    }
    int logged = POINTS + 3;
    assertThat(flushed.rejected()).as("only the changed param: %s", flushed.stats()).isEqualTo(1);
    assertThat(flushed.delivered()).as("%s", flushed.stats()).isEqualTo(logged - 1);
    assertThat(flushed.journaled()).isZero();
    assertThat(flushed.dropped()).isZero();
    assertThat(flushed.delivered() + flushed.journaled() + flushed.dropped() + flushed.rejected())
        .as("the balance").isEqualTo(flushed.stats().queued()).isEqualTo(logged);
    assertThat(flushed.stats().retried()).as("a refusal is never retried").isZero();
    assertThat(flushed.stats().lastError()).hasValueSatisfying(e -> assertThat(e).contains("lr"));
    // two parts at the server's 1000-entity limit, one probe, then halving down to the param: about
    // 2 + 1 + 2·log2(1000) requests; refusing entity by entity would take more than 1000
    assertThat(requests).as("log-batch requests").isBetween(3, 2 + 1 + 2 * 10 + 2);

    Candidate stored = direct.getCandidate(id);
    assertThat(stored.data().params()).containsEntry("lr", "0.1");
    assertThat(stored.data().tags()).containsEntry("phase", "train").containsEntry("owner", "refused-data-it");
    assertThat(stored.info().status()).isEqualTo(CandidateStatus.FINISHED);
    assertThat(steps(id, "loss")).as("every point exactly once").isEqualTo(range(0, POINTS));
  }

  @Test
  void trackerAttachedToAnotherWritersCandidate_changedParamIsRejectedAloneAndTheRestArrives() throws Exception {
    String id = direct.createCandidate(NewCandidate.builder()
        .experimentId(direct.getOrCreateExperiment(experiment).id()).name("owned-by-another-writer")
        .startTime(System.currentTimeMillis()).build()).id();
    direct.logParam(id, "lr", "0.1");
    FlushResult flushed;
    try (Tracker tracker = tracker()) {
      ActiveCandidate c = tracker.attachCandidate(id);
      c.logParam("lr", "0.2");
      c.setTag("worker", "executor-1");
      c.setTag("phase", "train");
      for (int s = 0; s < POINTS; s++) {
        c.logMetric("loss", 1.0 / (s + 1), s);
      }
      flushed = tracker.flush().get(2, TimeUnit.MINUTES);
      c.close(); // an attached candidate is not ended by the tracker
    }
    assertThat(flushed.rejected()).as("%s", flushed.stats()).isEqualTo(1);
    assertThat(flushed.delivered()).isEqualTo(POINTS + 2);
    assertThat(flushed.delivered() + flushed.journaled() + flushed.dropped() + flushed.rejected())
        .isEqualTo(flushed.stats().queued());
    assertThat(flushed.stats().retried()).isZero();
    Candidate stored = direct.getCandidate(id);
    assertThat(stored.data().params()).containsEntry("lr", "0.1");
    assertThat(stored.data().tags()).containsEntry("worker", "executor-1").containsEntry("phase", "train");
    assertThat(stored.info().status()).isEqualTo(CandidateStatus.RUNNING);
    assertThat(steps(id, "loss")).isEqualTo(range(0, POINTS));
  }

  @Test
  void candidateDeletedOnTheServer_isRejectedInFewRequestsJournalsNothingAndTheNextCandidateDelivers()
      throws Exception {
    FlushResult refused;
    FlushResult next;
    int requests;
    boolean journalPending;
    String nextId;
    try (Tracker tracker = tracker()) {
      ActiveCandidate gone = tracker.startCandidate("deleted-meanwhile");
      direct.deleteCandidate(gone.id());
      proxy.reset();
      gone.logParam("lr", "0.1");
      gone.setTag("phase", "train");
      for (int s = 0; s < POINTS; s++) {
        gone.logMetric("loss", 1.0 / (s + 1), s);
      }
      refused = tracker.flush().get(2, TimeUnit.MINUTES);
      requests = proxy.count("POST", LOG_BATCH);
      gone.close(); // the end is refused too (the run is not active), and must not hang or journal

      ActiveCandidate after = tracker.startCandidate("after-the-deleted-one");
      nextId = after.id();
      after.logParam("lr", "0.2");
      for (int s = 0; s < 10; s++) {
        after.logMetric("loss", 1.0 / (s + 1), s);
      }
      after.close();
      next = tracker.flush().get(2, TimeUnit.MINUTES);
      journalPending = tracker.pipeline().journalPending();
    }
    int logged = POINTS + 2;
    assertThat(refused.rejected()).as("%s", refused.stats()).isEqualTo(logged);
    assertThat(refused.delivered()).isZero();
    assertThat(refused.journaled()).isZero();
    assertThat(refused.dropped()).isZero();
    assertThat(refused.stats().journaled()).as("nothing ever went to the journal").isZero();
    assertThat(refused.stats().retried()).as("a refusal is never retried").isZero();
    assertThat(refused.stats().queued()).isEqualTo(logged);
    // the first part is refused, one empty probe is refused too: the candidate is refused as a whole and the
    // rest without another request (at most twice, if the worker cut the 1,500 points into two records)
    assertThat(requests).as("log-batch requests for %d refused entities", logged).isBetween(2, 4);

    assertThat(next.delivered()).as("%s", next.stats()).isEqualTo(11);
    assertThat(next.rejected()).isEqualTo(logged);
    assertThat(next.journaled()).isZero();
    assertThat(next.delivered() + next.journaled() + next.dropped() + next.rejected())
        .isEqualTo(next.stats().queued());
    assertThat(next.stats().retried()).isZero();
    assertThat(journalPending).as("journal empty").isFalse();
    assertThat(steps(nextId, "loss")).isEqualTo(range(0, 10));
    assertThat(direct.getCandidate(nextId).data().params()).containsEntry("lr", "0.2");
    assertThat(direct.getCandidate(nextId).info().status()).isEqualTo(CandidateStatus.FINISHED);
  }

  @Test
  void serverStopped_journalsAfterThePipelinesRetriesAloneAndReplaysEverythingOnceWhenBack() throws Exception {
    String id;
    FlushResult down;
    int requests;
    long flushMillis;
    FlushResult replayed;
    TrackerStats end;
    try (Tracker tracker = tracker()) {
      ActiveCandidate c = tracker.startCandidate("server-stopped");
      id = c.id();
      c.logParam("lr", "0.01");
      c.logMetric("loss", 1.0, 0);
      assertThat(tracker.flush().get(1, TimeUnit.MINUTES).delivered()).isEqualTo(2);
      server.stop();
      try {
        proxy.reset();
        for (int s = 1; s <= 200; s++) {
          c.logMetric("loss", 1.0 / (s + 1), s);
        }
        c.setTag("phase", "during-outage");
        long t0 = System.nanoTime();
        down = tracker.flush().get(2, TimeUnit.MINUTES);
        flushMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        requests = proxy.count("POST", LOG_BATCH);
      } finally {
        server.start();
      }
      // the pipeline probes on its own backoff; replayJournal asks now (the first may meet a server still warming)
      FlushResult[] last = new FlushResult[1];
      await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
          .until(() -> (last[0] = tracker.replayJournal().get(1, TimeUnit.MINUTES)).journaled() == 0);
      replayed = last[0];
      c.close();
      end = tracker.stats();
    }
    assertThat(down.journaled()).as("%s", down.stats()).isEqualTo(201);
    assertThat(down.delivered()).isEqualTo(2);
    assertThat(down.rejected()).isZero();
    assertThat(down.dropped()).isZero();
    assertThat(down.stats().retried()).as("the pipeline's retries, no more").isBetween(1L, (long) PIPELINE_RETRIES);
    // 3 attempts of one request each (+1 for a probe that may start before the counts are read); with the
    // transport's 7 retries under each attempt there would be 24, and the flush would take well over 30 s
    assertThat(requests).as("log-batch requests while the server is down").isBetween(PIPELINE_RETRIES + 1,
        PIPELINE_RETRIES + 2);
    assertThat(flushMillis).as("time to reach the journal").isLessThan(10_000);

    assertThat(replayed.journaled()).isZero();
    assertThat(end.delivered()).as("%s", end).isEqualTo(end.queued()).isEqualTo(203);
    assertThat(end.replayed()).isEqualTo(201);
    assertThat(end.rejected()).isZero();
    assertThat(end.dropped()).isZero();
    assertThat(end.inJournal()).isZero();
    assertThat(steps(id, "loss")).as("every point exactly once").isEqualTo(range(0, 201));
    Candidate stored = direct.getCandidate(id);
    assertThat(stored.data().tags()).containsEntry("phase", "during-outage");
    assertThat(stored.data().params()).containsEntry("lr", "0.01");
    assertThat(stored.info().status()).isEqualTo(CandidateStatus.FINISHED);
  }

  private List<Long> steps(String candidateId, String key) {
    return direct.getMetricHistory(candidateId, key).stream().map(Metric::step).sorted()
        .collect(Collectors.toList());
  }

  private static List<Long> range(long from, long to) {
    return LongStream.range(from, to).boxed().collect(Collectors.toList());
  }
}
