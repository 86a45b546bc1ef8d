package io.mlops.core.internal.local;

import static io.mlops.core.internal.local.LocalIo.io;
import static io.mlops.core.internal.local.LocalIo.ioRun;
import static io.mlops.core.internal.local.LocalIo.utf8;

import io.mlops.core.ArtifactInfo;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateData;
import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateQuery;
import io.mlops.core.CandidateStatus;
import io.mlops.core.CandidateUpdate;
import io.mlops.core.Experiment;
import io.mlops.core.ExperimentQuery;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.LifecycleStage;
import io.mlops.core.Metric;
import io.mlops.core.NewCandidate;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.Page;
import io.mlops.core.Param;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.SerializationException;
import io.mlops.core.Tag;
import io.mlops.core.TransferListener;
import io.mlops.core.TransportException;
import io.mlops.core.ViewType;
import io.mlops.core.internal.ArtifactPaths;
import io.mlops.core.internal.CandidateNaming;
import io.mlops.core.internal.EntityValidator;
import io.mlops.core.internal.LatestMetric;
import io.mlops.core.internal.ParamConflicts;
import io.mlops.core.internal.search.PageTokens;
import io.mlops.core.internal.search.SearchPages;
import io.mlops.core.spi.ArtifactStore;
import io.mlops.core.spi.TrackingStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The local store: MLflow's file-store layout under one root folder (protocol notes §5, mirroring
 * {@code mlflow/store/tracking/file_store.py}), readable by MLflow's own client and writable by several threads and
 * several processes at once.
 */
public final class LocalFileStore implements TrackingStore, ArtifactStore, AutoCloseable {
  /** The Default experiment's id. */
  public static final String DEFAULT_EXPERIMENT_ID = "0";

  /**
   * Longest file name, in UTF-8 bytes, that the common file systems take (ext4, XFS, APFS, NTFS in UTF-16 units
   * aside): each part of a key between '/' separators becomes one, so the store's {@code Capabilities} refuse
   * longer parts at the call.
   */
  public static final int MAX_FILE_NAME_BYTES = 255;
  static final String TRASH = ".trash";
  static final String META = "meta.yaml";
  static final String METRICS = "metrics";
  static final String PARAMS = "params";
  static final String TAGS = "tags";
  static final String ARTIFACTS = "artifacts";
  private static final String MLFLOW_RUN_NAME = CandidateNaming.RUN_NAME_TAG;
  private static final String UPLOAD_PREFIX = ".mlops-upload-";
  // Folders of the root and of an experiment that are not experiments or runs (FileStore.RESERVED_EXPERIMENT_FOLDERS).
  private static final Set<String> RESERVED_ROOT = new HashSet<>(Arrays.asList(TRASH, "models"));
  private static final Set<String> RESERVED_EXPERIMENT =
      new HashSet<>(Arrays.asList(TAGS, "datasets", "traces", "models"));

  private final Path root;
  private final Path trash;
  private final String rootUri;
  private final LongSupplier clock;
  private final NamespaceLock namespaceLock;
  private final ConcurrentMap<String, String> experimentOfCandidate = new ConcurrentHashMap<>();
  private final MetricAppenders appenders = new MetricAppenders();
  private static final ReentrantLock[] CANDIDATE_LOCKS = new ReentrantLock[64];

  static {
    for (int i = 0; i < CANDIDATE_LOCKS.length; i++) {
      CANDIDATE_LOCKS[i] = new ReentrantLock();
    }
  }

  private final ConcurrentMap<Path, CachedMeta> metaCache = new ConcurrentHashMap<>();

  /** Opens (and creates, with the Default experiment, if needed) a store at {@code root}. */
  public LocalFileStore(Path root) {
    this(root, System::currentTimeMillis);
  }

