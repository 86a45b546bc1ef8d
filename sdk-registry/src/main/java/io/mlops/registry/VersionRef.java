package io.mlops.registry;

import io.mlops.core.ValidationException;
import org.semver4j.Semver;

/**
 * How a caller names one version of a model: by its semantic version ({@code 1.4.0}) or by the backend's version
 * number ({@code 3}, as MLflow numbers versions). The two never overlap: a semantic version has two dots.
 */
final class VersionRef {
  /** At most 18 digits, so that every number fits a {@code long}. */
  private static final int MAX_DIGITS = 18;

  private VersionRef() {}

  /** True for a version number: ASCII digits only ({@code str.isdigit()} in MLflow's {@code _parse_model_uri}). */
  static boolean isNumber(String ref) {
    if (ref == null || ref.isEmpty() || ref.length() > MAX_DIGITS) {
      return false;
    }
    for (int i = 0; i < ref.length(); i++) {
      char c = ref.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** The canonical form of a version number: MLflow reads {@code 03} as version 3 ({@code int(version)}). */
  static String number(String ref) {
    return Long.toString(Long.parseLong(ref));
  }

  /**
   * The semantic version a reference names, checked strictly; {@code null} when it is a version number.
   *
   * @throws ValidationException (rule {@code version-reference}) for anything that is neither
   */
  static Semver semverOrNull(String ref) {
    if (isNumber(ref)) {
      return null;
    }
    try {
      return SemanticVersion.parse(ref);
    } catch (ValidationException e) {
      throw new ValidationException(String.valueOf(ref), "version-reference", "'" + ref + "' names no version: "
          + "give a semantic version (MAJOR.MINOR.PATCH with no leading zeros and no 'v', optionally with "
          + "-prerelease: 1.4.0, 2.0.0-rc.1) or a version number as MLflow numbers versions (3)");
    }
  }
}
