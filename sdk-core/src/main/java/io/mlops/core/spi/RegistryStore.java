package io.mlops.core.spi;

import io.mlops.core.Model;
import io.mlops.core.ModelQuery;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewModelVersion;
import io.mlops.core.Page;
import java.util.Map;
import java.util.Optional;

/**
 * Registered models and their versions on one backend (MLflow's model registry, protocol notes §1 and §5).
 * Input is already validated by {@link io.mlops.core.RegistryClient}; errors are
 * {@link io.mlops.core.MlopsServiceException} subtypes with MLflow's codes.
 */
public interface RegistryStore {
  /** Creates a model. */
  Model createModel(String name, Optional<String> description, Map<String, String> tags);

  /** The model with this name, if any. */
  Optional<Model> findModel(String name);

  /** One page of models. */
  Page<Model> searchModels(ModelQuery query);

  /** Replaces the description. */
  Model updateModelDescription(String name, String description);

  /** Renames a model (its versions follow). */
  Model renameModel(String name, String newName);

  /** Deletes a model and all its versions. */
  void deleteModel(String name);

  /** Sets a model tag. */
  void setModelTag(String name, String key, String value);

  /** Deletes a model tag. */
  void deleteModelTag(String name, String key);

  /**
   * Creates a version; the backend assigns its id. The store creates what it is asked to, tags included in the
   * same step (a version is never visible without its {@value ModelVersion#SEMVER_TAG} tag).
   *
   * <p>Semantic versions are unique per model, and the SDK enforces that in one place for every backend
   * ({@code RegistryClient.createModelVersion}: check, create, check again, the lowest version number wins). A
   * store must not check it itself, but it must give the SDK what that protocol needs: a later create gets a larger
   * version number than every version committed before it ({@code max + 1}, deleted versions included or not),
   * {@link #listModelVersions} sees a created version at once, and {@link #deleteModelVersion} works when the
   * capabilities say so. A server that refuses a duplicate by itself (GitLab's versions are unique) reports that
   * as {@link io.mlops.core.ResourceAlreadyExistsException}.
   */
  ModelVersion createModelVersion(NewModelVersion version);

  /** A version by its backend id. */
  ModelVersion getModelVersion(String name, String version);

  /**
   * Where a version's files can be downloaded from: MLflow's {@code get-download-uri}, the version's
   * {@code storage_location} (which differs from its {@code source} when the source is a {@code models:/} URI) or
   * else its {@code source}. The default answers the source.
   */
  default String downloadUri(String name, String version) {
    return getModelVersion(name, version).source();
  }

  /** One page of a model's versions, in the backend's order. */
  Page<ModelVersion> listModelVersions(String name, Optional<String> pageToken);

  /** Replaces a version's description. */
  ModelVersion updateModelVersionDescription(String name, String version, String description);

  /** Deletes a version. */
  void deleteModelVersion(String name, String version);

  /** Sets a version tag. */
  void setModelVersionTag(String name, String version, String key, String value);

  /** Deletes a version tag. */
  void deleteModelVersionTag(String name, String version, String key);

  /** Points an alias at a version, moving it if it pointed elsewhere. */
  void setAlias(String name, String alias, String version);

  /** Removes an alias. */
  void deleteAlias(String name, String alias);

  /** The version an alias points at. */
  ModelVersion getModelVersionByAlias(String name, String alias);
}
