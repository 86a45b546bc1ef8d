package io.mlops.core;

import java.util.List;
import java.util.Map;
import org.immutables.value.Value;

/**
 * What one {@link CandidateSync} push did: counts of what was sent and what was already on the target, the ids of
 * the target candidates, and the conflicts it reported instead of failing.
 *
 * <pre>{@code
 * SyncResult r = CandidateSync.between(local, server).pushExperiment("churn");
 * System.out.println(r.candidatesCreated() + " created, " + r.metricPointsSent() + " points sent");
 * r.conflicts().forEach(System.err::println);
 * }</pre>
 */
@Value.Immutable
public interface SyncResult {
  /** Candidates created on the target. */
  int candidatesCreated();

  /** Candidates that existed on the target and received something (data, artifacts, status, end time or name). */
  int candidatesUpdated();

  /** Candidates that existed on the target and already held everything. */
  int candidatesUnchanged();

  /** Candidates left alone because their copy on the target is deleted (each is also listed in conflicts). */
  int candidatesSkipped();

  /** Metric points logged to the target. */
  long metricPointsSent();

  /**
   * Source metric points not sent: already on the target, or an exact repeat (same key, timestamp, step and value)
   * of a point sent or present. {@code metricPointsSent() + metricPointsSkipped()} is the number of source points.
   */
  long metricPointsSkipped();

  /** Params logged to the target. */
  int paramsLogged();

  /** Candidate tags set on the target (new keys and changed values). */
  int tagsSet();

  /** Experiment tags set on the target (only {@link CandidateSync#pushExperiment(String, String)} copies them). */
  int experimentTagsSet();

  /** Artifact files uploaded: missing on the target, or there with another size. */
  int artifactFilesUploaded();

  /** Artifact files already on the target with the same size. */
  int artifactFilesSkipped();

  /**
   * What the push could not reconcile and left as it was, one sentence each: a param whose value differs on the
   * target, a copy that is deleted on the target, an entry the target refused, a start time that differs. Empty
   * when source and target now agree.
   */
  List<String> conflicts();

  /** The target candidate id of each source candidate the push handled (skipped ones included), by source id. */
  Map<String, String> candidateIds();

  /** True when {@link #conflicts()} is not empty. */
  default boolean hasConflicts() {
    return !conflicts().isEmpty();
  }

  /** Builds a {@link SyncResult}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutableSyncResult.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }
}
