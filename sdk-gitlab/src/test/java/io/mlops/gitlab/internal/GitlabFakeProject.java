package io.mlops.gitlab.internal;

import static io.mlops.gitlab.internal.GitlabFake.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.gitlab.internal.GitlabFake.Answer;
import io.mlops.gitlab.internal.GitlabFake.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One GitLab project of {@link GitlabFake}: its experiments, candidates, models, versions and package files, and
 * the MLflow routes over them. Sources as in {@link GitlabFake}; "reference §n" is
 * {@code shared/reference/gitlab-mlops.md}.
 */
final class GitlabFakeProject {
  /** Candidate statuses: {@code Ml::Candidate.statuses} (app/models/ml/candidate.rb), upper-cased by runs.rb. */
  private static final List<String> STATUSES = List.of("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED");
  /** Package file names: {@code Gitlab::Regex.ml_model_file_name_regex} (reference §2 [RGX]). */
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9._\\-+ ]+");

  final String id;
  final String path;
  private final GitlabFake gitlab;
  private int experimentIids;
  private int candidateIids;
  private long clock = 1_700_000_000_000L;
  final Map<Integer, Experiment> experiments = new LinkedHashMap<>();
  final Map<String, Candidate> candidates = new LinkedHashMap<>();
  /** Package files by package ({@code candidate:<iid>} or a model version id), then by path. */
  final Map<String, Map<String, byte[]>> packages = new LinkedHashMap<>();
  /** GitLab's {@code ml_model_max_file_size} plan limit, 10 GiB by default (reference §2 [LIM]). */
  long maxFileSize = 10_737_418_240L;

  GitlabFakeProject(GitlabFake gitlab, String id, String path) {
    this.gitlab = gitlab;
    this.id = id;
    this.path = path;
  }

  static final class Experiment {
    int iid;
    String name;
    long createdAt;
    final Map<String, String> tags = new LinkedHashMap<>();
    /** The model owning this experiment ({@code [model]<name>}), if any. */
    Model model;
  }

  static final class Candidate {
    int iid;
    String eid;
    Experiment experiment;
    String name;
    String status = "RUNNING";
    long startTime;
    Long endTime;
    long createdAt;
    final Map<String, String> params = new LinkedHashMap<>();
    final List<ObjectNode> metrics = new ArrayList<>();
    final Map<String, String> tags = new LinkedHashMap<>();
    /** The version this candidate belongs to (run_info.rb: its artifact_uri is then the version's package). */
    ModelVersionEntry version;
  }

  static final class Model {
    long id;
    String name;
    String description = "";
    long createdAt;
    long updatedAt;
    final Map<String, String> tags = new LinkedHashMap<>();
    Experiment experiment;
    final Map<Long, ModelVersionEntry> versions = new LinkedHashMap<>();
  }

  static final class ModelVersionEntry {
    long id;
    Model model;
    String semver;
    String description = "";
    long createdAt;
    long updatedAt;
    final Map<String, String> tags = new LinkedHashMap<>();
    Candidate candidate;
  }

  private long now() {
    return clock += 1000;
  }

  // ---------------------------------------------------------------- routing

  /** The MLflow routes under {@code ml/mlflow/api/2.0/mlflow/} (lib/api/ml/mlflow/entrypoint.rb, reference §1). */
  Reply mlflow(String method, String rpc, ObjectNode p) {
    switch (method + " " + rpc) {
      case "GET experiments/get":
        return ok(object().set("experiment", experimentJson(experimentByIid(p.path("experiment_id").asText("")))));
      case "GET experiments/get-by-name":
        return ok(object().set("experiment", experimentJson(experimentByName(p.path("experiment_name").asText("")))));
      case "GET experiments/list":
        return ok(object().set("experiments", array(experiments.values(), GitlabFakeProject::experimentJson)));
      case "POST experiments/search":
        return searchExperiments(p);
      case "POST experiments/create":
        return createExperiment(p);
      case "POST experiments/set-experiment-tag":
        return setExperimentTag(p);
      case "POST experiments/delete":
        return deleteExperiment(p);
      case "POST runs/create":
        return createRun(p);
      case "GET runs/get":
        return ok(object().set("run", runJson(candidate(p))));
      case "POST runs/search":
        return searchRuns(p);
      case "POST runs/update":
        return updateRun(p);
      case "POST runs/log-batch":
        return logBatch(p);
      case "POST runs/delete":
        return deleteRun(p);
      case "GET metrics/get-history":
        return metricHistory(p);
      default:
        return registry(method, rpc, p);
    }
  }

  /** Routes of registered_models.rb and model_versions.rb. */
  Reply registry(String method, String rpc, ObjectNode p) {
    switch (method + " " + rpc) {
      case "POST registered-models/create":
        return createModel(p);
      case "GET registered-models/get":
        return ok(object().set("registered_model", modelJson(model(p))));
      case "PATCH registered-models/update":
        return updateModel(p);
      case "DELETE registered-models/delete":
        return deleteModel(p);
      case "GET registered-models/search":
        return searchModels(p);
      case "POST registered-models/get-latest-versions":
        return latestVersion(p);
      case "GET registered-models/alias":
        return ok(object().set("model_version", versionJson(versionBySemver(model(p), p.path("alias").asText("")))));
      case "POST model-versions/create":
        return createVersion(p);
      case "GET model-versions/get":
        return ok(object().set("model_version", versionJson(versionBySemver(model(p), required(p, "version")))));
      case "PATCH model-versions/update":
        return updateVersion(p);
      default:
        // Routes GitLab does not implement (reference §1 "Not implemented"): Grape's 404
        return Reply.json(404, "{\"error\":\"404 Not Found\"}");
    }
  }

  final Map<String, Model> models = new LinkedHashMap<>();

  /** {@code find_model(user_project, params[:name])}: an exact name, else resource_not_found!. */
  private Model model(ObjectNode p) {
    Model m = models.get(p.path("name").asText(""));
    if (m == null) {
      throw notFound();
    }
    return m;
  }

  /**
   * POST registered-models/create (registered_models.rb, create_model_service.rb): the model and its experiment
   * {@code [model]<name>} in one transaction; tags as model metadata; every failure (a taken name, a taken
   * experiment name, an invalid name, duplicate or empty tag keys) answers 400 RESOURCE_ALREADY_EXISTS.
   */
  private Reply createModel(ObjectNode p) {
    String name = required(p, "name");
    String experimentName = "[model]" + name;
    List<String> keys = new ArrayList<>();
    p.path("tags").forEach(t -> keys.add(t.path("key").asText("")));
    boolean badTags = keys.contains("") || keys.stream().distinct().count() != keys.size();
    if (models.containsKey(name) || experiments.values().stream().anyMatch(e -> e.name.equals(experimentName))
        || !name.matches("[\\w\\-.+/@]+") || name.length() > 255 || badTags) {
      throw new Answer(Reply.json(400, "{\"error_code\":\"RESOURCE_ALREADY_EXISTS\"}"));
    }
    Model m = new Model();
    m.id = gitlab.ids.incrementAndGet();
    m.name = name;
    m.description = p.path("description").asText("");
    m.createdAt = now();
    m.updatedAt = m.createdAt;
    p.path("tags").forEach(t -> m.tags.put(t.path("key").asText(), t.path("value").asText()));
    m.experiment = newExperiment(experimentName);
    m.experiment.model = m;
    models.put(name, m);
    return ok(object().set("registered_model", modelJson(m)));
  }

  /** PATCH registered-models/update: only the description (UpdateModelService). */
  private Reply updateModel(ObjectNode p) {
    Model m = model(p);
    if (p.has("description")) {
      m.description = p.get("description").asText();
      m.updatedAt = now();
    }
    return ok(object().set("registered_model", modelJson(m)));
  }

  /**
   * DELETE registered-models/delete: Ml::DestroyModelService destroys the model, its versions, its experiment and
   * candidates, and marks the packages for destruction (destroy_model_service.rb); answers {}.
   */
  private Reply deleteModel(ObjectNode p) {
    Model m = model(p);
    for (ModelVersionEntry v : m.versions.values()) {
      packages.remove(Long.toString(v.id));
    }
    candidates.values().removeIf(c -> c.experiment == m.experiment);
    experiments.remove(m.experiment.iid);
    models.remove(m.name);
    return ok(object());
  }

  /**
   * GET registered-models/search: filter only as {@code name='x'} or {@code name="x"}, matched as a substring
   * (Ml::Model.by_name: LIKE %x%); any other key is INVALID_PARAMETER_VALUE; order_by default {@code name ASC};
   * keyset pages (registered_models.rb, app/finders/projects/ml/model_finder.rb).
   */
  private Reply searchModels(ObjectNode p) {
    List<Model> all = new ArrayList<>(models.values());
    String filter = p.path("filter").asText("");
    if (!filter.isEmpty()) {
      String[] kv = filter.split("=", 2);
      if (!kv[0].equals("name") || kv.length < 2) {
        throw new Answer(Reply.json(400, "{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"Invalid "
            + "attribute key specified. Valid keys are '{'name'}'\"}"));
      }
      String needle = kv[1].replaceAll("^[\"']|[\"']$", "");
      all.removeIf(m -> !m.name.contains(needle));
    }
    all.sort(order(p.path("order_by").asText("name ASC").toLowerCase(Locale.ROOT).replace("asc", "ASC")
        .replace("desc", "DESC"), Map.of("name", Comparator.comparing((Model m) -> m.name),
            "created_at", Comparator.comparingLong((Model m) -> m.createdAt))));
    return page(all, p, "registered_models", this::modelJson);
  }

  /** POST get-latest-versions: [the highest semver] (Ml::ModelVersion.latest_by_model; stages ignored). */
  private Reply latestVersion(ObjectNode p) {
    Model m = model(p);
    ArrayNode out = JSON.createArrayNode();
    m.versions.values().stream().max(Comparator.comparing((ModelVersionEntry v) -> releaseParts(v.semver)))
        .ifPresent(v -> out.add(versionJson(v)));
    return ok(object().set("model_versions", out));
  }

  private static String releaseParts(String semver) {
    String[] core = semver.split("[-+]", 2)[0].split("\\.");
    return String.format("%010d.%010d.%010d", Long.parseLong(core[0]), Long.parseLong(core[1]),
        Long.parseLong(core[2]));
  }

  /** Versions are looked up by their semver (by_project_id_name_and_version), else resource_not_found!. */
  private static ModelVersionEntry versionBySemver(Model m, String semver) {
    return m.versions.values().stream().filter(v -> v.semver.equals(semver)).findFirst()
        .orElseThrow(GitlabFakeProject::notFound);
  }

  /** {@code Gitlab::Regex.semver_regex}: semver.org's pattern, no "v", no leading zeros. */
  private static final Pattern SEMVER = Pattern.compile("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
      + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
      + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");

  /**
   * POST model-versions/create (model_versions.rb, create_model_version_service.rb): the version is the
   * {@code gitlab.version} tag, else the latest major + 1 (1.0.0 first); it must be a semver and unique per model;
   * all tags become version metadata; with {@code run_id} the candidate must exist, have no version and belong to
   * the model's experiment, and its package becomes the version's; without one a candidate is created in the
   * model's experiment. Service errors answer INVALID_PARAMETER_VALUE with {@code message} an array.
   */
  private Reply createVersion(ObjectNode p) {
    Model m = model(p);
    String semver = null;
    Map<String, String> tags = new LinkedHashMap<>();
    for (JsonNode t : p.path("tags")) {
      String key = t.path("key").asText("");
      if (key.isEmpty() || tags.containsKey(key)) {
        return invalid("Name can't be blank or is taken");
      }
      tags.put(key, t.path("value").asText(""));
      if (key.equals("gitlab.version")) {
        semver = t.path("value").asText("");
      }
    }
    if (semver == null) {
      semver = m.versions.values().stream().map(v -> releaseParts(v.semver)).max(Comparator.naturalOrder())
          .map(r -> (Long.parseLong(r.substring(0, 10)) + 1) + ".0.0").orElse("1.0.0");
    }
    if (!SEMVER.matcher(semver).matches()) {
      return invalid("Version must be semantic version");
    }
    String taken = semver;
    if (m.versions.values().stream().anyMatch(v -> v.semver.equals(taken))) {
      return invalid("Version has already been taken");
    }
    Candidate c = null;
    if (p.hasNonNull("run_id")) {
      c = candidates.get(p.get("run_id").asText());
      if (c == null) {
        return invalid("Run not found");
      }
      if (c.version != null) {
        return invalid("Run has already a model version");
      }
      if (c.experiment != m.experiment) {
        return invalid("Run's experiment does not belong to this model");
      }
    }
    ModelVersionEntry v = new ModelVersionEntry();
    v.id = gitlab.ids.incrementAndGet();
    v.model = m;
    v.semver = semver;
    v.description = p.path("description").asText("");
    v.createdAt = now();
    v.updatedAt = v.createdAt;
    v.tags.putAll(tags);
    if (c == null) {
      c = newCandidate(m.experiment, "leopard" + v.id, 0); // CreateCandidateService: a random FFaker name
    }
    Map<String, byte[]> files = packages.remove("candidate:" + c.iid); // the package is renamed to the version
    packages.put(Long.toString(v.id), files == null ? new TreeMap<>() : files);
    c.version = v;
    v.candidate = c;
    m.versions.put(v.id, v);
    return ok(object().set("model_version", versionJson(v)));
  }

  private static Reply invalid(String message) {
    return Reply.json(400, "{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":[\"" + message + "\"]}");
  }

  /**
   * PATCH model-versions/update: name, version (the semver) and description are all required
   * ({@code invalid_parameter!} without a message); an unknown version is UPDATE_FAILED.
   */
  private Reply updateVersion(ObjectNode p) {
    if (!p.hasNonNull("name") || !p.hasNonNull("version") || !p.hasNonNull("description")) {
      return Reply.json(400, "{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":null}");
    }
    Model m = models.get(p.get("name").asText());
    ModelVersionEntry v = m == null ? null : m.versions.values().stream()
        .filter(x -> x.semver.equals(p.get("version").asText())).findFirst().orElse(null);
    if (v == null) {
      return Reply.json(400, "{\"error_code\":\"UPDATE_FAILED\"}");
    }
    v.description = p.get("description").asText();
    v.updatedAt = now();
    return ok(object().set("model_version", versionJson(v)));
  }

  /**
   * GraphQL {@code mlModelVersionDelete} (DestroyModelVersionService): the version goes and its package is marked
   * for destruction; its candidate stays, unlinked (inference).
   */
  boolean deleteVersion(String versionId) {
    for (Model m : models.values()) {
      ModelVersionEntry v = m.versions.get(Long.parseLong(versionId));
      if (v != null) {
        m.versions.remove(v.id);
        packages.remove(Long.toString(v.id));
        v.candidate.version = null;
        return true;
      }
    }
    return false;
  }

  /**
   * lib/api/entities/ml/mlflow/registered_model.rb: timestamps in seconds; user_id a string; tags from metadata;
   * latest_versions = every version.
   */
  private ObjectNode modelJson(Model m) {
    ObjectNode o = object().put("name", m.name).put("creation_timestamp", m.createdAt / 1000)
        .put("last_updated_timestamp", m.updatedAt / 1000).put("description", m.description).put("user_id", "1");
    o.set("tags", keyValues(m.tags));
    o.set("latest_versions", array(m.versions.values(), this::versionJson));
    return o;
  }

  /**
   * lib/api/entities/ml/mlflow/model_version.rb: version = the id; seconds; user_id null; current_stage
   * "development"; source = the version's UI page; run_id = its candidate's eid; status READY; tags from metadata;
   * run_link ""; aliases = [semver].
   */
  private ObjectNode versionJson(ModelVersionEntry v) {
    ObjectNode o = object().put("name", v.model.name).put("version", Long.toString(v.id))
        .put("creation_timestamp", v.createdAt / 1000).put("last_updated_timestamp", v.updatedAt / 1000);
    o.putNull("user_id");
    o.put("current_stage", "development").put("description", v.description)
        .put("source", GitlabFake.EXTERNAL_URL + "/" + path + "/-/ml/models/" + v.model.id + "/versions/" + v.id)
        .put("run_id", v.candidate.eid).put("status", "READY").put("status_message", "");
    o.set("tags", keyValues(v.tags));
    o.put("run_link", "");
    o.putArray("aliases").add(v.semver);
    return o;
  }

  /**
   * {@code GET ml/mlflow/api/2.0/mlflow-artifacts/artifacts?path=<package>[/<sub>]} (lib/api/ml/mlflow_artifacts/
   * artifacts.rb): the package is a model version id or {@code candidate:<iid>}; a sub-path answers an empty list
   * ("404s would cause issues for MLflow"); an unknown package or one without files is 404 RESOURCE_DOES_NOT_EXIST.
   * Files are listed flat as {@code {"files":[{"path","file_size","is_dir":false}]}}, each path as GitLab stores it:
   * {@code URI.encode_uri_component(path/file_name)} (app/services/packages/ml_model/create_package_file_service.rb).
   */
  Reply mlflowArtifacts(String method, String rest, ObjectNode p) {
    if (!method.equals("GET") || !rest.equals("artifacts")) {
      return Reply.json(404, "{\"error\":\"404 Not Found\"}");
    }
    String[] parts = p.path("path").asText("").split("/", 2);
    if (parts.length > 1 && !parts[1].isEmpty()) {
      return ok(object().set("files", JSON.createArrayNode()));
    }
    Map<String, byte[]> files = packages.get(parts[0]);
    if (!packageExists(parts[0]) || files == null) {
      throw notFound();
    }
    ArrayNode out = JSON.createArrayNode();
    files.forEach((name, data) -> out.addObject().put("path", encodeUriComponent(name)).put("file_size", data.length)
        .put("is_dir", false));
    return ok(object().set("files", out));
  }

  /** Ruby's {@code URI.encode_uri_component}, as JavaScript's encodeURIComponent. */
  static String encodeUriComponent(String s) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (x & 0xff);
      if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "-_.!~*'()".indexOf(c) >= 0) {
        b.append(c);
      } else {
        b.append('%').append(String.format("%02X", x & 0xff));
      }
    }
    return b.toString();
  }

  Reply packagesApi(String method, String rest, ObjectNode p) {
    return Reply.json(404, "{\"error\":\"404 Not Found\"}");
  }

  // ---------------------------------------------------------------- experiments (lib/api/ml/mlflow/experiments.rb)

  /**
   * experiments.rb {@code experiment} helper: {@code find_experiment!} → {@code resource_not_found!} (404
   * RESOURCE_DOES_NOT_EXIST, api_helpers.rb).
   */
  private Experiment experimentByIid(String iid) {
    try {
      Experiment e = experiments.get(Integer.parseInt(iid));
      if (e != null) {
        return e;
      }
    } catch (NumberFormatException e) {
      // by_project_id_and_iid finds nothing
    }
    throw notFound();
  }

  private Experiment experimentByName(String name) {
    return experiments.values().stream().filter(e -> e.name.equals(name)).findFirst().orElseThrow(
        GitlabFakeProject::notFound);
  }

  /**
   * lib/api/entities/ml/mlflow/experiment.rb: experiment_id = iid as a string, lifecycle_stage "active" (GitLab
   * destroys deleted experiments), artifact_location "not_implemented", tags from the experiment's metadata.
   */
  private static ObjectNode experimentJson(Experiment e) {
    ObjectNode o = object().put("experiment_id", Integer.toString(e.iid)).put("name", e.name)
        .put("lifecycle_stage", "active").put("artifact_location", "not_implemented");
    o.set("tags", keyValues(e.tags));
    return o;
  }

  /**
   * POST experiments/search: {@code filter} "Ignored. Accepted for MLflow API compatibility."; order_by
   * {@code created_at} or {@code name} with ASC/DESC, default {@code created_at DESC}; max_results at most 1000,
   * default 200; keyset pagination with an opaque {@code page_token} (experiments.rb, reference §1 "Search").
   */
  private Reply searchExperiments(ObjectNode p) {
    Comparator<Experiment> order = order(p.path("order_by").asText("created_at DESC"),
        Map.of("created_at", Comparator.comparingLong((Experiment e) -> e.createdAt),
            "name", Comparator.comparing((Experiment e) -> e.name)));
    List<Experiment> all = new ArrayList<>(experiments.values());
    all.sort(order);
    return page(all, p, "experiments", GitlabFakeProject::experimentJson);
  }

  /**
   * POST experiments/create: a taken name is {@code ActiveRecord::RecordInvalid} → {@code resource_already_exists!}
   * (400 RESOURCE_ALREADY_EXISTS); tags inserted with {@code insert_all} (experiment_repository.rb).
   * {@code artifact_location} is "Ignored".
   */
  private Reply createExperiment(ObjectNode p) {
    String name = required(p, "name");
    if (experiments.values().stream().anyMatch(e -> e.name.equals(name))) {
      throw new Answer(Reply.json(400, "{\"error_code\":\"RESOURCE_ALREADY_EXISTS\"}"));
    }
    Experiment e = newExperiment(name);
    insertAll(e.tags, p.path("tags"));
    return ok(object().put("experiment_id", Integer.toString(e.iid)));
  }

  Experiment newExperiment(String name) {
    Experiment e = new Experiment();
    e.iid = ++experimentIids;
    e.name = name;
    e.createdAt = now();
    experiments.put(e.iid, e);
    return e;
  }

  /**
   * POST experiments/set-experiment-tag: {@code experiment.metadata.create!} (experiment_repository.rb). Metadata
   * names are unique per experiment (app/models/ml/experiment_metadata.rb validates uniqueness), so a second value
   * for a key raises {@code ActiveRecord::RecordInvalid}, which no handler of the route rescues: 500 (inference from
   * lib/api/api.rb's catch-all {@code rescue_from :all}).
   */
  private Reply setExperimentTag(ObjectNode p) {
    Experiment e = experimentByIid(required(p, "experiment_id"));
    String key = required(p, "key");
    if (e.tags.containsKey(key)) {
      return Reply.json(500, "{\"message\":\"500 Internal Server Error\"}");
    }
    e.tags.put(key, required(p, "value"));
    return ok(object());
  }

  /**
   * POST experiments/delete: {@code Ml::DestroyExperimentService} destroys it; an experiment owned by a model
   * cannot be deleted (app/models/ml/experiment.rb, reference §3 "Deletion guards"), answered with
   * {@code render_api_error!(message, 400)}.
   */
  private Reply deleteExperiment(ObjectNode p) {
    Experiment e = experimentByIid(required(p, "experiment_id"));
    if (e.model != null) {
      return Reply.json(400, "{\"message\":\"Cannot delete an experiment associated to a model\"}");
    }
    if (candidates.values().stream().anyMatch(c -> c.experiment == e && c.version != null)) {
      return Reply.json(400, "{\"message\":\"Cannot delete an experiment with candidates linked to a model\"}");
    }
    experiments.remove(e.iid);
    candidates.values().removeIf(c -> c.experiment == e);
    return ok(object());
  }

  // ---------------------------------------------------------------- runs (lib/api/ml/mlflow/runs.rb)

  /** runs.rb {@code candidate} helper: {@code find_candidate!(params[:run_id])} by eid, else 404. */
  private Candidate candidate(ObjectNode p) {
    Candidate c = candidates.get(required(p, "run_id"));
    if (c == null) {
      throw notFound();
    }
    return c;
  }

  /**
   * POST runs/create: experiment_id is an Integer param; {@code CandidateRepository#create!} stores start_time
   * (default 0), run_name as the name, and the tags with {@code insert_all}; user_id "This will be ignored". The
   * answer is GetRun.
   */
  private Reply createRun(ObjectNode p) {
    String expId = required(p, "experiment_id");
    if (!expId.matches("-?\\d+")) {
      throw new Answer(Reply.json(400, "{\"error\":\"experiment_id is invalid\"}"));
    }
    Experiment e = experimentByIid(expId);
    Candidate c = newCandidate(e, p.path("run_name").isMissingNode() ? null : p.path("run_name").asText(),
        p.path("start_time").asLong(0));
    insertAll(c.tags, p.path("tags"));
    return ok(object().set("run", runJson(c)));
  }

  Candidate newCandidate(Experiment e, String name, long startTime) {
    Candidate c = new Candidate();
    c.iid = ++candidateIids;
    c.eid = UUID.randomUUID().toString();
    c.experiment = e;
    c.name = name;
    c.startTime = startTime;
    c.createdAt = now();
    candidates.put(c.eid, c);
    return c;
  }

  /**
   * Entities::Ml::Mlflow::Run (lib/api/entities/ml/mlflow/run.rb): {@code info} as RunInfo and {@code data} with
   * every metric row of the candidate (not only the latest), params and metadata as tags.
   */
  ObjectNode runJson(Candidate c) {
    ObjectNode run = object();
    run.set("info", runInfo(c));
    ObjectNode data = run.putObject("data");
    ArrayNode metrics = data.putArray("metrics");
    c.metrics.forEach(metrics::add);
    data.set("params", keyValues(c.params));
    data.set("tags", keyValues(c.tags));
    return run;
  }

  /**
   * lib/api/entities/ml/mlflow/run_info.rb: run_id and run_uuid = eid; experiment_id = experiment iid as a string;
   * end_time and run_name left out when nil; status upper-case; lifecycle_stage always "active"; user_id a string;
   * artifact_uri built from GitLab's external URL: the version's package {@code .../ml_models/<version id>/files/}
   * for a version's candidate, else {@code .../ml_models/candidate:<iid>/files/}.
   */
  ObjectNode runInfo(Candidate c) {
    ObjectNode o = object().put("run_id", c.eid).put("run_uuid", c.eid)
        .put("experiment_id", Integer.toString(c.experiment.iid)).put("start_time", c.startTime);
    if (c.endTime != null) {
      o.put("end_time", c.endTime);
    }
    if (c.name != null) {
      o.put("run_name", c.name);
    }
    String pkg = c.version != null ? Long.toString(c.version.id) : "candidate:" + c.iid;
    return o.put("status", c.status)
        .put("artifact_uri", GitlabFake.EXTERNAL_URL + "/api/v4/projects/" + id + "/packages/ml_models/" + pkg + "/files/")
        .put("lifecycle_stage", "active").put("user_id", "1");
  }

  /**
   * POST runs/search: only {@code experiment_ids[0]} is read; no filter parameter; order_by {@code created_at},
   * {@code name} or {@code metrics.<key>} with ASC/DESC, default {@code created_at DESC}; max_results at most 1000
   * (runs.rb, Projects::Ml::CandidateFinder). Candidates without the ordering metric come last (inference).
   */
  private Reply searchRuns(ObjectNode p) {
    JsonNode ids = p.path("experiment_ids");
    if (!ids.isArray() || ids.isEmpty()) {
      throw new Answer(Reply.json(400, "{\"error\":\"experiment_ids is missing\"}"));
    }
    Experiment e = experimentByIid(ids.get(0).asText());
    String orderBy = p.path("order_by").asText("created_at DESC");
    String field = orderBy.trim().split("\\s+")[0];
    Map<String, Comparator<Candidate>> columns = new LinkedHashMap<>();
    columns.put("created_at", Comparator.comparingLong((Candidate c) -> c.createdAt));
    columns.put("name", Comparator.comparing((Candidate c) -> c.name == null ? "" : c.name));
    if (field.startsWith("metrics.")) {
      String key = field.substring("metrics.".length());
      columns.put(field, Comparator.comparing((Candidate c) -> latest(c, key),
          Comparator.nullsLast(Comparator.naturalOrder())));
    }
    List<Candidate> all = new ArrayList<>();
    candidates.values().stream().filter(c -> c.experiment == e).forEach(all::add);
    all.sort(order(orderBy, columns));
    return page(all, p, "runs", this::runJson);
  }

  private static Double latest(Candidate c, String key) {
    ObjectNode best = null;
    for (ObjectNode m : c.metrics) {
      if (m.path("key").asText().equals(key) && (best == null || m.path("step").asLong(0) >= best.path("step").asLong(0))) {
        best = m;
      }
    }
    return best == null ? null : best.path("value").asDouble();
  }

  /**
   * POST runs/update: status must be one of the candidate statuses (Grape {@code values:}, else 400 "status does
   * not have a valid value"); end_time set when given; answers UpdateRun {@code {"run_info": ...}}.
   */
  private Reply updateRun(ObjectNode p) {
    Candidate c = candidate(p);
    if (p.has("status")) {
      String status = p.get("status").asText();
      if (!STATUSES.contains(status)) {
        throw new Answer(Reply.json(400, "{\"error\":\"status does not have a valid value\"}"));
      }
      c.status = status;
    }
    if (p.has("end_time")) {
      c.endTime = p.get("end_time").asLong();
    }
    return ok(object().set("run_info", runInfo(c)));
  }

  /**
   * POST runs/log-batch: metrics, params and tags each inserted with {@code insert_all}
   * (candidate_repository.rb): every metric row is kept, a param or tag whose name the candidate already has is
   * skipped (unique index, Rails' default {@code ON CONFLICT DO NOTHING}), whatever its value. A metric value must
   * be a Float (Grape type), a key at most 250 characters and a tag value at most 5000
   * (app/models/ml/candidate_*.rb); a validation error blocks the whole batch ("Validation errors will block the
   * entire batch").
   */
  private Reply logBatch(ObjectNode p) {
    Candidate c = candidate(p);
    for (JsonNode m : p.path("metrics")) {
      if (m.path("key").asText("").length() > 250 || !m.path("value").isNumber() && !m.path("value").isTextual()) {
        throw new Answer(Reply.json(400, "{\"error\":\"metrics[value] is invalid\"}"));
      }
    }
    for (JsonNode kv : p.path("params")) {
      if (kv.path("key").asText("").length() > 250 || kv.path("value").asText("").length() > 250) {
        throw new Answer(Reply.json(400, "{\"message\":{\"value\":[\"is too long (maximum is 250 characters)\"]}}"));
      }
    }
    for (JsonNode kv : p.path("tags")) {
      if (kv.path("key").asText("").length() > 250 || kv.path("value").asText("").length() > 5000) {
        throw new Answer(Reply.json(400, "{\"message\":{\"value\":[\"is too long (maximum is 5000 characters)\"]}}"));
      }
    }
    for (JsonNode m : p.path("metrics")) {
      ObjectNode row = object().put("key", m.path("key").asText());
      JsonNode v = m.path("value");
      if (v.isTextual()) { // "NaN", "Infinity": Grape coerces to Float (inference)
        row.put("value", Double.parseDouble(v.asText()));
      } else {
        row.put("value", v.asDouble());
      }
      row.put("timestamp", m.path("timestamp").asLong());
      if (m.has("step")) {
        row.put("step", m.path("step").asLong());
      }
      c.metrics.add(row);
    }
    insertAll(c.params, p.path("params"));
    insertAll(c.tags, p.path("tags"));
    return ok(object());
  }

  /**
   * POST runs/delete: {@code Ml::DestroyCandidateService} destroys the candidate and its package; a candidate
   * linked to a model version cannot be deleted (reference §3 "Deletion guards"), {@code render_api_error!} 400.
   */
  private Reply deleteRun(ObjectNode p) {
    Candidate c = candidate(p);
    if (c.version != null) {
      return Reply.json(400, "{\"message\":\"Cannot delete a candidate associated to a model version\"}");
    }
    candidates.remove(c.eid);
    packages.remove("candidate:" + c.iid);
    return ok(object());
  }

  /**
   * GET metrics/get-history: run_id and metric_key required; max_results at most 1000, default 1000; keyset pages
   * with next_page_token (lib/api/ml/mlflow/metrics.rb); rows in insertion order (inference: the finder orders by
   * id).
   */
  private Reply metricHistory(ObjectNode p) {
    Candidate c = candidate(p);
    String key = required(p, "metric_key");
    List<ObjectNode> rows = new ArrayList<>();
    c.metrics.stream().filter(m -> m.path("key").asText().equals(key)).forEach(rows::add);
    ObjectNode q = p.deepCopy();
    if (!q.has("max_results")) {
      q.put("max_results", 1000);
    }
    return page(rows, q, "metrics", Function.identity());
  }

  // ---------------------------------------------------------------- package files (lib/api/ml_model_packages.rb)

  /**
   * {@code PUT|GET /projects/:id/packages/ml_models/:model_version_id/files/(*path/):file_name}: the package is
   * {@code candidate:<iid>} or a model version id (reference §2 "Package files API"). PUT stores a raw body and
   * answers 201; a file name outside {@code [A-Za-z0-9._\-+ ]+} is 400; a file over {@code ml_model_max_file_size}
   * is 400 "Artifact file is too large"; an unknown candidate or version is 404. GET streams the file or answers
   * 404 {@code {"message":"404 Not Found"}}.
   */
  Reply packageFile(String method, String rest, byte[] body) {
    int files = rest.indexOf("/files/");
    if (files < 0) {
      return Reply.json(404, "{\"error\":\"404 Not Found\"}");
    }
    String pkg = GitlabFake.decode(rest.substring(0, files));
    String file = GitlabFake.decode(rest.substring(files + "/files/".length()));
    if (!packageExists(pkg)) {
      return Reply.json(404, "{\"message\":\"404 Package Not Found\"}");
    }
    if (method.equals("PUT")) {
      for (String segment : file.split("/")) {
        if (!FILE_NAME.matcher(segment).matches()) {
          return Reply.json(400, "{\"message\":\"400 Bad request - file_name is invalid\"}");
        }
      }
      if (body.length > maxFileSize) {
        return Reply.json(400, "{\"message\":\"400 Bad request - Artifact file is too large\"}");
      }
      packages.computeIfAbsent(pkg, k -> new TreeMap<>()).put(file, body);
      return Reply.json(201, "{\"message\":\"201 Created\"}");
    }
    if (method.equals("GET")) {
      byte[] data = packages.getOrDefault(pkg, Map.of()).get(file);
      return data == null ? Reply.json(404, "{\"message\":\"404 Not Found\"}") : Reply.bytes(200, data);
    }
    return Reply.json(405, "{\"error\":\"405 Not Allowed\"}");
  }

  boolean packageExists(String pkg) {
    if (pkg.startsWith("candidate:")) {
      String iid = pkg.substring("candidate:".length());
      return candidates.values().stream().anyMatch(c -> Integer.toString(c.iid).equals(iid));
    }
    return models.values().stream().anyMatch(m -> m.versions.keySet().stream().anyMatch(
        id -> Long.toString(id).equals(pkg)));
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Keyset pagination as GitLab's {@code keyset_paginate(cursor:, per_page:)}: an opaque base64 cursor, and
   * {@code next_page_token} only when more records follow.
   */
  static <T> Reply page(List<T> sorted, ObjectNode p, String field, Function<T, ObjectNode> render) {
    int max = Math.min(1000, Math.max(1, p.path("max_results").asInt(200)));
    int from = 0;
    String token = p.path("page_token").asText("");
    if (!token.isEmpty()) {
      from = Integer.parseInt(new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8)
          .replaceAll("\\D", ""));
    }
    ObjectNode out = object();
    ArrayNode items = out.putArray(field);
    for (int i = from; i < Math.min(sorted.size(), from + max); i++) {
      items.add(render.apply(sorted.get(i)));
    }
    if (from + max < sorted.size()) {
      out.put("next_page_token", Base64.getEncoder().encodeToString(("{\"id\":" + (from + max) + "}")
          .getBytes(StandardCharsets.UTF_8)));
    }
    return ok(out);
  }

  /** {@code <column> [ASC|DESC]} with ASC as the default (runs.rb, experiments.rb order params). */
  static <T> Comparator<T> order(String orderBy, Map<String, Comparator<T>> columns) {
    String[] parts = orderBy.trim().split("\\s+");
    Comparator<T> c = columns.get(parts[0]);
    if (c == null) {
      throw new Answer(Reply.json(400, "{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"Invalid order_by "
          + parts[0] + "\"}"));
    }
    return parts.length > 1 && parts[1].toUpperCase(Locale.ROOT).equals("DESC") ? c.reversed() : c;
  }

  /** Rails {@code insert_all}: rows whose name exists already are skipped. */
  static void insertAll(Map<String, String> target, JsonNode keyValues) {
    for (JsonNode kv : keyValues) {
      target.putIfAbsent(kv.path("key").asText(), kv.path("value").asText());
    }
  }

  static ArrayNode keyValues(Map<String, String> values) {
    ArrayNode a = JSON.createArrayNode();
    values.forEach((k, v) -> a.addObject().put("key", k).put("value", v));
    return a;
  }

  static <T> ArrayNode array(Iterable<T> items, Function<T, ObjectNode> render) {
    ArrayNode a = JSON.createArrayNode();
    items.forEach(i -> a.add(render.apply(i)));
    return a;
  }

  /** Grape's {@code requires}: 400 {@code {"error":"<name> is missing"}}. */
  static String required(ObjectNode p, String name) {
    JsonNode v = p.get(name);
    if (v == null || v.isNull()) {
      throw new Answer(Reply.json(400, "{\"error\":\"" + name + " is missing\"}"));
    }
    return v.asText();
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** Every success is 200, never 201 (lib/api/ml/mlflow/entrypoint.rb). */
  static Reply ok(JsonNode body) {
    return Reply.json(200, body);
  }

  /** {@code resource_not_found!}: 404 with RESOURCE_DOES_NOT_EXIST (api_helpers.rb). */
  static Answer notFound() {
    return new Answer(Reply.json(404, "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\"}"));
  }
}
