package io.mlops.core.spi;

/** Operations a backend may or may not support; see {@link Capabilities#supports(Operation)}. */
public enum Operation {
  CREATE_EXPERIMENT,
  GET_EXPERIMENT,
  GET_EXPERIMENT_BY_NAME,
  SEARCH_EXPERIMENTS,
  RENAME_EXPERIMENT,
  DELETE_EXPERIMENT,
  RESTORE_EXPERIMENT,
  SET_EXPERIMENT_TAG,
  /**
   * Giving an existing candidate or experiment tag another value. A backend without it keeps a tag's first value
   * and refuses another with OperationNotSupportedException; it can only check against the stored tags, so the
   * refusal comes from the store, not before the request.
   */
  OVERWRITE_TAGS,
  DELETE_EXPERIMENT_TAG,
  CREATE_CANDIDATE,
  GET_CANDIDATE,
  UPDATE_CANDIDATE,
  /** Giving a candidate a new name after it was created. */
  RENAME_CANDIDATE,
  DELETE_CANDIDATE,
  RESTORE_CANDIDATE,
  SEARCH_CANDIDATES,
  SEARCH_CANDIDATES_WITH_FILTER,
  GET_METRIC_HISTORY,
  LOG_BATCH,
  DELETE_TAG,
  UPLOAD_ARTIFACT,
  LIST_ARTIFACTS,
  DOWNLOAD_ARTIFACT,
  /** Models and versions: create (with tags), get, search, update descriptions, delete models. */
  MODEL_REGISTRY,
  /** Setting and deleting tags of existing models and versions (tags given at creation are part of MODEL_REGISTRY). */
  MODEL_TAGS,
  RENAME_MODEL,
  MODEL_ALIASES,
  DELETE_MODEL_VERSION
}
