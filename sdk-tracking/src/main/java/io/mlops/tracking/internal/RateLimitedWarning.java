package io.mlops.tracking.internal;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;

/** Logs a warning of each kind at most once per interval, so a long outage does not flood the log. */
final class RateLimitedWarning {
  private final Logger log;
  private final long intervalNanos;
  private final ConcurrentMap<String, Long> last = new ConcurrentHashMap<>();

  RateLimitedWarning(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  void warn(String kind, String format, Object... args) {
    long now = System.nanoTime();
    Long previous = last.get(kind);
    if (previous != null && now - previous < intervalNanos) {
      return;
    }
    if (previous == null ? last.putIfAbsent(kind, now) == null : last.replace(kind, previous, now)) {
      log.warn(format, args);
    }
  }
}