  /** Opens a store with an injected clock (milliseconds). */
  public LocalFileStore(Path root, LongSupplier clock) {
    this.root = root.toAbsolutePath().normalize();
    this.trash = this.root.resolve(TRASH);
    this.clock = clock;
    String uri = this.root.toUri().toString();
    this.rootUri = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    ioRun(() -> Files.createDirectories(this.root));
    this.namespaceLock = new NamespaceLock(this.root);
    namespaceLock.call(() -> {
      ioRun(() -> Files.createDirectories(trash));
      if (!Files.isDirectory(this.root.resolve(DEFAULT_EXPERIMENT_ID))
          && !Files.isDirectory(trash.resolve(DEFAULT_EXPERIMENT_ID))) {
        writeNewExperiment(DEFAULT_EXPERIMENT_ID, "Default", Optional.empty(), Map.of());
      }
      return null;
    });
  }

  /** The store's root folder. */
  public Path root() {
    return root;
  }

  /** Closes the metric files the store keeps open for appending; idempotent. The store stays usable. */
  @Override
  public void close() {
    appenders.close();
  }

  /** Metric files open for appending now (for tests). */
  int openMetricFiles() {
    return appenders.openFiles();
  }

  // ---------------------------------------------------------------- experiments

  @Override
  public String createExperiment(String name, Optional<String> artifactLocation, Map<String, String> tags) {
    return namespaceLock.call(() -> {
      Optional<Experiment> existing = findExperimentByName(name);
      if (existing.isPresent()) {
        throw new ResourceAlreadyExistsException(existing.get().lifecycleStage() == LifecycleStage.DELETED
            ? "Experiment '" + name + "' already exists in deleted state. Restore it, or remove it from "
                + trash + " to use the name again."
            : "Experiment '" + name + "' already exists.");
      }
      String id;
      do {
        id = io.mlops.core.internal.RandomNames.experimentId();
      } while (Files.exists(root.resolve(id)) || Files.exists(trash.resolve(id)));
      writeNewExperiment(id, name, artifactLocation, tags);
      return id;
    });
  }

  private void writeNewExperiment(String id, String name, Optional<String> artifactLocation,
      Map<String, String> tags) {
    Path dir = root.resolve(id);
    long now = clock.getAsLong();
    Map<String, Object> meta = new TreeMap<>();
    meta.put("artifact_location", artifactLocation.orElse(rootUri + "/" + id));
    meta.put("creation_time", now);
    meta.put("experiment_id", id);
    meta.put("last_update_time", now);
    meta.put("lifecycle_stage", LifecycleStage.ACTIVE.wireName());
    meta.put("name", name);
    ioRun(() -> {
      Files.createDirectories(dir);
      for (Map.Entry<String, String> t : tags.entrySet()) {
        AtomicFiles.replace(KeyFolders.keyFile(dir.resolve(TAGS), t.getKey()), utf8(t.getValue()), dir);
      }
      // meta.yaml last: a folder without it is skipped by readers until the experiment is complete
      AtomicFiles.replace(dir.resolve(META), MetaYaml.encode(meta), dir);
    });
  }

  @Override
  public Experiment getExperiment(String experimentId) {
    return readExperiment(experimentDir(experimentId)
        .orElseThrow(() -> new ResourceNotFoundException("Could not find experiment with ID " + experimentId)));
  }

  @Override
  public Optional<Experiment> findExperimentByName(String name) {
    Experiment deleted = null;
    for (Experiment e : allExperiments(ViewType.ALL)) {
      if (e.name().equals(name)) {
        if (e.lifecycleStage() == LifecycleStage.ACTIVE) {
          return Optional.of(e);
        }
        deleted = e;
      }
    }
    return Optional.ofNullable(deleted);
  }

  @Override
  public Page<Experiment> searchExperiments(ExperimentQuery query) {
    return SearchPages.experiments(allExperiments(query.viewType()), query);
  }

  @Override
  public void renameExperiment(String experimentId, String newName) {
    namespaceLock.call(() -> {
      Path dir = activeExperimentDir(experimentId, "rename");
      if (findExperimentByName(newName).isPresent()) {
        throw new ResourceAlreadyExistsException("Experiment '" + newName + "' already exists.");
      }
      updateMeta(dir, meta -> {
        meta.put("name", newName);
        meta.put("last_update_time", clock.getAsLong());
      });
      return null;
    });
  }

