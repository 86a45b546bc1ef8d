package io.mlops.core;

import java.util.Map;
import org.immutables.value.Value;

/** An experiment: a named group of candidates (MLflow's experiment, GitLab's model experiment). */
@Value.Immutable
public interface Experiment {
  /** The backend's id ({@code "0"} is the local store's Default experiment). */
  String id();

  /** The unique name. */
  String name();

  /** Where the experiment's artifacts live, as a URI. */
  String artifactLocation();

  /** Active or deleted. */
  @Value.Default
  default LifecycleStage lifecycleStage() {
    return LifecycleStage.ACTIVE;
  }

  /** Creation time, milliseconds since the epoch. */
  long creationTime();

  /** Last update time, milliseconds since the epoch. */
  long lastUpdateTime();

  /** The experiment's tags. */
  Map<String, String> tags();

  /** Builds a {@link Experiment}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutableExperiment.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }
}
