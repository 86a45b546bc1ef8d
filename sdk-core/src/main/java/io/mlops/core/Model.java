package io.mlops.core;

import java.util.Map;
import org.immutables.value.Value;

/** A registered model: a named line of versions (MLflow's registered model, GitLab's model). */
@Value.Immutable
public interface Model {
  /** The unique name. */
  String name();

  /** The description; empty when none. */
  @Value.Default
  default String description() {
    return "";
  }

  /** Creation time in milliseconds. */
  long creationTime();

  /** Last update time in milliseconds. */
  long lastUpdateTime();

  /** The model's tags (metadata). */
  Map<String, String> tags();

  /** Aliases such as {@code champion}, each pointing at a version id of the backend. */
  Map<String, String> aliases();

  /** Builds a {@link Model}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutableModel.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }
}
