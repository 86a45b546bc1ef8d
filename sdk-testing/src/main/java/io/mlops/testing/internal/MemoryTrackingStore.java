package io.mlops.testing.internal;

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
import io.mlops.core.Page;
import io.mlops.core.Param;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Experiments, candidates, their data and their artifacts, held in memory with the local store's semantics
 * ({@code io.mlops.core.internal.local.LocalFileStore}): the same search (the core's {@code search} package), the
 * same write-once params and whole refusals in {@link #logBatch}, the same soft deletes, the same errors.
 *
 * <p>Thread-safe: every call runs under the store's monitor, so a batch is written whole or not at all as far as any
 * reader can tell. Artifact files are read from and written to disk outside it.
 */
final class MemoryTrackingStore implements TrackingStore, ArtifactStore {
  /** The Default experiment's id, as in MLflow's stores. */
  static final String DEFAULT_EXPERIMENT_ID = "0";

  private final String storeName;
  private final String rootUri;
  private final LongSupplier clock;
  private final ArtifactBudget budget;
  /** By id, in the order the local store lists its folders (by name). */
  private final SortedMap<String, ExperimentEntry> experiments = new TreeMap<>();
  private final Map<String, CandidateEntry> candidates = new LinkedHashMap<>();
  private long lastExperimentId;

  MemoryTrackingStore(String storeName, String rootUri, LongSupplier clock, ArtifactBudget budget) {
    this.storeName = storeName;
    this.rootUri = rootUri;
    this.clock = clock;
    this.budget = budget;
    clear();
  }

  /** Forgets everything but a new Default experiment, and frees every artifact byte. */
  synchronized void clear() {
    experiments.clear();
    candidates.clear();
    budget.clear();
    lastExperimentId = 0;
    addExperiment(DEFAULT_EXPERIMENT_ID, "Default", Optional.empty(), Map.of());
  }

  // ---------------------------------------------------------------- experiments

  @Override
  public synchronized String createExperiment(String name, Optional<String> artifactLocation,
      Map<String, String> tags) {
    Optional<Experiment> existing = findExperimentByName(name);
    if (existing.isPresent()) {
      throw new ResourceAlreadyExistsException(existing.get().lifecycleStage() == LifecycleStage.DELETED
          ? "Experiment '" + name + "' already exists in deleted state. Restore it to use the name again."
          : "Experiment '" + name + "' already exists.");
    }
    String id = Long.toString(++lastExperimentId);
    addExperiment(id, name, artifactLocation, tags);
    return id;
  }

  private void addExperiment(String id, String name, Optional<String> artifactLocation, Map<String, String> tags) {
    long now = clock.getAsLong();
    ExperimentEntry e = new ExperimentEntry(id, name, artifactLocation.orElse(rootUri + "/" + id), now);
    e.tags.putAll(tags);
    experiments.put(id, e);
  }

  @Override
  public synchronized Experiment getExperiment(String experimentId) {
    return experiment(experimentId).toExperiment();
  }

  @Override
  public synchronized Optional<Experiment> findExperimentByName(String name) {
    ExperimentEntry deleted = null;
    for (ExperimentEntry e : experiments.values()) {
      if (e.name.equals(name)) {
        if (e.stage == LifecycleStage.ACTIVE) {
          return Optional.of(e.toExperiment());
        }
        deleted = e;
      }
    }
    return Optional.ofNullable(deleted).map(ExperimentEntry::toExperiment);
  }

  @Override
  public synchronized Page<Experiment> searchExperiments(ExperimentQuery query) {
    // active ones first, then deleted ones, each by id: the local store lists its root, then its trash
    List<Experiment> inView = new ArrayList<>();
    for (LifecycleStage stage : List.of(LifecycleStage.ACTIVE, LifecycleStage.DELETED)) {
      for (ExperimentEntry e : experiments.values()) {
        if (e.stage == stage && query.viewType().includes(stage)) {
          inView.add(e.toExperiment());
        }
      }
    }
    return SearchPages.experiments(inView, query);
  }

  @Override
  public synchronized void renameExperiment(String experimentId, String newName) {
    ExperimentEntry e = activeExperiment(experimentId, "rename");
    if (findExperimentByName(newName).isPresent()) {
      throw new ResourceAlreadyExistsException("Experiment '" + newName + "' already exists.");
    }
    e.name = newName;
    e.lastUpdateTime = clock.getAsLong();
  }

  @Override
  public synchronized void deleteExperiment(String experimentId) {
    if (DEFAULT_EXPERIMENT_ID.equals(experimentId)) {
      throw new InvalidParameterException("Cannot delete the Default experiment '0': MLflow reserves it");
    }
    ExperimentEntry e = activeExperiment(experimentId, "delete");
    long now = clock.getAsLong();
    for (CandidateEntry c : e.candidates.values()) {
      if (c.stage == LifecycleStage.ACTIVE) {
        c.stage = LifecycleStage.DELETED;
      }
    }
    e.stage = LifecycleStage.DELETED;
    e.lastUpdateTime = now;
  }

  @Override
  public synchronized void restoreExperiment(String experimentId) {
    EntityValidator.experimentId(experimentId);
    ExperimentEntry e = experiments.get(experimentId);
    if (e == null || e.stage != LifecycleStage.DELETED) {
      throw new ResourceNotFoundException("Could not find deleted experiment with ID " + experimentId);
    }
    // as the local store does: every deleted candidate of the experiment comes back with it
    e.candidates.values().forEach(c -> c.stage = LifecycleStage.ACTIVE);
    e.stage = LifecycleStage.ACTIVE;
    e.lastUpdateTime = clock.getAsLong();
  }

  @Override
  public synchronized void setExperimentTag(String experimentId, String key, String value) {
    activeExperiment(experimentId, "set tags on").tags.put(key, value);
  }

  @Override
  public synchronized void deleteExperimentTag(String experimentId, String key) {
    if (activeExperiment(experimentId, "delete tags of").tags.remove(key) == null) {
      throw new ResourceNotFoundException("No tag with name: " + key + " in experiment with id " + experimentId);
    }
  }

  private ExperimentEntry experiment(String experimentId) {
    EntityValidator.experimentId(experimentId);
    ExperimentEntry e = experiments.get(experimentId);
    if (e == null) {
      throw new ResourceNotFoundException("Could not find experiment with ID " + experimentId);
    }
    return e;
  }

  private ExperimentEntry activeExperiment(String experimentId, String action) {
    ExperimentEntry e = experiment(experimentId);
    if (e.stage != LifecycleStage.ACTIVE) {
      throw new InvalidParameterException(
          "Cannot " + action + " experiment " + experimentId + ": it must be in the 'active' lifecycle_stage");
    }
    return e;
  }

  // ---------------------------------------------------------------- candidates

  @Override
  public synchronized CandidateInfo createCandidate(NewCandidate candidate) {
    EntityValidator.experimentId(candidate.experimentId());
    ExperimentEntry e = experiments.get(candidate.experimentId());
    if (e == null) {
      throw new ResourceNotFoundException("Could not create candidate under experiment with ID "
          + candidate.experimentId() + ": no such experiment");
    }
    if (e.stage != LifecycleStage.ACTIVE) {
      throw new InvalidParameterException(
          "Could not create candidate under non-active experiment with ID " + candidate.experimentId());
    }
    String name = CandidateNaming.nameOf(candidate);
    String id;
    do {
      id = UUID.randomUUID().toString().replace("-", "");
    } while (candidates.containsKey(id));
    String location = e.artifactLocation.endsWith("/")
        ? e.artifactLocation.substring(0, e.artifactLocation.length() - 1) : e.artifactLocation;
    CandidateEntry c = new CandidateEntry(id, e.id, name, candidate.startTime(), location + "/" + id + "/artifacts",
        candidate.userId().orElse("unknown"));
    c.tags.putAll(candidate.tags());
    c.tags.put(CandidateNaming.RUN_NAME_TAG, name);
    candidates.put(id, c);
    e.candidates.put(id, c);
    return c.info();
  }

  @Override
  public synchronized Candidate getCandidate(String candidateId) {
    return candidate(candidateId).toCandidate();
  }

  @Override
  public synchronized CandidateInfo updateCandidate(String candidateId, CandidateUpdate update) {
    CandidateEntry c = activeCandidate(candidateId);
    update.name().ifPresent(n -> {
      c.name = n;
      c.tags.put(CandidateNaming.RUN_NAME_TAG, n);
    });
    update.status().ifPresent(s -> c.status = s);
    if (update.endTime().isPresent()) {
      c.endTime = update.endTime();
    }
    return c.info();
  }

  @Override
  public synchronized void deleteCandidate(String candidateId) {
    candidate(candidateId).stage = LifecycleStage.DELETED;
  }

  @Override
  public synchronized void restoreCandidate(String candidateId) {
    candidate(candidateId).stage = LifecycleStage.ACTIVE;
  }

  @Override
  public synchronized Page<Candidate> searchCandidates(CandidateQuery query) {
    List<Candidate> inView = new ArrayList<>();
    for (String experimentId : query.experimentIds()) {
      EntityValidator.experimentId(experimentId);
      ExperimentEntry e = experiments.get(experimentId);
      if (e == null) {
        continue; // as MLflow's file store: nothing for an unknown experiment
      }
      for (CandidateEntry c : e.candidates.values()) {
        if (query.viewType().includes(c.stage)) {
          inView.add(c.toCandidate());
        }
      }
    }
    return SearchPages.candidates(inView, query);
  }

  @Override
  public synchronized Page<Metric> getMetricHistory(String candidateId, String key, Optional<String> pageToken) {
    MetricHistory history = candidate(candidateId).metrics.get(key);
    List<Metric> points = history == null ? List.of() : history.points;
    int offset = pageToken.map(PageTokens::decode).orElse(0);
    // one page with everything from the offset, as the local store answers
    return Page.of(new ArrayList<>(points.subList(Math.min(offset, points.size()), points.size())),
        Optional.empty());
  }

  @Override
  public synchronized void logBatch(String candidateId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    CandidateEntry c = activeCandidate(candidateId);
    // A refusal writes nothing (the TrackingStore contract): every param is checked before anything is written.
    ParamConflicts.requireDistinctKeys(params);
    List<String> conflicts = new ArrayList<>();
    for (Param p : params) {
      String existing = c.params.get(p.key());
      if (existing != null) {
        ParamConflicts.conflict(p, existing).ifPresent(conflicts::add);
      }
    }
    ParamConflicts.throwIfAny(candidateId, conflicts);
    params.forEach(p -> c.params.put(p.key(), p.value()));
    for (Tag t : tags) {
      c.tags.put(t.key(), t.value());
      if (t.key().equals(CandidateNaming.RUN_NAME_TAG)) {
        c.name = t.value();
      }
    }
    for (Metric m : metrics) {
      c.metrics.computeIfAbsent(m.key(), k -> new MetricHistory()).add(m);
    }
  }

  @Override
  public synchronized void deleteTag(String candidateId, String key) {
    if (activeCandidate(candidateId).tags.remove(key) == null) {
      throw new ResourceNotFoundException("No tag with name: " + key + " in candidate with id " + candidateId);
    }
  }

  private CandidateEntry candidate(String candidateId) {
    EntityValidator.candidateId(candidateId);
    CandidateEntry c = candidates.get(candidateId);
    if (c == null) {
      throw new ResourceNotFoundException("Candidate '" + candidateId + "' not found");
    }
    return c;
  }

  private CandidateEntry activeCandidate(String candidateId) {
    CandidateEntry c = candidate(candidateId);
    if (c.stage != LifecycleStage.ACTIVE) {
      throw new InvalidParameterException(
          "The candidate " + candidateId + " must be in the 'active' lifecycle_stage to be changed");
    }
    return c;
  }

  // ---------------------------------------------------------------- artifacts

  @Override
  public void uploadFile(String candidateId, Path localFile, String artifactPath, TransferListener listener) {
    String path = ArtifactPaths.normalize(artifactPath);
    if (path.isEmpty()) {
      throw new InvalidParameterException("An artifact file needs a name inside the artifact root");
    }
    byte[] content;
    try {
      long size = Files.size(localFile);
      synchronized (this) {
        candidate(candidateId); // fail before reading a file for a candidate that does not exist
        budget.requireFits(storeName, path, size); // and before the heap holds a file that can never fit
      }
      content = Files.readAllBytes(localFile);
    } catch (IOException e) {
      throw new TransportException("Cannot read " + localFile + " to upload it: " + e.getMessage(), e);
    }
    synchronized (this) {
      SortedMap<String, byte[]> files = candidate(candidateId).artifacts;
      requireNoClash(files, path);
      byte[] replaced = files.get(path);
      budget.replace(storeName, path, replaced == null ? 0 : replaced.length, content.length);
      files.put(path, content);
    }
    listener.onProgress(path, content.length, content.length);
  }

  /** A path cannot be a file and a folder at once, as on a file system: {@code a} and {@code a/b}. */
  private static void requireNoClash(SortedMap<String, byte[]> files, String path) {
    for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
      if (files.containsKey(path.substring(0, slash))) {
        throw new InvalidParameterException("Cannot store artifact '" + path + "': '" + path.substring(0, slash)
            + "' is a file, so it cannot also be a folder");
      }
    }
    String asFolder = path + "/";
    SortedMap<String, byte[]> below = files.tailMap(asFolder);
    if (!below.isEmpty() && below.firstKey().startsWith(asFolder)) {
      throw new InvalidParameterException("Cannot store artifact '" + path + "': it is a folder of other artifacts");
    }
  }

  @Override
  public synchronized List<ArtifactInfo> list(String candidateId, String directory) {
    String dir = ArtifactPaths.normalize(directory);
    String prefix = dir.isEmpty() ? "" : dir + "/";
    // children by name, as the local store lists a folder; a child with deeper entries is a folder
    SortedMap<String, ArtifactInfo> children = new TreeMap<>();
    for (Map.Entry<String, byte[]> f : candidate(candidateId).artifacts.tailMap(prefix).entrySet()) {
      if (!f.getKey().startsWith(prefix)) {
        break;
      }
      String rest = f.getKey().substring(prefix.length());
      int slash = rest.indexOf('/');
      String child = slash < 0 ? rest : rest.substring(0, slash);
      children.put(child, slash < 0 ? ArtifactInfo.file(prefix + child, f.getValue().length)
          : ArtifactInfo.directory(prefix + child));
    }
    return new ArrayList<>(children.values());
  }

  @Override
  public void downloadFile(String candidateId, String artifactPath, Path target, TransferListener listener) {
    String path = ArtifactPaths.normalize(artifactPath);
    byte[] content;
    synchronized (this) {
      content = candidate(candidateId).artifacts.get(path);
    }
    if (content == null) {
      throw new ResourceNotFoundException("No artifact file '" + artifactPath + "' in candidate " + candidateId);
    }
    // the bytes are never changed in place (an upload replaces the array), so they can be written unlocked
    Path parent = target.toAbsolutePath().getParent();
    Path tmp = parent.resolve(".mlops-download-" + UUID.randomUUID());
    try {
      Files.createDirectories(parent);
      Files.write(tmp, content);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new TransportException("Cannot write artifact '" + path + "' to " + target + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort: a temporary file
      }
    }
    listener.onProgress(path, content.length, content.length);
  }

  // ---------------------------------------------------------------- entries

  /** One experiment; changed only under the store's monitor. */
  private static final class ExperimentEntry {
    final String id;
    final String artifactLocation;
    final long creationTime;
    final Map<String, String> tags = new TreeMap<>();
    /** Its candidates by id, in the order the local store lists run folders. */
    final SortedMap<String, CandidateEntry> candidates = new TreeMap<>();
    String name;
    long lastUpdateTime;
    LifecycleStage stage = LifecycleStage.ACTIVE;

    ExperimentEntry(String id, String name, String artifactLocation, long now) {
      this.id = id;
      this.name = name;
      this.artifactLocation = artifactLocation;
      this.creationTime = now;
      this.lastUpdateTime = now;
    }

    Experiment toExperiment() {
      return Experiment.builder().id(id).name(name).artifactLocation(artifactLocation).lifecycleStage(stage)
          .creationTime(creationTime).lastUpdateTime(lastUpdateTime).tags(tags).build();
    }
  }

  /** One candidate with its data and artifacts; changed only under the store's monitor. */
  private static final class CandidateEntry {
    final String id;
    final String experimentId;
    final long startTime;
    final String artifactUri;
    final String userId;
    final Map<String, String> params = new TreeMap<>();
    final Map<String, String> tags = new TreeMap<>();
    final Map<String, MetricHistory> metrics = new TreeMap<>();
    /** File contents by normalized path; sorted, so that a folder's entries are one range of keys. */
    final SortedMap<String, byte[]> artifacts = new TreeMap<>();
    String name;
    CandidateStatus status = CandidateStatus.RUNNING;
    OptionalLong endTime = OptionalLong.empty();
    LifecycleStage stage = LifecycleStage.ACTIVE;

    CandidateEntry(String id, String experimentId, String name, long startTime, String artifactUri, String userId) {
      this.id = id;
      this.experimentId = experimentId;
      this.name = name;
      this.startTime = startTime;
      this.artifactUri = artifactUri;
      this.userId = userId;
    }

    CandidateInfo info() {
      return CandidateInfo.builder().id(id).experimentId(experimentId).name(name).status(status)
          .startTime(startTime).endTime(endTime).artifactUri(artifactUri).lifecycleStage(stage)
          .userId(userId).build();
    }

    Candidate toCandidate() {
      Map<String, Metric> latest = new TreeMap<>();
      metrics.forEach((key, history) -> latest.put(key, history.latest));
      return Candidate.of(info(), CandidateData.builder().metrics(latest).params(params).tags(tags).build());
    }
  }

  /** A metric's points in logging order, and the latest one as MLflow picks it. */
  private static final class MetricHistory {
    final List<Metric> points = new ArrayList<>();
    Metric latest;

    void add(Metric m) {
      points.add(m);
      latest = LatestMetric.after(latest, m);
    }
  }
}
