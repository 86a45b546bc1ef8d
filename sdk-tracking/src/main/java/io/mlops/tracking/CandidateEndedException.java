package io.mlops.tracking;

import io.mlops.core.MlopsException;

/** A log call on a candidate that has ended: a programming error, thrown at the call. */
public final class CandidateEndedException extends MlopsException {
  private static final long serialVersionUID = 1L;

  CandidateEndedException(String candidateId, String status) {
    super("Candidate " + candidateId + " has ended (" + status + "); nothing more can be logged into it");
  }
}
