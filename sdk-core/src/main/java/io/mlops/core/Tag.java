package io.mlops.core;

import org.immutables.value.Value;

/** A tag: a mutable key/value of metadata (last write wins). */
@Value.Immutable
public interface Tag {
  /** The key. */
  @Value.Parameter
  String key();

  /** The value. */
  @Value.Parameter
  String value();

  /** A tag. */
  static Tag of(String key, String value) {
    return ImmutableTag.of(key, value);
  }
}
