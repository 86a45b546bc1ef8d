package io.mlops.tracking;

/**
 * Where the logged entities (metric points, params, tags) were when a flush completed, as totals since the
 * tracker started. Every entity this tracker was given before the flush is in exactly one place, so
 * {@code delivered + journaled + dropped + rejected} counts all of them (when nothing was logged during the
 * flush); no count is ever negative. What an earlier tracker journaled and this one replayed is in
 * {@link TrackerStats#recovered()}, not here.
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

  /** Entities durable in the journal and not yet delivered (they will be replayed). */
  public long journaled() {
    return stats.inJournal();
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
