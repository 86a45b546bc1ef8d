package io.mlops.mlflow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.Tag;
import io.mlops.core.TransportException;
import io.mlops.core.ViewType;
import io.mlops.mlflow.internal.MlflowHttp.Retry;
import io.mlops.core.spi.TrackingStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Experiments, candidates and logging over MLflow's REST API 2.0 (protocol notes §1). Paging follows the server's
 * {@code next_page_token}; errors are mapped on {@code error_code} by {@link MlflowHttp}.
 */
public final class MlflowRestStore implements TrackingStore {
  private static final String API = "api/2.0/mlflow/";

  private final MlflowHttp http;

  /** A store over a transport. */
  public MlflowRestStore(MlflowHttp http) {
    this.http = http;
  }

  // ---------------------------------------------------------------- experiments

  @Override
  public String createExperiment(String name, Optional<String> artifactLocation, Map<String, String> tags) {
    ObjectNode body = MlflowHttp.object().put("name", name);
    artifactLocation.ifPresent(a -> body.put("artifact_location", a));
    if (!tags.isEmpty()) {
      body.set("tags", MlflowJson.tags(tags));
    }
    // Not retried on a lost answer: a second attempt would say RESOURCE_ALREADY_EXISTS, which
    // TrackingClient.getOrCreateExperiment resolves by looking the name up.
    return MlflowJson.text(http.post(API + "experiments/create", body, Retry.UNSAFE), "experiment_id");
  }

  @Override
  public Experiment getExperiment(String experimentId) {
    return MlflowJson.experiment(http.get(API + "experiments/get", Map.of("experiment_id", experimentId))
        .path("experiment"));
  }

  @Override
  public Optional<Experiment> findExperimentByName(String name) {
    try {
      return Optional.of(MlflowJson.experiment(http.get(API + "experiments/get-by-name",
          Map.of("experiment_name", name)).path("experiment")));
    } catch (ResourceNotFoundException e) {
      if ("RESOURCE_DOES_NOT_EXIST".equals(e.errorCode())) {
        return Optional.empty();
      }
      throw e; // ENDPOINT_NOT_FOUND and the like: a wrong URL, not a missing experiment
    }
  }

  @Override
  public Page<Experiment> searchExperiments(ExperimentQuery query) {
    ObjectNode body = searchBody(query.maxResults(), query.filter(), query.orderBy(), query.pageToken())
        .put("view_type", query.viewType().name());
    JsonNode answer = http.post(API + "experiments/search", body, Retry.SAFE);
    return MlflowJson.page(answer, "experiments", MlflowJson::experiment);
  }

  @Override
  public void renameExperiment(String experimentId, String newName) {
    http.post(API + "experiments/update", MlflowHttp.object().put("experiment_id", experimentId)
        .put("new_name", newName), Retry.SAFE);
  }

  @Override
  public void deleteExperiment(String experimentId) {
    http.post(API + "experiments/delete", MlflowHttp.object().put("experiment_id", experimentId), Retry.UNSAFE);
  }

  @Override
  public void restoreExperiment(String experimentId) {
    http.post(API + "experiments/restore", MlflowHttp.object().put("experiment_id", experimentId), Retry.UNSAFE);
  }

  @Override
  public void setExperimentTag(String experimentId, String key, String value) {
    http.post(API + "experiments/set-experiment-tag", MlflowHttp.object().put("experiment_id", experimentId)
        .put("key", key).put("value", value), Retry.SAFE);
  }

  @Override
  public void deleteExperimentTag(String experimentId, String key) {
    http.post(API + "experiments/delete-experiment-tag", MlflowHttp.object().put("experiment_id", experimentId)
        .put("key", key), Retry.UNSAFE);
  }

  // ---------------------------------------------------------------- candidates

