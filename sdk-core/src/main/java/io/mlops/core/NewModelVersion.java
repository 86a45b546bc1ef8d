package io.mlops.core;

import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/** What is needed to create a model version. */
@Value.Immutable
public interface NewModelVersion {
  /** The model. */
  String modelName();

  /** The artifact URI of the version's files. */
  String source();

  /** The candidate the files come from. */
  Optional<String> candidateId();

  /** Initial tags (the semver tag included, so that it is set in the same request). */
  Map<String, String> tags();

  /** The description. */
  Optional<String> description();

  /** Builds a {@link NewModelVersion}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutableNewModelVersion.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }
}
