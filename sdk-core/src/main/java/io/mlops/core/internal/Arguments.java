package io.mlops.core.internal;

import io.mlops.core.ValidationException;
import java.util.List;

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

  /**
   * Throws one {@link ValidationException} for the entries of a batch call that were refused while the others were
   * logged: the first refusal's key and rule, every refusal's message, and each refusal as a suppressed exception.
   * Returns when none was refused.
   */
  public static void throwIfRefused(List<ValidationException> refused) {
    if (refused == null || refused.isEmpty()) {
      return;
    }
    ValidationException first = refused.get(0);
    StringBuilder all = new StringBuilder();
    for (ValidationException e : refused) {
      all.append(all.length() == 0 ? "" : "; ").append(e.getMessage());
    }
    ValidationException e = new ValidationException(first.key(), first.rule(), refused.size()
        + (refused.size() == 1 ? " entry was" : " entries were") + " refused, the rest was logged: " + all);
    refused.forEach(e::addSuppressed);
    throw e;
  }
}