  @Override
  public CandidateInfo createCandidate(NewCandidate candidate) {
    String requestId = UUID.randomUUID().toString();
    Map<String, String> tags = new LinkedHashMap<>(candidate.tags());
    tags.put(CLIENT_REQUEST_ID_TAG, requestId);
    ObjectNode body = MlflowHttp.object().put("experiment_id", candidate.experimentId())
        .put("start_time", candidate.startTime());
    candidate.name().ifPresent(n -> body.put("run_name", n));
    candidate.userId().ifPresent(u -> body.put("user_id", u));
    body.set("tags", MlflowJson.tags(tags));
    TransportException lost = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      if (lost != null) {
        Optional<CandidateInfo> created = findByRequestId(candidate.experimentId(), requestId);
        if (created.isPresent()) {
          return created.get(); // the server applied the request whose answer was lost
        }
      }
      try {
        return MlflowJson.runInfo(http.post(API + "runs/create", body, Retry.UNSAFE).path("run").path("info"));
      } catch (TransportException e) {
        lost = e;
      }
    }
    Optional<CandidateInfo> created = findByRequestId(candidate.experimentId(), requestId);
    if (created.isPresent()) {
      return created.get();
    }
    throw lost;
  }

  private Optional<CandidateInfo> findByRequestId(String experimentId, String requestId) {
    Page<Candidate> page = searchCandidates(CandidateQuery.builder().addExperimentId(experimentId)
        .filter("tags.`" + CLIENT_REQUEST_ID_TAG + "` = '" + requestId + "'").viewType(ViewType.ALL)
        .maxResults(1).build());
    return page.items().stream().findFirst().map(Candidate::info);
  }

  @Override
  public Candidate getCandidate(String candidateId) {
    return MlflowJson.run(http.get(API + "runs/get", Map.of("run_id", candidateId)).path("run"));
  }

  @Override
  public CandidateInfo updateCandidate(String candidateId, CandidateUpdate update) {
    ObjectNode body = MlflowHttp.object().put("run_id", candidateId);
    update.status().ifPresent(s -> body.put("status", s.name()));
    if (update.endTime().isPresent()) {
      body.put("end_time", update.endTime().getAsLong());
    }
    update.name().ifPresent(n -> body.put("run_name", n));
    // Setting the same status, end time or name twice gives the same result: safe to retry.
    JsonNode answer = http.post(API + "runs/update", body, Retry.SAFE);
    return answer.has("run_info") ? MlflowJson.runInfo(answer.get("run_info")) : getCandidate(candidateId).info();
  }

  @Override
  public void deleteCandidate(String candidateId) {
    http.post(API + "runs/delete", MlflowHttp.object().put("run_id", candidateId), Retry.SAFE);
  }

  @Override
  public void restoreCandidate(String candidateId) {
    http.post(API + "runs/restore", MlflowHttp.object().put("run_id", candidateId), Retry.SAFE);
  }

  @Override
  public Page<Candidate> searchCandidates(CandidateQuery query) {
    ObjectNode body = searchBody(query.maxResults(), query.filter(), query.orderBy(), query.pageToken())
        .put("run_view_type", query.viewType().name());
    ArrayNode ids = body.putArray("experiment_ids");
    query.experimentIds().forEach(ids::add);
    JsonNode answer = http.post(API + "runs/search", body, Retry.SAFE);
    return MlflowJson.page(answer, "runs", MlflowJson::run);
  }

  @Override
  public Page<Metric> getMetricHistory(String candidateId, String key, Optional<String> pageToken) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("run_id", candidateId);
    q.put("metric_key", key);
    q.put("max_results", "25000"); // GET_METRIC_HISTORY_MAX_RESULTS: servers that page return a token
    pageToken.ifPresent(t -> q.put("page_token", t));
    JsonNode answer = http.get(API + "metrics/get-history", q);
    return MlflowJson.page(answer, "metrics", MlflowJson::metric);
  }

  @Override
  public void logBatch(String candidateId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    ObjectNode body = MlflowHttp.object().put("run_id", candidateId);
    body.set("metrics", MlflowJson.metrics(metrics));
    body.set("params", MlflowJson.params(params));
    body.set("tags", MlflowJson.tags(tags));
    // Safe to retry: the SQL store keeps one copy of identical metric points, a param with the same value is a
    // no-op and tags are last-write-wins (protocol notes §4).
    http.post(API + "runs/log-batch", body, Retry.SAFE);
  }

  @Override
  public void deleteTag(String candidateId, String key) {
    http.post(API + "runs/delete-tag", MlflowHttp.object().put("run_id", candidateId).put("key", key),
        Retry.UNSAFE);
  }

  /** The paging, filter and order fields every MLflow search takes. */
  private static ObjectNode searchBody(int maxResults, Optional<String> filter, List<String> orderBy,
      Optional<String> pageToken) {
    ObjectNode body = MlflowHttp.object().put("max_results", maxResults);
    filter.filter(f -> !f.trim().isEmpty()).ifPresent(f -> body.put("filter", f));
    pageToken.ifPresent(t -> body.put("page_token", t));
    if (!orderBy.isEmpty()) {
      ArrayNode order = body.putArray("order_by");
      orderBy.forEach(order::add);
    }
    return body;
  }

}
