package io.mlops.tracking.support;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateQuery;
import io.mlops.core.CandidateUpdate;
import io.mlops.core.Experiment;
import io.mlops.core.ExperimentQuery;
import io.mlops.core.Metric;
import io.mlops.core.MlopsServiceException;
import io.mlops.core.NewCandidate;
import io.mlops.core.Page;
import io.mlops.core.Param;
import io.mlops.core.Tag;
import io.mlops.core.TransportException;
import io.mlops.core.internal.local.LocalFileStore;
import io.mlops.core.spi.ArtifactStore;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.Capabilities;
import io.mlops.core.spi.TrackingStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A real local store behind a switch: while {@link #down} says so, writes fail the way an unreachable server's
 * do ({@link TransportException}); {@link #failNext(int)} fails a number of writes with a retryable 503; a gate
 * can hold writes to make the backend slow. Reads always work.
 */
public final class FlakyBackend implements Backend, TrackingStore {
  private final LocalFileStore store;
  private final Capabilities capabilities;
  private volatile BooleanSupplier down = () -> false;
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger writes = new AtomicInteger();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile boolean readsDown;

  /** Makes metric history reads fail like an unreachable server. */
  public void setReadsDown(boolean isDown) {
    readsDown = isDown;
  }

  public FlakyBackend(Path root) {
    this(root, Capabilities.mlflowDefaults("flaky"));
  }

  public FlakyBackend(Path root, Capabilities capabilities) {
    this.store = new LocalFileStore(root);
    this.capabilities = capabilities;
  }

  /** Down while the file exists (visible across processes). */
  public static FlakyBackend downWhileFileExists(Path root, Path marker) {
    FlakyBackend b = new FlakyBackend(root);
    b.down = () -> Files.exists(marker);
    return b;
  }

  public void setDown(boolean isDown) {
    down = () -> isDown;
  }

  public void failNext(int n) {
    failures.set(n);
  }

  /** Holds every write until {@link #open()}. */
  public void hold() {
    gate = new CountDownLatch(1);
  }

  public void open() {
    gate.countDown();
  }

  public int writes() {
    return writes.get();
  }

  public LocalFileStore store() {
    return store;
  }

  private void write() {
    try {
      if (!gate.await(60, TimeUnit.SECONDS)) {
        throw new TransportException("gate held too long", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("interrupted", e);
    }
    if (down.getAsBoolean()) {
      throw new TransportException("Connection refused (simulated outage)", new IOException("refused"));
    }
    if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new MlopsServiceException(503, "TEMPORARILY_UNAVAILABLE", "simulated 503", "req-1");
    }
    writes.incrementAndGet();
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
    return store;
  }

  @Override
  public void close() {}

  @Override
  public String createExperiment(String name, Optional<String> artifactLocation, Map<String, String> tags) {
    return store.createExperiment(name, artifactLocation, tags);
  }

  @Override
  public Experiment getExperiment(String experimentId) {
    return store.getExperiment(experimentId);
  }

  @Override
  public Optional<Experiment> findExperimentByName(String name) {
    return store.findExperimentByName(name);
  }

  @Override
  public Page<Experiment> searchExperiments(ExperimentQuery query) {
    return store.searchExperiments(query);
  }

  @Override
  public void renameExperiment(String experimentId, String newName) {
    store.renameExperiment(experimentId, newName);
  }

  @Override
  public void deleteExperiment(String experimentId) {
    store.deleteExperiment(experimentId);
  }

  @Override
  public void restoreExperiment(String experimentId) {
    store.restoreExperiment(experimentId);
  }

  @Override
  public void setExperimentTag(String experimentId, String key, String value) {
    store.setExperimentTag(experimentId, key, value);
  }

  @Override
  public void deleteExperimentTag(String experimentId, String key) {
    store.deleteExperimentTag(experimentId, key);
  }

  @Override
  public CandidateInfo createCandidate(NewCandidate candidate) {
    return store.createCandidate(candidate);
  }

  @Override
  public Candidate getCandidate(String candidateId) {
    return store.getCandidate(candidateId);
  }

  @Override
  public CandidateInfo updateCandidate(String candidateId, CandidateUpdate update) {
    write();
    return store.updateCandidate(candidateId, update);
  }

  @Override
  public void deleteCandidate(String candidateId) {
    store.deleteCandidate(candidateId);
  }

  @Override
  public void restoreCandidate(String candidateId) {
    store.restoreCandidate(candidateId);
  }

  @Override
  public Page<Candidate> searchCandidates(CandidateQuery query) {
    return store.searchCandidates(query);
  }

  @Override
  public Page<Metric> getMetricHistory(String candidateId, String key, Optional<String> pageToken) {
    if (readsDown) {
      throw new TransportException("Connection refused (simulated outage of reads)", new IOException("refused"));
    }
    return store.getMetricHistory(candidateId, key, pageToken);
  }

  @Override
  public void logBatch(String candidateId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    write();
    store.logBatch(candidateId, metrics, params, tags);
  }

  @Override
  public void deleteTag(String candidateId, String key) {
    store.deleteTag(candidateId, key);
  }
}
