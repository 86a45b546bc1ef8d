package io.mlops.testing.internal;

import io.mlops.core.Model;
import io.mlops.core.ModelQuery;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewModelVersion;
import io.mlops.core.Page;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.internal.ModelNames;
import io.mlops.core.internal.VersionNumbers;
import io.mlops.core.internal.search.PageTokens;
import io.mlops.core.internal.search.SearchPages;
import io.mlops.core.spi.RegistryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Registered models and their versions, held in memory with the local registry's semantics
 * ({@code io.mlops.core.internal.local.LocalModelRegistry}, after MLflow's file store): versions numbered
 * {@code max + 1} and never reused (a deleted version stays as a tombstone), a semantic version unique per model,
 * aliases that go with the versions they point at, the same errors and timestamps.
 *
 * <p>Thread-safe: every call runs under the registry's monitor, so number assignment and the semver check are one
 * step.
 */
final class MemoryRegistry implements RegistryStore {
  /** Versions per page of {@link #listModelVersions}, as the local registry pages them. */
  static final int VERSION_PAGE_SIZE = 1000;

  private final LongSupplier clock;
  /** By name, in the order the local registry lists its model folders. */
  private final SortedMap<String, ModelEntry> models = new TreeMap<>();

  MemoryRegistry(LongSupplier clock) {
    this.clock = clock;
  }

  /** Forgets every model. */
  synchronized void clear() {
    models.clear();
  }

  // ---------------------------------------------------------------- models

  @Override
  public synchronized Model createModel(String name, Optional<String> description, Map<String, String> tags) {
    ModelNames.check(name);
    if (models.containsKey(name)) {
      throw new ResourceAlreadyExistsException("Registered Model (name=" + name + ") already exists.");
    }
    ModelEntry m = new ModelEntry(name, description.orElse(""), clock.getAsLong());
    m.tags.putAll(tags);
    models.put(name, m);
    return m.toModel();
  }

  @Override
  public synchronized Optional<Model> findModel(String name) {
    ModelNames.check(name);
    return Optional.ofNullable(models.get(name)).map(ModelEntry::toModel);
  }

  @Override
  public synchronized Page<Model> searchModels(ModelQuery query) {
    return SearchPages.models(models.values().stream().map(ModelEntry::toModel).collect(Collectors.toList()), query);
  }

  @Override
  public synchronized Model updateModelDescription(String name, String description) {
    ModelEntry m = model(name);
    m.description = description;
    m.lastUpdateTime = clock.getAsLong();
    return m.toModel();
  }

  @Override
  public synchronized Model renameModel(String name, String newName) {
    ModelEntry m = model(name);
    ModelNames.check(newName);
    if (models.containsKey(newName)) { // the same name included, as in FileStore.rename_registered_model
      throw new ResourceAlreadyExistsException("Registered Model (name=" + newName + ") already exists.");
    }
    models.remove(name);
    m.name = newName;
    long now = clock.getAsLong();
    m.versions.values().stream().filter(v -> !v.deleted).forEach(v -> v.lastUpdateTime = now);
    m.lastUpdateTime = now;
    models.put(newName, m);
    return m.toModel();
  }

  @Override
  public synchronized void deleteModel(String name) {
    model(name);
    models.remove(name);
  }

  @Override
  public synchronized void setModelTag(String name, String key, String value) {
    ModelEntry m = model(name);
    m.tags.put(key, value);
    m.touch(clock); // FileStore.set_registered_model_tag updates the model's last_updated_timestamp
  }

  @Override
  public synchronized void deleteModelTag(String name, String key) {
    ModelEntry m = model(name);
    m.removeTouching(m.tags, key, clock); // a missing tag is no error (FileStore.delete_registered_model_tag)
  }

  // ---------------------------------------------------------------- versions

  @Override
  public synchronized ModelVersion createModelVersion(NewModelVersion version) {
    ModelEntry m = model(version.modelName());
    // Semantic versions are kept unique by the SDK (SemverUniqueness), the RegistryStore contract.
    // max over every version, deleted ones included, plus one: a number is never given twice
    long number = m.versions.isEmpty() ? 1 : m.versions.lastKey() + 1;
    long now = clock.getAsLong();
    VersionEntry v = new VersionEntry(number, now, version.description().orElse(""), version.source(),
        version.candidateId());
    v.tags.putAll(version.tags());
    m.versions.put(number, v);
    m.lastUpdateTime = now;
    return m.toVersion(v);
  }

  @Override
  public synchronized ModelVersion getModelVersion(String name, String version) {
    ModelEntry m = model(name);
    return m.toVersion(m.liveVersion(version));
  }

  @Override
  public synchronized Page<ModelVersion> listModelVersions(String name, Optional<String> pageToken) {
    ModelEntry m = model(name);
    List<ModelVersion> live = new ArrayList<>();
    for (VersionEntry v : m.versions.values()) { // ascending by number
      if (!v.deleted) {
        live.add(m.toVersion(v));
      }
    }
    return PageTokens.page(live, VERSION_PAGE_SIZE, pageToken);
  }

  @Override
  public synchronized ModelVersion updateModelVersionDescription(String name, String version, String description) {
    ModelEntry m = model(name);
    VersionEntry v = m.liveVersion(version);
    v.description = description;
    v.lastUpdateTime = clock.getAsLong(); // FileStore.update_model_version touches the version only
    return m.toVersion(v);
  }

  @Override
  public synchronized void deleteModelVersion(String name, String version) {
    ModelEntry m = model(name);
    VersionEntry v = m.liveVersion(version);
    String id = Long.toString(v.number);
    m.aliases.values().removeIf(id::equals);
    // kept as a tombstone, as MLflow's stores keep it: it reads as not found, but its number stays taken
    v.deleted = true;
    long now = clock.getAsLong();
    v.lastUpdateTime = now;
    m.lastUpdateTime = now;
  }

  @Override
  public synchronized void setModelVersionTag(String name, String version, String key, String value) {
    ModelEntry m = model(name);
    m.liveVersion(version).tags.put(key, value);
    m.touch(clock); // FileStore.set_model_version_tag updates the model's timestamp, not the version's
  }

  @Override
  public synchronized void deleteModelVersionTag(String name, String version, String key) {
    ModelEntry m = model(name);
    m.removeTouching(m.liveVersion(version).tags, key, clock);
  }

  // ---------------------------------------------------------------- aliases

  @Override
  public synchronized void setAlias(String name, String alias, String version) {
    ModelEntry m = model(name);
    m.aliases.put(alias, Long.toString(m.liveVersion(version).number)); // "01" is version 1
    m.touch(clock);
  }

  @Override
  public synchronized void deleteAlias(String name, String alias) {
    ModelEntry m = model(name);
    m.removeTouching(m.aliases, alias, clock); // a missing alias is no error (delete_registered_model_alias)
  }

  @Override
  public synchronized ModelVersion getModelVersionByAlias(String name, String alias) {
    ModelEntry m = model(name);
    String target = m.aliases.get(alias);
    if (target == null) {
      throw new ResourceNotFoundException("Registered model alias " + alias + " not found.");
    }
    return m.toVersion(m.liveVersion(target));
  }

  private ModelEntry model(String name) {
    ModelNames.check(name);
    ModelEntry m = models.get(name);
    if (m == null) {
      throw new ResourceNotFoundException("Registered Model with name=" + name + " not found");
    }
    return m;
  }

  // ---------------------------------------------------------------- entries

  /** One model with its versions; changed only under the registry's monitor. */
  private static final class ModelEntry {
    final long creationTime;
    final Map<String, String> tags = new TreeMap<>();
    /** Alias to version number. */
    final Map<String, String> aliases = new TreeMap<>();
    /** Every version by number, deleted ones (tombstones) included. */
    final SortedMap<Long, VersionEntry> versions = new TreeMap<>();
    String name;
    String description;
    long lastUpdateTime;

    ModelEntry(String name, String description, long now) {
      this.name = name;
      this.description = description;
      this.creationTime = now;
      this.lastUpdateTime = now;
    }

    void touch(LongSupplier clock) {
      lastUpdateTime = clock.getAsLong();
    }

    /** Removes a tag or alias of this model or its versions; the model's update time moves only if one was there. */
    void removeTouching(Map<String, String> entries, String key, LongSupplier clock) {
      if (entries.remove(key) != null) {
        touch(clock);
      }
    }

    /** A version that exists and is not deleted ({@code _fetch_file_model_version_if_exists}). */
    VersionEntry liveVersion(String version) {
      long number = VersionNumbers.parse(version);
      VersionEntry v = versions.get(number);
      if (v == null || v.deleted) {
        throw new ResourceNotFoundException("Model Version (name=" + name + ", version=" + number + ") not found");
      }
      return v;
    }

    Model toModel() {
      return Model.builder().name(name).description(description).creationTime(creationTime)
          .lastUpdateTime(lastUpdateTime).tags(tags).aliases(aliases).build();
    }

    ModelVersion toVersion(VersionEntry v) {
      String id = Long.toString(v.number);
      return ModelVersion.builder().modelName(name).version(id).creationTime(v.creationTime)
          .lastUpdateTime(v.lastUpdateTime).description(v.description).source(v.source).candidateId(v.candidateId)
          .status("READY").tags(v.tags)
          .aliases(aliases.entrySet().stream().filter(a -> a.getValue().equals(id)).map(Map.Entry::getKey)
              .collect(Collectors.toList()))
          .build();
    }
  }

  /** One version; changed only under the registry's monitor. */
  private static final class VersionEntry {
    final long number;
    final long creationTime;
    final String source;
    final Optional<String> candidateId;
    final Map<String, String> tags = new TreeMap<>();
    String description;
    long lastUpdateTime;
    boolean deleted;

    VersionEntry(long number, long now, String description, String source, Optional<String> candidateId) {
      this.number = number;
      this.creationTime = now;
      this.lastUpdateTime = now;
      this.description = description;
      this.source = source;
      this.candidateId = candidateId;
    }
  }
}
