package io.mlops.mlflow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.MlopsException;
import io.mlops.core.Model;
import io.mlops.core.ModelQuery;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewModelVersion;
import io.mlops.core.Page;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.mlflow.internal.MlflowHttp.Retry;
import io.mlops.core.internal.VersionNumbers;
import io.mlops.core.spi.RegistryStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * Registered models, their versions, tags and aliases over MLflow's model-registry REST API (protocol notes §1,
 * "Model registry"): updates are PATCH, deletes are DELETE with a JSON body, searches are GET with query
 * parameters ({@code order_by} repeated). Errors are mapped on {@code error_code} by {@link MlflowHttp}.
 *
 * <p>Retry policy, per call: reads, tag and alias writes, description updates and tag or alias removals are
 * idempotent on the server (a second identical request leaves the same state; MLflow answers {@code {}} when the
 * tag or alias to remove is already gone), so they are {@link Retry#SAFE}. Creates, renames and deletes of models
 * and versions are {@link Retry#UNSAFE}: a retry after a lost answer would create a second version, or fail with
 * "already exists" / "does not exist" for a request that in fact succeeded.
 *
 * <p>Semantic versions are unique per model even under concurrent promotion; see
 * {@link #createModelVersion(NewModelVersion)}.
 */
public final class MlflowRegistryStore implements RegistryStore {
  private static final String API = "api/2.0/mlflow/";
  /** MLflow's largest page for {@code registered-models/search}; 1001 is refused with INVALID_PARAMETER_VALUE. */
  static final int MAX_MODELS_PER_PAGE = 1000;
  /**
   * Page size for {@code model-versions/search}. The server accepts up to 200 000, but a bounded page keeps
   * answers small and still needs only one request for nearly every model.
   */
  static final int VERSIONS_PER_PAGE = 1000;
  /** Versions listed in MLflow's number order; a server that ignores it is still sorted within each page. */
  private static final String VERSION_ORDER = "version_number ASC";

  private final MlflowHttp http;

  /** A store over a transport. */
  public MlflowRegistryStore(MlflowHttp http) {
    this.http = http;
  }

  // ---------------------------------------------------------------- models

  @Override
  public Model createModel(String name, Optional<String> description, Map<String, String> tags) {
    ObjectNode body = MlflowHttp.object().put("name", name);
    if (!tags.isEmpty()) {
      body.set("tags", MlflowJson.tags(tags));
    }
    description.ifPresent(d -> body.put("description", d));
    // UNSAFE: after a lost answer a second attempt would report RESOURCE_ALREADY_EXISTS for our own model
    return model(http.post(API + "registered-models/create", body, Retry.UNSAFE).path("registered_model"));
  }

  @Override
  public Optional<Model> findModel(String name) {
    try {
      return Optional.of(getModel(name));
    } catch (ResourceNotFoundException e) {
      if ("RESOURCE_DOES_NOT_EXIST".equals(e.errorCode())) {
        return Optional.empty();
      }
      throw e; // ENDPOINT_NOT_FOUND and the like: a wrong URL or a server without a registry, not a missing model
    }
  }

  private Model getModel(String name) {
    return model(http.get(API + "registered-models/get", Map.of("name", name)).path("registered_model"));
  }

  @Override
  public Page<Model> searchModels(ModelQuery query) {
    HttpUrl.Builder url = http.url(API + "registered-models/search");
    // The server refuses more than 1000 per page; a larger request is served as several pages instead.
    url.addQueryParameter("max_results", Integer.toString(Math.min(query.maxResults(), MAX_MODELS_PER_PAGE)));
    query.filter().filter(f -> !f.trim().isEmpty()).ifPresent(f -> url.addQueryParameter("filter", f));
    query.orderBy().forEach(o -> url.addQueryParameter("order_by", o)); // a repeated field is a repeated parameter
    query.pageToken().ifPresent(t -> url.addQueryParameter("page_token", t));
    JsonNode answer = http.execute(new Request.Builder().url(url.build()).get().build(), Retry.SAFE);
    return MlflowJson.page(answer, "registered_models", MlflowRegistryStore::model);
  }

  @Override
  public Model updateModelDescription(String name, String description) {
    // PATCH; setting the same description twice gives the same state
    return model(http.patch(API + "registered-models/update", MlflowHttp.object().put("name", name)
        .put("description", description), Retry.SAFE).path("registered_model"));
  }

  @Override
  public Model renameModel(String name, String newName) {
    // UNSAFE: a repeated rename answers RESOURCE_DOES_NOT_EXIST, as the old name is gone
    return model(http.post(API + "registered-models/rename", MlflowHttp.object().put("name", name)
        .put("new_name", newName), Retry.UNSAFE).path("registered_model"));
  }

  @Override
  public void deleteModel(String name) {
    http.delete(API + "registered-models/delete", MlflowHttp.object().put("name", name), Retry.UNSAFE);
  }

  @Override
  public void setModelTag(String name, String key, String value) {
    http.post(API + "registered-models/set-tag", MlflowHttp.object().put("name", name).put("key", key)
        .put("value", value), Retry.SAFE);
  }

  @Override
  public void deleteModelTag(String name, String key) {
    // SAFE: the server answers {} when the tag is already gone
    http.delete(API + "registered-models/delete-tag", MlflowHttp.object().put("name", name).put("key", key),
        Retry.SAFE);
  }

  // ---------------------------------------------------------------- versions

  /**
   * Creates a version, its tags in the create request itself so that it is never visible without its semver.
   * MLflow's SQL store numbers it {@code max + 1} inside the inserting transaction, which the SDK's uniqueness
   * check relies on ({@link RegistryStore#createModelVersion}).
   */
  @Override
  public ModelVersion createModelVersion(NewModelVersion version) {
    ObjectNode body = MlflowHttp.object().put("name", version.modelName()).put("source", version.source());
    version.candidateId().ifPresent(id -> body.put("run_id", id));
    if (!version.tags().isEmpty()) {
      body.set("tags", MlflowJson.tags(version.tags()));
    }
    version.description().ifPresent(d -> body.put("description", d));
    return modelVersion(http.post(API + "model-versions/create", body, Retry.UNSAFE).path("model_version"));
  }

  @Override
  public ModelVersion getModelVersion(String name, String version) {
    return modelVersion(http.get(API + "model-versions/get", Map.of("name", name, "version", version))
        .path("model_version"));
  }

  /** {@code GET model-versions/get-download-uri}: the version's storage location ({@code artifact_uri}). */
  @Override
  public String downloadUri(String name, String version) {
    return http.get(API + "model-versions/get-download-uri", Map.of("name", name, "version", version))
        .path("artifact_uri").asText("");
  }

  /**
   * One page of the model's versions in ascending version number. {@code model-versions/search} does not return
   * aliases, and answers an unknown model with an empty list (both observed on MLflow 3.17), so the model is read
   * too: for the aliases of the versions on the page, and on the first page to report a missing model as
   * {@link ResourceNotFoundException}. Later empty pages ask nothing more.
   */
  @Override
  public Page<ModelVersion> listModelVersions(String name, Optional<String> pageToken) {
    Page<ModelVersion> page = searchVersions(nameClause(name), pageToken);
    List<ModelVersion> items = new ArrayList<>();
    for (ModelVersion v : page.items()) {
      if (v.modelName().equals(name)) { // a LIKE fallback for the name may match other models
        items.add(v);
      }
    }
    items.sort(Comparator.comparing(ModelVersion::version, VersionNumbers.ORDER));
    if (!items.isEmpty() || !pageToken.isPresent()) {
      Map<String, List<String>> aliases = aliasesByVersion(getModel(name)); // not found if the model is not
      items.replaceAll(v -> v.aliases().isEmpty() && aliases.containsKey(v.version())
          ? ModelVersion.builder().from(v).aliases(aliases.get(v.version())).build() : v);
    }
    return Page.of(items, page.nextPageToken());
  }

  private static Map<String, List<String>> aliasesByVersion(Model model) {
    Map<String, List<String>> out = new HashMap<>();
    model.aliases().forEach((alias, v) -> out.computeIfAbsent(v, k -> new ArrayList<>()).add(alias));
    return out;
  }

  private Page<ModelVersion> searchVersions(String filter, Optional<String> pageToken) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("filter", filter);
    q.put("max_results", Integer.toString(VERSIONS_PER_PAGE));
    q.put("order_by", VERSION_ORDER);
    pageToken.ifPresent(t -> q.put("page_token", t));
    JsonNode answer = http.get(API + "model-versions/search", q);
    return MlflowJson.page(answer, "model_versions", MlflowRegistryStore::modelVersion);
  }

  @Override
  public ModelVersion updateModelVersionDescription(String name, String version, String description) {
    return modelVersion(http.patch(API + "model-versions/update", MlflowHttp.object().put("name", name)
        .put("version", version).put("description", description), Retry.SAFE).path("model_version"));
  }

  @Override
  public void deleteModelVersion(String name, String version) {
    // UNSAFE: a repeated delete answers RESOURCE_DOES_NOT_EXIST for a delete that succeeded
    http.delete(API + "model-versions/delete", MlflowHttp.object().put("name", name).put("version", version),
        Retry.UNSAFE);
  }

  @Override
  public void setModelVersionTag(String name, String version, String key, String value) {
    http.post(API + "model-versions/set-tag", MlflowHttp.object().put("name", name).put("version", version)
        .put("key", key).put("value", value), Retry.SAFE);
  }

  @Override
  public void deleteModelVersionTag(String name, String version, String key) {
    http.delete(API + "model-versions/delete-tag", MlflowHttp.object().put("name", name).put("version", version)
        .put("key", key), Retry.SAFE);
  }

  // ---------------------------------------------------------------- aliases

  @Override
  public void setAlias(String name, String alias, String version) {
    // SAFE: pointing an alias at the same version again changes nothing
    http.post(API + "registered-models/alias", MlflowHttp.object().put("name", name).put("alias", alias)
        .put("version", version), Retry.SAFE);
  }

  @Override
  public void deleteAlias(String name, String alias) {
    // SAFE: the server answers {} for an alias that does not exist
    http.delete(API + "registered-models/alias", MlflowHttp.object().put("name", name).put("alias", alias),
        Retry.SAFE);
  }

  /**
   * The version an alias points at.
   *
   * @throws ResourceNotFoundException when the model or the alias does not exist. MLflow 3.x answers an unknown
   *     alias of an existing model with INVALID_PARAMETER_VALUE/400 ("Registered model alias x not found"); that
   *     answer is confirmed against the model's aliases before it is reported as not found, so a genuinely
   *     invalid request keeps its own error.
   */
  @Override
  public ModelVersion getModelVersionByAlias(String name, String alias) {
    try {
      return modelVersion(http.get(API + "registered-models/alias", Map.of("name", name, "alias", alias))
          .path("model_version"));
    } catch (InvalidParameterException e) {
      if (!getModel(name).aliases().containsKey(alias)) { // throws ResourceNotFoundException for a missing model
        throw new ResourceNotFoundException("RESOURCE_DOES_NOT_EXIST", e.serviceMessage(), e);
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- filters

  /**
   * A filter clause matching one model name exactly where MLflow's filter syntax allows it. MLflow strips the
   * first and last character of a string literal and knows no escapes, so a name containing {@code '} is quoted
   * with {@code "}; a name containing both quote characters cannot be written as a literal and is matched with
   * {@code LIKE}, each quote replaced by the one-character wildcard {@code _}. Callers re-check the name of
   * every result, since the LIKE form may match more (model names cannot contain {@code %}).
   */
  static String nameClause(String name) {
    return equalsClause("name", name);
  }

  /** {@code <field> = <literal>}, or the {@code LIKE} fallback of {@link #nameClause} for a value with both quotes. */
  static String equalsClause(String field, String value) {
    String literal = literal(value);
    if (literal != null) {
      return field + " = " + literal;
    }
    return field + " LIKE '" + value.replace('\'', '_').replace('"', '_') + "'";
  }

  /** A string literal for MLflow's filter, or null when the value contains both quote characters. */
  static String literal(String value) {
    if (value.indexOf('\'') < 0) {
      return "'" + value + "'";
    }
    if (value.indexOf('"') < 0) {
      return "\"" + value + "\"";
    }
    return null;
  }


  // ---------------------------------------------------------------- JSON

  /**
   * A {@code RegisteredModel} message: {@code name, creation_timestamp, last_updated_timestamp, description,
   * tags[{key,value}], aliases[{alias,version}]} (absent when empty; {@code latest_versions} is ignored).
   */
  public static Model model(JsonNode m) {
    long created = MlflowJson.longOf(m.path("creation_timestamp"), 0L);
    Map<String, String> aliases = new TreeMap<>();
    for (JsonNode a : m.path("aliases")) {
      aliases.put(MlflowJson.text(a, "alias"), MlflowJson.text(a, "version"));
    }
    return Model.builder()
        .name(MlflowJson.text(m, "name"))
        .description(m.path("description").asText(""))
        .creationTime(created)
        .lastUpdateTime(MlflowJson.longOf(m.path("last_updated_timestamp"), created))
        .tags(MlflowJson.keyValues(m.path("tags")))
        .aliases(aliases)
        .build();
  }

  /**
   * A {@code ModelVersion} message: {@code name, version} (a string), {@code creation_timestamp,
   * last_updated_timestamp, description, source, run_id} (empty when none), {@code status, tags[], aliases[]}
   * (alias names; absent in search answers).
   */
  public static ModelVersion modelVersion(JsonNode v) {
    long created = MlflowJson.longOf(v.path("creation_timestamp"), 0L);
    String runId = v.path("run_id").asText("");
    List<String> aliases = new ArrayList<>();
    for (JsonNode a : v.path("aliases")) {
      aliases.add(a.asText());
    }
    return ModelVersion.builder()
        .modelName(MlflowJson.text(v, "name"))
        .version(MlflowJson.text(v, "version"))
        .creationTime(created)
        .lastUpdateTime(MlflowJson.longOf(v.path("last_updated_timestamp"), created))
        .description(v.path("description").asText(""))
        .source(v.path("source").asText(""))
        .candidateId(runId.isEmpty() ? Optional.empty() : Optional.of(runId))
        .status(v.path("status").asText("READY"))
        .tags(MlflowJson.keyValues(v.path("tags")))
        .aliases(aliases)
        .build();
  }

}
