package io.mlops.core.internal.gitlab;

import io.mlops.core.internal.mlflow.MlflowJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateQuery;
import io.mlops.core.CandidateUpdate;
import io.mlops.core.Experiment;
import io.mlops.core.ExperimentQuery;
import io.mlops.core.Metric;
import io.mlops.core.NewCandidate;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.Page;
import io.mlops.core.Param;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.Tag;
import io.mlops.core.ValidationException;
import io.mlops.core.ViewType;
import io.mlops.core.internal.mlflow.MlflowHttp;
import io.mlops.core.internal.mlflow.MlflowHttp.Retry;
import io.mlops.core.spi.TrackingStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Experiments and candidates over GitLab's MLflow-compatible API ({@code <project>/ml/mlflow/api/2.0/mlflow/},
 * reference §1, GitLab {@code lib/api/ml/mlflow/entrypoint.rb}). It speaks MLflow's JSON through the MLflow
 * backend's transport (error mapping, retries, Bearer token) and adds GitLab's differences: every answer is
 * checked for an {@code error_code} even on 200, operations GitLab lacks fail with
 * {@link OperationNotSupportedException}, and a candidate search GitLab would read differently from what was
 * asked (a filter, several experiments, an unsupported order) is refused before it is sent.
 */
final class GitlabRestStore implements TrackingStore {
  private static final String API = "api/2.0/mlflow/";
  private static final String NAME = GitlabCapabilities.NAME;

  private final MlflowHttp http;

  GitlabRestStore(MlflowHttp http) {
    this.http = http;
  }

  private JsonNode get(String rpc, Map<String, String> query) {
    return GitlabAnswers.check(http.get(API + rpc, query), "GET " + rpc);
  }

  private JsonNode post(String rpc, JsonNode body, Retry retry) {
    return GitlabAnswers.check(http.post(API + rpc, body, retry), "POST " + rpc);
  }

  // ---------------------------------------------------------------- experiments

  @Override
  public String createExperiment(String name, Optional<String> artifactLocation, Map<String, String> tags) {
    if (artifactLocation.isPresent()) {
      // experiments.rb declares no artifact_location: GitLab stores files in its package registry
      throw new OperationNotSupportedException(NAME, "createExperiment with an artifact location");
    }
    ObjectNode body = MlflowHttp.object().put("name", name);
    if (!tags.isEmpty()) {
      body.set("tags", MlflowJson.tags(tags));
    }
    // Not retried on a lost answer: a second attempt says RESOURCE_ALREADY_EXISTS, which
    // TrackingClient.getOrCreateExperiment resolves by looking the name up.
    return MlflowJson.text(post("experiments/create", body, Retry.UNSAFE), "experiment_id");
  }

  @Override
  public Experiment getExperiment(String experimentId) {
    return MlflowJson.experiment(get("experiments/get", Map.of("experiment_id", experimentId)).path("experiment"));
  }

  @Override
  public Optional<Experiment> findExperimentByName(String name) {
    try {
      return Optional.of(MlflowJson.experiment(get("experiments/get-by-name", Map.of("experiment_name", name))
          .path("experiment")));
    } catch (ResourceNotFoundException e) {
      if ("RESOURCE_DOES_NOT_EXIST".equals(e.errorCode())) {
        return Optional.empty();
      }
      throw e; // a 404 without GitLab's error code: a wrong project path or a disabled feature, not a missing name
    }
  }

  @Override
  public Page<Experiment> searchExperiments(ExperimentQuery query) {
    if (query.filter().filter(f -> !f.trim().isEmpty()).isPresent()) {
      // experiments.rb ignores `filter` (reference §1 "Search and listing"): sending it would return everything
      throw new OperationNotSupportedException(NAME, "searchExperiments with a filter");
    }
    ObjectNode body = MlflowHttp.object().put("max_results", query.maxResults())
        .put("view_type", query.viewType().name());
    query.pageToken().ifPresent(t -> body.put("page_token", t));
    if (!query.orderBy().isEmpty()) {
      body.putArray("order_by").addAll(toArray(query.orderBy()));
    }
    JsonNode answer = post("experiments/search", body, Retry.SAFE);
    List<Experiment> items = new ArrayList<>();
    for (JsonNode e : answer.path("experiments")) {
      items.add(MlflowJson.experiment(e));
    }
    return Page.of(items, token(answer));
  }

