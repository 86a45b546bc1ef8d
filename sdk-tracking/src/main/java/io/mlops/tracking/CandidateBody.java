package io.mlops.tracking;

/**
 * Training code run inside a candidate by {@link Tracker#run(String, CandidateBody)}.
 */
@FunctionalInterface
public interface CandidateBody {
  /** Trains, logging into {@code candidate}; any exception marks the candidate FAILED. */
  void run(ActiveCandidate candidate) throws Exception;
}
