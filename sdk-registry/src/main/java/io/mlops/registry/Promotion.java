package io.mlops.registry;

import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * What {@link ModelRegistry#promote(Promotion)} does: turn a candidate into a version of a model.
 *
 * <pre>{@code
 * registry.promote(Promotion.builder()
 *     .candidateId(best.id())
 *     .modelName("churn")
 *     .version(VersionSpec.bump(Bump.MINOR))
 *     .artifactPath("model")
 *     .description("lr=0.5, l2=0")
 *     .build());
 * }</pre>
 */
@Value.Immutable
public interface Promotion {
  /** The candidate to promote. */
  String candidateId();

  /** The model. */
  String modelName();

  /** The version to create. */
  VersionSpec version();

  /** The version's description. */
  Optional<String> description();

  /** The part of the candidate's artifacts that make the version ({@code ""}: all of them; e.g. {@code model}). */
  @Value.Default
  default String artifactPath() {
    return "";
  }

  /** Whether to create the model if it does not exist yet (default true). */
  @Value.Default
  default boolean createModelIfMissing() {
    return true;
  }

  /** Extra metadata for the version. */
  Map<String, String> tags();

  /** Builds a {@link Promotion}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutablePromotion.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }
}