  @Override
  public void deleteExperiment(String experimentId) {
    if (DEFAULT_EXPERIMENT_ID.equals(experimentId)) {
      throw new InvalidParameterException("Cannot delete the Default experiment '0': MLflow reserves it");
    }
    namespaceLock.call(() -> {
      Path dir = activeExperimentDir(experimentId, "delete");
      long now = clock.getAsLong();
      for (Path runDir : runDirs(dir)) {
        withCandidateLock(runDir, () -> updateMeta(runDir, meta -> {
          if (LifecycleStage.ACTIVE.wireName().equals(meta.get("lifecycle_stage"))) {
            meta.put("lifecycle_stage", LifecycleStage.DELETED.wireName());
            meta.put("deleted_time", now);
          }
        }));
      }
      updateMeta(dir, meta -> {
        meta.put("lifecycle_stage", LifecycleStage.DELETED.wireName());
        meta.put("last_update_time", now);
      });
      ioRun(() -> Files.move(dir, trash.resolve(experimentId), StandardCopyOption.ATOMIC_MOVE));
      appenders.close(); // its candidates' files moved with it
      return null;
    });
  }

  @Override
  public void restoreExperiment(String experimentId) {
    namespaceLock.call(() -> {
      EntityValidator.experimentId(experimentId);
      Path deleted = trash.resolve(experimentId);
      if (!Files.isDirectory(deleted)) {
        throw new ResourceNotFoundException("Could not find deleted experiment with ID " + experimentId);
      }
      if (Files.exists(root.resolve(experimentId))) {
        throw new ResourceAlreadyExistsException(
            "Cannot restore experiment " + experimentId + ": an experiment with the same ID exists");
      }
      Path dir = root.resolve(experimentId);
      ioRun(() -> Files.move(deleted, dir, StandardCopyOption.ATOMIC_MOVE));
      for (Path runDir : runDirs(dir)) {
        withCandidateLock(runDir, () -> updateMeta(runDir, meta -> {
          if (LifecycleStage.DELETED.wireName().equals(meta.get("lifecycle_stage"))) {
            meta.put("lifecycle_stage", LifecycleStage.ACTIVE.wireName());
            meta.remove("deleted_time");
          }
        }));
      }
      updateMeta(dir, meta -> {
        meta.put("lifecycle_stage", LifecycleStage.ACTIVE.wireName());
        meta.put("last_update_time", clock.getAsLong());
      });
      return null;
    });
  }

  @Override
  public void setExperimentTag(String experimentId, String key, String value) {
    Path dir = activeExperimentDir(experimentId, "set tags on");
    ioRun(() -> AtomicFiles.replace(KeyFolders.keyFile(dir.resolve(TAGS), key), utf8(value), dir));
  }

  @Override
  public void deleteExperimentTag(String experimentId, String key) {
    Path dir = activeExperimentDir(experimentId, "delete tags of");
    Path file = KeyFolders.keyFile(dir.resolve(TAGS), key);
    if (!io(() -> Files.deleteIfExists(file))) {
      throw new ResourceNotFoundException("No tag with name: " + key + " in experiment with id " + experimentId);
    }
  }

  private Optional<Path> experimentDir(String experimentId) {
    EntityValidator.experimentId(experimentId);
    if (RESERVED_ROOT.contains(experimentId)) {
      return Optional.empty();
    }
    Path active = root.resolve(experimentId);
    if (Files.isRegularFile(active.resolve(META))) {
      return Optional.of(active);
    }
    Path deleted = trash.resolve(experimentId);
    return Files.isRegularFile(deleted.resolve(META)) ? Optional.of(deleted) : Optional.empty();
  }

  private Path activeExperimentDir(String experimentId, String action) {
    Path dir = experimentDir(experimentId)
        .orElseThrow(() -> new ResourceNotFoundException("Could not find experiment with ID " + experimentId));
    if (!dir.getParent().equals(root)) {
      throw new InvalidParameterException(
          "Cannot " + action + " experiment " + experimentId + ": it must be in the 'active' lifecycle_stage");
    }
    return dir;
  }

