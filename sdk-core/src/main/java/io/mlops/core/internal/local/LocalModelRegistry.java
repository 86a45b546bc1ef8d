package io.mlops.core.internal.local;

import static io.mlops.core.internal.local.LocalIo.io;
import static io.mlops.core.internal.local.LocalIo.ioRun;
import static io.mlops.core.internal.local.LocalIo.utf8;

import io.mlops.core.InvalidParameterException;
import io.mlops.core.Model;
import io.mlops.core.ModelQuery;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewModelVersion;
import io.mlops.core.Page;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.SerializationException;
import io.mlops.core.TransportException;
import io.mlops.core.internal.ModelNames;
import io.mlops.core.internal.VersionNumbers;
import io.mlops.core.internal.search.ModelFilter;
import io.mlops.core.internal.search.PageTokens;
import io.mlops.core.internal.search.SearchPages;
import io.mlops.core.spi.RegistryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The local store's model registry: MLflow's registry file-store layout under {@code <root>/models} (protocol notes
 * §5, mirroring {@code mlflow/store/model_registry/file_store.py} of MLflow 3.17.2), so that MLflow's own client
 * reads what this writes and the other way round.
 *
 * <pre>
 * models/&lt;name&gt;/meta.yaml               the model: aliases map, timestamps, description, name
 * models/&lt;name&gt;/tags/&lt;key&gt;              a model tag (a key with '/' is a subfolder)
 * models/&lt;name&gt;/aliases/&lt;alias&gt;         the version number the alias points at (the authority for aliases)
 * models/&lt;name&gt;/version-&lt;N&gt;/meta.yaml   a version; current_stage Deleted_Internal marks a deleted one
 * models/&lt;name&gt;/version-&lt;N&gt;/tags/&lt;key&gt;  a version tag
 * </pre>
 *
 * <p><b>Concurrency.</b> Every change runs under one lock of the registry that holds between threads and between
 * processes ({@link NamespaceLock} on {@code models/.mlops.lock}, a file MLflow never lists), so version numbers
 * ({@code max + 1}, as MLflow numbers them) are unique and consecutive and read-modify-writes of a
 * {@code meta.yaml} never interleave. Reads take no lock: every file is replaced atomically, a new version is built
 * in a hidden folder and renamed into place whole, and a deleted model is renamed out of the way before its files
 * go, so a reader sees a model or version completely or not at all.
 *
 * <p>Thread-safe; holds nothing open between calls.
 */
public final class LocalModelRegistry implements RegistryStore {
  /** The registry's folder under the store root ({@code FileStore.MODELS_FOLDER_NAME}). */
  static final String MODELS = "models";
  static final String META = "meta.yaml";
  static final String TAGS = "tags";
  static final String ALIASES = "aliases";
  static final String VERSION_PREFIX = "version-";
  /** {@code STAGE_NONE}: every version is created in it; stages are deprecated, so nothing else sets one. */
  static final String STAGE_NONE = "None";
  /** {@code STAGE_DELETED_INTERNAL}: MLflow's tombstone for a deleted version; its number is never reused. */
  static final String STAGE_DELETED = "Deleted_Internal";
  /**
   * Prefix of this store's temporary folders inside {@code models/} and model folders. MLflow lists every
   * subfolder of {@code models/} as a model, but only {@code version-*} folders of a model, so only the short-lived
   * ghost of a model being deleted is visible to it, and then as the model it was.
   */
  static final String RESERVED_PREFIX = ".mlops-";
  private static final String STAGING_PREFIX = RESERVED_PREFIX + "new-";
  private static final String GHOST_PREFIX = RESERVED_PREFIX + "deleted-";
  /** {@code SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD} of {@code mlflow/store/model_registry/__init__.py}. */
  static final int MAX_SEARCH_RESULTS = SearchPages.MAX_MODEL_RESULTS;
  /** Versions per page of {@link #listModelVersions}. */
  static final int VERSION_PAGE_SIZE = 1000;
  /** {@code IS_PROMPT_TAG_KEY}: MLflow keeps prompts as registered models with this tag and hides them from search. */
  static final String PROMPT_TAG = ModelFilter.PROMPT_TAG;

  private final Path models;
  private final LongSupplier clock;
  private final int versionPageSize;
  private final NamespaceLock lock;

