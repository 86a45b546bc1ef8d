package io.mlops.tracking.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Milliseconds since the epoch for the logging hot path, read from a field instead of the system clock:
 * {@link System#currentTimeMillis()} costs about 24 ns on the machines this SDK is measured on, more than the rest
 * of a {@code logMetric} call. One daemon thread ({@value #THREAD_NAME}) refreshes the field every millisecond while
 * something reads it, and sleeps once nothing has for a second, so an idle JVM pays nothing; the first read after a
 * sleep wakes it and returns a fresh {@code System.currentTimeMillis()} itself. The value may lag the system clock
 * by about a millisecond (more when the machine is overloaded and the thread runs late), and never goes backwards.
 */
public final class MillisClock {
  static final String THREAD_NAME = "mlops-clock";
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final int IDLE_TICKS = 1000;

  private static volatile long now = System.currentTimeMillis();
  private static volatile boolean ticking;
  /** Set by readers, cleared by the ticker; a plain field on purpose: a hint, read and written without fences. */
  private static boolean read;
  private static final AtomicBoolean started = new AtomicBoolean();
  private static volatile Thread ticker;

  private MillisClock() {}

  /** The current time in milliseconds since the epoch, to about a millisecond. */
  public static long millis() {
    if (!read) {
      read = true;
    }
    if (ticking) {
      return now;
    }
    return wake();
  }

  private static long wake() {
    long t = Math.max(now, System.currentTimeMillis());
    now = t;
    ticking = true;
    if (started.compareAndSet(false, true)) {
      Thread th = new Thread(MillisClock::tick, THREAD_NAME);
      th.setDaemon(true);
      th.setContextClassLoader(null);
      ticker = th;
      th.start();
    } else {
      LockSupport.unpark(ticker);
    }
    return t;
  }

  private static void tick() {
    int idle = 0;
    while (true) {
      long t = System.currentTimeMillis();
      if (t > now) {
        now = t; // never backwards, even when the system clock is set back
      }
      if (read) {
        read = false;
        idle = 0;
      } else if (++idle >= IDLE_TICKS) {
        ticking = false; // readers take the system clock and wake us
        idle = 0;
        while (!ticking) {
          LockSupport.park();
        }
        continue;
      }
      LockSupport.parkNanos(TICK_NANOS);
    }
  }

  /** True while the ticker refreshes the value (for tests). */
  static boolean isTicking() {
    return ticking;
  }
}
