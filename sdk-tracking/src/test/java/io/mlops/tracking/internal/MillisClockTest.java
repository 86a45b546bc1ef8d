package io.mlops.tracking.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The hot path's clock: close to the system clock, never backwards, asleep when nobody reads it. */
class MillisClockTest {
  @Test
  void millis_followsTheSystemClock_andNeverGoesBackwards() {
    long last = 0;
    for (int i = 0; i < 200_000; i++) {
      long t = MillisClock.millis();
      assertThat(t).isGreaterThanOrEqualTo(last);
      last = t;
    }
    // a loose bound: the value lags by about a millisecond, more on an overloaded machine, never by seconds
    assertThat(Math.abs(MillisClock.millis() - System.currentTimeMillis())).isLessThan(1_000);
    long before = MillisClock.millis();
    await().atMost(Duration.ofSeconds(10)).until(() -> MillisClock.millis() > before); // it advances
  }

  @Test
  void theTicker_sleepsWhenNobodyReads_andWakesOnTheNextRead() {
    MillisClock.millis();
    assertThat(MillisClock.isTicking()).isTrue();
    await().atMost(Duration.ofSeconds(20)).until(() -> !MillisClock.isTicking());
    long t = MillisClock.millis(); // the read that wakes it returns the system clock itself
    assertThat(Math.abs(t - System.currentTimeMillis())).isLessThan(1_000);
    assertThat(MillisClock.isTicking()).isTrue();
  }
}