  private List<Experiment> allExperiments(ViewType view) {
    List<Experiment> out = new ArrayList<>();
    if (view != ViewType.DELETED_ONLY) {
      addExperiments(root, out);
    }
    if (view != ViewType.ACTIVE_ONLY) {
      addExperiments(trash, out);
    }
    out.removeIf(e -> !view.includes(e.lifecycleStage()));
    return out;
  }

  private void addExperiments(Path parent, List<Experiment> out) {
    for (Path dir : KeyFolders.subdirectories(parent)) {
      String name = dir.getFileName().toString();
      if (RESERVED_ROOT.contains(name) || name.startsWith(".") || !Files.isRegularFile(dir.resolve(META))) {
        continue;
      }
      try {
        Experiment e = readExperiment(dir);
        if (e.id().equals(name)) { // FileStore._get_experiment ignores an experiment whose id mismatches its folder
          out.add(e);
        }
      } catch (SerializationException | TransportException e) {
        // A folder being written by another process, or one MLflow would also call malformed: skip it.
      }
    }
  }

  private Experiment readExperiment(Path dir) {
    Map<String, Object> meta = readMeta(dir);
    long created = MetaYaml.asLong(meta.get("creation_time"), 0L);
    return Experiment.builder()
        .id(asString(meta.get("experiment_id")))
        .name(asString(meta.get("name")))
        .artifactLocation(asString(meta.get("artifact_location")))
        .lifecycleStage(stage(meta))
        .creationTime(created)
        .lastUpdateTime(MetaYaml.asLong(meta.get("last_update_time"), created))
        .tags(KeyFolders.read(dir.resolve(TAGS)))
        .build();
  }

  // ---------------------------------------------------------------- candidates

  @Override
  public CandidateInfo createCandidate(NewCandidate candidate) {
    Path expDir = experimentDir(candidate.experimentId()).orElseThrow(() -> new ResourceNotFoundException(
        "Could not create candidate under experiment with ID " + candidate.experimentId() + ": no such experiment"));
    if (!expDir.getParent().equals(root)) {
      throw new InvalidParameterException(
          "Could not create candidate under non-active experiment with ID " + candidate.experimentId());
    }
    Map<String, String> tags = new LinkedHashMap<>(candidate.tags());
    String name = CandidateNaming.nameOf(candidate);
    tags.put(MLFLOW_RUN_NAME, name);
    String id = UUID.randomUUID().toString().replace("-", "");
    Path runDir = expDir.resolve(id);
    String artifactLocation = asString(readMeta(expDir).get("artifact_location"));
    String artifactUri = stripSlash(artifactLocation) + "/" + id + "/" + ARTIFACTS;
    Map<String, Object> meta = new TreeMap<>();
    meta.put("artifact_uri", artifactUri);
    meta.put("end_time", null);
    meta.put("entry_point_name", "");
    meta.put("experiment_id", candidate.experimentId());
    meta.put("lifecycle_stage", LifecycleStage.ACTIVE.wireName());
    meta.put("run_id", id);
    meta.put("run_uuid", id); // read by MLflow 1.x/2.x; ignored by 3.x
    meta.put("run_name", name);
    meta.put("source_name", "");
    meta.put("source_type", 4); // SourceType.LOCAL, as FileStore writes it
    meta.put("source_version", "");
    meta.put("start_time", candidate.startTime());
    meta.put("status", CandidateStatus.RUNNING.number());
    meta.put("tags", List.of());
    meta.put("user_id", candidate.userId().orElse("unknown"));
    ioRun(() -> {
      // FileStore._is_valid_run_directory requires metrics/, params/ and artifacts/
      Files.createDirectories(runDir.resolve(METRICS));
      Files.createDirectories(runDir.resolve(PARAMS));
      Files.createDirectories(runDir.resolve(ARTIFACTS));
      Files.createDirectories(runDir.resolve(TAGS));
      for (Map.Entry<String, String> t : tags.entrySet()) {
        AtomicFiles.replace(KeyFolders.keyFile(runDir.resolve(TAGS), t.getKey()), utf8(t.getValue()), runDir);
      }
      AtomicFiles.replace(runDir.resolve(META), MetaYaml.encode(meta), runDir);
    });
    experimentOfCandidate.put(id, candidate.experimentId());
    return readInfo(runDir);
  }