  /** The registry of the local store at {@code root} (the folder holding {@code models/}). */
  public LocalModelRegistry(Path root) {
    this(root, System::currentTimeMillis);
  }

  /** The registry with an injected clock (milliseconds). */
  public LocalModelRegistry(Path root, LongSupplier clock) {
    this(root, clock, VERSION_PAGE_SIZE);
  }

  LocalModelRegistry(Path root, LongSupplier clock, int versionPageSize) {
    if (versionPageSize < 1) {
      throw new IllegalArgumentException("versionPageSize must be positive, got " + versionPageSize);
    }
    this.models = root.toAbsolutePath().normalize().resolve(MODELS);
    this.clock = clock;
    this.versionPageSize = versionPageSize;
    // Nothing is written until the first change: a tracking-only client must not grow a models/ folder.
    this.lock = new NamespaceLock(models);
  }

  /** The registry's folder, {@code <root>/models}. */
  public Path modelsFolder() {
    return models;
  }

  // ---------------------------------------------------------------- models

  @Override
  public Model createModel(String name, Optional<String> description, Map<String, String> tags) {
    checkName(name);
    return locked(() -> {
      Path dir = modelDir(name);
      if (isModel(dir)) {
        throw new ResourceAlreadyExistsException("Registered Model (name=" + name + ") already exists.");
      }
      removeLeftovers(models, GHOST_PREFIX);
      if (Files.exists(dir)) {
        // A folder without meta.yaml is a creation that died before its last write: creations hold the lock
        // throughout, so no live writer of ours owns it. Start over rather than inherit its half-written tags.
        deleteRecursively(dir);
      }
      long now = clock.getAsLong();
      // The fields FileStore.create_registered_model writes (dict(RegisteredModel) minus tags and latest_versions).
      Map<String, Object> meta = new TreeMap<>();
      meta.put("aliases", new TreeMap<String, String>());
      meta.put("creation_timestamp", now);
      meta.put("deployment_job_id", null);
      meta.put("deployment_job_state", null);
      meta.put("description", description.orElse(null));
      meta.put("last_updated_timestamp", now);
      meta.put("name", name);
      meta.put("workspace", "default");
      ioRun(() -> {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> t : tags.entrySet()) {
          AtomicFiles.replace(KeyFolders.keyFile(dir.resolve(TAGS), t.getKey()), utf8(t.getValue()), dir);
        }
        // meta.yaml last: until it exists the folder is not a model, for our readers and for the next creator.
        AtomicFiles.replace(dir.resolve(META), MetaYaml.encode(meta), dir);
      });
      return readModel(dir);
    });
  }

  @Override
  public Optional<Model> findModel(String name) {
    checkName(name);
    Path dir = modelDir(name);
    if (!isModel(dir)) {
      return Optional.empty();
    }
    try {
      return Optional.of(readModel(dir));
    } catch (TransportException e) {
      if (!isModel(dir)) {
        return Optional.empty(); // deleted or renamed while we read it
      }
      throw e;
    }
  }

  @Override
  public Page<Model> searchModels(ModelQuery query) {
    // FileStore.search_registered_models: reject max_results over the threshold, filter, sort, offset-paginate.
    List<Model> all = new ArrayList<>();
    for (Path dir : KeyFolders.subdirectories(models)) {
      if (dir.getFileName().toString().startsWith(RESERVED_PREFIX) || !isModel(dir)) {
        continue;
      }
      Model m;
      try {
        m = readModel(dir);
      } catch (SerializationException | TransportException e) {
        continue; // deleted while we listed, or malformed: not a model to show
      }
      all.add(m);
    }
    return SearchPages.models(all, query);
  }

  @Override
  public Model updateModelDescription(String name, String description) {
    checkName(name);
    return locked(() -> {
      Path dir = requireModel(name);
      long now = clock.getAsLong();
      writeModelMeta(dir, meta -> {
        meta.put("description", description);
        meta.put("last_updated_timestamp", now);
      });
      return readModel(dir);
    });
  }

  @Override
  public Model renameModel(String name, String newName) {
    checkName(name);
    checkName(newName);
    return locked(() -> {
      Path source = requireModel(name);
      Path target = modelDir(newName);
      if (isModel(target)) { // the same name included, as in FileStore.rename_registered_model
        throw new ResourceAlreadyExistsException("Registered Model (name=" + newName + ") already exists.");
      }
      removeLeftovers(models, GHOST_PREFIX);
      if (Files.exists(target)) {
        deleteRecursively(target); // a crashed creation's leftover (see createModel)
      }
      // MLflow copies the model into a new folder and then deletes the old one, which a crash can leave half
      // done. One atomic rename moves the model with its versions, tags and aliases; readers take the name from
      // the folder, so the rename is complete here. The name fields of meta.yaml follow for MLflow's readers
      // (it reads them), versions first and the model last, with MLflow's new last_updated_timestamp.
      ioRun(() -> Files.move(source, target, StandardCopyOption.ATOMIC_MOVE));
      long now = clock.getAsLong();
      for (Path version : versionDirs(target)) {
        if (isModel(version)) {
          updateVersionMeta(version, newName, meta -> meta.put("last_updated_timestamp", now));
        }
      }
      writeModelMeta(target, meta -> meta.put("last_updated_timestamp", now));
      return readModel(target);
    });
  }

  @Override
  public void deleteModel(String name) {
    checkName(name);
    lockedRun(() -> {
      Path dir = requireModel(name);
      // FileStore.delete_registered_model deletes the folder in place; a reader listing it meanwhile (or after a
      // crash) would find a model without meta.yaml or versions without theirs, which makes MLflow's search fail.
      // Renamed to a hidden ghost first, the model is gone for every reader at once.
      Path ghost = models.resolve(GHOST_PREFIX + UUID.randomUUID());
      ioRun(() -> Files.move(dir, ghost, StandardCopyOption.ATOMIC_MOVE));
      deleteModelTree(ghost);
      removeLeftovers(models, GHOST_PREFIX);
    });
  }

  @Override
  public void setModelTag(String name, String key, String value) {
    checkName(name);
    lockedRun(() -> {
      Path dir = requireModel(name);
      ioRun(() -> AtomicFiles.replace(KeyFolders.keyFile(dir.resolve(TAGS), key), utf8(value), dir));
      touchModel(dir); // FileStore.set_registered_model_tag updates the model's last_updated_timestamp
    });
  }

  @Override
  public void deleteModelTag(String name, String key) {
    checkName(name);
    lockedRun(() -> {
      Path dir = requireModel(name);
      // FileStore.delete_registered_model_tag: a missing tag is no error.
      if (io(() -> Files.deleteIfExists(KeyFolders.keyFile(dir.resolve(TAGS), key)))) {
        touchModel(dir);
      }
    });
  }

  // ---------------------------------------------------------------- versions

  @Override
  public ModelVersion createModelVersion(NewModelVersion version) {
    String name = version.modelName();
    checkName(name);
    return locked(() -> {
      Path dir = requireModel(name);
      removeLeftovers(dir, STAGING_PREFIX);
      // Semantic versions are kept unique by the SDK (SemverUniqueness), the RegistryStore contract.
      // FileStore.create_model_version's next_version: max over every version folder, deleted ones included,
      // plus one; so a number is never given twice. The lock makes read-max and create one step.
      long number = highestVersion(dir) + 1;
      long now = clock.getAsLong();
      // The fields FileStore._save_model_version_as_meta_file writes for a new FileModelVersion.
      Map<String, Object> meta = new TreeMap<>();
      meta.put("creation_timestamp", now);
      meta.put("current_stage", STAGE_NONE);
      meta.put("deployment_job_state", null);
      meta.put("description", version.description().orElse(null));
      meta.put("last_updated_timestamp", now);
      meta.put("model_id", null);
      meta.put("name", name);
      meta.put("run_id", version.candidateId().orElse(null));
      meta.put("run_link", null);
      meta.put("source", version.source());
      meta.put("status", "READY");
      meta.put("status_message", null);
      meta.put("storage_location", version.source());
      meta.put("user_id", null);
      meta.put("version", number);
      meta.put("workspace", "default");
      Path staging = dir.resolve(STAGING_PREFIX + UUID.randomUUID());
      Path target = dir.resolve(VERSION_PREFIX + number);
      ioRun(() -> {
        // Built whole in a hidden folder, then renamed: MLflow reads a version-* folder without meta.yaml as an
        // error, and a version must never be seen without the tags it was created with (the semver tag).
        Files.createDirectories(staging);
        for (Map.Entry<String, String> t : version.tags().entrySet()) {
          AtomicFiles.replace(KeyFolders.keyFile(staging.resolve(TAGS), t.getKey()), utf8(t.getValue()), staging);
        }
        AtomicFiles.replace(staging.resolve(META), MetaYaml.encode(meta), staging);
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      });
      writeModelMeta(dir, m -> m.put("last_updated_timestamp", now));
      return readVersion(name, number, target, readAliases(dir));
    });
  }

  /** {@code FileStore.get_model_version_download_uri}: {@code storage_location}, else {@code source}. */
  @Override
  public String downloadUri(String name, String version) {
    checkName(name);
    long number = parseVersion(version);
    Map<String, Object> meta = readMeta(liveVersionDir(requireModel(name), name, number));
    String stored = text(meta.get("storage_location"), "");
    return stored.isEmpty() ? text(meta.get("source"), "") : stored;
  }

  @Override
  public ModelVersion getModelVersion(String name, String version) {
    checkName(name);
    long number = parseVersion(version);
    Path dir = requireModel(name);
    return readVersion(name, number, liveVersionDir(dir, name, number), readAliases(dir));
  }

  @Override
  public Page<ModelVersion> listModelVersions(String name, Optional<String> pageToken) {
    checkName(name);
    Path dir = requireModel(name);
    Map<String, String> aliases = readAliases(dir);
    List<ModelVersion> live = new ArrayList<>();
    for (Path v : versionDirs(dir)) { // ascending by number
      long number = versionNumber(v);
      try {
        Map<String, Object> meta = MetaYaml.read(v.resolve(META));
        if (!STAGE_DELETED.equals(meta.get("current_stage"))) {
          live.add(toVersion(name, number, v, meta, aliases));
        }
      } catch (IOException | SerializationException | TransportException e) {
        // gone meanwhile (its model was deleted or renamed), or malformed: not a version to list
      }
    }
    return PageTokens.page(live, versionPageSize, pageToken);
  }

  @Override
  public ModelVersion updateModelVersionDescription(String name, String version, String description) {
    checkName(name);
    long number = parseVersion(version);
    return locked(() -> {
      Path dir = requireModel(name);
      Path v = liveVersionDir(dir, name, number);
      // FileStore.update_model_version touches the version only, not the model.
      long now = clock.getAsLong();
      updateVersionMeta(v, name, meta -> {
        meta.put("description", description);
        meta.put("last_updated_timestamp", now);
      });
      return readVersion(name, number, v, readAliases(dir));
    });
  }

  @Override
  public void deleteModelVersion(String name, String version) {
    checkName(name);
    long number = parseVersion(version);
    lockedRun(() -> {
      Path dir = requireModel(name);
      Path v = liveVersionDir(dir, name, number);
      long now = clock.getAsLong();
      // Aliases first, then the tombstone (FileStore.delete_model_version does it the other way round): a crash
      // in between then leaves a version without aliases, which a retried delete finishes, rather than an alias
      // pointing at a deleted version.
      String id = Long.toString(number);
      for (Map.Entry<String, String> a : readAliases(dir).entrySet()) {
        if (a.getValue().equals(id)) {
          ioRun(() -> Files.deleteIfExists(KeyFolders.keyFile(dir.resolve(ALIASES), a.getKey())));
        }
      }
      // MLflow (file and SQL store alike) keeps a deleted version as a tombstone: it reads as not found, but its
      // number stays taken, so version "3" never names two different models over time.
      updateVersionMeta(v, name, meta -> {
        meta.put("current_stage", STAGE_DELETED);
        meta.put("last_updated_timestamp", now);
      });
      writeModelMeta(dir, meta -> meta.put("last_updated_timestamp", now));
    });
  }

  @Override
  public void setModelVersionTag(String name, String version, String key, String value) {
    checkName(name);
    long number = parseVersion(version);
    lockedRun(() -> {
      Path dir = requireModel(name);
      Path v = liveVersionDir(dir, name, number);
      ioRun(() -> AtomicFiles.replace(KeyFolders.keyFile(v.resolve(TAGS), key), utf8(value), v));
      touchModel(dir); // FileStore.set_model_version_tag updates the model's timestamp, not the version's
    });
  }

  @Override
  public void deleteModelVersionTag(String name, String version, String key) {
    checkName(name);
    long number = parseVersion(version);
    lockedRun(() -> {
      Path dir = requireModel(name);
      Path v = liveVersionDir(dir, name, number);
      if (io(() -> Files.deleteIfExists(KeyFolders.keyFile(v.resolve(TAGS), key)))) {
        touchModel(dir);
      }
    });
  }

  // ---------------------------------------------------------------- aliases

  @Override
  public void setAlias(String name, String alias, String version) {
    checkName(name);
    long number = parseVersion(version);
    lockedRun(() -> {
      Path dir = requireModel(name);
      liveVersionDir(dir, name, number);
      // The number as MLflow's reader compares it (_get_model_version_aliases: file content == folder suffix), so
      // "01" is written as "1"; no newline, as write_to writes it.
      ioRun(() -> AtomicFiles.replace(KeyFolders.keyFile(dir.resolve(ALIASES), alias), utf8(Long.toString(number)), dir));
      touchModel(dir); // rewrites meta.yaml's aliases map from the folder, as MLflow's save does
    });
  }

  @Override
  public void deleteAlias(String name, String alias) {
    checkName(name);
    lockedRun(() -> {
      Path dir = requireModel(name);
      // FileStore.delete_registered_model_alias: a missing alias is no error.
      if (io(() -> Files.deleteIfExists(KeyFolders.keyFile(dir.resolve(ALIASES), alias)))) {
        touchModel(dir);
      }
    });
  }

  @Override
  public ModelVersion getModelVersionByAlias(String name, String alias) {
    checkName(name);
    Path dir = requireModel(name);
    Path file = KeyFolders.keyFile(dir.resolve(ALIASES), alias);
    String target;
    try {
      target = AtomicFiles.readString(file).trim();
    } catch (IOException e) {
      // MLflow answers INVALID_PARAMETER_VALUE here (FileStore.get_model_version_by_alias); the SDK's contract
      // is the same "not found" on every backend.
      throw new ResourceNotFoundException("Registered model alias " + alias + " not found.");
    }
    long number;
    try {
      number = Long.parseLong(target);
    } catch (NumberFormatException e) {
      throw new SerializationException("Alias file " + file + " holds '" + target + "', not a version number", e);
    }
    return readVersion(name, number, liveVersionDir(dir, name, number), readAliases(dir));
  }

  // ---------------------------------------------------------------- reading

  private Model readModel(Path dir) {
    Map<String, Object> meta = readMeta(dir);
    long created = MetaYaml.asLong(meta.get("creation_timestamp"), 0L);
    // The folder, not meta.yaml, names the model: MLflow finds a model by its folder too, and a rename is
    // complete once the folder moved (see renameModel).
    return Model.builder()
        .name(dir.getFileName().toString())
        .description(text(meta.get("description"), ""))
        .creationTime(created)
        .lastUpdateTime(MetaYaml.asLong(meta.get("last_updated_timestamp"), created))
        .tags(KeyFolders.read(dir.resolve(TAGS)))
        .aliases(readAliases(dir))
        .build();
  }

  /**
   * The aliases of a model from its {@code aliases/} folder, as {@code get_all_registered_model_aliases_from_path}
   * reads them; the copy in meta.yaml is only kept in step for MLflow.
   */
  private Map<String, String> readAliases(Path modelDir) {
    Map<String, String> out = new TreeMap<>();
    KeyFolders.read(modelDir.resolve(ALIASES)).forEach((k, v) -> out.put(k, v.trim()));
    return out;
  }

  private ModelVersion readVersion(String name, long number, Path versionDir, Map<String, String> aliases) {
    return toVersion(name, number, versionDir, readMeta(versionDir), aliases);
  }

  private ModelVersion toVersion(String name, long number, Path versionDir, Map<String, Object> meta,
      Map<String, String> aliases) {
    long created = MetaYaml.asLong(meta.get("creation_timestamp"), 0L);
    String id = Long.toString(number);
    Object runId = meta.get("run_id");
    String source = text(meta.get("source"), text(meta.get("storage_location"), ""));
    return ModelVersion.builder()
        .modelName(name)
        .version(id)
        .creationTime(created)
        .lastUpdateTime(MetaYaml.asLong(meta.get("last_updated_timestamp"), created))
        .description(text(meta.get("description"), ""))
        .source(source)
        .candidateId(runId == null || runId.toString().isEmpty() ? Optional.empty() : Optional.of(runId.toString()))
        .status(text(meta.get("status"), "READY"))
        .tags(KeyFolders.read(versionDir.resolve(TAGS)))
        .aliases(aliases.entrySet().stream().filter(a -> a.getValue().equals(id)).map(Map.Entry::getKey)
            .collect(Collectors.toList()))
        .build();
  }

  /** The folder of a version that exists and is not deleted ({@code _fetch_file_model_version_if_exists}). */
  private Path liveVersionDir(Path modelDir, String name, long number) {
    Path v = modelDir.resolve(VERSION_PREFIX + number);
    if (Files.isRegularFile(v.resolve(META))) {
      Map<String, Object> meta;
      try {
        meta = readMeta(v);
      } catch (TransportException e) {
        meta = null; // gone meanwhile
      }
      if (meta != null && !STAGE_DELETED.equals(meta.get("current_stage"))) {
        return v;
      }
    }
    throw new ResourceNotFoundException("Model Version (name=" + name + ", version=" + number + ") not found");
  }

  /** The {@code version-<N>} folders of a model, deleted ones included, by ascending N. */
  private static List<Path> versionDirs(Path modelDir) {
    List<Path> out = new ArrayList<>();
    for (Path d : KeyFolders.subdirectories(modelDir)) {
      if (versionNumber(d) >= 0) {
        out.add(d);
      }
    }
    out.sort(Comparator.comparingLong(LocalModelRegistry::versionNumber));
    return out;
  }

  private static long highestVersion(Path modelDir) {
    long max = 0;
    for (Path d : KeyFolders.subdirectories(modelDir)) {
      max = Math.max(max, versionNumber(d));
    }
    return max;
  }

  /** N of a {@code version-<N>} folder, or -1 for any other folder. */
  private static long versionNumber(Path dir) {
    String n = dir.getFileName().toString();
    if (!n.startsWith(VERSION_PREFIX) || n.length() == VERSION_PREFIX.length()
        || n.length() > VERSION_PREFIX.length() + 18) {
      return -1;
    }
    for (int i = VERSION_PREFIX.length(); i < n.length(); i++) {
      if (n.charAt(i) < '0' || n.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(n.substring(VERSION_PREFIX.length()));
  }

  /**
   * A version id as MLflow's {@code _validate_model_version} takes it: {@code int(version)}, so {@code " 2"} and
   * {@code "02"} are version 2.
   */
  static long parseVersion(String version) {
    return VersionNumbers.parse(version);
  }

  // ---------------------------------------------------------------- writing

  /**
   * Rewrites a model's meta.yaml as {@code FileStore._save_registered_model_as_meta_file} does: the whole entity as
   * read, so the aliases map follows the {@code aliases/} folder, and the name follows the folder.
   */
  private void writeModelMeta(Path dir, Consumer<Map<String, Object>> change) {
    Map<String, Object> meta = new TreeMap<>(readMeta(dir));
    meta.put("name", dir.getFileName().toString());
    meta.put("aliases", readAliases(dir));
    change.accept(meta);
    ioRun(() -> AtomicFiles.replace(dir.resolve(META), MetaYaml.encode(meta), dir));
  }

  /** {@code _update_registered_model_last_updated_time}. */
  private void touchModel(Path dir) {
    long now = clock.getAsLong();
    writeModelMeta(dir, meta -> meta.put("last_updated_timestamp", now));
  }

  private void updateVersionMeta(Path versionDir, String modelName, Consumer<Map<String, Object>> change) {
    Map<String, Object> meta = new TreeMap<>(readMeta(versionDir));
    meta.put("name", modelName); // heals a rename that crashed before it reached this version
    change.accept(meta);
    ioRun(() -> AtomicFiles.replace(versionDir.resolve(META), MetaYaml.encode(meta), versionDir));
  }

  private <T> T locked(Supplier<T> action) {
    ioRun(() -> Files.createDirectories(models)); // the lock file lives in it
    return lock.call(action);
  }

  private void lockedRun(Runnable action) {
    locked(() -> {
      action.run();
      return null;
    });
  }

  /**
   * Deletes a model folder (already renamed out of the namespace) so that MLflow, which may list it meanwhile as
   * the model it was, never meets a {@code version-*} folder or the model without its meta.yaml: versions are first
   * renamed out of MLflow's view, and meta.yaml goes last.
   */
  private static void deleteModelTree(Path dir) {
    for (Path v : KeyFolders.subdirectories(dir)) {
      if (v.getFileName().toString().startsWith(VERSION_PREFIX)) {
        ioRun(() -> Files.move(v, dir.resolve(RESERVED_PREFIX + "gone-" + v.getFileName()),
            StandardCopyOption.ATOMIC_MOVE));
      }
    }
    List<Path> children = io(() -> {
      try (Stream<Path> s = Files.list(dir)) {
        return s.collect(Collectors.toList());
      }
    });
    for (Path child : children) {
      if (!child.getFileName().toString().equals(META)) {
        deleteRecursively(child);
      }
    }
    ioRun(() -> {
      Files.deleteIfExists(dir.resolve(META));
      Files.deleteIfExists(dir);
    });
  }

  /**
   * Removes what a crashed writer left: hidden ghosts of deleted models, or half-built versions. Called under the
   * lock, when no live writer can own them. Best effort: they are invisible to every reader anyway.
   */
  private static void removeLeftovers(Path parent, String prefix) {
    for (Path d : KeyFolders.subdirectories(parent)) {
      if (d.getFileName().toString().startsWith(prefix)) {
        try {
          if (prefix.equals(GHOST_PREFIX)) {
            deleteModelTree(d);
          } else {
            deleteRecursively(d);
          }
        } catch (TransportException e) {
          // retried by the next writer
        }
      }
    }
  }

  private static void deleteRecursively(Path path) {
    ioRun(() -> io.mlops.core.internal.FileTrees.delete(path));
  }

  // ---------------------------------------------------------------- names and files

  /**
   * Rejects names MLflow's file store rejects ({@code _validate_model_name} of validation.py and of file_store.py):
   * a path separator, {@code ':'}, {@code '%'}, or a name that does not normalize to itself as a path. A name
   * starting with {@value #RESERVED_PREFIX} is kept for this store's temporary folders.
   */
  static void checkName(String name) {
    ModelNames.check(name);
    if (name.indexOf('\\') >= 0) {
      throw new InvalidParameterException(
          "Invalid name: '" + name + "'. Registered model name cannot contain path separator");
    }
    if (name.indexOf('%') >= 0) {
      throw new InvalidParameterException(
          "Invalid name: '" + name + "'. Registered model name cannot contain '%' character");
    }
    if (name.equals(".") || name.startsWith("..")) { // path_not_unique
      throw new InvalidParameterException("Invalid value '" + name + "' for parameter 'name': it is not a "
          + "normalized relative path");
    }
    if (name.startsWith(RESERVED_PREFIX)) {
      throw new InvalidParameterException("Invalid name: '" + name + "'. Names starting with '" + RESERVED_PREFIX
          + "' are reserved for the local store's temporary folders");
    }
  }

  private Path modelDir(String name) {
    Path dir;
    try {
      dir = models.resolve(name);
    } catch (InvalidPathException e) {
      throw new InvalidParameterException("Model name '" + name + "' is not a valid folder name here: "
          + e.getMessage());
    }
    if (!models.equals(dir.getParent())) {
      throw new InvalidParameterException("Model name '" + name + "' escapes the registry folder");
    }
    return dir;
  }

  private Path requireModel(String name) {
    Path dir = modelDir(name);
    if (!isModel(dir)) {
      throw new ResourceNotFoundException("Registered Model with name=" + name + " not found");
    }
    return dir;
  }

  /** A model (or version) folder counts once its meta.yaml, always written last, exists. */
  private static boolean isModel(Path dir) {
    return Files.isRegularFile(dir.resolve(META));
  }

  private static Map<String, Object> readMeta(Path dir) {
    return io(() -> MetaYaml.read(dir.resolve(META)));
  }

  private static String text(Object o, String dflt) {
    return o == null ? dflt : o.toString();
  }


  // ---------------------------------------------------------------- search
}
