package io.mlops.core;

import java.util.Optional;
import java.util.OptionalLong;
import org.immutables.value.Value;

/** A change to a candidate's status, end time or name; absent fields are left as they are. */
@Value.Immutable
public interface CandidateUpdate {
  /** The new status. */
  Optional<CandidateStatus> status();

  /** The new end time in milliseconds. */
  OptionalLong endTime();

  /** The new name. */
  Optional<String> name();

  /** Builds a {@link CandidateUpdate}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutableCandidateUpdate.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }

  /** Ends a candidate with a status at a time. */
  static CandidateUpdate end(CandidateStatus status, long endTime) {
    return builder().status(status).endTime(endTime).build();
  }
}