  @Override
  public Candidate getCandidate(String candidateId) {
    return readCandidate(runDir(candidateId));
  }

  @Override
  public CandidateInfo updateCandidate(String candidateId, CandidateUpdate update) {
    Path runDir = runDir(candidateId);
    withCandidateLock(runDir, () -> {
      requireActive(runDir, candidateId);
      if (update.name().isPresent()) {
        ioRun(() -> AtomicFiles.replace(KeyFolders.keyFile(runDir.resolve(TAGS), MLFLOW_RUN_NAME), utf8(update.name().get()),
            runDir));
      }
      updateMeta(runDir, meta -> {
        update.status().ifPresent(s -> meta.put("status", s.number()));
        if (update.endTime().isPresent()) {
          meta.put("end_time", update.endTime().getAsLong());
        }
        update.name().ifPresent(n -> meta.put("run_name", n));
      });
    });
    if (update.status().isPresent() && update.status().get().isTerminal()) {
      appenders.close(candidateId); // an ended candidate gets no more points, in the common case
    }
    return readInfo(runDir);
  }

  @Override
  public void deleteCandidate(String candidateId) {
    appenders.close(candidateId);
    Path runDir = runDir(candidateId);
    withCandidateLock(runDir, () -> updateMeta(runDir, meta -> {
      meta.put("lifecycle_stage", LifecycleStage.DELETED.wireName());
      meta.put("deleted_time", clock.getAsLong());
    }));
  }

  @Override
  public void restoreCandidate(String candidateId) {
    Path runDir = runDir(candidateId);
    withCandidateLock(runDir, () -> updateMeta(runDir, meta -> {
      meta.put("lifecycle_stage", LifecycleStage.ACTIVE.wireName());
      meta.remove("deleted_time");
    }));
  }

  @Override
  public Page<Candidate> searchCandidates(CandidateQuery query) {
    List<Candidate> inView = new ArrayList<>();
    for (String experimentId : query.experimentIds()) {
      Optional<Path> expDir = experimentDir(experimentId);
      if (!expDir.isPresent()) {
        continue; // FileStore._list_run_infos returns nothing for an unknown experiment
      }
      for (Path runDir : runDirs(expDir.get())) {
        CandidateInfo info;
        try {
          info = readInfo(runDir);
        } catch (SerializationException | TransportException e) {
          continue; // a run being created by another process, or a malformed one: MLflow skips it too
        }
        if (!info.experimentId().equals(experimentId) || !query.viewType().includes(info.lifecycleStage())) {
          continue;
        }
        inView.add(Candidate.of(info, readData(runDir)));
      }
    }
    return SearchPages.candidates(inView, query);
  }

  @Override
  public Page<Metric> getMetricHistory(String candidateId, String key, Optional<String> pageToken) {
    Path file = KeyFolders.keyFile(runDir(candidateId).resolve(METRICS), key);
    if (!Files.isRegularFile(file)) {
      return Page.of(List.of(), Optional.empty());
    }
    List<Metric> points = io(() -> MetricLines.read(file, key));
    int offset = pageToken.map(PageTokens::decode).orElse(0);
    return Page.of(points.subList(Math.min(offset, points.size()), points.size()), Optional.empty());
  }

  @Override
  public void logBatch(String candidateId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    Path runDir = runDir(candidateId);
    requireActive(runDir, candidateId);
    ParamConflicts.requireDistinctKeys(params);
    // A refusal writes nothing (the TrackingStore contract): every key must fit in the folders, and no param may
    // change, before the first byte is written, so that a caller isolating the offending entry can send the rest
    // again without doubling a metric line. Metrics go last: params are write-once and tags last-write-wins, so
    // writing them again is harmless, appending a metric line again is not.
    Path metricDir = runDir.resolve(METRICS);
    if (params.isEmpty() && tags.isEmpty()) {
      if (!metrics.isEmpty()) {
        appenders.append(candidateId, metricDir, metrics, () -> { });
      }
      return;
    }
    if (metrics.isEmpty()) {
      writeParamsAndTags(candidateId, runDir, params, tags);
      return;
    }
    // the metric keys are checked and the lines encoded before the params and tags are written, the lines written
    // after them
    appenders.append(candidateId, metricDir, metrics, () -> writeParamsAndTags(candidateId, runDir, params, tags));
  }

