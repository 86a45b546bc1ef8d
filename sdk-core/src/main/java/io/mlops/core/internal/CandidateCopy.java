package io.mlops.core.internal;

import io.mlops.core.ArtifactInfo;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateUpdate;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.Metric;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.PagedIterable;
import io.mlops.core.Param;
import io.mlops.core.Tag;
import io.mlops.core.TransferListener;
import io.mlops.core.TransportException;
import io.mlops.core.ValidationException;
import io.mlops.core.spi.ArtifactStore;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.Capabilities;
import io.mlops.core.spi.Operation;
import io.mlops.core.spi.TrackingStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The one mechanism that copies a candidate into another candidate, on the same backend or another: params, tags,
 * every metric's full history (each point with its timestamp and step), the artifact files under a path, then
 * status, end time and name. It is incremental: given what the target candidate holds already, it sends only what
 * is missing, and what it must not overwrite (a param with another value, a start time) is reported as a conflict
 * instead of failing. {@code CandidateSync} (pushes between backends) and GitLab's promotion (which must copy a
 * candidate into the candidate GitLab gives a model version) both use it.
 *
 * <p>It talks to the backends' stores, never to the public clients. Entries the target would refuse (by its
 * {@link Capabilities}) are reported and skipped one by one, so one bad entry costs only itself.
 */
public final class CandidateCopy {
  /** Metric points collected before they are sent (the splitter cuts them into the target's batch sizes). */
  private static final int METRIC_FLUSH_POINTS = 10_000;

  private final Side source;
  private final Side target;
  private final ArtifactWalk walk;
  private final EntityValidator targetRules;
  private final BatchSplitter splitter;

  /**
   * A copier.
   *
   * @param walk bounds the recursive artifact listings (depth, path length, entries)
   */
  public CandidateCopy(Side source, Side target, ArtifactWalk walk) {
    this.source = source;
    this.target = target;
    this.walk = walk;
    this.targetRules = new EntityValidator(target.capabilities);
    this.splitter = new BatchSplitter(target.capabilities);
  }

  /** One backend's stores and capabilities. */
  public static final class Side {
    final TrackingStore tracking;
    final ArtifactStore artifacts;
    final Capabilities capabilities;

    private Side(TrackingStore tracking, ArtifactStore artifacts, Capabilities capabilities) {
      this.tracking = tracking;
      this.artifacts = artifacts;
      this.capabilities = capabilities;
    }

    /** A backend's side. */
    public static Side of(Backend backend) {
      return new Side(backend.trackingStore(), backend.artifactStore(), backend.capabilities());
    }

    /** A side from its parts (a store that copies within its own backend). */
    public static Side of(TrackingStore tracking, ArtifactStore artifacts, Capabilities capabilities) {
      return new Side(tracking, artifacts, capabilities);
    }
  }

  /** What one or more copies did: counts and conflicts. Not thread-safe; one per push. */
  public static final class Tally {
    public long metricPointsSent;
    public long metricPointsSkipped;
    public int paramsLogged;
    public int tagsSet;
    public int artifactFilesUploaded;
    public int artifactFilesSkipped;
    public int infoUpdates;
    public final List<String> conflicts = new ArrayList<>();

    /** Records something not copied. */
    public void conflict(String message) {
      conflicts.add(message);
    }

    /** Everything written so far, to tell an updated candidate from an unchanged one. */
    public long changes() {
      return metricPointsSent + paramsLogged + tagsSet + artifactFilesUploaded + infoUpdates;
    }
  }

  /**
   * Copies {@code from} into the target candidate {@code to}.
   *
   * @param from the source candidate, as read from the source
   * @param to the target candidate's info
   * @param present the target candidate as read before the copy, or null when it was just created (nothing to
   *     compare with: every entry is sent)
   * @param tags the tags the target candidate should carry (the caller decides which of the source's to copy and
   *     how to translate them)
   * @param name the name the target candidate should have, if any
   * @param artifactPath the artifact file or folder to copy ({@code ""}: all of them)
   * @param tally where counts and conflicts go
   */
  public void copy(Candidate from, CandidateInfo to, Candidate present, Map<String, String> tags,
      Optional<String> name, String artifactPath, Tally tally) {
    String where = "candidate " + from.id() + " -> " + to.id() + ": ";
    params(from, to.id(), present, where, tally);
    tags(tags, to.id(), present, where, tally);
    metrics(from, to.id(), present == null, where, tally);
    artifacts(from.id(), to.id(), ArtifactPaths.normalize(artifactPath), present == null, tally);
    // Status and end time last: a copy that shows a final status on the target has received everything else.
    info(from.info(), present == null ? to : present.info(), name, present == null, where, tally);
  }

