package io.mlops.gitlab.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.core.Candidate;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.MlopsException;
import io.mlops.core.MlopsServiceException;
import io.mlops.core.Model;
import io.mlops.core.ModelQuery;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewModelVersion;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.Page;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.TransportException;
import io.mlops.core.ValidationException;
import io.mlops.core.internal.ArtifactWalk;
import io.mlops.core.internal.CandidateCopy;
import io.mlops.core.internal.VersionNumbers;
import io.mlops.mlflow.internal.MlflowHttp;
import io.mlops.mlflow.internal.MlflowHttp.Retry;
import io.mlops.mlflow.internal.MlflowJson;
import io.mlops.mlflow.internal.MlflowRegistryStore;
import io.mlops.core.internal.search.ModelFilter;
import io.mlops.core.internal.search.ModelOrdering;
import io.mlops.core.internal.search.PageTokens;
import io.mlops.core.spi.Capabilities;
import io.mlops.core.spi.RegistryStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GitLab's model registry through its MLflow layer ({@code registered_models.rb}, {@code model_versions.rb}; facts
 * and sources in {@code shared/reference/gitlab-mlops.md} §1 and §3, and {@code docs/gitlab.md}).
 *
 * <ul>
 *   <li>A version's {@link ModelVersion#version()} is GitLab's internal id, as GitLab answers; the semantic version
 *       is sent as the {@code gitlab.version} tag (GitLab then enforces it: semver, unique per model) and read back
 *       from the answer's {@code aliases[0]}. GitLab looks versions up by semver, so reads go through the model's
 *       {@code latest_versions}, which lists every version with its id.
 *   <li>Promotion: GitLab links a version only to a candidate of the model's own experiment {@code [model]<name>}.
 *       A candidate logged there is linked as it is ({@code run_id}). Any other candidate is copied: GitLab creates
 *       the version with a candidate of its own, and its params, full metric histories, tags and the files under the
 *       version's source path are copied into it, tagged {@value ModelVersion#PROMOTED_FROM_TAG}; a copy that fails
 *       deletes the version again. The version's candidate is what {@link ModelVersion#candidateId()} names, so
 *       downloads read the version's own package.
 *   <li>Deleting a version uses GitLab's GraphQL mutation {@code mlModelVersionDelete} (the MLflow layer has no
 *       delete); model searches are evaluated here (GitLab's search takes a name substring only).
 *   <li>Not supported by GitLab, refused with {@link OperationNotSupportedException} before any request: renaming
 *       models, changing tags after creation, named aliases.
 * </ul>
 */
final class GitlabRegistryStore implements RegistryStore {
  private static final Logger LOG = LoggerFactory.getLogger(GitlabRegistryStore.class);
  private static final String API = "api/2.0/mlflow/";
  private static final String NAME = GitlabCapabilities.NAME;
  /** GitLab's semantic-version tag on {@code model-versions/create} (reference §1 "Special tags"). */
  static final String GITLAB_VERSION_TAG = "gitlab.version";
  /** The source a version was registered with; GitLab answers its own UI address as {@code source}. */
  static final String SOURCE_TAG = "mlops.source";
  /** Every model owns the experiment {@code [model]<name>} (app/models/ml/model.rb EXPERIMENT_NAME_PREFIX). */
  static final String MODEL_EXPERIMENT_PREFIX = "[model]";
  /**
   * Model names: GitLab's {@code package_name_regex} (app/models/ml/model.rb, lib/gitlab/regex.rb), at most 255
   * characters; no spaces.
   */
  private static final Pattern MODEL_NAME = Pattern.compile(
      "@?(([\\w\\-.+]*)/)*([\\w\\-.]+)@?(([\\w\\-.+]*)/)*([\\w\\-.]*)");
  private static final MediaType JSON = MediaType.get("application/json");

  private final MlflowHttp http;
  private final GitlabRestStore tracking;
  private final GitlabArtifactStore artifacts;
  private final Capabilities capabilities;
  private final ArtifactWalk walk;

  GitlabRegistryStore(MlflowHttp http, GitlabRestStore tracking, GitlabArtifactStore artifacts,
      Capabilities capabilities, ArtifactWalk walk) {
    this.http = http;
    this.tracking = tracking;
    this.artifacts = artifacts;
    this.capabilities = capabilities;
    this.walk = walk;
  }

  private JsonNode get(String rpc, Map<String, String> query) {
    return GitlabAnswers.check(http.get(API + rpc, query), "GET " + rpc);
  }

  // ---------------------------------------------------------------- models

  /**
   * {@code registered-models/create} answers RESOURCE_ALREADY_EXISTS for every failure (a taken name, an experiment
   * named {@code [model]<name>}, an invalid name or tag), so the name is checked here first and an "already exists"
   * is confirmed before it is reported as one.
   */
  @Override
  public Model createModel(String name, Optional<String> description, Map<String, String> tags) {
    if (name.length() > 255 || !MODEL_NAME.matcher(name).matches()) {
      throw new ValidationException(name, "gitlab-model-name", "Model name '" + name + "' is not allowed by "
          + NAME + ": use letters, digits, '_', '-', '.', '+', '/' or '@', no spaces, at most 255 characters");
    }
    ObjectNode body = MlflowHttp.object().put("name", name);
    description.ifPresent(d -> body.put("description", d));
    if (!tags.isEmpty()) {
      body.set("tags", MlflowJson.tags(tags));
    }
    try {
      // UNSAFE: a second attempt after a lost answer would report our own model as taken
      return model(GitlabAnswers.check(http.post(API + "registered-models/create", body, Retry.UNSAFE),
          "POST registered-models/create").path("registered_model"));
    } catch (ResourceAlreadyExistsException e) {
      if (findModel(name).isPresent()) {
        throw e;
      }
      if (tracking.findExperimentByName(MODEL_EXPERIMENT_PREFIX + name).isPresent()) {
        throw new ResourceAlreadyExistsException(e.errorCode(), "An experiment named '" + MODEL_EXPERIMENT_PREFIX
            + name + "' exists in the project; " + NAME + " needs that name for model '" + name + "'", e);
      }
      throw new InvalidParameterException("INVALID_PARAMETER_VALUE", NAME + " refused model '" + name
          + "' (its tags, or a rule of the instance): " + e.serviceMessage(), e);
    }
  }

  @Override
  public Optional<Model> findModel(String name) {
    try {
      return Optional.of(model(getModelJson(name)));
    } catch (ResourceNotFoundException e) {
      if ("RESOURCE_DOES_NOT_EXIST".equals(e.errorCode())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** {@code registered-models/get}: the model with every version in {@code latest_versions}. */
  private JsonNode getModelJson(String name) {
    return get("registered-models/get", Map.of("name", name)).path("registered_model");
  }

  /**
   * GitLab's search takes {@code name='x'} only and matches it as a substring; the SDK reads every model of the
   * project (pages of 1000) and applies MLflow's filter and order itself.
   */
  @Override
  public Page<Model> searchModels(ModelQuery query) {
    Predicate<Model> filter = ModelFilter.parse(query.filter().orElse(null));
    Comparator<Model> order = ModelOrdering.parse(query.orderBy());
    List<Model> all = new ArrayList<>();
    Optional<String> token = Optional.empty();
    do {
      Map<String, String> q = new LinkedHashMap<>();
      q.put("max_results", "1000");
      token.ifPresent(t -> q.put("page_token", t));
      JsonNode answer = get("registered-models/search", q);
      for (JsonNode m : answer.path("registered_models")) {
        Model model = model(m);
        if (filter.test(model)) {
          all.add(model);
        }
      }
      token = MlflowJson.nextPageToken(answer);
    } while (token.isPresent());
    all.sort(order);
    return PageTokens.page(all, query.maxResults(), query.pageToken());
  }

  @Override
  public Model updateModelDescription(String name, String description) {
    return model(GitlabAnswers.check(http.patch(API + "registered-models/update", MlflowHttp.object().put("name", name)
        .put("description", description), Retry.SAFE), "PATCH registered-models/update").path("registered_model"));
  }

  @Override
  public Model renameModel(String name, String newName) {
    throw new OperationNotSupportedException(NAME, "renameModel"); // registered_models.rb has no rename
  }

  @Override
  public void deleteModel(String name) {
    // DELETE registered-models/delete marks the model's packages for destruction (destroy_model_service.rb)
    GitlabAnswers.check(http.delete(API + "registered-models/delete", MlflowHttp.object().put("name", name),
        Retry.UNSAFE), "DELETE registered-models/delete");
  }

  @Override
  public void setModelTag(String name, String key, String value) {
    throw new OperationNotSupportedException(NAME, "setModelTag"); // no registered-models/set-tag
  }

  @Override
  public void deleteModelTag(String name, String key) {
    throw new OperationNotSupportedException(NAME, "deleteModelTag"); // no registered-models/delete-tag
  }

  // ---------------------------------------------------------------- versions

  @Override
  public ModelVersion createModelVersion(NewModelVersion version) {
    String name = version.modelName();
    String semver = version.tags().get(ModelVersion.SEMVER_TAG);
    versions(name); // ResourceNotFoundException for an unknown model, before anything is copied
    Candidate source = version.candidateId().map(tracking::getCandidate).orElse(null);
    boolean inModelExperiment = source != null && tracking.findExperimentByName(MODEL_EXPERIMENT_PREFIX + name)
        .map(e -> e.id().equals(source.info().experimentId())).orElse(false);
    Map<String, String> tags = new LinkedHashMap<>(version.tags());
    if (semver != null) {
      tags.put(GITLAB_VERSION_TAG, semver);
    }
    if (version.source().length() <= GitlabCapabilities.MAX_TAG_VALUE) {
      tags.put(SOURCE_TAG, version.source());
    }
    if (source != null && !inModelExperiment) {
      tags.put(ModelVersion.PROMOTED_FROM_TAG, source.id());
    }
    ObjectNode body = MlflowHttp.object().put("name", name);
    body.set("tags", MlflowJson.tags(tags));
    version.description().ifPresent(d -> body.put("description", d));
    if (inModelExperiment) {
      body.put("run_id", source.id()); // promotes the candidate itself (model_versions.rb, MR 182777)
    }
    ModelVersion created;
    try {
      // UNSAFE: a retry after a lost answer would fail with "Version has already been taken"
      created = modelVersion(GitlabAnswers.check(http.post(API + "model-versions/create", body, Retry.UNSAFE),
          "POST model-versions/create").path("model_version"));
    } catch (InvalidParameterException e) {
      if (e.getMessage().contains("already been taken")) { // ModelVersion validates uniqueness per model
        throw new ResourceAlreadyExistsException("RESOURCE_ALREADY_EXISTS", "Version " + semver + " of model '"
            + name + "' already exists: " + e.serviceMessage(), e);
      }
      throw e;
    }
    if (inModelExperiment) {
      artifacts.rootMoved(source.id()); // its package is the version's now
    }
    if (source != null && !created.candidateId().map(source.id()::equals).orElse(false)) {
      // GitLab gave the version a candidate of its own (the source lives in another experiment, or this GitLab
      // ignores run_id): copy the source into it
      try {
        copy(source, created.candidateId().orElseThrow(() -> new TransportException(NAME
            + " answered a model version without run_id", null)), version.source());
      } catch (RuntimeException e) {
        deleteOwnVersion(created, e);
        throw e;
      }
    }
    return created;
  }

  /**
   * Copies a candidate into a version's candidate with the SDK's one copy mechanism ({@link CandidateCopy}):
   * params, tags (plus {@value ModelVersion#PROMOTED_FROM_TAG}), every metric's full history, the files under the
   * version's source (relative to the candidate's artifact root), then its status and end time.
   */
  private void copy(Candidate from, String to, String versionSource) {
    String root = from.info().artifactUri().replaceAll("/+$", "");
    String path = versionSource.startsWith(root + "/")
        ? versionSource.substring(root.length()).replaceAll("^/+", "").replaceAll("/+$", "") : "";
    Map<String, String> tags = new LinkedHashMap<>(from.data().tags());
    tags.put(ModelVersion.PROMOTED_FROM_TAG, from.id());
    CandidateCopy.Side here = CandidateCopy.Side.of(tracking, artifacts, capabilities);
    CandidateCopy.Tally tally = new CandidateCopy.Tally();
    new CandidateCopy(here, here, walk).copy(from, tracking.getCandidate(to).info(), null, tags, Optional.empty(),
        path, tally);
    if (!tally.conflicts.isEmpty()) {
      LOG.warn("Copying candidate {} into {}'s version candidate {} left out: {}", from.id(), NAME, to,
          String.join("; ", tally.conflicts));
    }
    LOG.info("Copied candidate {} into {}'s version candidate {}: {} params, {} tags, {} metric points, {} files",
        from.id(), NAME, to, tally.paramsLogged, tally.tagsSet, tally.metricPointsSent, tally.artifactFilesUploaded);
  }

  /** Removes a version whose promotion failed, best effort; the failure stays the one reported. */
  private void deleteOwnVersion(ModelVersion own, RuntimeException cause) {
    try {
      graphqlDeleteVersion(own.version());
    } catch (MlopsException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public ModelVersion getModelVersion(String name, String version) {
    return versions(name).stream().filter(v -> v.version().equals(version)).findFirst()
        .orElseThrow(() -> new ResourceNotFoundException("Model '" + name + "' has no version with id " + version));
  }

  /**
   * A version's files are its package, which GitLab keeps as the artifacts of the version's own candidate (the copy
   * made at promotion, or the candidate of the model's experiment that was promoted), under the same path as in the
   * promoted candidate ({@value ModelVersion#ARTIFACT_PATH_TAG}; all of them for a version without that tag, such as
   * one made in GitLab's UI). GitLab's own {@code get-download-uri} answers {@code mlflow-artifacts:/<id>}, the whole
   * package, and the version's {@code source} names the promoted candidate, not the copy: so this answers
   * {@code runs:/<version's candidate>/<path>}.
   */
  @Override
  public String downloadUri(String name, String version) {
    ModelVersion v = getModelVersion(name, version);
    String path = v.tags().getOrDefault(ModelVersion.ARTIFACT_PATH_TAG, "");
    return v.candidateId().map(run -> "runs:/" + run + (path.isEmpty() ? "" : "/" + path)).orElse(v.source());
  }

  /** Every version, by id, from the model's {@code latest_versions} (registered_model.rb lists all of them). */
  @Override
  public Page<ModelVersion> listModelVersions(String name, Optional<String> pageToken) {
    if (pageToken.isPresent()) {
      return Page.of(List.of(), Optional.empty());
    }
    return Page.of(versions(name), Optional.empty());
  }

  private List<ModelVersion> versions(String name) {
    List<ModelVersion> out = new ArrayList<>();
    for (JsonNode v : getModelJson(name).path("latest_versions")) {
      if (v.isObject()) {
        out.add(modelVersion(v));
      }
    }
    out.sort(Comparator.comparing(ModelVersion::version, VersionNumbers.ORDER));
    return out;
  }

  /** {@code PATCH model-versions/update} looks the version up by its semver, not by its id. */
  @Override
  public ModelVersion updateModelVersionDescription(String name, String version, String description) {
    String semver = semverOf(getModelVersion(name, version));
    JsonNode answer = GitlabAnswers.check(http.patch(API + "model-versions/update", MlflowHttp.object()
        .put("name", name).put("version", semver).put("description", description), Retry.SAFE),
        "PATCH model-versions/update");
    return modelVersion(answer.path("model_version"));
  }

  private static String semverOf(ModelVersion v) {
    return v.tags().getOrDefault(GITLAB_VERSION_TAG, v.semver().orElseThrow(() -> new InvalidParameterException(
        "Version " + v.version() + " of model '" + v.modelName() + "' has no semantic version")));
  }

  @Override
  public void deleteModelVersion(String name, String version) {
    getModelVersion(name, version); // not found as on every backend, before the mutation is sent
    graphqlDeleteVersion(version);
  }

  /**
   * {@code mutation { mlModelVersionDelete(input: {id: "gid://gitlab/Ml::ModelVersion/<id>"}) { errors } }} on
   * {@code <gitlab>/api/graphql} (app/graphql/mutations/ml/model_versions/delete.rb; reference §3 "GraphQL"). The
   * MLflow layer has no version delete.
   */
  void graphqlDeleteVersion(String id) {
    HttpUrl base = http.base();
    String prefix = base.encodedPath();
    int api = prefix.indexOf("/api/v4/");
    HttpUrl url = base.newBuilder().encodedPath((api < 0 ? "" : prefix.substring(0, api)) + "/api/graphql")
        .query(null).build();
    ObjectNode body = MlflowHttp.object().put("query",
        "mutation($id: MlModelVersionID!) { mlModelVersionDelete(input: {id: $id}) { errors } }");
    body.putObject("variables").put("id", "gid://gitlab/Ml::ModelVersion/" + id);
    JsonNode answer = http.execute(new Request.Builder().url(url).post(RequestBody.create(body.toString(), JSON))
        .build(), Retry.UNSAFE);
    List<String> errors = new ArrayList<>();
    answer.path("errors").forEach(e -> errors.add(e.path("message").asText(e.toString())));
    answer.path("data").path("mlModelVersionDelete").path("errors").forEach(e -> errors.add(e.asText()));
    if (!errors.isEmpty()) {
      // GraphQL answers errors with 200: there is no HTTP status to report
      throw new MlopsServiceException("GRAPHQL_ERROR", NAME + " did not delete model version " + id + ": "
          + String.join("; ", errors));
    }
  }

  @Override
  public void setModelVersionTag(String name, String version, String key, String value) {
    throw new OperationNotSupportedException(NAME, "setModelVersionTag"); // no model-versions/set-tag
  }

  @Override
  public void deleteModelVersionTag(String name, String version, String key) {
    throw new OperationNotSupportedException(NAME, "deleteModelVersionTag");
  }

  // ---------------------------------------------------------------- aliases: GitLab's only aliases are semvers

  @Override
  public void setAlias(String name, String alias, String version) {
    throw new OperationNotSupportedException(NAME, "setAlias");
  }

  @Override
  public void deleteAlias(String name, String alias) {
    throw new OperationNotSupportedException(NAME, "deleteAlias");
  }

  @Override
  public ModelVersion getModelVersionByAlias(String name, String alias) {
    throw new OperationNotSupportedException(NAME, "getModelVersionByAlias");
  }

  // ---------------------------------------------------------------- JSON

  /**
   * lib/api/entities/ml/mlflow/registered_model.rb: MLflow's RegisteredModel fields with the timestamps in seconds;
   * {@code latest_versions} lists every version; no aliases.
   */
  static Model model(JsonNode m) {
    Model parsed = MlflowRegistryStore.model(m);
    return Model.builder().from(parsed).creationTime(millis(parsed.creationTime()))
        .lastUpdateTime(millis(parsed.lastUpdateTime())).build();
  }

  /**
   * lib/api/entities/ml/mlflow/model_version.rb: MLflow's ModelVersion fields, but version = the internal id;
   * timestamps in seconds; source = the version's page in GitLab's UI (the registered source is kept in
   * {@value #SOURCE_TAG}); run_id = the version's candidate; aliases = [semver], which fills
   * {@value ModelVersion#SEMVER_TAG} when the version was made without it (in GitLab's UI) and is no named alias.
   */
  static ModelVersion modelVersion(JsonNode v) {
    ModelVersion parsed = MlflowRegistryStore.modelVersion(v);
    Map<String, String> tags = new LinkedHashMap<>(parsed.tags());
    parsed.aliases().stream().findFirst().ifPresent(semver -> tags.putIfAbsent(ModelVersion.SEMVER_TAG, semver));
    return ModelVersion.builder().from(parsed)
        .creationTime(millis(parsed.creationTime()))
        .lastUpdateTime(millis(parsed.lastUpdateTime()))
        .source(tags.getOrDefault(SOURCE_TAG, parsed.source()))
        .tags(tags)
        .aliases(List.of())
        .build();
  }

  /** GitLab renders registry timestamps in seconds ({@code created_at.to_i}); a value already in milliseconds stays. */
  static long millis(long value) {
    return value > 0 && value < 100_000_000_000L ? value * 1000 : value;
  }
}
