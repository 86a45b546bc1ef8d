package io.mlops.registry;

/** Which part of the latest version a promotion increments. */
public enum Bump {
  /** 1.4.2 → 2.0.0. */
  MAJOR,
  /** 1.4.2 → 1.5.0. */
  MINOR,
  /** 1.4.2 → 1.4.3. */
  PATCH
}
