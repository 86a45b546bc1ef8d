package io.mlops.tracking;

import java.util.Optional;

/**
 * Counters of a {@link Tracker}'s logging pipeline, since it started. Entities are metric points, params and
 * tags. Backend problems never throw into training code; they show here and in warnings.
 *
 * <p>The entities this tracker was given balance exactly once nothing is in flight (after a flush, with no
 * logging meanwhile): {@code queued = delivered + inJournal + dropped + rejected}. Entities left in the journal by
 * an earlier tracker (a crashed process) and replayed by this one are counted apart, in {@link #recovered()} and
 * {@link #recoveredRejected()}, so they never unbalance this tracker's own counts.
 */
public final class TrackerStats {
  private final long queued;
  private final long delivered;
  private final long retried;
  private final long journaled;
  private final long inJournal;
  private final long replayed;
  private final long dropped;
  private final long rejected;
  private final long recovered;
  private final long recoveredRejected;
  private final String lastError;

  TrackerStats(long queued, long delivered, long retried, long journaled, long inJournal, long replayed,
      long dropped, long rejected, long recovered, long recoveredRejected, String lastError) {
    this.queued = queued;
    this.delivered = delivered;
    this.retried = retried;
    this.journaled = journaled;
    this.inJournal = inJournal;
    this.replayed = replayed;
    this.dropped = dropped;
    this.rejected = rejected;
    this.recovered = recovered;
    this.recoveredRejected = recoveredRejected;
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

  /** Entities written to the on-disk journal (backend down, or queue full under SPILL), in all. */
  public long journaled() {
    return journaled;
  }

  /** This tracker's entities in the journal now, waiting to be replayed; never negative. */
  public long inJournal() {
    return inJournal;
  }

  /** This tracker's entities delivered from the journal (also counted in {@link #delivered()}). */
  public long replayed() {
    return replayed;
  }

  /** Entities dropped (DROP or BLOCK policy with a full queue, or a journal that could not be written). */
  public long dropped() {
    return dropped;
  }

  /**
   * Entities refused for good and never retried: a param re-logged with another value, a value over the backend's
   * limit, a candidate deleted meanwhile. Each refused key is warned about once, with the backend's message.
   */
  public long rejected() {
    return rejected;
  }

  /** Entities that earlier trackers journaled and this one delivered (a crashed process's backlog). */
  public long recovered() {
    return recovered;
  }

  /** Entities that earlier trackers journaled and the backend refused when this one replayed them. */
  public long recoveredRejected() {
    return recoveredRejected;
  }

  /** The last backend error, if any. */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  @Override
  public String toString() {
    return "TrackerStats{queued=" + queued + ", delivered=" + delivered + ", retried=" + retried + ", journaled="
        + journaled + ", inJournal=" + inJournal + ", replayed=" + replayed + ", dropped=" + dropped + ", rejected="
        + rejected + ", recovered=" + recovered + ", recoveredRejected=" + recoveredRejected
        + (lastError == null ? "" : ", lastError=" + lastError) + "}";
  }
}
