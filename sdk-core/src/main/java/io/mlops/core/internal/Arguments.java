package io.mlops.core.internal;

import io.mlops.core.ValidationException;

/**
 * Checks of the public entry points' arguments: a missing one is a {@link ValidationException} whose
 * {@code key()} is the argument's name and whose {@code rule()} is {@code required}, never a bare
 * {@link NullPointerException}.
 */
public final class Arguments {
  private Arguments() {}

  /**
   * {@code value}, unless it is null.
   *
   * @throws ValidationException naming {@code name} when it is
   */
  public static <T> T requireNonNull(T value, String name) {
    if (value == null) {
      throw missing(name, "null");
    }
    return value;
  }

  /**
   * {@code value}, unless it is null, empty or only whitespace.
   *
   * @throws ValidationException naming {@code name} when it is
   */
  public static String requireNonBlank(String value, String name) {
    if (value == null) {
      throw missing(name, "null");
    }
    if (value.trim().isEmpty()) {
      throw missing(name, "blank");
    }
    return value;
  }

  /** The exception for a missing argument: {@code key()} is its name, {@code rule()} is {@code required}. */
  public static ValidationException missing(String name, String what) {
    return new ValidationException(name, "required", name + " must not be " + what);
  }
}
