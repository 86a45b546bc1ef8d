package io.mlops.core;

/** The status of a candidate; the numbers are MLflow's {@code RunStatus} values. */
public enum CandidateStatus {
  /** Still being logged to. */
  RUNNING(1),
  /** Created but not started. */
  SCHEDULED(2),
  /** Ended normally. */
  FINISHED(3),
  /** Ended by an error. */
  FAILED(4),
  /** Ended by a user or a scheduler. */
  KILLED(5);

  private final int number;

  CandidateStatus(int number) {
    this.number = number;
  }

  /** MLflow's numeric code (1..5), as stored in the file store's {@code meta.yaml}. */
  public int number() {
    return number;
  }

  /** True for FINISHED, FAILED and KILLED. */
  public boolean isTerminal() {
    return this == FINISHED || this == FAILED || this == KILLED;
  }

  /**
   * The status with MLflow's numeric code.
   *
   * @throws IllegalArgumentException for a number outside 1..5
   */
  public static CandidateStatus fromNumber(int number) {
    for (CandidateStatus s : values()) {
      if (s.number == number) {
        return s;
      }
    }
    throw new IllegalArgumentException("Unknown candidate status number: " + number);
  }
}