  private static com.fasterxml.jackson.databind.node.ArrayNode toArray(List<String> values) {
    com.fasterxml.jackson.databind.node.ArrayNode a =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    values.forEach(a::add);
    return a;
  }

  @Override
  public void renameExperiment(String experimentId, String newName) {
    throw new OperationNotSupportedException(NAME, "renameExperiment"); // no experiments/update (reference §1)
  }

  @Override
  public void deleteExperiment(String experimentId) {
    post("experiments/delete", MlflowHttp.object().put("experiment_id", experimentId), Retry.UNSAFE);
  }

  @Override
  public void restoreExperiment(String experimentId) {
    throw new OperationNotSupportedException(NAME, "restoreExperiment"); // no experiments/restore
  }

  @Override
  public void setExperimentTag(String experimentId, String key, String value) {
    post("experiments/set-experiment-tag", MlflowHttp.object().put("experiment_id", experimentId)
        .put("key", key).put("value", value), Retry.SAFE);
  }

  @Override
  public void deleteExperimentTag(String experimentId, String key) {
    throw new OperationNotSupportedException(NAME, "deleteExperimentTag"); // no delete-experiment-tag route
  }

  // ---------------------------------------------------------------- candidates

  @Override
  public CandidateInfo createCandidate(NewCandidate candidate) {
    ObjectNode body = MlflowHttp.object().put("experiment_id", candidate.experimentId())
        .put("start_time", candidate.startTime());
    candidate.name().ifPresent(n -> body.put("run_name", n));
    // user_id is ignored by runs.rb ("This will be ignored"); GitLab records the token's user instead
    if (!candidate.tags().isEmpty()) {
      body.set("tags", MlflowJson.tags(candidate.tags()));
    }
    // Sent once (retried only on 429/503, which say it was not processed). The MLflow store recovers a lost
    // answer by searching for a request-id tag; GitLab's runs/search has no filter, so that cannot work here.
    return MlflowJson.runInfo(post("runs/create", body, Retry.UNSAFE).path("run").path("info"));
  }

  @Override
  public Candidate getCandidate(String candidateId) {
    return MlflowJson.run(get("runs/get", Map.of("run_id", candidateId)).path("run"));
  }

  @Override
  public CandidateInfo updateCandidate(String candidateId, CandidateUpdate update) {
    if (update.name().isPresent()) {
      // runs.rb `update` declares only run_id, status and end_time: a new name would be dropped silently
      throw new OperationNotSupportedException(NAME, "renaming a candidate (updateCandidate with a name)");
    }
    ObjectNode body = MlflowHttp.object().put("run_id", candidateId);
    update.status().ifPresent(s -> body.put("status", s.name()));
    if (update.endTime().isPresent()) {
      body.put("end_time", update.endTime().getAsLong());
    }
    JsonNode answer = post("runs/update", body, Retry.SAFE);
    return answer.has("run_info") ? MlflowJson.runInfo(answer.get("run_info")) : getCandidate(candidateId).info();
  }

  @Override
  public void deleteCandidate(String candidateId) {
    // runs.rb `delete` destroys the candidate (Ml::DestroyCandidateService): there is no restore
    post("runs/delete", MlflowHttp.object().put("run_id", candidateId), Retry.UNSAFE);
  }

  @Override
  public void restoreCandidate(String candidateId) {
    throw new OperationNotSupportedException(NAME, "restoreCandidate"); // no runs/restore (reference §1)
  }