  private void writeParamsAndTags(String candidateId, Path runDir, List<Param> params, List<Tag> tags) {
    Path paramDir = runDir.resolve(PARAMS);
    Path tagDir = runDir.resolve(TAGS);
    params.forEach(p -> KeyFolders.requireWritable(paramDir, p.key()));
    tags.forEach(t -> KeyFolders.requireWritable(tagDir, t.key()));
    List<String> conflicts = new ArrayList<>();
    for (Param p : params) {
      Path file = KeyFolders.keyFile(paramDir, p.key());
      if (Files.isRegularFile(file)) {
        ParamConflicts.conflict(p, io(() -> AtomicFiles.readString(file))).ifPresent(conflicts::add);
      }
    }
    ParamConflicts.throwIfAny(candidateId, conflicts);
    for (Param p : params) {
      Optional<String> existing =
          io(() -> AtomicFiles.createOnce(KeyFolders.keyFile(paramDir, p.key()), utf8(p.value()), runDir));
      existing.flatMap(v -> ParamConflicts.conflict(p, v)).ifPresent(conflicts::add); // a concurrent writer came first
    }
    ParamConflicts.throwIfAny(candidateId, conflicts);
    for (Tag t : tags) {
      ioRun(() -> AtomicFiles.replace(KeyFolders.keyFile(tagDir, t.key()), utf8(t.value()), runDir));
      if (t.key().equals(MLFLOW_RUN_NAME)) {
        withCandidateLock(runDir, () -> updateMeta(runDir, meta -> meta.put("run_name", t.value())));
      }
    }
  }

  @Override
  public void deleteTag(String candidateId, String key) {
    Path runDir = runDir(candidateId);
    requireActive(runDir, candidateId);
    if (!io(() -> Files.deleteIfExists(KeyFolders.keyFile(runDir.resolve(TAGS), key)))) {
      throw new ResourceNotFoundException("No tag with name: " + key + " in candidate with id " + candidateId);
    }
  }

  private Path runDir(String candidateId) {
    EntityValidator.candidateId(candidateId);
    String expId = experimentOfCandidate.get(candidateId);
    if (expId != null) {
      Optional<Path> expDir = experimentDir(expId);
      if (expDir.isPresent() && Files.isRegularFile(expDir.get().resolve(candidateId).resolve(META))) {
        return expDir.get().resolve(candidateId);
      }
    }
    for (Path parent : List.of(root, trash)) {
      for (Path expDir : KeyFolders.subdirectories(parent)) {
        String name = expDir.getFileName().toString();
        if (RESERVED_ROOT.contains(name) || name.startsWith(".")) {
          continue;
        }
        Path candidate = expDir.resolve(candidateId);
        if (Files.isRegularFile(candidate.resolve(META))) {
          experimentOfCandidate.put(candidateId, name);
          return candidate;
        }
      }
    }
    throw new ResourceNotFoundException("Candidate '" + candidateId + "' not found");
  }

  private List<Path> runDirs(Path experimentDir) {
    List<Path> out = new ArrayList<>();
    for (Path d : KeyFolders.subdirectories(experimentDir)) {
      String name = d.getFileName().toString();
      if (!RESERVED_EXPERIMENT.contains(name) && !name.startsWith(".") && Files.isRegularFile(d.resolve(META))) {
        out.add(d);
      }
    }
    return out;
  }

  private void requireActive(Path runDir, String candidateId) {
    if (stage(readMeta(runDir)) != LifecycleStage.ACTIVE) {
      throw new InvalidParameterException(
          "The candidate " + candidateId + " must be in the 'active' lifecycle_stage to be changed");
    }
  }

  private Candidate readCandidate(Path runDir) {
    return Candidate.of(readInfo(runDir), readData(runDir));
  }

