package io.mlops.core;

import io.mlops.core.internal.ArtifactWalk;
import io.mlops.core.internal.CandidateCopy;
import io.mlops.core.internal.ClientBackends;
import io.mlops.core.internal.EntityValidator;
import io.mlops.core.spi.TrackingStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Pushes candidates, or a whole experiment, from one tracking backend to another, typically from a local store to a
 * tracking server: params, tags, complete metric histories (every point with its timestamp and step), artifact
 * files, status, start and end time, and name. Pushing again creates nothing twice: each target candidate carries
 * the tag {@value #SOURCE_TAG} with its source candidate's id, and a later push completes that candidate with what
 * it lacks (new metric points, params, tags, artifact files, a changed status) instead of creating another.
 *
 * <pre>{@code
 * try (TrackingClient local = TrackingClient.create(MlopsConfig.builder().trackingUri("./mlruns").build());
 *     TrackingClient server = TrackingClient.create(MlopsConfig.builder()
 *         .trackingUri("https://mlflow.example.com").token(System.getenv("MLFLOW_TRACKING_TOKEN")).build())) {
 *   SyncResult r = CandidateSync.between(local, server).pushExperiment("churn");
 *   System.out.println(r.candidatesCreated() + " created, " + r.metricPointsSent() + " metric points sent");
 *   r.conflicts().forEach(System.err::println);
 * }
 * }</pre>
 *
 * <p>What is never overwritten on the target is reported in {@link SyncResult#conflicts()} instead of failing the
 * push: a param the target holds with another value, a copy that was deleted on the target. Transport and server
 * failures propagate; running the push again resumes where it stopped. A push holds no state between calls, and
 * instances are thread-safe; it neither owns nor closes the two clients. See {@code docs/sync.md}.
 */
public final class CandidateSync {
  /** Tag on every target candidate: the id of the source candidate it is a copy of. */
  public static final String SOURCE_TAG = "mlops.sync.source";

  private static final String RUN_NAME_TAG = "mlflow.runName";
  private static final String PARENT_RUN_TAG = "mlflow.parentRunId";

  private final TrackingClient source;
  private final TrackingClient target;
  /** The target's rules, checked before sending, so that each refused entry can be reported on its own. */
  private final EntityValidator targetRules;
  /** Copies one candidate's contents: the mechanism GitLab's promotion uses too. */
  private final CandidateCopy copier;

  private CandidateSync(TrackingClient source, TrackingClient target) {
    this.source = source;
    this.target = target;
    this.targetRules = new EntityValidator(target.capabilities());
    this.copier = new CandidateCopy(CandidateCopy.Side.of(ClientBackends.backendOf(source)),
        CandidateCopy.Side.of(ClientBackends.backendOf(target)),
        new ArtifactWalk(source.config()));
  }

  /**
   * A push from {@code source} to {@code target}. Neither client is closed by it.
   *
   * @param source where the candidates are read
   * @param target where they are created or completed
   */
  public static CandidateSync between(TrackingClient source, TrackingClient target) {
    return new CandidateSync(Objects.requireNonNull(source, "source"), Objects.requireNonNull(target, "target"));
  }

  /**
   * Pushes one candidate into an experiment of the target, created when missing. A copy pushed earlier (found by
   * its {@value #SOURCE_TAG} tag in that experiment) is completed instead of created again.
   *
   * @param sourceCandidateId the candidate on the source
   * @param targetExperimentName the experiment on the target
   * @throws ResourceNotFoundException when the source has no such candidate
   * @throws InvalidParameterException when the source candidate is deleted, or the target experiment is deleted
   */
  public SyncResult pushCandidate(String sourceCandidateId, String targetExperimentName) {
    Objects.requireNonNull(sourceCandidateId, "sourceCandidateId");
    Objects.requireNonNull(targetExperimentName, "targetExperimentName");
    Candidate candidate = source.getCandidate(sourceCandidateId);
    if (candidate.info().lifecycleStage() == LifecycleStage.DELETED) {
      throw new InvalidParameterException("Source candidate " + sourceCandidateId
          + " is deleted; restore it to push it");
    }
    Experiment targetExperiment = target.getOrCreateExperiment(targetExperimentName);
    refuseSelfCopy(candidate.info().experimentId(), targetExperiment);
    Tally tally = new Tally();
    pushOne(candidate, new TargetExperiment(targetExperiment, false), tally);
    return tally.result();
  }

  /**
   * Pushes every active candidate of an experiment to the experiment of the same name on the target.
   *
   * @see #pushExperiment(String, String)
   */
  public SyncResult pushExperiment(String sourceExperimentName) {
    return pushExperiment(sourceExperimentName, sourceExperimentName);
  }

  /**
   * Pushes every active candidate of an experiment, and the experiment's tags, to an experiment of the target,
   * created when missing. Deleted source candidates are not pushed, and a copy pushed before the source candidate
   * was deleted stays on the target as it is. Parents are pushed before their nested candidates, so
   * {@code mlflow.parentRunId} can name the parent's copy.
   *
   * @param sourceExperimentName the experiment on the source
   * @param targetExperimentName the experiment on the target
   * @throws ResourceNotFoundException when the source has no experiment of that name
   * @throws InvalidParameterException when the source or the target experiment is deleted
   */
  public SyncResult pushExperiment(String sourceExperimentName, String targetExperimentName) {
    Objects.requireNonNull(sourceExperimentName, "sourceExperimentName");
    Objects.requireNonNull(targetExperimentName, "targetExperimentName");
    Experiment sourceExperiment = source.getExperimentByName(sourceExperimentName);
    if (sourceExperiment.lifecycleStage() == LifecycleStage.DELETED) {
      throw new InvalidParameterException("Source experiment '" + sourceExperimentName + "' (id "
          + sourceExperiment.id() + ") is deleted; restore it to push it");
    }
    Experiment targetExperiment = target.getOrCreateExperiment(targetExperimentName);
    refuseSelfCopy(sourceExperiment.id(), targetExperiment);
    Tally tally = new Tally();
    for (Map.Entry<String, String> tag : sourceExperiment.tags().entrySet()) {
      if (tag.getValue().equals(targetExperiment.tags().get(tag.getKey()))) {
        continue;
      }
      try {
        targetRules.experimentTag(tag.getKey(), tag.getValue());
      } catch (ValidationException e) {
        tally.conflict("experiment '" + targetExperimentName + "': tag not copied: " + e.getMessage());
        continue;
      }
      target.setExperimentTag(targetExperiment.id(), tag.getKey(), tag.getValue());
      tally.experimentTagsSet++;
    }
    // Read the whole list before writing anything: when source and target are one store, the search must not
    // see the copies this push creates.
    List<Candidate> candidates = source.searchCandidates(CandidateQuery.builder()
        .addExperimentId(sourceExperiment.id()).viewType(ViewType.ACTIVE_ONLY).build()).stream()
        .collect(Collectors.toList());
    TargetExperiment to = new TargetExperiment(targetExperiment, true);
    for (Candidate c : parentsFirst(candidates)) {
      pushOne(c, to, tally);
    }
    return tally.result();
  }

  private void refuseSelfCopy(String sourceExperimentId, Experiment targetExperiment) {
    boolean sameStore = source == target || source.config().trackingUri().equals(target.config().trackingUri());
    if (sameStore && sourceExperimentId.equals(targetExperiment.id())) {
      throw new ValidationException(targetExperiment.name(), "sync-into-itself", "Source and target are the same "
          + "experiment ('" + targetExperiment.name() + "', id " + targetExperiment.id() + ") of the same store");
    }
  }

  // ---------------------------------------------------------------- one candidate

  private void pushOne(Candidate src, TargetExperiment to, Tally tally) {
    String sourceId = src.id();
    List<CandidateInfo> copies = to.copiesOf(sourceId);
    Optional<String> name = desiredName(src);
    CandidateInfo copy;
    boolean created = copies.isEmpty();
    if (created) {
      NewCandidate.Builder b = NewCandidate.builder().experimentId(to.experiment.id())
          .startTime(src.info().startTime()).putTag(SOURCE_TAG, sourceId);
      name.ifPresent(b::name);
      src.info().userId().ifPresent(b::userId);
      copy = target.createCandidate(b.build());
      to.add(sourceId, copy);
    } else {
      copy = copies.get(0);
      if (copies.size() > 1) {
        tally.conflict("candidate " + sourceId + ": " + copies.size() + " candidates of target experiment '"
            + to.experiment.name() + "' carry " + SOURCE_TAG + "=" + sourceId + " ("
            + copies.stream().map(CandidateInfo::id).collect(Collectors.joining(", ")) + "); completed " + copy.id()
            + " only");
      }
      if (copy.lifecycleStage() == LifecycleStage.DELETED) {
        tally.conflict("candidate " + sourceId + ": its copy " + copy.id() + " is deleted on the target; left "
            + "alone (restore it on the target, or delete its " + SOURCE_TAG + " tag to push a new copy)");
        tally.candidatesSkipped++;
        tally.candidateIds.put(sourceId, copy.id());
        return;
      }
    }
    tally.candidateIds.put(sourceId, copy.id());
    Candidate dst = created ? null : target.getCandidate(copy.id());
    String where = "candidate " + sourceId + " -> " + copy.id() + ": ";
    long before = tally.copied.changes();
    Map<String, String> tags = wantedTags(src, dst, name, to, where, tally);
    copier.copy(src, copy, dst, tags, name, "", tally.copied);
    if (created) {
      tally.candidatesCreated++;
    } else if (tally.copied.changes() > before) {
      tally.candidatesUpdated++;
    } else {
      tally.candidatesUnchanged++;
    }
  }

  /** The source's name, or its {@code mlflow.runName} tag when the name is empty; empty when it has neither. */
  private static Optional<String> desiredName(Candidate src) {
    if (!src.info().name().isEmpty()) {
      return Optional.of(src.info().name());
    }
    return Optional.ofNullable(src.data().tags().get(RUN_NAME_TAG)).filter(n -> !n.isEmpty());
  }

  /**
   * The tags the copy should carry: the source's, without the target's own marker, another store's bookkeeping
   * and the name (set as the name), with {@code mlflow.parentRunId} naming the parent's copy.
   */
  private static Map<String, String> wantedTags(Candidate src, Candidate dst, Optional<String> name,
      TargetExperiment to, String where, Tally tally) {
    Map<String, String> present = dst == null ? Map.of() : dst.data().tags();
    Map<String, String> wanted = new LinkedHashMap<>();
    for (Map.Entry<String, String> t : src.data().tags().entrySet()) {
      String key = t.getKey();
      if (key.equals(SOURCE_TAG) || key.equals(TrackingStore.CLIENT_REQUEST_ID_TAG) || key.equals(RUN_NAME_TAG)) {
        continue; // the target's own marker, another store's bookkeeping, and the name (set below)
      }
      if (key.equals(PARENT_RUN_TAG)) {
        List<CandidateInfo> parents = to.copiesOf(t.getValue());
        if (parents.isEmpty()) {
          if (!present.containsKey(key)) {
            tally.copied.conflict(where + "tag " + PARENT_RUN_TAG + " not copied: the parent " + t.getValue()
                + " has no copy in target experiment '" + to.experiment.name() + "' yet; push it, then this again");
          }
          continue;
        }
        wanted.put(key, parents.get(0).id());
        continue;
      }
      wanted.put(key, t.getValue());
    }
    // A new copy was created with its name: the backend has set mlflow.runName already.
    if (dst != null) {
      name.ifPresent(n -> wanted.put(RUN_NAME_TAG, n));
    }
    return wanted;
  }

  // ---------------------------------------------------------------- helpers

  /** Orders candidates so that a parent ({@code mlflow.parentRunId}) comes before its children. */
  private static List<Candidate> parentsFirst(List<Candidate> candidates) {
    Map<String, Candidate> byId = new LinkedHashMap<>();
    candidates.stream().sorted(Comparator.comparingLong((Candidate c) -> c.info().startTime())
        .thenComparing(Candidate::id)).forEach(c -> byId.put(c.id(), c));
    List<Candidate> ordered = new ArrayList<>(candidates.size());
    Set<String> placed = new HashSet<>();
    for (Candidate c : byId.values()) {
      Deque<Candidate> chain = new ArrayDeque<>();
      Set<String> onChain = new HashSet<>();
      for (Candidate at = c; at != null && !placed.contains(at.id()) && onChain.add(at.id());
          at = byId.get(at.data().tags().get(PARENT_RUN_TAG))) {
        chain.push(at);
      }
      while (!chain.isEmpty()) {
        Candidate next = chain.pop();
        placed.add(next.id());
        ordered.add(next);
      }
    }
    return ordered;
  }

  /** The target experiment and the copies in it, by source candidate id. */
  private final class TargetExperiment {
    final Experiment experiment;
    /** True when {@link #copies} was filled from one search of the whole experiment. */
    private final boolean indexed;
    private final Map<String, List<CandidateInfo>> copies = new HashMap<>();

    TargetExperiment(Experiment experiment, boolean indexAll) {
      this.experiment = experiment;
      this.indexed = indexAll;
      if (indexAll) {
        // One search instead of one per candidate: on a local store every search reads every candidate.
        for (Candidate c : target.searchCandidates(CandidateQuery.builder().addExperimentId(experiment.id())
            .viewType(ViewType.ALL).build())) {
          String of = c.data().tags().get(SOURCE_TAG);
          if (of != null) {
            copies.computeIfAbsent(of, k -> new ArrayList<>()).add(c.info());
          }
        }
      }
    }

    /** The target candidates that are copies of a source candidate, active ones first, then by id. */
    List<CandidateInfo> copiesOf(String sourceId) {
      if (!indexed && !copies.containsKey(sourceId)) {
        copies.put(sourceId, target.searchCandidates(CandidateQuery.builder().addExperimentId(experiment.id())
            .filter("tags.`" + SOURCE_TAG + "` = '" + sourceId + "'").viewType(ViewType.ALL).build()).stream()
            .map(Candidate::info).collect(Collectors.toCollection(ArrayList::new)));
      }
      List<CandidateInfo> found = copies.getOrDefault(sourceId, List.of());
      return found.stream().sorted(Comparator.comparing(CandidateInfo::lifecycleStage)
          .thenComparing(CandidateInfo::id)).collect(Collectors.toList());
    }

    void add(String sourceId, CandidateInfo copy) {
      copies.computeIfAbsent(sourceId, k -> new ArrayList<>()).add(copy);
    }
  }

  /** Mutable counters of one push: the candidates', and what the copies did. */
  private static final class Tally {
    int candidatesCreated;
    int candidatesUpdated;
    int candidatesUnchanged;
    int candidatesSkipped;
    int experimentTagsSet;
    final CandidateCopy.Tally copied = new CandidateCopy.Tally();
    final Map<String, String> candidateIds = new LinkedHashMap<>();

    void conflict(String message) {
      copied.conflict(message);
    }

    SyncResult result() {
      return SyncResult.builder()
          .candidatesCreated(candidatesCreated)
          .candidatesUpdated(candidatesUpdated)
          .candidatesUnchanged(candidatesUnchanged)
          .candidatesSkipped(candidatesSkipped)
          .metricPointsSent(copied.metricPointsSent)
          .metricPointsSkipped(copied.metricPointsSkipped)
          .paramsLogged(copied.paramsLogged)
          .tagsSet(copied.tagsSet)
          .experimentTagsSet(experimentTagsSet)
          .artifactFilesUploaded(copied.artifactFilesUploaded)
          .artifactFilesSkipped(copied.artifactFilesSkipped)
          .addAllConflicts(copied.conflicts)
          .putAllCandidateIds(candidateIds)
          .build();
    }
  }
}
