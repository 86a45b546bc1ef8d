package io.mlops.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.CandidateQuery;
import io.mlops.core.CandidateStatus;
import io.mlops.core.ValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Tracker#noop()}: tracking off, nothing opened, started, written or kept; input still checked. */
class TrackerNoopTest {
  @TempDir Path dir;

  private static long workerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("mlops-tracker-worker") && t.isAlive()).count();
  }

  @Test
  void aNoopTracker_takesEveryCall_startsNoThread_andKeepsNothing() throws Exception {
    long before = workerThreads();
    Path artifact = Files.writeString(dir.resolve("model.bin"), "weights");
    try (Tracker tracker = Tracker.noop()) {
      assertThat(tracker.isNoop()).isTrue();
      assertThat(workerThreads()).isEqualTo(before);
      String id = tracker.call("off", c -> {
        c.logParam("lr", "0.1").logParams(Map.of("batch", "32"));
        for (int step = 0; step < 1000; step++) {
          c.logMetric("loss", 1.0 / (step + 1), step);
        }
        c.logMetrics(Map.of("acc", 0.9), 1000);
        c.setTag("team", "risk").setTags(Map.of("phase", "test"));
        c.logArtifact(artifact, "model");
        return c.id();
      });
      assertThat(id).isNotBlank();
      ActiveCandidate other = tracker.startCandidate("experiment", "named");
      assertThat(other.end(CandidateStatus.KILLED)).isTrue();
      tracker.attachCandidate(id).logMetric("late", 1, 0);

      FlushResult r = tracker.flush().get();
      assertThat(r.delivered() + r.journaled() + r.dropped() + r.rejected()).isZero();
      assertThat(tracker.stats().queued()).isZero();
      assertThat(tracker.replayJournal().get().journaled()).isZero();
      assertThat(tracker.client().searchCandidates(CandidateQuery.builder()
          .addExperimentId(tracker.experiment().id()).build())).isEmpty();
      assertThat(tracker.client().getMetricHistory(id, "loss")).isEmpty();
    }
    assertThat(workerThreads()).isEqualTo(before);
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(artifact); // no store, no journal written beside it
    }
  }

  @Test
  void aNoopTracker_stillRefusesWhatARealOneRefuses() {
    try (Tracker tracker = Tracker.noop()) {
      ActiveCandidate c = tracker.startCandidate("checks");
      assertThatThrownBy(() -> c.logMetric("bad*key", 1, 0)).isInstanceOf(ValidationException.class);
      assertThatThrownBy(() -> c.logParam("p", "v".repeat(6001))).isInstanceOf(ValidationException.class);
      c.logParam("lr", "0.1");
      assertThatThrownBy(() -> c.logParam("lr", "0.2")).isInstanceOf(io.mlops.core.InvalidParameterException.class);
      c.close();
      assertThatThrownBy(() -> c.logMetric("loss", 1, 0)).isInstanceOf(CandidateEndedException.class);
    }
  }

  @Test
  void closingANoopTrackerTwice_isHarmless_andItThenRefusesNewCandidates() {
    Tracker tracker = Tracker.noop();
    tracker.close();
    tracker.close();
    assertThatThrownBy(() -> tracker.startCandidate("late")).isInstanceOf(IllegalStateException.class);
  }
}
