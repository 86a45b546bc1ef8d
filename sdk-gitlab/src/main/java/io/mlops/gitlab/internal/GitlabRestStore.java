package io.mlops.gitlab.internal;

import io.mlops.mlflow.internal.MlflowJson;
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
import io.mlops.core.ViewType;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.MlopsServiceException;
import io.mlops.mlflow.internal.MlflowHttp;
import io.mlops.core.internal.search.CandidateFilter;
import io.mlops.core.internal.search.CandidateOrdering;
import io.mlops.core.internal.search.ExperimentFilter;
import io.mlops.core.internal.search.ExperimentOrdering;
import io.mlops.core.internal.search.PageTokens;
import io.mlops.mlflow.internal.MlflowHttp.Retry;
import io.mlops.core.spi.TrackingStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Experiments and candidates over GitLab's MLflow-compatible API ({@code <project>/ml/mlflow/api/2.0/mlflow/},
 * reference §1, GitLab {@code lib/api/ml/mlflow/entrypoint.rb}). It speaks MLflow's JSON through the MLflow
 * backend's transport (error mapping, retries, Bearer token) and adds GitLab's differences: every answer is
 * checked for an {@code error_code} even on 200, operations GitLab lacks fail with
 * {@link OperationNotSupportedException}, and searches GitLab cannot answer as asked (a filter, several
 * experiments, an order it lacks) are answered by the SDK: it reads every experiment of the project, or every
 * candidate of the experiments searched, and filters, orders and pages them with MLflow's semantics (the local
 * store's evaluator). That costs one request per 1000 entities for each page asked for; searches GitLab can answer
 * itself go to GitLab.
 *
 * <p>GitLab keeps the first value of a candidate's params and tags and of an experiment's tags: its
 * {@code insert_all} skips a name that exists, whatever the value (GitLab
 * {@code app/services/ml/experiment_tracking/candidate_repository.rb}). So that nothing is lost silently, a batch
 * with params or tags first reads the candidate: values already there are not resent, and a different value is
 * refused after the rest of the batch is logged (a param with {@link InvalidParameterException}, as MLflow does; a
 * tag with {@link OperationNotSupportedException}).
 */
