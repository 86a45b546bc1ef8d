package io.mlops.core.internal;

import io.mlops.core.InvalidParameterException;
import java.util.Comparator;

/** Model version ids of the stores that number versions as MLflow does (1, 2, ...; never reused). */
public final class VersionNumbers {
  /** Version ids compared as numbers ("10" after "9"), as text when one is not a number (a backend's own ids). */
  public static final Comparator<String> ORDER = (a, b) -> {
    try {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    } catch (NumberFormatException notNumeric) {
      return a.compareTo(b);
    }
  };

  private VersionNumbers() {}

  /**
   * A version id as MLflow's {@code _validate_model_version} takes it: {@code int(version)}, so {@code " 2"} and
   * {@code "02"} are version 2.
   *
   * @throws InvalidParameterException when it is not an integer
   */
  public static long parse(String version) {
    try {
      return Long.parseLong(version.trim());
    } catch (NumberFormatException | NullPointerException e) {
      throw new InvalidParameterException("Parameter 'version' must be an integer, got '" + version + "'.");
    }
  }
}
