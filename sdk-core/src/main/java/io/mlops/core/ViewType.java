package io.mlops.core;

/** Which lifecycle stages a search returns (MLflow's {@code ViewType}). */
public enum ViewType {
  /** Only active entities (the default). */
  ACTIVE_ONLY,
  /** Only soft-deleted entities. */
  DELETED_ONLY,
  /** Both. */
  ALL;

  /** True when an entity in the given stage belongs in this view. */
  public boolean includes(LifecycleStage stage) {
    switch (this) {
      case ACTIVE_ONLY:
        return stage == LifecycleStage.ACTIVE;
      case DELETED_ONLY:
        return stage == LifecycleStage.DELETED;
      default:
        return true;
    }
  }
}