  @Override
  public Page<Candidate> searchCandidates(CandidateQuery query) {
    if (query.filter().filter(f -> !f.trim().isEmpty()).isPresent()) {
      // TrackingClient checks SEARCH_CANDIDATES_WITH_FILTER first; this guards direct SPI use
      throw new OperationNotSupportedException(NAME, "searchCandidates with a filter");
    }
    if (query.experimentIds().size() != 1) {
      // runs.rb reads only experiment_ids[0] (reference §1): the others would be dropped without a word
      throw new ValidationException("experimentIds", "gitlab-single-experiment", NAME
          + " searches candidates in one experiment only; got " + query.experimentIds().size() + " experiment ids");
    }
    if (query.viewType() == ViewType.DELETED_ONLY) {
      // GitLab has no deleted candidates: runs/delete destroys them and run_info.rb always says "active"
      // (reference §1 "Run fields"). runs.rb has no run_view_type, so sending the query would return active ones.
      return Page.of(List.of(), Optional.empty());
    }
    ObjectNode body = MlflowHttp.object().put("max_results", query.maxResults());
    body.putArray("experiment_ids").add(query.experimentIds().get(0));
    query.pageToken().ifPresent(t -> body.put("page_token", t));
    gitlabOrderBy(query.orderBy()).ifPresent(o -> body.put("order_by", o));
    JsonNode answer = post("runs/search", body, Retry.SAFE);
    List<Candidate> items = new ArrayList<>();
    for (JsonNode r : answer.path("runs")) {
      items.add(MlflowJson.run(r));
    }
    return Page.of(items, token(answer));
  }

  /**
   * The one order clause GitLab takes, as the single string runs.rb declares ({@code order_by, type: String}):
   * {@code created_at}, {@code name} or {@code metrics.<key>}, optionally followed by ASC or DESC (reference §1;
   * GitLab {@code lib/api/ml/mlflow/runs.rb}). Anything else is refused here, before a request is sent.
   */
  static Optional<String> gitlabOrderBy(List<String> orderBy) {
    if (orderBy.isEmpty()) {
      return Optional.empty();
    }
    if (orderBy.size() > 1) {
      throw new ValidationException("orderBy", "gitlab-order-by", NAME + " orders candidates by one clause only; got "
          + orderBy);
    }
    String clause = orderBy.get(0).trim();
    String field = clause;
    String direction = "";
    int space = clause.lastIndexOf(' ');
    if (space > 0) {
      String last = clause.substring(space + 1).toUpperCase(Locale.ROOT);
      if (last.equals("ASC") || last.equals("DESC")) {
        field = clause.substring(0, space).trim();
        direction = " " + last;
      }
    }
    boolean metric = field.startsWith("metrics.") && field.length() > "metrics.".length()
        && field.indexOf(' ') < 0;
    if (!(field.equals("created_at") || field.equals("name") || metric)) {
      throw new ValidationException("orderBy", "gitlab-order-by", NAME + " cannot order candidates by '" + clause
          + "': it orders only by created_at, name or metrics.<key>, each optionally ASC or DESC");
    }
    return Optional.of(field + direction);
  }

  @Override
  public Page<Metric> getMetricHistory(String candidateId, String key, Optional<String> pageToken) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("run_id", candidateId);
    q.put("metric_key", key);
    pageToken.ifPresent(t -> q.put("page_token", t));
    JsonNode answer = get("metrics/get-history", q);
    List<Metric> items = new ArrayList<>();
    for (JsonNode m : answer.path("metrics")) {
      items.add(MlflowJson.metric(m));
    }
    return Page.of(items, token(answer));
  }

  @Override
  public void logBatch(String candidateId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    ObjectNode body = MlflowHttp.object().put("run_id", candidateId);
    body.set("metrics", MlflowJson.metrics(metrics));
    body.set("params", MlflowJson.params(params));
    body.set("tags", MlflowJson.tags(tags));
    // UNSAFE: runs.rb `log-batch` ignores duplicate params, but add_metrics stores every metric row it gets, so a
    // resent batch could double the metric history.
    post("runs/log-batch", body, Retry.UNSAFE);
  }

  @Override
  public void deleteTag(String candidateId, String key) {
    throw new OperationNotSupportedException(NAME, "deleteTag"); // no runs/delete-tag (reference §1)
  }

  private static Optional<String> token(JsonNode answer) {
    String t = answer.path("next_page_token").asText("");
    return t.isEmpty() ? Optional.empty() : Optional.of(t);
  }
}
