package io.mlops.core.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Jittered exponential backoff ("equal jitter"): attempt n waits a random time in [cap/2, cap] with
 * cap = min(max, initial·2^n), so retries spread out but never come back to back.
 */
public final class Backoff {
  private final long initialNanos;
  private final long maxNanos;
  private final int maxRetries;

  /**
   * A backoff.
   *
   * @param initial the first delay's upper bound
   * @param max the largest delay
   * @param maxRetries retries before giving up (the transport then fails the request; the tracker journals)
   */
  public Backoff(Duration initial, Duration max, int maxRetries) {
    if (initial.isNegative() || max.compareTo(initial) < 0 || maxRetries < 0) {
      throw new IllegalArgumentException("need 0 <= initial <= max and maxRetries >= 0");
    }
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.maxRetries = maxRetries;
  }

  /** The jittered delay before retry {@code attempt} (0-based). */
  public long delayNanos(int attempt) {
    long cap = initialNanos << Math.min(attempt, 30);
    if (cap <= 0 || cap > maxNanos) {
      cap = maxNanos;
    }
    return cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
  }

  /** A fresh sequence of delays for one delivery. */
  public Sequence sequence() {
    return new Sequence();
  }

  /** The delays of one delivery's retries. */
  public final class Sequence {
    private int attempt;

    /** The next delay in nanoseconds, or -1 when the retries are used up. */
    public long next() {
      return attempt >= maxRetries ? -1 : delayNanos(attempt++);
    }
  }
}
