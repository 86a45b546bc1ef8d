package io.mlops.registry;

import java.util.Optional;
import org.immutables.value.Value;

/** A record that a model version was deployed to an environment. */
@Value.Immutable
public interface Deployment {
  /** The environment, e.g. {@code production} or {@code staging-eu}. */
  String environment();

  /** When, in milliseconds. */
  long time();

  /** Who deployed it. */
  String deployedBy();

  /** The pipeline or job that deployed it, if known. */
  Optional<String> pipelineUrl();

  /** A builder. */
  static ImmutableDeployment.Builder builder() {
    return ImmutableDeployment.builder();
  }
}
