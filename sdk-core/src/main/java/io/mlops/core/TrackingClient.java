package io.mlops.core;

import io.mlops.core.internal.ArtifactPaths;
import io.mlops.core.internal.Arguments;
import io.mlops.core.internal.ArtifactWalk;
import io.mlops.core.internal.BackendResolver;
import io.mlops.core.internal.BatchDelivery;
import io.mlops.core.internal.ClientBackends;
import io.mlops.core.internal.EntityValidator;
import io.mlops.core.spi.ArtifactStore;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.Capabilities;
import io.mlops.core.spi.Operation;
import io.mlops.core.spi.TrackingStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The low-level, synchronous client for experiments, candidates, their data and artifacts, on whichever backend
 * the tracking URI selects. Every input is validated before anything is written or sent; searches page lazily.
 * Training code usually wants the higher-level {@code Tracker} of {@code sdk-tracking} instead.
 *
 * <pre>{@code
 * try (TrackingClient client = TrackingClient.create()) {          // ./mlruns unless configured otherwise
 *   Experiment exp = client.getOrCreateExperiment("churn");
 *   for (Candidate c : client.searchCandidates(CandidateQuery.builder()
 *       .addExperimentId(exp.id()).filter("metrics.accuracy > 0.9").build())) {
 *     System.out.println(c.name() + " " + c.data().metrics().get("accuracy").value());
 *   }
 * }
 * }</pre>
 *
 * <p>Instances are thread-safe. {@link #close()} releases the backend's resources when this client opened the
 * backend; a backend passed to {@link #create(MlopsConfig, Backend)} stays the caller's to close.
 */
public final class TrackingClient implements AutoCloseable {
  /** The tag MLflow's clients record the user in; {@code user_id} is taken from it. */
  private static final String USER_TAG = "mlflow.user";
  /** MLflow's {@code user_id} for a run created without a {@value #USER_TAG} tag. */
  private static final String UNKNOWN_USER = "unknown";

  private final MlopsConfig config;
  private final ArtifactWalk artifactWalk;
  private final Backend backend;
  /** True when this client opened the backend, and so closes it. */
  private final boolean ownsBackend;
  private final TrackingStore store;
  private final Capabilities capabilities;
  private final EntityValidator validator;
  private final BatchDelivery delivery;
  private final AtomicBoolean closed = new AtomicBoolean();

  static {
    // the tracker's worker delivers into a given client's backend directly (sdk-tracking), not through the client
    ClientBackends.register(client -> client.backend);
  }

  private TrackingClient(MlopsConfig config, Backend backend, boolean ownsBackend) {
    this.config = config;
    this.ownsBackend = ownsBackend;
    this.artifactWalk = new ArtifactWalk(config);
    this.backend = backend;
    this.store = backend.trackingStore();
    this.capabilities = backend.capabilities();
    this.validator = new EntityValidator(capabilities);
    this.delivery = new BatchDelivery(store, capabilities);
  }

  /** A client configured from system properties and the environment ({@code ./mlruns} by default). */
  public static TrackingClient create() {
    return create(MlopsConfig.fromEnvironment());
  }

  /** A client for a configuration; the backend is chosen by its tracking URI. */
  public static TrackingClient create(MlopsConfig config) {
    return new TrackingClient(config, BackendResolver.open(Arguments.requireNonNull(config, "config")), true);
  }

  /**
   * A client over an already opened backend (for third-party backends and tests). What the caller passes in, the
   * caller closes: closing this client leaves the backend open.
   */
  public static TrackingClient create(MlopsConfig config, Backend backend) {
    return new TrackingClient(Arguments.requireNonNull(config, "config"), Arguments.requireNonNull(backend, "backend"),
        false);
  }

  /** The configuration. */
  public MlopsConfig config() {
    return config;
  }

  /** What the backend supports and its limits. */
  public Capabilities capabilities() {
    return capabilities;
  }

  // ---------------------------------------------------------------- experiments

  /**
   * Creates an experiment.
   *
   * @throws ResourceAlreadyExistsException when the name is taken (also by a deleted experiment)
   */
  public Experiment createExperiment(String name) {
    return createExperiment(name, Map.of());
  }

  /** Creates an experiment with tags. */
  public Experiment createExperiment(String name, Map<String, String> tags) {
    require(Operation.CREATE_EXPERIMENT, "createExperiment");
    validator.experimentName(name);
    Arguments.requireNonNull(tags, "tags").forEach(validator::experimentTag);
    return store.getExperiment(store.createExperiment(name, Optional.empty(), tags));
  }

  /** The experiment with an id, deleted ones included. */
  public Experiment getExperiment(String experimentId) {
    require(Operation.GET_EXPERIMENT, "getExperiment");
    EntityValidator.experimentId(experimentId);
    return store.getExperiment(experimentId);
  }

  /** The experiment with a name (the active one if a deleted one has the same name), if any. */
  public Optional<Experiment> findExperimentByName(String name) {
    require(Operation.GET_EXPERIMENT_BY_NAME, "getExperimentByName");
    validator.experimentName(name);
    return store.findExperimentByName(name);
  }

  /**
   * The experiment with a name.
   *
   * @throws ResourceNotFoundException when there is none
   */
  public Experiment getExperimentByName(String name) {
    return findExperimentByName(name)
        .orElseThrow(() -> new ResourceNotFoundException("Could not find experiment with name '" + name + "'"));
  }

  /**
   * The active experiment with a name, created if missing. Safe when several processes race to create it.
   *
   * @throws InvalidParameterException when only a deleted experiment has the name (restore it first)
   */
  public Experiment getOrCreateExperiment(String name) {
    Optional<Experiment> found = findExperimentByName(name);
    if (!found.isPresent()) {
      try {
        return createExperiment(name);
      } catch (ResourceAlreadyExistsException raced) {
        found = findExperimentByName(name);
        if (!found.isPresent()) {
          throw raced;
        }
      }
    }
    Experiment e = found.get();
    if (e.lifecycleStage() == LifecycleStage.DELETED) {
      throw new InvalidParameterException("Experiment '" + name + "' (id " + e.id()
          + ") is deleted; restore it with restoreExperiment or choose another name");
    }
    return e;
  }

  /** Searches experiments, fetching pages lazily. */
  public PagedIterable<Experiment> searchExperiments(ExperimentQuery query) {
    require(Operation.SEARCH_EXPERIMENTS, "searchExperiments");
    Arguments.requireNonNull(query, "query");
    requirePositive(query.maxResults());
    return new PagedIterable<>(query.pageToken(),
        token -> store.searchExperiments(ExperimentQuery.builder().from(query).pageToken(token).build()));
  }

  /** Renames an experiment. */
  public void renameExperiment(String experimentId, String newName) {
    require(Operation.RENAME_EXPERIMENT, "renameExperiment");
    EntityValidator.experimentId(experimentId);
    validator.experimentName(newName);
    store.renameExperiment(experimentId, newName);
  }

  /** Soft-deletes an experiment and its candidates. */
  public void deleteExperiment(String experimentId) {
    require(Operation.DELETE_EXPERIMENT, "deleteExperiment");
    EntityValidator.experimentId(experimentId);
    store.deleteExperiment(experimentId);
  }

  /** Restores a soft-deleted experiment and its candidates. */
  public void restoreExperiment(String experimentId) {
    require(Operation.RESTORE_EXPERIMENT, "restoreExperiment");
    EntityValidator.experimentId(experimentId);
    store.restoreExperiment(experimentId);
  }

  /** Sets an experiment tag. */
  public void setExperimentTag(String experimentId, String key, String value) {
    require(Operation.SET_EXPERIMENT_TAG, "setExperimentTag");
    EntityValidator.experimentId(experimentId);
    validator.experimentTag(key, value);
    store.setExperimentTag(experimentId, key, value);
  }

  /** Deletes an experiment tag. */
  public void deleteExperimentTag(String experimentId, String key) {
    require(Operation.DELETE_EXPERIMENT_TAG, "deleteExperimentTag");
    EntityValidator.experimentId(experimentId);
    validator.experimentTag(key, "");
    store.deleteExperimentTag(experimentId, key);
  }

  // ---------------------------------------------------------------- candidates

  /**
   * Creates a candidate in RUNNING state. Its {@code user_id} is {@link NewCandidate#userId()} when given, else the
   * {@code mlflow.user} tag, else {@code unknown}: the rule of MLflow's own client
   * ({@code TrackingServiceClient.create_run}), applied here for every backend, so that the same user gets the same
   * {@code user_id} (and {@code attributes.user_id} filters select the same candidates) on the local store and on a
   * server, whose {@code runs/create} handler stores the request's {@code user_id} as sent. GitLab ignores it and
   * records the token's user.
   */
  public CandidateInfo createCandidate(NewCandidate candidate) {
    require(Operation.CREATE_CANDIDATE, "createCandidate");
    Arguments.requireNonNull(candidate, "candidate");
    EntityValidator.experimentId(candidate.experimentId());
    candidate.name().ifPresent(validator::candidateName);
    candidate.tags().forEach(validator::tag);
    if (candidate.startTime() < 0) {
      throw new ValidationException("startTime", "timestamp", "Start time must not be negative");
    }
    return store.createCandidate(withUserId(candidate));
  }

  private static NewCandidate withUserId(NewCandidate candidate) {
    if (candidate.userId().isPresent()) {
      return candidate;
    }
    return NewCandidate.builder().from(candidate).userId(candidate.tags().getOrDefault(USER_TAG, UNKNOWN_USER))
        .build();
  }

  /** The candidate with an id, with its latest metrics, params and tags. */
  public Candidate getCandidate(String candidateId) {
    require(Operation.GET_CANDIDATE, "getCandidate");
    EntityValidator.candidateId(candidateId);
    return store.getCandidate(candidateId);
  }

  /** Changes a candidate's status, end time or name. */
  public CandidateInfo updateCandidate(String candidateId, CandidateUpdate update) {
    require(Operation.UPDATE_CANDIDATE, "updateCandidate");
    Arguments.requireNonNull(update, "update");
    if (update.name().isPresent()) {
      require(Operation.RENAME_CANDIDATE, "renaming a candidate (updateCandidate with a name)");
    }
    EntityValidator.candidateId(candidateId);
    update.name().ifPresent(validator::candidateName);
    return store.updateCandidate(candidateId, update);
  }

  /**
   * Ends a candidate now with a status.
   *
   * @throws ValidationException when the status is null or not a final one (FINISHED, FAILED, KILLED)
   */
  public CandidateInfo endCandidate(String candidateId, CandidateStatus status) {
    requireTerminal(status);
    return updateCandidate(candidateId, CandidateUpdate.end(status, System.currentTimeMillis()));
  }

  /** Soft-deletes a candidate. */
  public void deleteCandidate(String candidateId) {
    require(Operation.DELETE_CANDIDATE, "deleteCandidate");
    EntityValidator.candidateId(candidateId);
    store.deleteCandidate(candidateId);
  }

  /** Restores a soft-deleted candidate. */
  public void restoreCandidate(String candidateId) {
    require(Operation.RESTORE_CANDIDATE, "restoreCandidate");
    EntityValidator.candidateId(candidateId);
    store.restoreCandidate(candidateId);
  }

  /**
   * Searches candidates with MLflow's filter language and order clauses, fetching pages lazily.
   *
   * @throws FilterSyntaxException (when iterating, on the local store) for a malformed filter or order clause
   */
  public PagedIterable<Candidate> searchCandidates(CandidateQuery query) {
    require(Operation.SEARCH_CANDIDATES, "searchCandidates");
    Arguments.requireNonNull(query, "query");
    if (query.experimentIds().isEmpty()) {
      throw new ValidationException("experimentIds", "required", "A candidate search needs at least one experiment id");
    }
    query.experimentIds().forEach(EntityValidator::experimentId);
    requirePositive(query.maxResults());
    if (query.filter().isPresent() && !query.filter().get().trim().isEmpty()) {
      require(Operation.SEARCH_CANDIDATES_WITH_FILTER, "searchCandidates with a filter");
    }
    return new PagedIterable<>(query.pageToken(),
        token -> store.searchCandidates(CandidateQuery.builder().from(query).pageToken(token).build()));
  }

  /** Every point of a metric's history, in logging order (all pages). */
  public List<Metric> getMetricHistory(String candidateId, String key) {
    return metricHistory(candidateId, key).stream().collect(Collectors.toList());
  }

  /** A metric's history, fetched page by page. */
  public PagedIterable<Metric> metricHistory(String candidateId, String key) {
    require(Operation.GET_METRIC_HISTORY, "getMetricHistory");
    EntityValidator.candidateId(candidateId);
    validator.metricKey(key);
    return new PagedIterable<>(Optional.empty(), token -> store.getMetricHistory(candidateId, key, token));
  }

  /**
   * Logs metrics, params and tags, split into batches within the backend's limits. One bad entry costs only
   * itself: entries that break a rule (an illegal key, a value too long) or that the backend refuses (a param
   * logged before with another value) are not logged, every other entry is, and then the first refusal is thrown
   * with the others attached as suppressed exceptions. {@link #tryLogBatch} reports the same without throwing.
   *
   * @throws ValidationException when entries broke a rule (and the backend refused none)
   * @throws InvalidParameterException when a param was logged before with a different value
   * @throws OperationNotSupportedException when the backend keeps a tag's first value and a tag changes it
   *     ({@link Operation#OVERWRITE_TAGS}); the rest of the batch is logged
   * @throws TransportException or a retryable {@link MlopsServiceException} when the backend could not be
   *     reached; part of the batch may have been logged (sending it all again is safe on every built-in backend
   *     but the local store, whose metric files append)
   */
  public void logBatch(String candidateId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    BatchResult result = tryLogBatch(candidateId, metrics, params, tags);
    if (result.interruption().isPresent()) {
      throw result.interruption().get();
    }
    if (result.refused().isEmpty()) {
      return;
    }
    // distinct reasons, backend refusals first (they say what the backend holds), then the rule violations
    Map<MlopsException, Boolean> reasons = new java.util.IdentityHashMap<>();
    List<MlopsException> ordered = new ArrayList<>();
    List<ValidationException> rules = new ArrayList<>();
    for (RefusedEntry e : result.refused()) {
      if (reasons.put(e.reason(), Boolean.TRUE) == null) {
        if (e.reason() instanceof ValidationException) {
          rules.add((ValidationException) e.reason());
        } else {
          ordered.add(e.reason());
        }
      }
    }
    if (!ordered.isEmpty()) {
      MlopsException first = ordered.get(0);
      ordered.subList(1, ordered.size()).forEach(first::addSuppressed);
      rules.forEach(first::addSuppressed);
      throw first;
    }
    ValidationException first = rules.get(0);
    String all = rules.stream().map(Throwable::getMessage).collect(Collectors.joining("; "));
    ValidationException e = new ValidationException(first.key(), first.rule(), rules.size()
        + " entr" + (rules.size() == 1 ? "y was" : "ies were") + " refused, the rest was logged: " + all);
    rules.forEach(e::addSuppressed);
    throw e;
  }

  /**
   * Logs like {@link #logBatch} and reports what happened to each entry instead of throwing: how many were
   * delivered, which were refused and why, and, when a transient failure (an unreachable server, a 503, a
   * timeout) stopped the delivery, what is left to send. Nothing is sent twice here: a refused part is split
   * until the offending entries stand alone, and a transient failure hands the rest back to the caller, which
   * decides whether and when to send it again. The {@code Tracker}'s worker uses the same delivery below the
   * client, without validating again what its log calls validated.
   *
   * @throws ValidationException for a malformed candidate id or a null list
   * @throws OperationNotSupportedException when the backend cannot log at all
   */
  public BatchResult tryLogBatch(String candidateId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    require(Operation.LOG_BATCH, "logBatch");
    EntityValidator.candidateId(candidateId);
    return delivery.validateAndDeliver(candidateId, notNull(metrics, "metrics"), notNull(params, "params"),
        notNull(tags, "tags"));
  }

  /** Logs one metric point. */
  public void logMetric(String candidateId, String key, double value, long timestamp, long step) {
    Arguments.requireNonNull(key, "key");
    logBatch(candidateId, List.of(Metric.of(key, value, timestamp, step)), List.of(), List.of());
  }

  /** Logs one param. */
  public void logParam(String candidateId, String key, String value) {
    Arguments.requireNonNull(key, "key");
    validator.param(key, value); // before Param.of, which would throw a bare NullPointerException for a null value
    logBatch(candidateId, List.of(), List.of(Param.of(key, value)), List.of());
  }

  /** Sets one tag. */
  public void setTag(String candidateId, String key, String value) {
    Arguments.requireNonNull(key, "key");
    validator.tag(key, value); // before Tag.of, which would throw a bare NullPointerException for a null value
    logBatch(candidateId, List.of(), List.of(), List.of(Tag.of(key, value)));
  }

  /** Deletes a candidate tag. */
  public void deleteTag(String candidateId, String key) {
    require(Operation.DELETE_TAG, "deleteTag");
    EntityValidator.candidateId(candidateId);
    validator.tag(key, "");
    store.deleteTag(candidateId, key);
  }

  // ---------------------------------------------------------------- artifacts

  /**
   * Uploads a file, or a directory's contents recursively, under {@code artifactDirectory} of the candidate's
   * artifacts ({@code ""} for the root). As in MLflow, a file keeps its name ({@code dir/model.bin}) and a
   * directory's contents land directly under {@code artifactDirectory}.
   *
   * @return the number of files uploaded
   */
  public int uploadArtifacts(String candidateId, Path fileOrDirectory, String artifactDirectory) {
    return uploadArtifacts(candidateId, fileOrDirectory, artifactDirectory, TransferListener.NONE);
  }

  /** Like {@link #uploadArtifacts(String, Path, String)}, reporting each file's progress to {@code listener}. */
  public int uploadArtifacts(String candidateId, Path fileOrDirectory, String artifactDirectory,
      TransferListener listener) {
    require(Operation.UPLOAD_ARTIFACT, "uploadArtifacts");
    EntityValidator.candidateId(candidateId);
    Arguments.requireNonNull(fileOrDirectory, "fileOrDirectory");
    Arguments.requireNonNull(listener, "listener");
    String base = ArtifactPaths.normalize(artifactDirectory);
    if (Files.isRegularFile(fileOrDirectory)) {
      backend.artifactStore().uploadFile(candidateId, fileOrDirectory,
          ArtifactPaths.join(base, fileOrDirectory.getFileName().toString()), listener);
      return 1;
    }
    if (!Files.isDirectory(fileOrDirectory)) {
      throw new ValidationException(String.valueOf(fileOrDirectory), "artifact-missing",
          "Cannot upload " + fileOrDirectory + ": no such file or directory");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(fileOrDirectory)) {
      files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new TransportException("Cannot read " + fileOrDirectory + ": " + e.getMessage(), e);
    }
    for (Path f : files) {
      String rel = fileOrDirectory.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
      backend.artifactStore().uploadFile(candidateId, f, ArtifactPaths.join(base, rel), listener);
    }
    return files.size();
  }

  /** Lists one artifact directory ({@code ""} for the root). */
  public List<ArtifactInfo> listArtifacts(String candidateId, String directory) {
    require(Operation.LIST_ARTIFACTS, "listArtifacts");
    EntityValidator.candidateId(candidateId);
    return backend.artifactStore().list(candidateId, ArtifactPaths.normalize(directory));
  }

  /**
   * Lists every artifact file under a directory, recursively, in listing order (a folder's files where the folder
   * is listed). The walk is bounded, so that a broken or hostile server cannot make it run forever: an entry deeper
   * than {@link MlopsConfig#artifactMaxDepth()} path segments or longer than
   * {@link MlopsConfig#artifactMaxPathLength()} characters, or more than {@link MlopsConfig#artifactMaxEntries()}
   * entries in all, fail it.
   *
   * @throws LimitExceededException when the tree goes past one of those limits
   */
  public List<ArtifactInfo> listArtifactsRecursively(String candidateId, String directory) {
    return artifactWalk.files("artifact tree of candidate " + candidateId, directory,
        dir -> listArtifacts(candidateId, dir));
  }

  /**
   * Downloads an artifact file or directory to {@code targetDirectory/<artifactPath>} (for {@code ""}, the whole
   * artifact tree into {@code targetDirectory}). Each file is written to a temporary file and then moved into
   * place; no path from the backend can leave {@code targetDirectory}.
   *
   * @return the local file or directory
   */
  public Path downloadArtifacts(String candidateId, String artifactPath, Path targetDirectory) {
    return downloadArtifacts(candidateId, artifactPath, targetDirectory, TransferListener.NONE);
  }

  /**
   * Like {@link #downloadArtifacts(String, String, Path)}, reporting each file's progress to {@code listener}.
   * Every file's size is checked against the backend's listing; a mismatch fails the download and leaves no file.
   */
  public Path downloadArtifacts(String candidateId, String artifactPath, Path targetDirectory,
      TransferListener listener) {
    require(Operation.DOWNLOAD_ARTIFACT, "downloadArtifacts");
    EntityValidator.candidateId(candidateId);
    Arguments.requireNonNull(targetDirectory, "targetDirectory");
    Arguments.requireNonNull(listener, "listener");
    String path = ArtifactPaths.normalize(artifactPath);
    if (Files.exists(targetDirectory) && !Files.isDirectory(targetDirectory)) {
      throw new ValidationException(targetDirectory.toString(), "download-target",
          "Download target " + targetDirectory + " is a file, not a directory");
    }
    Path local = ArtifactPaths.resolveUnder(targetDirectory, path);
    if (!path.isEmpty()) {
      ArtifactInfo entry = entry(candidateId, path);
      if (!entry.isDirectory()) {
        downloadChecked(candidateId, entry, local, listener);
        return local;
      }
    }
    for (ArtifactInfo f : listArtifactsRecursively(candidateId, path)) {
      downloadChecked(candidateId, f, ArtifactPaths.resolveUnder(targetDirectory, f.path()), listener);
    }
    try {
      Files.createDirectories(local);
    } catch (IOException e) {
      throw new TransportException("Cannot create " + local + ": " + e.getMessage(), e);
    }
    return local;
  }

  /**
   * Downloads one listed file; the store checks its size as it arrives (a negative listed size, which GitLab gives
   * for a file of unknown size, counts as unknown).
   */
  private void downloadChecked(String candidateId, ArtifactInfo file, Path target, TransferListener listener) {
    backend.artifactStore().downloadFile(candidateId, file.path(), target, listedSize(file), listener);
  }

  /** The size a listing announced for a file, or -1 when it gave none (GitLab lists unknown sizes as -1). */
  private static long listedSize(ArtifactInfo file) {
    return file.fileSize().isPresent() && file.fileSize().getAsLong() >= 0 ? file.fileSize().getAsLong() : -1;
  }

  private ArtifactInfo entry(String candidateId, String path) {
    int slash = path.lastIndexOf('/');
    String parent = slash < 0 ? "" : path.substring(0, slash);
    for (ArtifactInfo info : listArtifacts(candidateId, parent)) {
      if (ArtifactPaths.normalize(info.path()).equals(path)) {
        return info;
      }
    }
    throw new ResourceNotFoundException("No artifact '" + path + "' in candidate " + candidateId);
  }

  /**
   * Downloads what an artifact URI of the backend names when it is no candidate's artifacts, such as a registered
   * version's storage location or an MLflow 3 logged model ({@code mlflow-artifacts:/<exp>/models/m-<id>/artifacts}
   * on a tracking server), into {@code targetDirectory}: a folder's tree directly into it, a single file as
   * {@code targetDirectory/<name>}. Checked as {@link #downloadArtifacts(String, String, Path, TransferListener)}:
   * each file goes to a temporary file first, its size must match the listing, and no path may leave
   * {@code targetDirectory}.
   *
   * @return {@code targetDirectory}, or the downloaded file
   * @throws OperationNotSupportedException when the backend cannot read that URI (the local stores: use the path of
   *     a {@code file:} URI directly)
   * @throws ResourceNotFoundException when nothing is stored there
   */
  public Path downloadArtifactsAt(String artifactUri, Path targetDirectory, TransferListener listener) {
    require(Operation.DOWNLOAD_ARTIFACT, "downloadArtifactsAt");
    Arguments.requireNonNull(artifactUri, "artifactUri");
    Arguments.requireNonNull(targetDirectory, "targetDirectory");
    Arguments.requireNonNull(listener, "listener");
    if (Files.exists(targetDirectory) && !Files.isDirectory(targetDirectory)) {
      throw new ValidationException(targetDirectory.toString(), "download-target",
          "Download target " + targetDirectory + " is a file, not a directory");
    }
    ArtifactStore artifacts = backend.artifactStore();
    List<ArtifactInfo> files = artifactWalk.files("artifacts at " + artifactUri, "",
        dir -> artifacts.listAt(artifactUri, dir));
    if (files.isEmpty()) {
      // The proxy lists a file as an empty folder: look the URI up as a file in its parent.
      String uri = artifactUri.replaceAll("/+$", "");
      int slash = uri.lastIndexOf('/');
      String name = slash < 0 ? "" : uri.substring(slash + 1);
      ArtifactInfo file = name.isEmpty() ? null : artifacts.listAt(uri.substring(0, slash), "").stream()
          .filter(a -> !a.isDirectory() && ArtifactPaths.normalize(a.path()).equals(name)).findFirst().orElse(null);
      if (file == null) {
        throw new ResourceNotFoundException("No artifacts at " + artifactUri);
      }
      Path local = ArtifactPaths.resolveUnder(targetDirectory, name);
      downloadCheckedAt(artifacts, uri.substring(0, slash), file, local, listener);
      return local;
    }
    for (ArtifactInfo f : files) {
      downloadCheckedAt(artifacts, artifactUri, f, ArtifactPaths.resolveUnder(targetDirectory, f.path()), listener);
    }
    return targetDirectory;
  }

  /** Downloads one listed file under an artifact URI; the store checks its size as it arrives. */
  private static void downloadCheckedAt(ArtifactStore artifacts, String uri, ArtifactInfo file, Path target,
      TransferListener listener) {
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new TransportException("Cannot create " + target.getParent() + ": " + e.getMessage(), e);
    }
    artifacts.downloadFileAt(uri, ArtifactPaths.normalize(file.path()), target, listedSize(file), listener);
  }

  /** Closes the backend if this client opened it ({@link #create(MlopsConfig)}); idempotent. */
  @Override
  public void close() {
    if (ownsBackend && closed.compareAndSet(false, true)) {
      backend.close();
    }
  }

  @Override
  public String toString() {
    return "TrackingClient{" + backend + "}";
  }

  private void require(Operation op, String name) {
    if (!capabilities.supports(op)) {
      throw new OperationNotSupportedException(capabilities.backendName(), name);
    }
  }

  private static void requireTerminal(CandidateStatus status) {
    Arguments.requireNonNull(status, "status");
    if (!status.isTerminal()) {
      throw new ValidationException("status", "status-terminal", "A candidate ends as FINISHED, FAILED or KILLED; "
          + "status " + status + " is not a final one");
    }
  }

  private static void requirePositive(int maxResults) {
    if (maxResults < 1) {
      throw new ValidationException("maxResults", "max-results", "maxResults must be positive, got " + maxResults);
    }
  }

  private static <T> List<T> notNull(List<T> list, String name) {
    if (list == null) {
      throw new ValidationException(name, "argument-null", "logBatch: '" + name + "' must not be null (pass an "
          + "empty list)");
    }
    return list;
  }
}
