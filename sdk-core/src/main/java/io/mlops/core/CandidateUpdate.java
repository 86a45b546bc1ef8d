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

  /** A builder. */
  static ImmutableCandidateUpdate.Builder builder() {
    return ImmutableCandidateUpdate.builder();
  }

  /** Ends a candidate with a status at a time. */
  static CandidateUpdate end(CandidateStatus status, long endTime) {
    return builder().status(status).endTime(endTime).build();
  }
}
