package io.mlops.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.ValidationException;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** {@link Tracker.Builder} refuses bad settings at the setter with a {@link ValidationException} naming it. */
class TrackerBuilderArgumentsTest {
  private static void assertNames(ThrowingCallable call, String argument, String rule) {
    assertThatThrownBy(call).isInstanceOfSatisfying(ValidationException.class, e -> {
      assertThat(e.key()).isEqualTo(argument);
      assertThat(e.rule()).isEqualTo(rule);
    }).hasMessageContaining(argument);
  }

  @Test
  void outOfRangeSettings_nameTheSetting() {
    Tracker.Builder b = Tracker.builder();
    assertNames(() -> b.flushInterval(Duration.ZERO), "flushInterval", "range");
    assertNames(() -> b.queueCapacity(1), "queueCapacity", "range");
    assertNames(() -> b.blockTimeout(Duration.ofMillis(-1)), "blockTimeout", "range");
    assertNames(() -> b.spillAfter(Duration.ofMillis(-1)), "spillAfter", "range");
    assertNames(() -> b.closeTimeout(Duration.ZERO), "closeTimeout", "range");
    assertNames(() -> b.deliveryTimeout(Duration.ZERO), "deliveryTimeout", "range");
    assertNames(() -> b.retry(Duration.ofSeconds(2), Duration.ofSeconds(1), 3), "retry", "range");
    assertNames(() -> b.retry(Duration.ofSeconds(1), Duration.ofSeconds(2), -1), "retry", "range");
    assertNames(() -> b.experimentName(" "), "experimentName", "required");
  }

  @Test
  void nullSettings_nameTheSetting() {
    Tracker.Builder b = Tracker.builder();
    assertNames(() -> b.flushInterval(null), "flushInterval", "required");
    assertNames(() -> b.spillAfter(null), "spillAfter", "required");
    assertNames(() -> b.closeTimeout(null), "closeTimeout", "required");
    assertNames(() -> b.deliveryTimeout(null), "deliveryTimeout", "range");
    assertNames(() -> b.fullQueuePolicy(null), "policy", "required");
    assertNames(() -> b.journalDirectory(null), "directory", "required");
    assertNames(() -> b.config(null), "config", "required");
    assertNames(() -> b.client(null), "client", "required");
    assertNames(() -> b.retry(null, Duration.ofSeconds(1), 1), "initial", "required");
  }
}
