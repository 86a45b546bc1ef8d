package io.mlops.tracking.internal;

import io.mlops.core.ArtifactInfo;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateData;
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
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.Tag;
import io.mlops.core.TransferListener;
import io.mlops.core.spi.ArtifactStore;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.Capabilities;
import io.mlops.core.spi.TrackingStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The backend of {@code Tracker.noop()}: it takes every write and keeps nothing. Every experiment name exists
 * (with an id derived from the name), every well-formed candidate id is a running candidate with no data, and
 * searches, histories and listings are empty. Nothing is opened, started or written.
 */
public final class DiscardingBackend implements Backend, TrackingStore, ArtifactStore {
  /** The tracking URI a no-op tracker's configuration names; nothing resolves it. */
  public static final String URI = "noop:";

  private final Capabilities capabilities = Capabilities.mlflowDefaults("tracking turned off (Tracker.noop())");

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
    return this;
  }

  @Override
  public void close() {
    // nothing was opened
  }

  private static Experiment experiment(String id, String name) {
    return Experiment.builder().id(id).name(name).artifactLocation(URI + id).creationTime(0L).lastUpdateTime(0L)
        .build();
  }

  /** A stable id per name, so the same name gives the same experiment. */
  private static String idOf(String name) {
    return name.equals("Default") ? "0" : Integer.toString(name.hashCode() & 0x7fffffff);
  }

  private static CandidateInfo candidate(String id, String experimentId, String name, long startTime) {
    return CandidateInfo.builder().id(id).experimentId(experimentId).name(name).status(CandidateStatus.RUNNING)
        .startTime(startTime).artifactUri(URI + experimentId + "/" + id).build();
  }

  @Override
  public String createExperiment(String name, Optional<String> artifactLocation, Map<String, String> tags) {
    return idOf(name);
  }

  @Override
  public Experiment getExperiment(String experimentId) {
    return experiment(experimentId, experimentId.equals("0") ? "Default" : "experiment " + experimentId);
  }

  @Override
  public Optional<Experiment> findExperimentByName(String name) {
    return Optional.of(experiment(idOf(name), name));
  }

  @Override
  public Page<Experiment> searchExperiments(ExperimentQuery query) {
    return Page.of(List.of(), Optional.empty());
  }

  @Override
  public void renameExperiment(String experimentId, String newName) {}

  @Override
  public void deleteExperiment(String experimentId) {}

  @Override
  public void restoreExperiment(String experimentId) {}

  @Override
  public void setExperimentTag(String experimentId, String key, String value) {}

  @Override
  public void deleteExperimentTag(String experimentId, String key) {}

  @Override
  public CandidateInfo createCandidate(NewCandidate c) {
    return candidate(UUID.randomUUID().toString().replace("-", ""), c.experimentId(), c.name().orElse(""),
        c.startTime());
  }

  @Override
  public Candidate getCandidate(String candidateId) {
    return Candidate.of(candidate(candidateId, "0", "", 0L), CandidateData.empty());
  }

  @Override
  public CandidateInfo updateCandidate(String candidateId, CandidateUpdate update) {
    return getCandidate(candidateId).info();
  }

  @Override
  public void deleteCandidate(String candidateId) {}

  @Override
  public void restoreCandidate(String candidateId) {}

  @Override
  public Page<Candidate> searchCandidates(CandidateQuery query) {
    return Page.of(List.of(), Optional.empty());
  }

  @Override
  public Page<Metric> getMetricHistory(String candidateId, String key, Optional<String> pageToken) {
    return Page.of(List.of(), Optional.empty());
  }

  @Override
  public void logBatch(String candidateId, List<Metric> metrics, List<Param> params, List<Tag> tags) {}

  @Override
  public void deleteTag(String candidateId, String key) {}

  @Override
  public void uploadFile(String candidateId, Path localFile, String artifactPath, TransferListener listener) {}

  @Override
  public List<ArtifactInfo> list(String candidateId, String directory) {
    return List.of();
  }

  @Override
  public void downloadFile(String candidateId, String artifactPath, Path target, TransferListener listener) {
    throw new ResourceNotFoundException("Tracking is turned off (Tracker.noop()): no artifact '" + artifactPath
        + "' was kept");
  }
}
