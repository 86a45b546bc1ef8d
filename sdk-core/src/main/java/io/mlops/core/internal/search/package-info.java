/**
 * MLflow's search semantics for the local store: filter expressions, order-by clauses and page tokens for
 * candidates (runs) and experiments, mirroring MLflow's {@code mlflow/utils/search_utils.py} ({@code SearchUtils},
 * {@code SearchExperimentsUtils}) as used by {@code mlflow/store/tracking/file_store.py}. <b>Not API</b>: this
 * package is internal and anything here may change in any release.
 *
 * <p>Expressions are parsed once into small predicate and comparator objects; evaluating them per candidate uses
 * no regular expressions.
 */
package io.mlops.core.internal.search;
