package io.mlops.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures the bytes allocated by the benchmark threads themselves, per operation. JMH's {@code -prof gc}
 * ({@code gc.alloc.rate.norm}) counts every thread of the JVM on JDK 14+, including the tracker's background
 * worker, so it cannot tell what the log call allocates from what the asynchronous delivery allocates; this
 * counter can: each benchmark thread reads {@link #current()} around what it measures and reports the difference
 * with {@link #add(long, long, int)} after an iteration; the last thread of an iteration prints one line for all
 * of them.
 */
public final class CallerAllocation {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final String label;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong operations = new AtomicLong();
  private final AtomicInteger reported = new AtomicInteger();
  private final AtomicInteger iteration = new AtomicInteger();

  /** A counter whose lines start with {@code label}. */
  public CallerAllocation(String label) {
    this.label = label;
  }

  /** Bytes allocated so far by the calling thread (a mark to subtract from a later reading). */
  public static long current() {
    return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  /**
   * Adds one thread's allocation and operation count for the iteration; the last of {@code threadCount} threads
   * prints the iteration's bytes per operation and resets the counter.
   */
  public void add(long allocated, long ops, int threadCount) {
    bytes.addAndGet(allocated);
    operations.addAndGet(ops);
    if (reported.incrementAndGet() == threadCount) {
      long b = bytes.getAndSet(0);
      long n = operations.getAndSet(0);
      reported.set(0);
      System.out.printf("%n  [%s] iteration %d: caller threads allocated %.4f B/op (%d B over %d calls)%n",
          label, iteration.incrementAndGet(), n == 0 ? 0.0 : (double) b / n, b, n);
    }
  }
}
