package io.mlops.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * A model version as the registry presents it: its semantic version, where its files are and which candidate
 * produced it. Immutable once created: only its description and metadata can change.
 *
 * <p>A version that MLflow (or anything but this registry) created has no semantic version: its {@link #semver()} is
 * empty and it is named by its {@link #backendVersion()}, MLflow's version number ({@code models:/churn/3}).
 */
@Value.Immutable
public interface RegisteredVersion {
  /** The model. */
  String modelName();

  /**
   * The semantic version, e.g. {@code 1.4.0}; {@code ""} for a version without one (created by MLflow, numbered only),
   * and for one whose {@value io.mlops.core.ModelVersion#SEMVER_TAG} tag holds no semantic version.
   */
  String semver();

  /** The backend's own id of this version (MLflow's version number 1, 2, 3; GitLab's version id). */
  String backendVersion();

  /** The candidate it was promoted from. */
  Optional<String> candidateId();

  /**
   * The artifact URI the version was registered with ({@code runs:/<id>/model}, {@code mlflow-artifacts:/...},
   * {@code file:///...}); {@link ModelRegistry#download} copies exactly what it names.
   */
  String source();

  /**
   * The path of its files inside the candidate's artifacts ({@code ""} for all of them), as recorded at promotion;
   * {@code ""} for a version this registry did not promote (its {@link #source()} says where its files are).
   */
  String artifactPath();

  /** The description. */
  String description();

  /** Creation time in milliseconds. */
  long creationTime();

  /** Its metadata (tags), the registry's own bookkeeping tags included. */
  Map<String, String> tags();

  /** The aliases pointing at it. */
  List<String> aliases();

  /** The most recent deployment recorded for it. */
  Optional<Deployment> lastDeployment();

  /**
   * True for pre-releases such as {@code 2.0.0-rc.1}. Only a {@code -} before the build metadata starts a
   * pre-release: {@code 1.0.0+build-5} is a release.
   */
  @Value.Derived
  default boolean isPrerelease() {
    String s = semver();
    int plus = s.indexOf('+');
    return (plus < 0 ? s : s.substring(0, plus)).indexOf('-') >= 0;
  }

  /** {@code models:/<name>/<semver>}, or {@code models:/<name>/<number>} for a version without a semantic version. */
  @Value.Lazy
  default ModelUri uri() {
    return semver().isEmpty() ? ModelUri.number(modelName(), backendVersion())
        : ModelUri.version(modelName(), semver());
  }

  /** Builds a {@link RegisteredVersion}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutableRegisteredVersion.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }
}
