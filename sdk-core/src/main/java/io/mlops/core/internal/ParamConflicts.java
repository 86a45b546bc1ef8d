package io.mlops.core.internal;

import io.mlops.core.InvalidParameterException;
import io.mlops.core.Param;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The write-once rule for params as every store of the SDK enforces it inside {@code logBatch}: a key at most once
 * per batch, the same value again a no-op, another value an {@link InvalidParameterException} that names every
 * changed key with both values (MLflow's message). A store checks all params before it writes anything, so that a
 * refusal is whole ({@link io.mlops.core.spi.TrackingStore#logBatch}).
 */
public final class ParamConflicts {
  private ParamConflicts() {}

  /**
   * Refuses a batch that holds a param key twice.
   *
   * @throws InvalidParameterException naming the repeated key
   */
  public static void requireDistinctKeys(List<Param> params) {
    Set<String> seen = new HashSet<>();
    for (Param p : params) {
      if (!seen.add(p.key())) {
        throw new InvalidParameterException("Duplicate param key '" + p.key() + "' in one batch");
      }
    }
  }

  /** What is wrong with logging {@code p} where {@code existing} is stored already; empty when the values agree. */
  public static Optional<String> conflict(Param p, String existing) {
    return existing.equals(p.value()) ? Optional.empty() : Optional.of("Param with key='" + p.key()
        + "' was already logged with value='" + existing + "'; attempted logging new value '" + p.value() + "'");
  }

  /**
   * Throws when any conflict was found.
   *
   * @throws InvalidParameterException listing every conflict of the batch
   */
  public static void throwIfAny(String candidateId, List<String> conflicts) {
    if (!conflicts.isEmpty()) {
      throw new InvalidParameterException("Changing param values is not allowed (candidate " + candidateId + "). "
          + String.join("; ", conflicts));
    }
  }
}
