package io.mlops.tracking;

import java.util.Optional;

/**
 * Counters of a {@link Tracker}'s logging pipeline, since it started. Entities are metric points, params and
 * tags. Backend problems never throw into training code; they show here and in rate-limited warnings.
 */
public final class TrackerStats {
  private final long queued;
  private final long delivered;
  private final long retried;
  private final long journaled;
  private final long replayed;
  private final long dropped;
  private final long rejected;
  private final String lastError;

  TrackerStats(long queued, long delivered, long retried, long journaled, long replayed, long dropped,
      long rejected, String lastError) {
    this.queued = queued;
    this.delivered = delivered;
    this.retried = retried;
    this.journaled = journaled;
    this.replayed = replayed;
    this.dropped = dropped;
    this.rejected = rejected;
    this.lastError = lastError;
  }

  /** Entities accepted by log calls. */
  public long queued() {
    return queued;
  }

  /** Entities the backend accepted (directly or by journal replay). */
  public long delivered() {
    return delivered;
  }

  /** Delivery attempts that were retried after a transient failure. */
  public long retried() {
    return retried;
  }

  /** Entities written to the on-disk journal (backend down, or queue full under SPILL). */
  public long journaled() {
    return journaled;
  }

  /** Entities delivered from the journal. */
  public long replayed() {
    return replayed;
  }

  /** Entities dropped (DROP or BLOCK policy with a full queue, or a journal that could not be written). */
  public long dropped() {
    return dropped;
  }

  /** Entities the backend refused for good (for example a candidate deleted meanwhile). */
  public long rejected() {
    return rejected;
  }

  /** The last backend error, if any. */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  @Override
  public String toString() {
    return "TrackerStats{queued=" + queued + ", delivered=" + delivered + ", retried=" + retried + ", journaled="
        + journaled + ", replayed=" + replayed + ", dropped=" + dropped + ", rejected=" + rejected
        + (lastError == null ? "" : ", lastError=" + lastError) + "}";
  }
}
