package io.mlops.core;

import java.util.Optional;
import java.util.OptionalLong;
import org.immutables.value.Value;

/** A candidate's metadata: identity, status and timing (MLflow's {@code RunInfo}). */
@Value.Immutable
public interface CandidateInfo {
  /** The candidate id (MLflow's run id). */
  String id();

  /** The experiment it belongs to. */
  String experimentId();

  /** The display name (MLflow's run name); may be empty. */
  String name();

  /** The current status. */
  CandidateStatus status();

  /** Start time, milliseconds since the epoch. */
  long startTime();

  /** End time in milliseconds, once the candidate has ended. */
  OptionalLong endTime();

  /** Where the candidate's artifacts live, as a URI. */
  String artifactUri();

  /** Active or deleted. */
  @Value.Default
  default LifecycleStage lifecycleStage() {
    return LifecycleStage.ACTIVE;
  }

  /** The user who created it, where known. */
  Optional<String> userId();

  /** Builds a {@link CandidateInfo}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutableCandidateInfo.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }
}
