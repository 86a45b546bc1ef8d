package io.mlops.tracking.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.CandidateStatus;
import io.mlops.core.Metric;
import io.mlops.core.NewCandidate;
import io.mlops.core.Param;
import io.mlops.core.Tag;
import io.mlops.core.internal.Backoff;
import io.mlops.tracking.support.FlakyBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline on its own, over a backend's SPI: no TrackingClient exists in these tests. */
class LogPipelineTest {
  @TempDir Path dir;
  private LogPipeline pipeline;

  @AfterEach
  void close() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private LogPipeline open(FlakyBackend backend) throws Exception {
    LogPipeline.Settings settings = new LogPipeline.Settings();
    settings.backoff = new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), 1);
    settings.flushInterval = Duration.ofMillis(50);
    pipeline = new LogPipeline(backend, new Journal(dir.resolve("journal")), settings);
    return pipeline;
  }

  private static CandidateHandle candidate(FlakyBackend backend) {
    return new CandidateHandle(backend.createCandidate(NewCandidate.builder().experimentId("0").name("c")
        .startTime(1L).build()).id());
  }

  @Test
  void deliversPointsParamsTagsAndTheEnd_straightIntoTheBackendsStore() throws Exception {
    FlakyBackend backend = new FlakyBackend(dir.resolve("mlruns"));
    LogPipeline p = open(backend);
    CandidateHandle c = candidate(backend);
    for (int s = 0; s < 2500; s++) {
      p.offerMetric(c, "loss", 1.0 / (s + 1), 1_700_000_000_000L, s);
    }
    p.offer(c, List.of(Param.of("lr", "0.1")), List.of(Tag.of("team", "a")));
    LogPipeline.Counters counters = p.end(c, CandidateStatus.FINISHED, 2L).join();

    assertThat(counters.queued).isEqualTo(2502);
    assertThat(counters.delivered).isEqualTo(2502);
    assertThat(counters.rejected + counters.dropped + counters.inJournal).isZero();
    assertThat(backend.getMetricHistory(c.id, "loss", Optional.empty()).items()).hasSize(2500);
    assertThat(backend.getCandidate(c.id).info().status()).isEqualTo(CandidateStatus.FINISHED);
    assertThat(backend.getCandidate(c.id).data().params()).containsEntry("lr", "0.1");
  }

  @Test
  void aRefusedParam_costsOnlyItself_andTheCountsBalance() throws Exception {
    FlakyBackend backend = new FlakyBackend(dir.resolve("mlruns"));
    LogPipeline p = open(backend);
    CandidateHandle c = candidate(backend);
    backend.logBatch(c.id, List.of(), List.of(Param.of("lr", "0.1")), List.of());
    p.offer(c, List.of(Param.of("lr", "0.2"), Param.of("epochs", "3")), List.of());
    for (int s = 0; s < 10; s++) {
      p.offerMetric(c, "loss", s, 1L, s);
    }
    LogPipeline.Counters counters = p.flush().join();

    assertThat(counters.rejected).isEqualTo(1);
    assertThat(counters.delivered).isEqualTo(11);
    assertThat(counters.delivered + counters.rejected).isEqualTo(counters.queued);
    assertThat(backend.getCandidate(c.id).data().params()).containsEntry("lr", "0.1").containsEntry("epochs", "3");
    assertThat(backend.getMetricHistory(c.id, "loss", Optional.empty()).items()).hasSize(10);
  }

  @Test
  void anOutage_journalsThenReplays_withoutDoublingAPoint() throws Exception {
    FlakyBackend backend = new FlakyBackend(dir.resolve("mlruns"));
    LogPipeline p = open(backend);
    CandidateHandle c = candidate(backend);
    backend.setDown(true);
    for (int s = 0; s < 300; s++) {
      p.offerMetric(c, "loss", s, 1L, s);
    }
    LogPipeline.Counters down = p.flush().join();
    assertThat(down.inJournal).isEqualTo(300);

    backend.setDown(false);
    LogPipeline.Counters up = p.replay().join();
    assertThat(up.delivered).isEqualTo(300);
    assertThat(up.inJournal).isZero();
    List<Metric> history = backend.getMetricHistory(c.id, "loss", Optional.empty()).items();
    assertThat(history).hasSize(300);
    assertThat(history.stream().map(Metric::step).distinct().count()).isEqualTo(300);
  }

  @Test
  void theWorkerPath_doesNotImportThePublicClient() throws Exception {
    Path source = Paths.get("src/main/java/io/mlops/tracking/internal/LogPipeline.java");
    String text = new String(Files.readAllBytes(source), StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("import io.mlops.core.TrackingClient;")
        .contains("import io.mlops.core.internal.BatchDelivery;");
  }
}
