package io.mlops.core.internal;

import io.mlops.core.InvalidParameterException;
import io.mlops.core.NewCandidate;

/**
 * The name a store gives a new candidate, as MLflow's stores choose it: the given name, else the
 * {@value #RUN_NAME_TAG} tag, else a random one; the tag then always holds the name.
 */
public final class CandidateNaming {
  /** The tag that holds a candidate's name. */
  public static final String RUN_NAME_TAG = "mlflow.runName";

  private CandidateNaming() {}

  /**
   * The name of a new candidate.
   *
   * @throws InvalidParameterException when a name and a {@value #RUN_NAME_TAG} tag with another value are both given
   */
  public static String nameOf(NewCandidate candidate) {
    String tagName = candidate.tags().get(RUN_NAME_TAG);
    if (candidate.name().isPresent() && tagName != null && !candidate.name().get().equals(tagName)) {
      throw new InvalidParameterException("Both the candidate name '" + candidate.name().get()
          + "' and the mlflow.runName tag '" + tagName + "' are given, with different values");
    }
    return candidate.name().orElse(tagName != null ? tagName : RandomNames.candidateName());
  }
}