  private CandidateInfo readInfo(Path runDir) {
    Map<String, Object> meta = readMeta(runDir);
    Object end = meta.get("end_time");
    String id = asString(meta.getOrDefault("run_id", meta.get("run_uuid")));
    Object user = meta.get("user_id");
    return CandidateInfo.builder()
        .id(id)
        .experimentId(asString(meta.get("experiment_id")))
        .name(meta.get("run_name") == null ? "" : asString(meta.get("run_name")))
        .status(status(meta))
        .startTime(MetaYaml.asLong(meta.get("start_time"), 0L))
        .endTime(end == null ? OptionalLong.empty() : OptionalLong.of(MetaYaml.asLong(end, 0L)))
        .artifactUri(asString(meta.get("artifact_uri")))
        .lifecycleStage(stage(meta))
        .userId(user == null ? Optional.empty() : Optional.of(asString(user)))
        .build();
  }

  private CandidateData readData(Path runDir) {
    Map<String, Metric> latest = new TreeMap<>();
    Path metricsDir = runDir.resolve(METRICS);
    for (String key : KeyFolders.keys(metricsDir)) {
      List<Metric> points = io(() -> MetricLines.read(KeyFolders.keyFile(metricsDir, key), key));
      Metric best = LatestMetric.of(points);
      if (best != null) {
        latest.put(key, best);
      }
    }
    return CandidateData.builder()
        .metrics(latest)
        .params(KeyFolders.read(runDir.resolve(PARAMS)))
        .tags(KeyFolders.read(runDir.resolve(TAGS)))
        .build();
  }

  // ---------------------------------------------------------------- artifacts


