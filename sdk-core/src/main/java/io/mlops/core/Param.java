package io.mlops.core;

import org.immutables.value.Value;

/** A param: a write-once key/value describing how a candidate was trained. */
@Value.Immutable
public interface Param {
  /** The key. */
  @Value.Parameter
  String key();

  /** The value. */
  @Value.Parameter
  String value();

  /** A param. */
  static Param of(String key, String value) {
    return ImmutableParam.of(key, value);
  }
}
