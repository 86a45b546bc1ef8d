package io.mlops.tracking.internal;

/** The pipeline's identity for a candidate: work is grouped by this object (by identity), sent under its id. */
public final class CandidateHandle {
  /** The candidate id. */
  public final String id;

  /** A handle for a candidate id. */
  public CandidateHandle(String id) {
    this.id = id;
  }

  @Override
  public String toString() {
    return id;
  }
}