final class GitlabRestStore implements TrackingStore {
  private static final String API = "api/2.0/mlflow/";
  private static final String NAME = GitlabCapabilities.NAME;
  private static final String RUN_NAME_TAG = "mlflow.runName";
  /** The largest page GitLab serves (runs.rb, experiments.rb: max_results at most 1000). */
  private static final int SERVER_PAGE = 1000;

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
    if (query.viewType() == ViewType.DELETED_ONLY) {
      // experiments/delete destroys (Ml::DestroyExperimentService): GitLab has no deleted experiments to list
      return Page.of(List.of(), Optional.empty());
    }
    Optional<String> order = serverOrder(query.orderBy(), GitlabRestStore::experimentColumn);
    boolean filtered = query.filter().filter(f -> !f.trim().isEmpty()).isPresent();
    if (filtered || !order.isPresent() && !query.orderBy().isEmpty()) {
      // experiments.rb ignores `filter` and orders by created_at or name only: evaluated here, over all experiments
      ExperimentFilter filter = ExperimentFilter.parse(query.filter().orElse(null));
      ExperimentOrdering ordering = ExperimentOrdering.parse(query.orderBy());
      List<Experiment> all = new ArrayList<>();
      Optional<String> token = Optional.empty();
      do {
        Page<Experiment> page = experimentsPage(SERVER_PAGE, token, Optional.empty());
        page.items().stream().filter(filter::matches).forEach(all::add);
        token = page.nextPageToken();
      } while (token.isPresent());
      all.sort(ordering);
      return PageTokens.page(all, query.maxResults(), query.pageToken());
    }
    return experimentsPage(query.maxResults(), query.pageToken(), order);
  }

  private Page<Experiment> experimentsPage(int maxResults, Optional<String> pageToken, Optional<String> order) {
    ObjectNode body = MlflowHttp.object().put("max_results", Math.min(maxResults, SERVER_PAGE));
    pageToken.ifPresent(t -> body.put("page_token", t));
    order.ifPresent(o -> body.put("order_by", o));
    JsonNode answer = post("experiments/search", body, Retry.SAFE);
    return MlflowJson.page(answer, "experiments", MlflowJson::experiment);
  }

  /**
   * An order clause in MLflow's syntax as GitLab's single {@code <column> [ASC|DESC]} (experiments.rb, runs.rb),
   * or empty when GitLab cannot order that way (several clauses, another key): the SDK then orders itself.
   *
   * @param column GitLab's column for an MLflow key ({@code name}, {@code attributes.run_name}, ...), or null
   */
  static Optional<String> serverOrder(List<String> orderBy, Function<String, String> column) {
    if (orderBy.size() != 1) {
      return Optional.empty();
    }
    String[] parts = orderBy.get(0).trim().split("\\s+");
    String gitlab = column.apply(parts[0]);
    if (gitlab == null || parts.length > 2 || parts.length == 2 && !parts[1].matches("(?i)ASC|DESC")) {
      return Optional.empty();
    }
    return Optional.of(parts.length == 2 ? gitlab + " " + parts[1].toUpperCase(Locale.ROOT) : gitlab);
  }

  /** experiments.rb orders by {@code name} or {@code created_at} (MLflow's {@code creation_time}). */
  static String experimentColumn(String key) {
    String k = key.startsWith("attribute.") ? key.substring("attribute.".length()) : key;
    return k.equals("name") ? "name" : k.equals("creation_time") ? "created_at" : null;
  }

  /**
   * runs.rb orders by {@code name} (MLflow's {@code attributes.run_name}) or {@code metrics.<key>} (a plain key:
   * GitLab reads the rest of the clause as the metric's name). Its {@code created_at} is the row's insertion time,
   * not MLflow's start time, so start-time orders are left to the SDK.
   */
  static String candidateColumn(String key) {
    int dot = key.indexOf('.');
    String entity = dot < 0 ? "attributes" : key.substring(0, dot);
    String name = dot < 0 ? key : key.substring(dot + 1);
    if ((entity.equals("attributes") || entity.equals("attribute") || entity.equals("attr"))
        && name.equals("run_name")) {
      return "name";
    }
    if ((entity.equals("metrics") || entity.equals("metric")) && name.matches("[A-Za-z0-9_\\-./]+")) {
      return "metrics." + name;
    }
    return null;
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
    // experiment metadata names are unique and experiment_repository.rb#add_tag! raises on a second value
    String current = getExperiment(experimentId).tags().get(key);
    if (value.equals(current)) {
      return;
    }
    if (current != null) {
      throw tagChange("experiment " + experimentId, key, current, value);
    }
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
    // user_id is ignored by runs.rb ("This will be ignored"); GitLab records the token's user instead.
    // MLflow's server tags a named run with mlflow.runName; GitLab does not, so the tag is sent, as MLflow's
    // clients do, and searches and syncs find the name where MLflow keeps it.
    Map<String, String> tags = new LinkedHashMap<>(candidate.tags());
    candidate.name().ifPresent(n -> tags.putIfAbsent(RUN_NAME_TAG, n));
    if (!tags.isEmpty()) {
      body.set("tags", MlflowJson.tags(tags));
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
    if (query.viewType() == ViewType.DELETED_ONLY) {
      // GitLab has no deleted candidates: runs/delete destroys them and run_info.rb always says "active"
      // (reference §1 "Run fields"). runs.rb has no run_view_type, so sending the query would return active ones.
      return Page.of(List.of(), Optional.empty());
    }
    boolean filtered = query.filter().filter(f -> !f.trim().isEmpty()).isPresent();
    Optional<String> order = serverOrder(query.orderBy(), GitlabRestStore::candidateColumn);
    if (filtered || query.experimentIds().size() != 1 || !order.isPresent() && !query.orderBy().isEmpty()) {
      // runs.rb reads experiment_ids[0] only, has no filter and orders by one clause: evaluated here
      return searchCandidatesHere(query);
    }
    ObjectNode body = MlflowHttp.object().put("max_results", Math.min(query.maxResults(), SERVER_PAGE));
    body.putArray("experiment_ids").add(query.experimentIds().get(0));
    query.pageToken().ifPresent(t -> body.put("page_token", t));
    order.ifPresent(o -> body.put("order_by", o));
    return runsPage(body);
  }

  private Page<Candidate> runsPage(ObjectNode body) {
    JsonNode answer = post("runs/search", body, Retry.SAFE);
    return MlflowJson.page(answer, "runs", MlflowJson::run);
  }

  /** Every candidate of the experiments, filtered, ordered and paged with MLflow's semantics. */
  private Page<Candidate> searchCandidatesHere(CandidateQuery query) {
    CandidateFilter filter = CandidateFilter.parse(query.filter().orElse(null));
    CandidateOrdering ordering = CandidateOrdering.parse(query.orderBy());
    List<Candidate> all = new ArrayList<>();
    for (String experimentId : query.experimentIds()) {
      Optional<String> token = Optional.empty();
      do {
        ObjectNode body = MlflowHttp.object().put("max_results", SERVER_PAGE);
        body.putArray("experiment_ids").add(experimentId);
        token.ifPresent(t -> body.put("page_token", t));
        Page<Candidate> page;
        try {
          page = runsPage(body);
        } catch (ResourceNotFoundException unknownExperiment) {
          break; // as MLflow: an unknown experiment contributes nothing
        }
        page.items().stream().filter(filter::matches).forEach(all::add);
        token = page.nextPageToken();
      } while (token.isPresent());
    }
    all.sort(ordering);
    return PageTokens.page(all, query.maxResults(), query.pageToken());
  }

  @Override
  public Page<Metric> getMetricHistory(String candidateId, String key, Optional<String> pageToken) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("run_id", candidateId);
    q.put("metric_key", key);
    pageToken.ifPresent(t -> q.put("page_token", t));
    JsonNode answer = get("metrics/get-history", q);
    return MlflowJson.page(answer, "metrics", MlflowJson::metric);
  }

  @Override
  public void logBatch(String candidateId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    List<Param> newParams = params;
    List<Tag> newTags = tags;
    if (!params.isEmpty() || !tags.isEmpty()) {
      // GitLab skips a param or tag whose name exists, whatever its value: compare with what is there first, and
      // refuse the whole batch before sending anything (the TrackingStore contract; TrackingClient then isolates
      // the offending entry and logs the rest)
      List<String> refusedParams = new ArrayList<>();
      List<String> refusedTags = new ArrayList<>();
      Candidate current = getCandidate(candidateId);
      newParams = keepNew(params, Param::key, Param::value, current.data().params(), refusedParams);
      newTags = keepNew(tags, Tag::key, Tag::value, current.data().tags(), refusedTags);
      if (!refusedParams.isEmpty()) {
        throw new InvalidParameterException("Changing the value of logged params is not allowed: "
            + String.join("; ", refusedParams) + " (candidate " + candidateId + ")");
      }
      if (!refusedTags.isEmpty()) {
        throw tagChange("candidate " + candidateId, String.join("; ", refusedTags), null, null);
      }
    }
    if (metrics.isEmpty() && newParams.isEmpty() && newTags.isEmpty()) {
      return;
    }
    try {
      sendBatch(candidateId, metrics, newParams, newTags);
    } catch (MlopsServiceException e) {
      Metric nonFinite = metrics.stream().filter(m -> !Double.isFinite(m.value())).findFirst().orElse(null);
      if (e.statusCode().orElse(0) != 400 || nonFinite == null) {
        throw e;
      }
      // runs.rb declares metric values `type: Float`; whether Grape's coercion takes NaN and ±Infinity is not
      // visible in GitLab's sources (inference): say so, and TrackingClient isolates the points GitLab refuses
      throw new InvalidParameterException(e.errorCode(), NAME
          + " refused a batch holding NaN or infinite metric values (" + nonFinite.key() + " at step "
          + nonFinite.step() + ", ...): " + e.serviceMessage(), e);
    }
  }

  private void sendBatch(String candidateId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    ObjectNode body = MlflowHttp.object().put("run_id", candidateId);
    body.set("metrics", MlflowJson.metrics(metrics));
    body.set("params", MlflowJson.params(params));
    body.set("tags", MlflowJson.tags(tags));
    // UNSAFE: runs.rb `log-batch` inserts every metric row it gets, so a resent batch would double the history
    post("runs/log-batch", body, Retry.UNSAFE);
  }

  /**
   * The entries whose key the candidate does not have yet; an entry with the value already there is dropped, one
   * with another value is described in {@code refused}. Within one batch the first value of a key wins, as in
   * GitLab's insert.
   */
  private static <T> List<T> keepNew(List<T> entries, java.util.function.Function<T, String> key,
      java.util.function.Function<T, String> value, Map<String, String> existing, List<String> refused) {
    Map<String, String> seen = new HashMap<>(existing);
    List<T> out = new ArrayList<>();
    for (T e : entries) {
      String old = seen.get(key.apply(e));
      if (old == null) {
        seen.put(key.apply(e), value.apply(e));
        out.add(e);
      } else if (!old.equals(value.apply(e))) {
        refused.add("'" + key.apply(e) + "' is '" + old + "', not '" + value.apply(e) + "'");
      }
    }
    return out;
  }

  /** GitLab keeps the first value of a tag. */
  private static OperationNotSupportedException tagChange(String owner, String key, String current, String value) {
    String what = current == null ? key : "'" + key + "' is '" + current + "', not '" + value + "'";
    return new OperationNotSupportedException(NAME, "changing the value of a tag (" + what + " on " + owner
        + "; GitLab keeps a tag's first value)");
  }

  @Override
  public void deleteTag(String candidateId, String key) {
    throw new OperationNotSupportedException(NAME, "deleteTag"); // no runs/delete-tag (reference §1)
  }

}
