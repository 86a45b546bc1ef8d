package io.mlops.core;

import org.immutables.value.Value;

/**
 * One metric point, param or tag of a batch that was not logged and never will be as it is: it broke a
 * validation rule, or the backend refused it (a param re-logged with another value, a value over the server's
 * limit, a candidate that is deleted). Sending it again would fail the same way, so nobody retries it.
 */
@Value.Immutable
public interface RefusedEntry {
  /** What kind of entity was refused. */
  enum Kind { METRIC, PARAM, TAG }

  /** The kind of entity. */
  @Value.Parameter
  Kind kind();

  /** Its key. */
  @Value.Parameter
  String key();

  /**
   * Why: a {@link ValidationException} for a rule the SDK checks, or the backend's {@link MlopsServiceException}
   * (its {@link MlopsServiceException#serviceMessage()} is the server's own words). Several entries refused by
   * one answer share the same exception.
   */
  @Value.Parameter
  @Value.Auxiliary
  MlopsException reason();

  /** An entry. */
  static RefusedEntry of(Kind kind, String key, MlopsException reason) {
    return ImmutableRefusedEntry.of(kind, key, reason);
  }
}
