package io.mlops.registry;

import java.util.Objects;
import java.util.Optional;
import org.semver4j.Semver;

/**
 * The version a promotion creates: an explicit semantic version, or a bump of the latest release, optionally
 * as a numbered pre-release ({@code bump(MINOR, "rc")} after 1.4.0 gives 1.5.0-rc.1, then 1.5.0-rc.2).
 */
public final class VersionSpec {
  private final Semver exact;
  private final Bump bump;
  private final String label;

  private VersionSpec(Semver exact, Bump bump, String label) {
    this.exact = exact;
    this.bump = bump;
    this.label = label;
  }

  /**
   * An explicit version such as {@code 1.4.0} or {@code 2.0.0-rc.1}.
   *
   * @throws io.mlops.core.ValidationException for anything that is not a strict semantic version
   */
  public static VersionSpec of(String version) {
    return new VersionSpec(SemanticVersion.parse(version), null, null);
  }

  /** A bump of the latest release (1.0.0, 0.1.0 or 0.0.1 for a model without releases). */
  public static VersionSpec bump(Bump bump) {
    return new VersionSpec(null, Objects.requireNonNull(bump, "bump"), null);
  }

  /** A bump of the latest release as the next numbered pre-release with this label. */
  public static VersionSpec bump(Bump bump, String prereleaseLabel) {
    return new VersionSpec(null, Objects.requireNonNull(bump, "bump"), SemanticVersion.label(prereleaseLabel));
  }

  Optional<Semver> exact() {
    return Optional.ofNullable(exact);
  }

  Optional<Bump> bumpKind() {
    return Optional.ofNullable(bump);
  }

  Optional<String> label() {
    return Optional.ofNullable(label);
  }

  @Override
  public String toString() {
    return exact != null ? exact.getVersion() : bump + (label == null ? "" : "-" + label);
  }
}
