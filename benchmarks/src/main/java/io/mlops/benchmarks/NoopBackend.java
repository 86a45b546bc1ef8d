package io.mlops.benchmarks;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateQuery;
import io.mlops.core.CandidateStatus;
import io.mlops.core.CandidateUpdate;
import io.mlops.core.Experiment;
import io.mlops.core.ExperimentQuery;
import io.mlops.core.Metric;
import io.mlops.core.NewCandidate;
import io.mlops.core.Page;
import io.mlops.core.Param;
import io.mlops.core.Tag;
import io.mlops.core.spi.ArtifactStore;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.Capabilities;
import io.mlops.core.spi.TrackingStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * An in-memory backend that accepts every batch and only counts it, so that a benchmark measures the SDK and
 * not a store. Candidates and the Default experiment ({@code "0"}) exist just enough for a {@code Tracker} to
 * start, log into and end candidates; searches, histories and artifacts throw
 * {@link UnsupportedOperationException}.
 */
public final class NoopBackend implements Backend, TrackingStore {
  /** The tracking URI the benchmarks give the client's configuration; nothing resolves it. */
  public static final String URI = "bench://noop";

  private static final Experiment DEFAULT_EXPERIMENT = Experiment.builder()
      .id("0")
      .name("Default")
      .artifactLocation(URI + "/0")
      .creationTime(0L)
      .lastUpdateTime(0L)
      .build();

  private final Capabilities capabilities = Capabilities.mlflowDefaults("noop");
  private final ConcurrentMap<String, CandidateInfo> candidates = new ConcurrentHashMap<>();
  private final LongAdder metrics = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final Runnable beforeWrite;

  /** A backend that accepts every write. */
  public NoopBackend() {
    this(() -> { });
  }

  /**
   * A backend that runs {@code beforeWrite} before each {@code logBatch} and {@code updateCandidate}; a hook that
   * throws or blocks makes the backend refuse or hang, as a dead or hanging server would.
   */
  public NoopBackend(Runnable beforeWrite) {
    this.beforeWrite = beforeWrite;
  }

  /** Metric points received by {@link #logBatch} so far. */
  public long metricsLogged() {
    return metrics.sum();
  }

  /** Calls of {@link #logBatch} so far. */
  public long batchesLogged() {
    return batches.sum();
  }

  @Override
  public Capabilities capabilities() {
    return capabilities;
  }

  @Override
  public TrackingStore trackingStore() {
    return this;
  }

  @Override
  public ArtifactStore artifactStore() {
    throw new UnsupportedOperationException("the noop backend stores no artifacts");
  }

  @Override
  public void close() {
    // holds nothing
  }

  @Override
  public void logBatch(String candidateId, List<Metric> metricBatch, List<Param> params, List<Tag> tags) {
    beforeWrite.run();
    metrics.add(metricBatch.size());
    batches.increment();
  }

  @Override
  public CandidateInfo createCandidate(NewCandidate candidate) {
    String id = UUID.randomUUID().toString().replace("-", "");
    CandidateInfo info = CandidateInfo.builder()
        .id(id)
        .experimentId(candidate.experimentId())
        .name(candidate.name().orElse(""))
        .status(CandidateStatus.RUNNING)
        .startTime(candidate.startTime())
        .artifactUri(URI + "/" + candidate.experimentId() + "/" + id)
        .userId(candidate.userId())
        .build();
    candidates.put(id, info);
    return info;
  }

  @Override
  public CandidateInfo updateCandidate(String candidateId, CandidateUpdate update) {
    beforeWrite.run();
    CandidateInfo info = candidates.get(candidateId);
    if (info == null) {
      throw new UnsupportedOperationException("unknown candidate " + candidateId);
    }
    CandidateInfo updated = CandidateInfo.builder()
        .from(info)
        .status(update.status().orElse(info.status()))
        .endTime(update.endTime().isPresent() ? update.endTime() : info.endTime())
        .build();
    candidates.put(candidateId, updated);
    return updated;
  }

  @Override
  public Experiment getExperiment(String experimentId) {
    if (!"0".equals(experimentId)) {
      throw new UnsupportedOperationException("the noop backend has only the Default experiment");
    }
    return DEFAULT_EXPERIMENT;
  }

  @Override
  public Optional<Experiment> findExperimentByName(String name) {
    return "Default".equals(name) ? Optional.of(DEFAULT_EXPERIMENT) : Optional.empty();
  }

  @Override
  public String createExperiment(String name, Optional<String> artifactLocation, Map<String, String> tags) {
    throw new UnsupportedOperationException("createExperiment");
  }

  @Override
  public Page<Experiment> searchExperiments(ExperimentQuery query) {
    throw new UnsupportedOperationException("searchExperiments");
  }

  @Override
  public void renameExperiment(String experimentId, String newName) {
    throw new UnsupportedOperationException("renameExperiment");
  }

  @Override
  public void deleteExperiment(String experimentId) {
    throw new UnsupportedOperationException("deleteExperiment");
  }

  @Override
  public void restoreExperiment(String experimentId) {
    throw new UnsupportedOperationException("restoreExperiment");
  }

  @Override
  public void setExperimentTag(String experimentId, String key, String value) {
    throw new UnsupportedOperationException("setExperimentTag");
  }

  @Override
  public void deleteExperimentTag(String experimentId, String key) {
    throw new UnsupportedOperationException("deleteExperimentTag");
  }

  @Override
  public Candidate getCandidate(String candidateId) {
    throw new UnsupportedOperationException("getCandidate");
  }

  @Override
  public void deleteCandidate(String candidateId) {
    throw new UnsupportedOperationException("deleteCandidate");
  }

  @Override
  public void restoreCandidate(String candidateId) {
    throw new UnsupportedOperationException("restoreCandidate");
  }

  @Override
  public Page<Candidate> searchCandidates(CandidateQuery query) {
    throw new UnsupportedOperationException("searchCandidates");
  }

  @Override
  public Page<Metric> getMetricHistory(String candidateId, String key, Optional<String> pageToken) {
    throw new UnsupportedOperationException("getMetricHistory");
  }

  @Override
  public void deleteTag(String candidateId, String key) {
    throw new UnsupportedOperationException("deleteTag");
  }

  @Override
  public String toString() {
    return "NoopBackend{" + URI + "}";
  }
}
