package io.mlops.core;

import java.util.List;
import java.util.Optional;
import org.immutables.value.Value;

/** An experiment search: filter on {@code name} and {@code tags.<key>}, order, paging. */
@Value.Immutable
public interface ExperimentQuery {
  /** Default page size. */
  int DEFAULT_MAX_RESULTS = 1000;

  /** Filter, e.g. {@code name LIKE 'churn%'}. */
  Optional<String> filter();

  /** Order clauses, e.g. {@code name ASC}; default is creation time descending, then id ascending (MLflow's). */
  List<String> orderBy();

  /** Which lifecycle stages to include. */
  @Value.Default
  default ViewType viewType() {
    return ViewType.ACTIVE_ONLY;
  }

  /** Page size, defaults to {@value #DEFAULT_MAX_RESULTS}. */
  @Value.Default
  default int maxResults() {
    return DEFAULT_MAX_RESULTS;
  }

  /** The page to fetch; empty for the first. */
  Optional<String> pageToken();

  /** All active experiments. */
  static ExperimentQuery all() {
    return builder().build();
  }

  /** Builds a {@link ExperimentQuery}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutableExperimentQuery.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }
}
