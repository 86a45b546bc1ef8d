package io.mlops.core;

import java.util.List;
import java.util.Optional;
import org.immutables.value.Value;

/** A model search: MLflow's filter on {@code name} ({@code =}, {@code LIKE}, {@code ILIKE}) and {@code tags.<key>}. */
@Value.Immutable
public interface ModelQuery {
  /** Default page size (MLflow's maximum for this call is 1000). */
  int DEFAULT_MAX_RESULTS = 100;

  /** Filter, e.g. {@code name LIKE 'churn%'} or {@code tags.team = 'risk'}. */
  Optional<String> filter();

  /** Order clauses: {@code name}, {@code last_updated_timestamp}, with ASC/DESC. */
  List<String> orderBy();

  /** Page size. */
  @Value.Default
  default int maxResults() {
    return DEFAULT_MAX_RESULTS;
  }

  /** The page to fetch. */
  Optional<String> pageToken();

  /** All models. */
  static ModelQuery all() {
    return builder().build();
  }

  /** Builds a {@link ModelQuery}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutableModelQuery.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }
}
