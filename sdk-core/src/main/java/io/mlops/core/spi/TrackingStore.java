package io.mlops.core.spi;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateQuery;
import io.mlops.core.CandidateUpdate;
import io.mlops.core.Experiment;
import io.mlops.core.ExperimentQuery;
import io.mlops.core.Metric;
import io.mlops.core.NewCandidate;
import io.mlops.core.Page;
import io.mlops.core.Param;
import io.mlops.core.Tag;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Experiments, candidates and their data on one backend. Input is already validated; batches are within the
 * backend's {@link Capabilities}. Errors are {@link io.mlops.core.MlopsServiceException} subtypes with MLflow's
 * codes ({@link io.mlops.core.ResourceNotFoundException} for an unknown id, ...).
 */
public interface TrackingStore {
  /**
   * A tag a backend may set on every candidate it creates, holding a client-generated id: when a create request
   * gets no answer, the backend looks for a candidate with this tag before creating again, so a lost response
   * leaves no duplicate. It is the backend's bookkeeping: tools that copy candidates ({@code CandidateSync}) do not
   * copy it.
   */
  String CLIENT_REQUEST_ID_TAG = "mlops.client_request_id";

  /** Creates an experiment and returns its id. */
  String createExperiment(String name, Optional<String> artifactLocation, Map<String, String> tags);

  /** The experiment with this id, deleted ones included. */
  Experiment getExperiment(String experimentId);

  /** The active experiment with this name (a deleted one if no active one exists), if any. */
  Optional<Experiment> findExperimentByName(String name);

  /** One page of experiments. */
  Page<Experiment> searchExperiments(ExperimentQuery query);

  /** Renames an experiment. */
  void renameExperiment(String experimentId, String newName);

  /** Soft-deletes an experiment. */
  void deleteExperiment(String experimentId);

  /** Restores a soft-deleted experiment. */
  void restoreExperiment(String experimentId);

  /** Sets an experiment tag. */
  void setExperimentTag(String experimentId, String key, String value);

  /** Deletes an experiment tag. */
  void deleteExperimentTag(String experimentId, String key);

  /** Creates a candidate in RUNNING state. */
  CandidateInfo createCandidate(NewCandidate candidate);

  /** The candidate with this id, deleted ones included. */
  Candidate getCandidate(String candidateId);

  /** Changes status, end time or name. */
  CandidateInfo updateCandidate(String candidateId, CandidateUpdate update);

  /** Soft-deletes a candidate. */
  void deleteCandidate(String candidateId);

  /** Restores a soft-deleted candidate. */
  void restoreCandidate(String candidateId);

  /** One page of candidates matching a query. */
  Page<Candidate> searchCandidates(CandidateQuery query);

  /** One page of a metric's history, in logging order. */
  Page<Metric> getMetricHistory(String candidateId, String key, Optional<String> pageToken);

  /**
   * Logs metrics, params and tags into a candidate. Params are write-once: the same value again is a no-op, a
   * different one is an {@link io.mlops.core.InvalidParameterException}. An empty batch checks only that the
   * candidate can be written (exists and is active).
   *
   * <p>Refusals are whole: a store that refuses a batch for a reason that will repeat (an
   * {@link io.mlops.core.InvalidParameterException} for a changed param or a value it cannot hold, an
   * {@link io.mlops.core.OperationNotSupportedException}) has written none of the batch's metric points; params
   * and tags it wrote are harmless to send again. {@link io.mlops.core.TrackingClient} relies on this to isolate
   * the offending entries by sending parts of the batch again. Failures that may pass (an unreachable server, a
   * 503) are a {@link io.mlops.core.TransportException} or a retryable {@link io.mlops.core.MlopsServiceException}.
   */
  void logBatch(String candidateId, List<Metric> metrics, List<Param> params, List<Tag> tags);

  /** Deletes a candidate tag. */
  void deleteTag(String candidateId, String key);
}