  private void params(Candidate from, String copyId, Candidate present, String where, Tally tally) {
    Map<String, String> there = present == null ? Map.of() : present.data().params();
    List<Param> missing = new ArrayList<>();
    for (Map.Entry<String, String> p : from.data().params().entrySet()) {
      String held = there.get(p.getKey());
      if (held == null) {
        try {
          targetRules.param(p.getKey(), p.getValue());
          missing.add(Param.of(p.getKey(), p.getValue()));
        } catch (ValidationException e) {
          tally.conflict(where + "param not copied: " + e.getMessage());
        }
      } else if (!held.equals(p.getValue())) {
        tally.conflict(where + "param '" + p.getKey() + "' is '" + abbreviate(p.getValue()) + "' on the source and '"
            + abbreviate(held) + "' on the target; params are write-once, the target keeps its value");
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    try {
      // Params in calls of their own: a server refuses a whole request over one changed param, and metrics
      // must not be lost with it.
      send(copyId, List.of(), missing, List.of());
      tally.paramsLogged += missing.size();
    } catch (InvalidParameterException e) {
      // Another writer logged one of these params with another value between our read and our write. A server
      // refuses the whole request that held it, so count what the target holds now; a later copy logs the rest.
      Map<String, String> now = target.tracking.getCandidate(copyId).data().params();
      for (Param p : missing) {
        if (p.value().equals(now.get(p.key()))) {
          tally.paramsLogged++;
        }
      }
      tally.conflict(where + "the target refused params: " + e.getMessage());
    }
  }

  private void tags(Map<String, String> wanted, String copyId, Candidate present, String where, Tally tally) {
    Map<String, String> there = present == null ? Map.of() : present.data().tags();
    List<Tag> changed = new ArrayList<>();
    for (Map.Entry<String, String> t : wanted.entrySet()) {
      if (t.getValue().equals(there.get(t.getKey()))) {
        continue;
      }
      try {
        targetRules.tag(t.getKey(), t.getValue());
        changed.add(Tag.of(t.getKey(), t.getValue()));
      } catch (ValidationException e) {
        tally.conflict(where + "tag not copied: " + e.getMessage());
      }
    }
    if (!changed.isEmpty()) {
      send(copyId, List.of(), List.of(), changed);
      tally.tagsSet += changed.size();
    }
  }

  private void metrics(Candidate from, String copyId, boolean fresh, String where, Tally tally) {
    List<Metric> pending = new ArrayList<>();
    for (String key : from.data().metrics().keySet()) {
      try {
        targetRules.metricKey(key);
      } catch (ValidationException e) {
        long points = 0;
        for (Metric ignored : history(source, from.id(), key)) {
          points++;
        }
        tally.metricPointsSkipped += points;
        tally.conflict(where + points + " points of metric '" + key + "' not copied: " + e.getMessage());
        continue;
      }
      Set<PointKey> there = new HashSet<>();
      if (!fresh) {
        for (Metric m : history(target, copyId, key)) {
          there.add(PointKey.of(m));
        }
      }
      long refusedTimestamps = 0;
      for (Metric m : history(source, from.id(), key)) {
        if (m.timestamp() < 0) {
          refusedTimestamps++;
          tally.metricPointsSkipped++;
          continue;
        }
        // Adding to the same set also sends an exact repeat within the source only once.
        if (there.add(PointKey.of(m))) {
          pending.add(m);
          if (pending.size() >= METRIC_FLUSH_POINTS) {
            flushMetrics(copyId, pending, tally);
          }
        } else {
          tally.metricPointsSkipped++;
        }
      }
      if (refusedTimestamps > 0) {
        tally.conflict(where + refusedTimestamps + " points of metric '" + key + "' not copied: their timestamps "
            + "are negative, which the target refuses");
      }
    }
    flushMetrics(copyId, pending, tally);
  }

  private void flushMetrics(String copyId, List<Metric> pending, Tally tally) {
    if (!pending.isEmpty()) {
      send(copyId, pending, List.of(), List.of());
      tally.metricPointsSent += pending.size();
      pending.clear();
    }
  }

  private void send(String copyId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    require(target, Operation.LOG_BATCH, "logBatch");
    splitter.split(metrics, params, tags, b -> target.tracking.logBatch(copyId, b.metrics, b.params, b.tags));
  }

  private static Iterable<Metric> history(Side side, String candidateId, String key) {
    return new PagedIterable<>(Optional.empty(), token -> side.tracking.getMetricHistory(candidateId, key, token));
  }

  private void artifacts(String sourceId, String copyId, String path, boolean fresh, Tally tally) {
    if (!source.capabilities.supports(Operation.LIST_ARTIFACTS)) {
      return; // a source without artifacts
    }
    List<ArtifactInfo> files = files(source, sourceId, path);
    if (files.isEmpty()) {
      return;
    }
    require(source, Operation.DOWNLOAD_ARTIFACT, "downloadArtifacts");
    require(target, Operation.UPLOAD_ARTIFACT, "uploadArtifacts");
    Map<String, OptionalLong> there = new HashMap<>();
    if (!fresh && target.capabilities.supports(Operation.LIST_ARTIFACTS)) {
      for (ArtifactInfo f : files(target, copyId, path)) {
        there.put(ArtifactPaths.normalize(f.path()), f.fileSize());
      }
    }
    Path staging = null;
    try {
      int n = 0;
      for (ArtifactInfo f : files) {
        String file = ArtifactPaths.normalize(f.path()); // a path from a server: no way out of the candidate
        OptionalLong held = there.get(file);
        if (held != null && (!held.isPresent() || !f.fileSize().isPresent()
            || held.getAsLong() == f.fileSize().getAsLong())) {
          tally.artifactFilesSkipped++;
          continue;
        }
        if (staging == null) {
          staging = Files.createTempDirectory("mlops-copy-");
        }
        Path local = staging.resolve("f" + n++); // a name of ours: the server's path never touches the disk
        long listed = f.fileSize().isPresent() && f.fileSize().getAsLong() >= 0 ? f.fileSize().getAsLong() : -1;
        source.artifacts.downloadFile(sourceId, file, local, listed, TransferListener.NONE);
        target.artifacts.uploadFile(copyId, local, file, TransferListener.NONE);
        Files.delete(local);
        tally.artifactFilesUploaded++;
      }
    } catch (IOException e) {
      throw new TransportException("Cannot stage artifacts of candidate " + sourceId + " in a temporary folder: "
          + e.getMessage(), e);
    } finally {
      FileTrees.deleteQuietly(staging);
    }
  }

  /** The files under {@code path} (a folder, or one file), walked within the configured limits. */
  private List<ArtifactInfo> files(Side side, String candidateId, String path) {
    List<ArtifactInfo> level = side.artifacts.list(candidateId, path);
    if (level.isEmpty() && !path.isEmpty()) {
      // no folder of that name: it may be a single file, listed in its parent folder
      int slash = path.lastIndexOf('/');
      List<ArtifactInfo> one = new ArrayList<>();
      for (ArtifactInfo a : side.artifacts.list(candidateId, slash < 0 ? "" : path.substring(0, slash))) {
        if (!a.isDirectory() && ArtifactPaths.normalize(a.path()).equals(path)) {
          one.add(a);
        }
      }
      return one;
    }
    return walk.files("artifacts of candidate " + candidateId, path,
        dir -> dir.equals(path) ? level : side.artifacts.list(candidateId, dir));
  }

  private void info(CandidateInfo from, CandidateInfo to, Optional<String> name, boolean fresh, String where,
      Tally tally) {
    CandidateUpdate.Builder update = CandidateUpdate.builder();
    boolean needed = false;
    if (from.status() != to.status()) {
      update.status(from.status());
      needed = true;
    }
    if (from.endTime().isPresent() && !from.endTime().equals(to.endTime())) {
      update.endTime(from.endTime().getAsLong());
      needed = true;
    }
    if (name.isPresent() && !name.get().equals(to.name())) {
      update.name(name.get());
      needed = true;
    }
    if (needed) {
      require(target, Operation.UPDATE_CANDIDATE, "updateCandidate");
      target.tracking.updateCandidate(to.id(), update.build());
      tally.infoUpdates++;
    }
    if (!fresh && from.startTime() != to.startTime()) {
      tally.conflict(where + "start time is " + from.startTime() + " on the source and " + to.startTime()
          + " on the target; a start time cannot be changed");
    }
  }

  private static void require(Side side, Operation op, String what) {
    if (!side.capabilities.supports(op)) {
      throw new OperationNotSupportedException(side.capabilities.backendName(), what);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /**
   * A metric point's identity: timestamp, step and value (the key is the same within one history). NaN is one
   * value (doubleToLongBits folds its bit patterns); ±Infinity equals ±Double.MAX_VALUE and -0.0 equals 0.0,
   * because MLflow's SQL store keeps infinities as ±MAX_VALUE and REAL columns lose the sign of zero: without
   * this, every copy would send those points again.
   */
  private static final class PointKey {
    private final long timestamp;
    private final long step;
    private final long valueBits;

    private PointKey(long timestamp, long step, long valueBits) {
      this.timestamp = timestamp;
      this.step = step;
      this.valueBits = valueBits;
    }

    static PointKey of(Metric m) {
      double v = m.value();
      if (v == Double.POSITIVE_INFINITY) {
        v = Double.MAX_VALUE;
      } else if (v == Double.NEGATIVE_INFINITY) {
        v = -Double.MAX_VALUE;
      } else if (v == 0.0) {
        v = 0.0; // -0.0 == 0.0 is true: both become +0.0
      }
      return new PointKey(m.timestamp(), m.step(), Double.doubleToLongBits(v));
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof PointKey)) {
        return false;
      }
      PointKey k = (PointKey) o;
      return timestamp == k.timestamp && step == k.step && valueBits == k.valueBits;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(timestamp) * 961 + Long.hashCode(step) * 31 + Long.hashCode(valueBits);
    }
  }
}
