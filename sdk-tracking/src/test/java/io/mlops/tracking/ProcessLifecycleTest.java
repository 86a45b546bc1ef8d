package io.mlops.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mlops.core.CandidateStatus;
import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.tracking.support.FlakyBackend;
import io.mlops.tracking.support.JournalingChild;
import io.mlops.tracking.support.ShutdownHookChild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole JVMs: one killed while its backend is down, one that exits without closing its tracker. */
class ProcessLifecycleTest {
  @TempDir Path dir;

  private Process startJava(Class<?> main, Path log, String... args) throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        main.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  @Test
  void processKilledMidRun_leavesAJournalThatTheNextTrackerReplays() throws Exception {
    Path store = dir.resolve("mlruns");
    Path journal = dir.resolve("journal");
    Path down = Files.createFile(dir.resolve("backend-down"));
    Path ready = dir.resolve("ready");
    int points = 3000;
    Process child = startJava(JournalingChild.class, dir.resolve("child.log"), store.toString(), journal.toString(),
        down.toString(), ready.toString(), Integer.toString(points));
    await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(ready) || !child.isAlive());
    assertThat(Files.exists(ready)).as("child log:%n%s", Files.readString(dir.resolve("child.log"))).isTrue();
    String[] report = Files.readString(ready).split(" ");
    String candidateId = report[0];
    assertThat(Long.parseLong(report[1])).isEqualTo(points + 1);
    child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

    Files.delete(down); // the backend is back
    FlakyBackend backend = new FlakyBackend(store);
    TrackingClient client = TrackingClient.create(MlopsConfig.builder().trackingUri(store.toString()).build(),
        backend);
    assertThat(client.getMetricHistory(candidateId, "loss")).isEmpty();
    try (Tracker next = Tracker.builder().client(client).journalDirectory(journal).shutdownHook(false)
        .systemTags(false).build()) {
      await().atMost(Duration.ofSeconds(60))
          .until(() -> client.getMetricHistory(candidateId, "loss").size() >= points);
      // the dead process's backlog is counted apart: this tracker's own counts stay balanced (and never negative)
      await().atMost(Duration.ofSeconds(30)).until(() -> next.stats().recovered() == points + 1);
      assertThat(next.stats().replayed()).isZero();
      FlushResult flushed = next.flush().get(30, TimeUnit.SECONDS);
      assertThat(flushed.journaled()).isZero();
      assertThat(flushed.delivered() + flushed.journaled() + flushed.dropped() + flushed.rejected())
          .isEqualTo(flushed.stats().queued()).isZero();
    }
    List<Long> steps = client.getMetricHistory(candidateId, "loss").stream().map(Metric::step)
        .collect(Collectors.toList());
    assertThat(steps).isEqualTo(LongStream.range(0, points).boxed().collect(Collectors.toList()));
    assertThat(client.getCandidate(candidateId).data().params()).containsEntry("lr", "0.1");
    assertThat(journal).as("a fully replayed journal leaves nothing behind").doesNotExist();
  }

  @Test
  void jvmExitWithoutClose_flushesThroughTheShutdownHook() throws Exception {
    Path store = dir.resolve("mlruns");
    Path idFile = dir.resolve("id");
    Process child = startJava(ShutdownHookChild.class, dir.resolve("child.log"), store.toString(),
        dir.resolve("journal").toString(), idFile.toString());
    assertThat(child.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(Files.readString(dir.resolve("child.log"))).isZero();
    String id = Files.readString(idFile);
    try (TrackingClient client = TrackingClient.create(MlopsConfig.builder().trackingUri(store.toString()).build())) {
      assertThat(client.getMetricHistory(id, "loss")).hasSize(20_000);
      assertThat(client.getCandidate(id).info().status()).isEqualTo(CandidateStatus.FINISHED);
    }
  }
}