  @Override
  public void uploadFile(String candidateId, Path localFile, String artifactPath, TransferListener listener) {
    Path target = ArtifactPaths.resolveUnder(artifactRoot(candidateId), artifactPath);
    if (target.equals(artifactRoot(candidateId))) {
      throw new InvalidParameterException("An artifact file needs a name inside the artifact root");
    }
    ioRun(() -> {
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling(UPLOAD_PREFIX + UUID.randomUUID());
      try {
        copyReporting(localFile, tmp, ArtifactPaths.normalize(artifactPath), listener);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    });
  }

  @Override
  public List<ArtifactInfo> list(String candidateId, String directory) {
    String dir = ArtifactPaths.normalize(directory);
    Path path = ArtifactPaths.resolveUnder(artifactRoot(candidateId), dir);
    if (!Files.isDirectory(path)) {
      return List.of();
    }
    List<ArtifactInfo> out = new ArrayList<>();
    for (Path child : io(() -> {
      try (Stream<Path> s = Files.list(path)) {
        return s.sorted().collect(Collectors.toList());
      }
    })) {
      String name = child.getFileName().toString();
      if (name.startsWith(UPLOAD_PREFIX)) {
        continue;
      }
      String rel = ArtifactPaths.join(dir, name);
      out.add(Files.isDirectory(child) ? ArtifactInfo.directory(rel) : ArtifactInfo.file(rel, io(() -> Files.size(child))));
    }
    return out;
  }


  @Override
  public void downloadFile(String candidateId, String artifactPath, Path target, TransferListener listener) {
    Path source = ArtifactPaths.resolveUnder(artifactRoot(candidateId), artifactPath);
    if (!Files.isRegularFile(source)) {
      throw new ResourceNotFoundException("No artifact file '" + artifactPath + "' in candidate " + candidateId);
    }
    ioRun(() -> {
      Path parent = target.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = parent.resolve(".mlops-download-" + UUID.randomUUID());
      try {
        copyReporting(source, tmp, ArtifactPaths.normalize(artifactPath), listener);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    });
  }

  /** Copies a file in chunks, reporting progress every half megabyte and at the end. */
  private static void copyReporting(Path from, Path to, String artifactPath, TransferListener listener)
      throws IOException {
    long total = Files.size(from);
    long done = 0;
    long reported = 0;
    byte[] buffer = new byte[64 * 1024];
    try (java.io.InputStream in = Files.newInputStream(from);
        java.io.OutputStream out = Files.newOutputStream(to)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
        done += n;
        if (done - reported >= 512 * 1024) {
          reported = done;
          listener.onProgress(artifactPath, done, total);
        }
      }
    }
    listener.onProgress(artifactPath, done, Math.max(total, done));
  }

  private Path artifactRoot(String candidateId) {
    Path runDir = runDir(candidateId);
    String uri = asString(readMeta(runDir).get("artifact_uri"));
    Path local = runDir.resolve(ARTIFACTS);
    if (uri.startsWith("file:")) {
      Path p = Paths.get(URI.create(uri));
      // a store copied from another machine keeps its old absolute URIs; its artifacts are beside the run
      return Files.isDirectory(p) || !Files.isDirectory(local) ? p : local;
    }
    if (!uri.contains("://") && !uri.startsWith("mlflow-artifacts:")) {
      return Paths.get(uri);
    }
    throw new OperationNotSupportedException("local store", "artifacts stored at " + uri);
  }

  // ---------------------------------------------------------------- files

  /**
   * Reads a meta.yaml through a cache keyed by the file's identity (inode), modification time and size: every
   * write replaces the file atomically with a new one, so a changed file never matches a cached entry. This keeps
   * the YAML parser off the logging path.
   */
  private Map<String, Object> readMeta(Path dir) {
    Path file = dir.resolve(META);
    return io(() -> {
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
      CachedMeta cached = metaCache.get(file);
      if (cached != null && cached.matches(attrs)) {
        return cached.values;
      }
      Map<String, Object> values = java.util.Collections.unmodifiableMap(MetaYaml.read(file));
      if (metaCache.size() > 20_000) {
        metaCache.clear();
      }
      metaCache.put(file, new CachedMeta(attrs, values));
      return values;
    });
  }

  /** A parsed meta.yaml and the identity of the file it came from. */
  private static final class CachedMeta {
    final Object fileKey;
    final long modified;
    final long size;
    final Map<String, Object> values;

    CachedMeta(BasicFileAttributes attrs, Map<String, Object> values) {
      this.fileKey = attrs.fileKey();
      this.modified = attrs.lastModifiedTime().toMillis();
      this.size = attrs.size();
      this.values = values;
    }

    boolean matches(BasicFileAttributes attrs) {
      return fileKey != null && fileKey.equals(attrs.fileKey()) && modified == attrs.lastModifiedTime().toMillis()
          && size == attrs.size();
    }
  }

  private void updateMeta(Path dir, java.util.function.Consumer<Map<String, Object>> change) {
    Map<String, Object> meta = new TreeMap<>(readMeta(dir));
    change.accept(meta);
    ioRun(() -> AtomicFiles.replace(dir.resolve(META), MetaYaml.encode(meta), dir));
  }

  /**
   * Serializes read-modify-write changes of one candidate's meta.yaml between threads (a lock stripe shared by
   * every store object of this JVM) and between processes (an OS lock on {@code <run>/.mlops.lock}; MLflow never
   * reads files in a run folder other than meta.yaml).
   */
  private void withCandidateLock(Path runDir, Runnable action) {
    ReentrantLock lock = CANDIDATE_LOCKS[(runDir.hashCode() & 0x7fffffff) % CANDIDATE_LOCKS.length];
    lock.lock();
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(runDir.resolve(".mlops.lock"),
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock ignored = ch.lock()) {
      action.run();
    } catch (IOException e) {
      throw new TransportException("Cannot lock candidate folder " + runDir + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private static LifecycleStage stage(Map<String, Object> meta) {
    Object s = meta.get("lifecycle_stage");
    try {
      return s == null ? LifecycleStage.ACTIVE : LifecycleStage.fromWireName(asString(s));
    } catch (IllegalArgumentException e) {
      throw new SerializationException("meta.yaml holds an unknown lifecycle_stage '" + s + "'", e);
    }
  }

  private static CandidateStatus status(Map<String, Object> meta) {
    long n = MetaYaml.asLong(meta.get("status"), CandidateStatus.RUNNING.number());
    try {
      return CandidateStatus.fromNumber((int) n);
    } catch (IllegalArgumentException e) {
      throw new SerializationException("meta.yaml holds an unknown status number " + n, e);
    }
  }

  private static String asString(Object o) {
    if (o == null) {
      throw new SerializationException("meta.yaml lacks a required field");
    }
    return String.valueOf(o);
  }


  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

}
