package io.mlops.core;

import java.util.Locale;

/** Whether an experiment or candidate is live or soft-deleted (MLflow's {@code lifecycle_stage}). */
public enum LifecycleStage {
  /** Visible in default searches. */
  ACTIVE,
  /** Soft-deleted: hidden from default searches, restorable. */
  DELETED;

  /** The wire and file-store spelling, {@code active} or {@code deleted}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses MLflow's spelling.
   *
   * @throws IllegalArgumentException for an unknown stage
   */
  public static LifecycleStage fromWireName(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
