package io.mlops.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * A model version as the backend stores it. {@link #version()} is the backend's own id (MLflow numbers versions
 * 1, 2, 3); the semantic version the registry works with is kept in the {@value #SEMVER_TAG} tag.
 */
@Value.Immutable
public interface ModelVersion {
  /** Tag holding the semantic version ({@code 1.4.0}) on backends whose own version ids are not semver. */
  String SEMVER_TAG = "mlops.semver";

  /**
   * On a backend that keeps a version's files and metrics apart from the candidate it was promoted from (GitLab: a
   * version's candidate lives in the model's own experiment), the version's candidate is a copy, and this tag on the
   * copy and on the version names the candidate it was copied from.
   */
  String PROMOTED_FROM_TAG = "mlops.promoted_from";

  /**
   * Tag with the path of the version's files inside its candidate's artifacts ({@code ""} for all of them), set when
   * the registry promotes a candidate; versions that MLflow created have no such tag.
   */
  String ARTIFACT_PATH_TAG = "mlops.artifact_path";

  /** The model's name. */
  String modelName();

  /** The backend's version id. */
  String version();

  /** Creation time in milliseconds. */
  long creationTime();

  /** Last update time in milliseconds. */
  long lastUpdateTime();

  /** The description; empty when none. */
  @Value.Default
  default String description() {
    return "";
  }

  /** Where the version's files are: an artifact URI inside its candidate's artifacts. */
  String source();

  /** The candidate it was promoted from, if any. */
  Optional<String> candidateId();

  /** The backend's status ({@code READY} once usable). */
  @Value.Default
  default String status() {
    return "READY";
  }

  /** The version's tags (metadata). */
  Map<String, String> tags();

  /** The aliases pointing at this version. */
  List<String> aliases();

  /** The semantic version from {@value #SEMVER_TAG}, if set. */
  @Value.Derived
  @Value.Auxiliary
  default Optional<String> semver() {
    return Optional.ofNullable(tags().get(SEMVER_TAG));
  }

  /** Builds a {@link ModelVersion}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutableModelVersion.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }
}
