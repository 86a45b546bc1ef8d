package io.mlops.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.CandidateStatus;
import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.MlopsSetting;
import io.mlops.core.TrackingClient;
import io.mlops.mlflow.internal.MlflowServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training loop logs into a real MLflow server while the server is restarted: nothing logged is lost and
 * nothing is duplicated. Needs {@code mlflow.server.url} and {@code mlflow.server.script} (the mlflow-server
 * profile sets both).
 */
class ServerRestartServerIT {
  @TempDir Path dir;

  @Test
  void serverRestartedMidRun_losesNothingAndDuplicatesNothing() throws Exception {
    MlflowServer server = MlflowServer.get();
    String url = server.url();
    MlopsConfig config = MlopsConfig.builder().trackingUri(url)
        .set(MlopsSetting.HTTP_REQUEST_MAX_RETRIES, "2").build();
    int steps = 6000;
    String id;
    TrackerStats stats;
    try (Tracker tracker = Tracker.builder().config(config).experimentName("restart-mid-run")
        .journalDirectory(dir.resolve("journal")).shutdownHook(false).flushInterval(Duration.ofMillis(100))
        .retry(Duration.ofMillis(100), Duration.ofSeconds(1), 2).build()) {
      ActiveCandidate c = tracker.startCandidate("survives-a-restart");
      id = c.id();
      c.logParam("lr", "0.01");
      java.util.concurrent.CompletableFuture<Void> restart = null;
      int s = 0;
      // The loop keeps logging (one step per millisecond) until the restart is over and all steps are logged.
      while (s < steps || restart == null || !restart.isDone()) {
        if (s < steps) {
          c.logMetric("loss", 1.0 / (s + 1), s);
          s++;
        }
        if (s == 500 && restart == null) {
          restart = java.util.concurrent.CompletableFuture.runAsync(server::restart);
        }
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      }
      restart.join();
      tracker.flush().join();
      tracker.replayJournal().join();
      c.close();
      stats = tracker.stats();
    }
    assertThat(stats.retried() + stats.journaled()).as("the outage was felt: %s", stats).isPositive();
    assertThat(stats.dropped()).isZero();
    assertThat(stats.rejected()).isZero();
    try (TrackingClient client = TrackingClient.create(config)) {
      List<Long> history = client.getMetricHistory(id, "loss").stream().map(Metric::step).sorted()
          .collect(Collectors.toList());
      assertThat(history).isEqualTo(LongStream.range(0, steps).boxed().collect(Collectors.toList()));
      assertThat(client.getCandidate(id).info().status()).isEqualTo(CandidateStatus.FINISHED);
      assertThat(client.getCandidate(id).data().params()).containsEntry("lr", "0.01");
    }
  }
}
