package io.mlops.tracking.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A bounded, lock-free, multi-producer single-consumer ring of metric points, preallocated as parallel arrays so
 * that offering a point allocates nothing.
 *
 * <p>Producers claim a sequence number with a CAS on {@link #claimed} (failing fast when the ring is full), write
 * the slot's fields, then publish the slot by storing its sequence number in {@link #published} with release
 * semantics. The single consumer reads slots in sequence order, waiting only for a slot that has been claimed but
 * not yet published (a producer between its CAS and its publish), and frees slots by advancing {@link #consumed}.
 */
public final class MetricRing {
  private final int capacity;
  private final int mask;
  private final Object[] owners;
  private final String[] keys;
  private final double[] values;
  private final long[] timestamps;
  private final long[] steps;
  private final AtomicLongArray published;
  private final AtomicLong claimed = new PaddedAtomicLong();
  private final AtomicLong consumed = new PaddedAtomicLong();

  /** A ring with room for at least {@code minCapacity} points (rounded up to a power of two). */
  public MetricRing(int minCapacity) {
    if (minCapacity < 2) {
      throw new IllegalArgumentException("capacity must be at least 2");
    }
    int cap = Integer.highestOneBit(minCapacity - 1) << 1;
    this.capacity = cap;
    this.mask = cap - 1;
    this.owners = new Object[cap];
    this.keys = new String[cap];
    this.values = new double[cap];
    this.timestamps = new long[cap];
    this.steps = new long[cap];
    this.published = new AtomicLongArray(cap);
    for (int i = 0; i < cap; i++) {
      published.set(i, -1L);
    }
  }

  /** The number of slots. */
  public int capacity() {
    return capacity;
  }

  /**
   * Offers a point. Returns false at once when the ring is full. Lock-free and allocation-free.
   *
   * @param owner the candidate the point belongs to (compared by identity by the consumer)
   */
  public boolean offer(Object owner, String key, double value, long timestamp, long step) {
    long seq;
    do {
      seq = claimed.get();
      if (seq - consumed.get() >= capacity) {
        return false;
      }
    } while (!claimed.compareAndSet(seq, seq + 1));
    int i = (int) (seq & mask);
    owners[i] = owner;
    keys[i] = key;
    values[i] = value;
    timestamps[i] = timestamp;
    steps[i] = step;
    published.lazySet(i, seq); // release: the consumer's volatile read of this sequence sees the fields above
    return true;
  }

  /** The number of points claimed so far (published or about to be). */
  public long claimedCount() {
    return claimed.get();
  }

  /** The number of points the consumer has taken. */
  public long consumedCount() {
    return consumed.get();
  }

  /** Receives drained points; called on the consumer thread. */
  public interface Sink {
    /** One point. */
    void accept(Object owner, String key, double value, long timestamp, long step);
  }

  /**
   * Drains up to {@code max} published points in order into {@code sink}. Consumer thread only. Stops at the
   * first slot whose producer has not published yet.
   *
   * @return the number of points drained
   */
  public int drain(Sink sink, int max) {
    long next = consumed.get();
    int n = 0;
    while (n < max) {
      int i = (int) (next & mask);
      if (published.get(i) != next) {
        break;
      }
      Object owner = owners[i];
      String key = keys[i];
      double value = values[i];
      long ts = timestamps[i];
      long step = steps[i];
      owners[i] = null;
      keys[i] = null;
      next++;
      n++;
      consumed.lazySet(next); // frees the slot for producers (they re-check with a volatile read)
      sink.accept(owner, key, value, ts, step);
    }
    return n;
  }

  /** An AtomicLong padded against false sharing between the producers' and the consumer's counters. */
  @SuppressWarnings("unused")
  private static final class PaddedAtomicLong extends AtomicLong {
    private static final long serialVersionUID = 1L;
    long p1, p2, p3, p4, p5, p6, p7;
  }
}
