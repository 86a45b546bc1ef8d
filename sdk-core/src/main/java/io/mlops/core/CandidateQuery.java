package io.mlops.core;

import java.util.List;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * A candidate search: experiments, an MLflow filter expression, an order and paging.
 *
 * <pre>{@code
 * CandidateQuery q = CandidateQuery.builder()
 *     .addExperimentId(exp.id())
 *     .filter("metrics.accuracy > 0.9 and params.model = 'lr'")
 *     .addOrderBy("metrics.accuracy DESC")
 *     .build();
 * }</pre>
 */
@Value.Immutable
public interface CandidateQuery {
  /** The default page size; every backend accepts it (MLflow servers must support at least 1000). */
  int DEFAULT_MAX_RESULTS = 1000;

  /** The experiments to search; at least one. */
  List<String> experimentIds();

  /** MLflow's filter language, e.g. {@code metrics.acc > 0.9 and tags.team = 'x'}. */
  Optional<String> filter();

  /** Order clauses such as {@code metrics.acc DESC}; default is start time descending, then id. */
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

  /** Builds a {@link CandidateQuery}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutableCandidateQuery.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }
}
