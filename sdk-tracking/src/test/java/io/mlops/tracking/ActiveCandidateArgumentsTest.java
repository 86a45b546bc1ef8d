package io.mlops.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.CandidateStatus;
import io.mlops.core.MlopsConfig;
import io.mlops.core.ValidationException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Programming errors in {@link ActiveCandidate}'s calls throw at once a {@link ValidationException} naming the
 * argument, not a bare {@link NullPointerException} or {@link IllegalArgumentException}; the candidate stays usable.
 */
class ActiveCandidateArgumentsTest {
  @TempDir Path dir;
  private Tracker tracker;
  private ActiveCandidate candidate;

  @BeforeEach
  void open() {
    tracker = Tracker.builder()
        .config(MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
            .trackingUri(dir.resolve("mlruns").toString()).build())
        .workingDirectory(dir)
        .environment(Map.of())
        .build();
    candidate = tracker.startCandidate("args");
  }

  @AfterEach
  void close() {
    tracker.close();
  }

  private static void assertNamesArgument(ThrowingCallable call, String argument) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.key()).isEqualTo(argument))
        .hasMessageContaining(argument);
  }

  @Test
  void end_withRunning_isAValidationErrorNamingTheStatusAndLeavesTheCandidateOpen() {
    assertNamesArgument(() -> candidate.end(CandidateStatus.RUNNING), "status");
    assertNamesArgument(() -> candidate.end(CandidateStatus.SCHEDULED), "status");
    assertNamesArgument(() -> candidate.end(null), "status");

    assertThat(candidate.endStatus()).isEmpty();
    candidate.logMetric("still.open", 1.0);
    assertThat(candidate.end(CandidateStatus.FINISHED)).isTrue();
  }

  @Test
  void logCalls_withANullKey_areValidationErrorsNamingTheKey() {
    assertNamesArgument(() -> candidate.logMetric(null, 1.0), "key");
    assertNamesArgument(() -> candidate.logMetric(null, 1.0, 3L), "key");
    assertNamesArgument(() -> candidate.logParam(null, "v"), "key");
    assertNamesArgument(() -> candidate.setTag(null, "v"), "key");
  }

  @Test
  void logMetrics_withANullValue_refusesThatEntryAndLogsTheRest() {
    Map<String, Double> values = new HashMap<>();
    values.put("ok", 1.0);
    values.put("missing", null);

    assertThatThrownBy(() -> candidate.logMetrics(values, 0L))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("missing");

    candidate.end(CandidateStatus.FINISHED);
    assertThat(tracker.client().getCandidate(candidate.id()).data().metrics()).containsOnlyKeys("ok");
  }

  @Test
  void logMaps_thatAreNull_areValidationErrors() {
    assertNamesArgument(() -> candidate.logParams(null), "values");
    assertNamesArgument(() -> candidate.logMetrics(null, 0L), "values");
    assertNamesArgument(() -> candidate.setTags(null), "tags");
  }

  @Test
  void logMetric_withATimestamp_keepsIt_andANegativeOneIsAValidationErrorNamingTheKey() {
    assertThatThrownBy(() -> candidate.logMetric("measured", 1.0, 0L, -1L))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.key()).isEqualTo("measured"))
        .hasMessageContaining("negative timestamp");
    assertNamesArgument(() -> candidate.logMetric(null, 1.0, 0L, 5L), "key");

    candidate.logMetric("measured", 2.5, 7L, 1_000_000L);
    candidate.end(CandidateStatus.FINISHED);
    assertThat(tracker.client().getMetricHistory(candidate.id(), "measured"))
        .singleElement()
        .satisfies(m -> {
          assertThat(m.value()).isEqualTo(2.5);
          assertThat(m.step()).isEqualTo(7L);
          assertThat(m.timestamp()).isEqualTo(1_000_000L);
        });
  }
}
