package io.mlops.core.internal.search;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateQuery;
import io.mlops.core.Experiment;
import io.mlops.core.ExperimentQuery;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.Model;
import io.mlops.core.ModelQuery;
import io.mlops.core.Page;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One page of a search over entities a store holds in full (MLflow's file store: filter, sort, offset-paginate),
 * for every store of the SDK that searches in memory, so that the same query gives the same page everywhere.
 */
public final class SearchPages {
  /** {@code SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD} of {@code mlflow/store/model_registry/__init__.py}. */
  public static final int MAX_MODEL_RESULTS = 1000;

  private SearchPages() {}

  /** The page of {@code experiments} (already limited to the query's view type) that the query asks for. */
  public static Page<Experiment> experiments(Collection<Experiment> experiments, ExperimentQuery query) {
    return page(experiments, ExperimentFilter.parse(query.filter().orElse(null))::matches,
        ExperimentOrdering.parse(query.orderBy()), query.maxResults(), query.pageToken());
  }

  /**
   * The page of {@code candidates} (already limited to the query's experiments and view type) that the query asks
   * for.
   */
  public static Page<Candidate> candidates(Collection<Candidate> candidates, CandidateQuery query) {
    return page(candidates, CandidateFilter.parse(query.filter().orElse(null))::matches,
        CandidateOrdering.parse(query.orderBy()), query.maxResults(), query.pageToken());
  }

  /**
   * The page of {@code models} that the query asks for ({@code FileStore.search_registered_models}).
   *
   * @throws InvalidParameterException when the query asks for more than {@value #MAX_MODEL_RESULTS} per page
   */
  public static Page<Model> models(Collection<Model> models, ModelQuery query) {
    if (query.maxResults() > MAX_MODEL_RESULTS) {
      throw new InvalidParameterException("Invalid value for request parameter max_results. It must be at most "
          + MAX_MODEL_RESULTS + ", but got value " + query.maxResults());
    }
    Predicate<Model> filter = ModelFilter.parse(query.filter().orElse(null));
    return page(models, filter, ModelOrdering.parse(query.orderBy()), query.maxResults(), query.pageToken());
  }

  private static <T> Page<T> page(Collection<T> all, Predicate<T> filter, Comparator<T> order, int maxResults,
      Optional<String> pageToken) {
    // a stable sort, as Python's sorted() is: entities the order ties keep the store's listing order
    List<T> matching = all.stream().filter(filter).sorted(order).collect(Collectors.toList());
    return PageTokens.page(matching, maxResults, pageToken);
  }
}
