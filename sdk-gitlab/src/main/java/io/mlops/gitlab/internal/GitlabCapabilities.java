package io.mlops.gitlab.internal;

import io.mlops.core.spi.Capabilities;
import io.mlops.core.spi.Operation;
import java.util.EnumSet;

/**
 * What GitLab's MLflow layer supports (reference §1, "Endpoints implemented" and "Not implemented", read from
 * GitLab's {@code lib/api/ml/mlflow/*.rb}) and its lower limits (reference §1 "Size limits", GitLab
 * {@code app/models/ml/candidate_param.rb}, {@code candidate_metadata.rb}).
 */
final class GitlabCapabilities {
  /** The name used in every message. */
  static final String NAME = "GitLab";

  /** Param names, param values, metric names and tag names: at most 250 characters (reference §1 [MOD]). */
  static final int MAX_KEY_AND_PARAM_VALUE = 250;

  /** Tag values, on candidates and experiments: at most 5000 characters (reference §1 [MOD]). */
  static final int MAX_TAG_VALUE = 5000;

  private GitlabCapabilities() {}

  /** GitLab's capabilities. */
  static Capabilities of() {
    EnumSet<Operation> ops = EnumSet.of(
        // experiments.rb: get, get-by-name, list/search, create, set-experiment-tag, delete. No update (rename),
        // no restore, no delete-experiment-tag.
        Operation.CREATE_EXPERIMENT, Operation.GET_EXPERIMENT, Operation.GET_EXPERIMENT_BY_NAME,
        Operation.SEARCH_EXPERIMENTS, Operation.DELETE_EXPERIMENT, Operation.SET_EXPERIMENT_TAG,
        // runs.rb: create, get, search, update (status and end time: no rename), log-*, delete. No restore, no
        // delete-tag. runs/search has no filter: GitlabRestStore evaluates filters itself. Params and tags keep their
        // first value (insert_all skips existing names), so OVERWRITE_TAGS is left out.
        Operation.CREATE_CANDIDATE, Operation.GET_CANDIDATE, Operation.UPDATE_CANDIDATE,
        Operation.DELETE_CANDIDATE, Operation.SEARCH_CANDIDATES, Operation.SEARCH_CANDIDATES_WITH_FILTER,
        Operation.LOG_BATCH,
        // metrics.rb: get-history
        Operation.GET_METRIC_HISTORY,
        // ml_model_packages.rb: PUT and GET of one file; mlflow_artifacts/artifacts.rb lists a package's files
        // (model versions, and candidates as candidate:<iid>)
        Operation.LIST_ARTIFACTS, Operation.DOWNLOAD_ARTIFACT,
        Operation.UPLOAD_ARTIFACT,
        // registered_models.rb and model_versions.rb: models (create with tags, get, search, update description,
        // delete) and versions (create with tags, get, update description); versions are deleted through GraphQL.
        // No rename, no tag changes after creation, no named aliases (aliases are the semvers, read-only).
        Operation.MODEL_REGISTRY, Operation.DELETE_MODEL_VERSION);
    return Capabilities.builder()
        .backendName(NAME)
        .operations(ops)
        .maxKeyLength(MAX_KEY_AND_PARAM_VALUE)
        .maxParamValueLength(MAX_KEY_AND_PARAM_VALUE)
        .maxTagValueLength(MAX_TAG_VALUE)
        .maxExperimentTagValueLength(MAX_TAG_VALUE)
        .build();
  }
}
