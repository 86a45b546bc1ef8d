package io.mlops.tracking;

/**
 * What had happened to the logged entities when a flush completed: totals since the tracker started. Everything
 * logged before the flush call is then either {@link #delivered()} or {@link #journaled()} (durable on disk, to be
 * replayed), or was {@link #dropped()} or {@link #rejected()}.
 */
public final class FlushResult {
  private final TrackerStats stats;

  FlushResult(TrackerStats stats) {
    this.stats = stats;
  }

  /** Entities in the backend. */
  public long delivered() {
    return stats.delivered();
  }

  /** Entities written to the journal (replayed entities stay counted here too). */
  public long journaled() {
    return stats.journaled();
  }

  /** Entities dropped. */
  public long dropped() {
    return stats.dropped();
  }

  /** Entities refused by the backend for good. */
  public long rejected() {
    return stats.rejected();
  }

  /** The full counters at completion. */
  public TrackerStats stats() {
    return stats;
  }

  @Override
  public String toString() {
    return "FlushResult{delivered=" + delivered() + ", journaled=" + journaled() + ", dropped=" + dropped()
        + ", rejected=" + rejected() + "}";
  }
}
