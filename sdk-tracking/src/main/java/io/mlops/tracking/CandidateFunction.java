package io.mlops.tracking;

/**
 * Training code that returns a result, run inside a candidate by {@link Tracker#call(String, CandidateFunction)}.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface CandidateFunction<T> {
  /** Trains, logging into {@code candidate}; any exception marks the candidate FAILED. */
  T apply(ActiveCandidate candidate) throws Exception;
}
