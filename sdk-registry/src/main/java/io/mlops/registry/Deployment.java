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

  /** Builds a {@link Deployment}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutableDeployment.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }
}
