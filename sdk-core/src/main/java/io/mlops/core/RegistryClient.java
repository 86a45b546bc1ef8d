package io.mlops.core;

import io.mlops.core.internal.Arguments;
import io.mlops.core.internal.BackendResolver;
import io.mlops.core.internal.EntityValidator;
import io.mlops.core.internal.SemverUniqueness;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.Capabilities;
import io.mlops.core.spi.Operation;
import io.mlops.core.spi.RegistryStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The low-level, synchronous client for the model registry: models, their versions, tags and aliases, on
 * whichever backend the tracking URI selects. Every input is validated first; listings page lazily. Promotion,
 * semantic versions and model URIs are in {@code ModelRegistry} of {@code sdk-registry}.
 *
 * <pre>{@code
 * try (RegistryClient registry = RegistryClient.create()) {
 *   for (Model m : registry.searchModels(ModelQuery.builder().filter("name LIKE 'churn%'").build())) {
 *     System.out.println(m.name() + " " + m.aliases());
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} releases the backend when this client opened it.
 */
public final class RegistryClient implements AutoCloseable {
  private final MlopsConfig config;
  private final Backend backend;
  private final RegistryStore store;
  private final Capabilities capabilities;
  private final EntityValidator validator;
  private final boolean ownsBackend;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RegistryClient(MlopsConfig config, Backend backend, boolean ownsBackend) {
    this.config = config;
    this.backend = backend;
    this.capabilities = backend.capabilities();
    this.validator = new EntityValidator(capabilities);
    this.store = backend.registryStore();
    this.ownsBackend = ownsBackend;
  }

  /** A client configured from system properties and the environment ({@code ./mlruns} by default). */
  public static RegistryClient create() {
    return create(MlopsConfig.fromEnvironment());
  }

  /** A client for a configuration; the backend is chosen by its tracking URI. */
  public static RegistryClient create(MlopsConfig config) {
    return new RegistryClient(config, BackendResolver.open(Arguments.requireNonNull(config, "config")), true);
  }

  /** A client over an already opened backend; closing the client leaves the backend open. */
  public static RegistryClient create(MlopsConfig config, Backend backend) {
    return new RegistryClient(Arguments.requireNonNull(config, "config"), Arguments.requireNonNull(backend, "backend"),
        false);
  }

  /** The configuration. */
  public MlopsConfig config() {
    return config;
  }

  /** What the backend supports. */
  public Capabilities capabilities() {
    return capabilities;
  }

  // ---------------------------------------------------------------- models

  /**
   * Creates a model.
   *
   * @param description the description, or null
   * @throws ResourceAlreadyExistsException when the name is taken
   */
  public Model createModel(String name, String description, Map<String, String> tags) {
    require(Operation.MODEL_REGISTRY, "createModel");
    EntityValidator.modelName(name);
    Arguments.requireNonNull(tags, "tags").forEach(validator::registryTag);
    return store.createModel(name, Optional.ofNullable(description), tags);
  }

  /** The model with a name, if any. */
  public Optional<Model> findModel(String name) {
    require(Operation.MODEL_REGISTRY, "getModel");
    EntityValidator.modelName(name);
    return store.findModel(name);
  }

  /**
   * The model with a name.
   *
   * @throws ResourceNotFoundException when there is none
   */
  public Model getModel(String name) {
    return findModel(name).orElseThrow(() -> new ResourceNotFoundException("No model named '" + name + "'"));
  }

  /** Searches models, fetching pages lazily. */
  public PagedIterable<Model> searchModels(ModelQuery query) {
    require(Operation.MODEL_REGISTRY, "searchModels");
    Arguments.requireNonNull(query, "query");
    if (query.maxResults() < 1) {
      throw new ValidationException("maxResults", "max-results", "maxResults must be positive");
    }
    return new PagedIterable<>(query.pageToken(),
        token -> store.searchModels(ModelQuery.builder().from(query).pageToken(token).build()));
  }

  /** Replaces a model's description. */
  public Model updateModelDescription(String name, String description) {
    require(Operation.MODEL_REGISTRY, "updateModelDescription");
    EntityValidator.modelName(name);
    return store.updateModelDescription(name, Arguments.requireNonNull(description, "description"));
  }

  /** Renames a model where the backend allows it. */
  public Model renameModel(String name, String newName) {
    require(Operation.RENAME_MODEL, "renameModel");
    EntityValidator.modelName(name);
    EntityValidator.modelName(newName);
    return store.renameModel(name, newName);
  }

  /** Deletes a model and all its versions. */
  public void deleteModel(String name) {
    require(Operation.MODEL_REGISTRY, "deleteModel");
    EntityValidator.modelName(name);
    store.deleteModel(name);
  }

  /** Sets a model tag. */
  public void setModelTag(String name, String key, String value) {
    require(Operation.MODEL_TAGS, "setModelTag");
    EntityValidator.modelName(name);
    validator.registryTag(key, value);
    store.setModelTag(name, key, value);
  }

  /** Deletes a model tag. */
  public void deleteModelTag(String name, String key) {
    require(Operation.MODEL_TAGS, "deleteModelTag");
    EntityValidator.modelName(name);
    validator.registryTag(key, "");
    store.deleteModelTag(name, key);
  }

  // ---------------------------------------------------------------- versions

  /** Creates a version of an existing model. */
  public ModelVersion createModelVersion(NewModelVersion version) {
    require(Operation.MODEL_REGISTRY, "createModelVersion");
    Arguments.requireNonNull(version, "version");
    EntityValidator.modelName(version.modelName());
    version.candidateId().ifPresent(EntityValidator::candidateId);
    version.tags().forEach(validator::registryTag);
    if (version.source().trim().isEmpty()) {
      throw new ValidationException("source", "source-empty", "A model version needs a source artifact URI");
    }
    return SemverUniqueness.create(store, capabilities, version);
  }

  /** A version by the backend's id. */
  public ModelVersion getModelVersion(String name, String version) {
    require(Operation.MODEL_REGISTRY, "getModelVersion");
    EntityValidator.modelName(name);
    requireVersionId(version);
    return store.getModelVersion(name, version);
  }

  /**
   * Where a version's files can be downloaded from, as MLflow's {@code get-download-uri} answers it: the version's
   * storage location, which is its {@code source} unless that named another registered or logged model (e.g.
   * {@code runs:/<run_id>/model}, {@code mlflow-artifacts:/1/<run_id>/artifacts/model}, {@code file:///...}).
   *
   * @throws ResourceNotFoundException when the model or the version does not exist
   */
  public String getModelVersionDownloadUri(String name, String version) {
    require(Operation.MODEL_REGISTRY, "getModelVersionDownloadUri");
    EntityValidator.modelName(name);
    requireVersionId(version);
    return store.downloadUri(name, version);
  }

  /** All versions of a model, fetched page by page. */
  public PagedIterable<ModelVersion> listModelVersions(String name) {
    require(Operation.MODEL_REGISTRY, "listModelVersions");
    EntityValidator.modelName(name);
    return new PagedIterable<>(Optional.empty(), token -> store.listModelVersions(name, token));
  }

  /** Replaces a version's description. */
  public ModelVersion updateModelVersionDescription(String name, String version, String description) {
    require(Operation.MODEL_REGISTRY, "updateModelVersionDescription");
    EntityValidator.modelName(name);
    requireVersionId(version);
    return store.updateModelVersionDescription(name, version, Arguments.requireNonNull(description, "description"));
  }

  /** Deletes a version. */
  public void deleteModelVersion(String name, String version) {
    require(Operation.DELETE_MODEL_VERSION, "deleteModelVersion");
    EntityValidator.modelName(name);
    requireVersionId(version);
    store.deleteModelVersion(name, version);
  }

  /** Sets a version tag. */
  public void setModelVersionTag(String name, String version, String key, String value) {
    require(Operation.MODEL_TAGS, "setModelVersionTag");
    EntityValidator.modelName(name);
    requireVersionId(version);
    validator.registryTag(key, value);
    store.setModelVersionTag(name, version, key, value);
  }

  /** Deletes a version tag. */
  public void deleteModelVersionTag(String name, String version, String key) {
    require(Operation.MODEL_TAGS, "deleteModelVersionTag");
    EntityValidator.modelName(name);
    requireVersionId(version);
    validator.registryTag(key, "");
    store.deleteModelVersionTag(name, version, key);
  }

  // ---------------------------------------------------------------- aliases

  /** Points an alias at a version, moving it if it pointed elsewhere. */
  public void setAlias(String name, String alias, String version) {
    require(Operation.MODEL_ALIASES, "setAlias");
    EntityValidator.modelName(name);
    EntityValidator.alias(alias);
    requireVersionId(version);
    store.setAlias(name, alias, version);
  }

  /** Removes an alias. */
  public void deleteAlias(String name, String alias) {
    require(Operation.MODEL_ALIASES, "deleteAlias");
    EntityValidator.modelName(name);
    EntityValidator.alias(alias);
    store.deleteAlias(name, alias);
  }

  /** The version an alias points at. */
  public ModelVersion getModelVersionByAlias(String name, String alias) {
    require(Operation.MODEL_ALIASES, "getModelVersionByAlias");
    EntityValidator.modelName(name);
    EntityValidator.alias(alias);
    return store.getModelVersionByAlias(name, alias);
  }

  /** Closes the backend if this client opened it; idempotent. */
  @Override
  public void close() {
    if (ownsBackend && closed.compareAndSet(false, true)) {
      backend.close();
    }
  }

  private void require(Operation op, String name) {
    if (!capabilities.supports(op)) {
      throw new OperationNotSupportedException(capabilities.backendName(), name);
    }
  }

  private static void requireVersionId(String version) {
    if (version == null || version.trim().isEmpty()) {
      throw new ValidationException(String.valueOf(version), "version-empty", "A model version id must not be empty");
    }
  }
}
