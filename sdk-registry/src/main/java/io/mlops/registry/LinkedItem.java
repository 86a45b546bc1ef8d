package io.mlops.registry;

import java.util.Optional;
import org.immutables.value.Value;

/** A link attached to a model or a version: an issue, a merge request, a dashboard, any URL, with a relation. */
@Value.Immutable
public interface LinkedItem {
  /** A stable id derived from the URL, used to remove the link. */
  String id();

  /** The URL. */
  String url();

  /** How it relates, e.g. {@code issue}, {@code merge_request}, {@code dashboard}, {@code documentation}. */
  String relation();

  /** An optional title. */
  Optional<String> title();

  /** Builds a {@link LinkedItem}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutableLinkedItem.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }
}
