package io.mlops.registry;

import io.mlops.core.ValidationException;
import java.util.regex.Pattern;
import org.semver4j.Semver;

/** Strict semantic versions (semver.org 2.0.0): {@code 1.4.0}, {@code 2.0.0-rc.1}; not {@code 1.2}, {@code v1.2.0}. */
final class SemanticVersion {
  // The grammar from semver.org (no leading zeros, optional pre-release and build); SemVer4j alone accepts
  // "v1.2.0" and surrounding spaces, which a registry must not.
  private static final Pattern STRICT = Pattern.compile("^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
      + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
      + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$");
  private static final Pattern LABEL = Pattern.compile("^[0-9A-Za-z-]+$");

  private SemanticVersion() {}

  /**
   * Parses a version.
   *
   * @throws ValidationException naming the version and what is wrong with it
   */
  static Semver parse(String version) {
    if (version == null || !STRICT.matcher(version).matches()) {
      throw new ValidationException(String.valueOf(version), "semver", "'" + version
          + "' is not a semantic version: write MAJOR.MINOR.PATCH with no leading zeros and no 'v', optionally "
          + "with -prerelease (1.4.0, 2.0.0-rc.1)");
    }
    return Semver.parse(version);
  }

  /** True for a strict semantic version (the tag of a version this registry promoted). */
  static boolean isValid(String version) {
    return version != null && STRICT.matcher(version).matches();
  }

  /** Checks a pre-release label such as {@code rc} or {@code beta}. */
  static String label(String label) {
    if (label == null || !LABEL.matcher(label).matches() || label.chars().allMatch(Character::isDigit)) {
      throw new ValidationException(String.valueOf(label), "prerelease-label", "Pre-release label '" + label
          + "' must be letters, digits and '-', and not only digits (rc, beta, alpha-2)");
    }
    return label;
  }

  /** True for versions without a pre-release part. */
  static boolean isRelease(Semver v) {
    return v.getPreRelease().isEmpty();
  }
}
