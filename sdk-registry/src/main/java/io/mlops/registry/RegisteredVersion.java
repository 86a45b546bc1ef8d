package io.mlops.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * A model version as the registry presents it: its semantic version, where its files are and which candidate
 * produced it. Immutable once created: only its description and metadata can change.
 */
@Value.Immutable
public interface RegisteredVersion {
  /** The model. */
  String modelName();

  /** The semantic version, e.g. {@code 1.4.0}. */
  String semver();

  /** The backend's own id of this version (MLflow's version number). */
  String backendVersion();

  /** The candidate it was promoted from. */
  Optional<String> candidateId();

  /** The artifact URI of its files. */
  String source();

  /** The path of its files inside the candidate's artifacts ({@code ""} for all of them). */
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

  /** {@code models:/<name>/<semver>}. */
  @Value.Derived
  @Value.Auxiliary
  default ModelUri uri() {
    return ModelUri.version(modelName(), semver());
  }

  /** A builder. */
  static ImmutableRegisteredVersion.Builder builder() {
    return ImmutableRegisteredVersion.builder();
  }
}
