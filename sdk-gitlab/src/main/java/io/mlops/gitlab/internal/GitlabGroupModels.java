package io.mlops.gitlab.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlops.core.ConfigurationException;
import io.mlops.core.MlopsConfig;
import io.mlops.core.MlopsServiceException;
import io.mlops.core.Model;
import io.mlops.core.ModelQuery;
import io.mlops.core.PagedIterable;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.SerializationException;
import io.mlops.core.TransportException;
import io.mlops.core.ValidationException;
import io.mlops.mlflow.internal.MlflowHttp;
import io.mlops.mlflow.internal.MlflowHttp.Retry;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.RegistryStore;
import io.mlops.gitlab.GitlabGroupModel;
import io.mlops.gitlab.GitlabSettings;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the models of every project of a GitLab group. GitLab has no group-level model API: the MLflow layer and
 * its model finder are scoped to one project, and {@code mlModels} exists on GraphQL's {@code Project} only
 * ({@code shared/reference/gitlab-mlops.md} §3 "Not found"; GitLab {@code lib/api/ml/mlflow/registered_models.rb},
 * {@code app/finders/projects/ml/model_finder.rb}). So this lists the group's projects with
 * {@code GET /api/v4/groups/:id/projects} (GitLab {@code lib/api/groups.rb}, {@code doc/api/groups.md} "List
 * projects") and then searches each project's registry through its MLflow tracking URI
 * {@code <gitlab>/api/v4/projects/<id>/ml/mlflow}.
 *
 * <ul>
 *   <li>Projects: {@code include_subgroups=true} (GitLab's default is false), {@code simple=true} (id and paths
 *       are all that is needed), {@code order_by=id&sort=asc} so that a project created while paging lands on the
 *       last page instead of shifting every later page, {@code per_page=100} (GitLab's maximum). Offset pagination:
 *       the next page is the {@code X-Next-Page} header, empty on the last page ({@code doc/api/rest/index.md}
 *       "Offset-based pagination"). GitLab's default {@code with_shared=true} is kept: projects shared with the
 *       group are listed too. A project seen twice is searched once.</li>
 *   <li>A project whose registry cannot be read is skipped with a WARN naming it: 404 (GitLab answers
 *       {@code not_found!} from {@code check_api_model_registry_read!} when the model registry is off or not
 *       readable, {@code lib/api/ml/mlflow/api_helpers.rb}) or 403. A 401 (a bad or expired token) fails the
 *       whole listing.</li>
 *   <li>The group is its numeric id or its full path, plain ({@code my/group}) or URL-encoded
 *       ({@code my%2Fgroup}). GitLab answers 404 for a group the token cannot see, as for one that does not
 *       exist.</li>
 * </ul>
 *
 * <p>The configuration's tracking URI is any URL on the instance: a project's MLflow URI, the API root
 * ({@code CI_API_V4_URL}) or the instance's base URL, with a relative URL root if it has one
 * ({@code https://host/gitlab}). Its token ({@code MLFLOW_TRACKING_TOKEN}) needs {@code read_api}.
 */
public final class GitlabGroupModels {
  private static final Logger LOG = LoggerFactory.getLogger(GitlabGroupModels.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** GitLab's largest {@code per_page} for offset pagination ({@code doc/api/rest/index.md}). */
  static final int MAX_PER_PAGE = 100;
  /** GitLab's registry search returns every model anyway (the SDK filters and pages locally): fetch it once. */
  private static final ModelQuery EVERY_MODEL = ModelQuery.builder().maxResults(1000).build();

  private GitlabGroupModels() {}

  /**
   * Every model of every project of a group and its subgroups, project by project in the order GitLab lists them
   * (by project id).
   *
   * @param config the token and any URL on the GitLab instance
   * @param group the group's id or full path ({@code my/group} or {@code my%2Fgroup})
   * @throws ValidationException when {@code group} is null or blank
   * @throws ConfigurationException when the tracking URI is not an http(s) URL
   * @throws ResourceNotFoundException when the group does not exist or the token cannot see it
   * @throws io.mlops.core.PermissionDeniedException when the token is refused (401)
   */
  public static List<GitlabGroupModel> list(MlopsConfig config, String group) {
    return list(config, group, MAX_PER_PAGE);
  }

  /** {@link #list(MlopsConfig, String)} with a page size for the project listing (tests). */
  static List<GitlabGroupModel> list(MlopsConfig config, String group, int perPage) {
    Objects.requireNonNull(config, "config");
    if (group == null || group.trim().isEmpty()) {
      throw new ValidationException(String.valueOf(group), "group-empty",
          "A GitLab group id or full path must not be empty");
    }
    String groupId = decodedGroup(group.trim());
    HttpUrl instance = instanceUrl(config.trackingUri());
    Map<String, String> projects; // id -> path_with_namespace
    try (MlflowHttp http = new MlflowHttp(config)) {
      projects = projects(http, http.base().newBuilder().encodedPath(instance.encodedPath()).query(null)
          .fragment(null).build(), groupId, perPage);
    }
    List<GitlabGroupModel> out = new ArrayList<>();
    projects.forEach((id, path) -> out.addAll(models(config, instance, id, path)));
    return out;
  }

  /** The group's projects, id to path, over every page. */
  private static Map<String, String> projects(MlflowHttp http, HttpUrl root, String group, int perPage) {
    Map<String, String> projects = new LinkedHashMap<>();
    int page = 1;
    while (true) {
      HttpUrl url = root.newBuilder().addPathSegments("api/v4/groups").addPathSegment(group)
          .addPathSegment("projects")
          .addQueryParameter("include_subgroups", "true")
          .addQueryParameter("simple", "true")
          .addQueryParameter("order_by", "id")
          .addQueryParameter("sort", "asc")
          .addQueryParameter("per_page", Integer.toString(perPage))
          .addQueryParameter("page", Integer.toString(page))
          .build();
      String next;
      JsonNode answer;
      Request request = new Request.Builder().url(url).get().build();
      try (Response response = open(http, request, group);
          ResponseBody body = response.body()) {
        next = response.header("X-Next-Page");
        byte[] bytes = http.readBounded(body, request);
        answer = bytes.length == 0 ? null : MAPPER.readTree(bytes);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new SerializationException("The project list of GitLab group '" + group + "' is not valid JSON: "
            + e.getOriginalMessage(), e);
      } catch (IOException e) {
        throw new TransportException("Reading the project list of GitLab group '" + group + "' failed: "
            + e.getMessage(), e);
      }
      if (answer == null || !answer.isArray()) {
        throw new SerializationException("The project list of GitLab group '" + group + "' is not a JSON array");
      }
      for (JsonNode p : answer) {
        String id = p.path("id").asText("");
        if (id.isEmpty()) {
          throw new SerializationException("A project of GitLab group '" + group + "' has no id");
        }
        projects.putIfAbsent(id, p.path("path_with_namespace").asText(id));
      }
      if (next == null || next.trim().isEmpty()) {
        return projects;
      }
      int following;
      try {
        following = Integer.parseInt(next.trim());
      } catch (NumberFormatException e) {
        following = -1;
      }
      if (following <= page) { // a page number that does not move forward would loop for ever
        throw new SerializationException("GitLab answered page " + page + " of group '" + group
            + "' with X-Next-Page '" + next + "', not a later page");
      }
      page = following;
    }
  }

  /** Opens the project list; a 404 says the group does not exist or the token cannot see it. */
  private static Response open(MlflowHttp http, Request request, String group) {
    try {
      return http.open(request, Retry.SAFE);
    } catch (ResourceNotFoundException e) {
      throw new ResourceNotFoundException(e.errorCode(), "GitLab group '" + group + "' does not exist or this token "
          + "cannot see it (" + e.serviceMessage() + ")", e);
    }
  }

  /** A project's models; empty, with a WARN, when its registry answers 403 or 404. */
  private static List<GitlabGroupModel> models(MlopsConfig config, HttpUrl instance, String id, String path) {
    MlopsConfig project = config.toBuilder()
        // every setting is already resolved: do not let this process's environment fill in anything else
        .environment(Map.of()).systemProperties(new Properties())
        .trackingUri(instance.newBuilder().addPathSegments("api/v4/projects").addPathSegment(id)
            .addPathSegments("ml/mlflow").build().toString())
        .build();
    List<GitlabGroupModel> out = new ArrayList<>();
    try (Backend backend = GitlabBackends.open(project, GitlabSettings.maxFileSize(project))) {
      RegistryStore registry = backend.registryStore();
      Iterable<Model> models = new PagedIterable<>(Optional.empty(),
          token -> registry.searchModels(ModelQuery.builder().from(EVERY_MODEL).pageToken(token).build()));
      for (Model m : models) {
        out.add(GitlabGroupModel.of(id, path, m));
      }
    } catch (MlopsServiceException e) {
      int status = e.statusCode().orElse(0);
      if (status != 403 && status != 404) {
        throw e;
      }
      LOG.warn("Skipping GitLab project {} (id {}): its model registry answered HTTP {} {}; is the model registry "
          + "enabled and readable with this token?", path, id, status, e.errorCode());
      return List.of();
    }
    return out;
  }

  /**
   * The instance's base URL (scheme, user info, host, port and relative URL root, ending in {@code /}) of any URL
   * on it: everything before {@code /api/v4/}, or the whole path when there is none.
   *
   * @throws ConfigurationException when {@code trackingUri} is not an http(s) URL
   */
  static HttpUrl instanceUrl(String trackingUri) {
    HttpUrl url = trackingUri == null ? null : HttpUrl.parse(trackingUri);
    if (url == null) {
      throw new ConfigurationException("Listing a GitLab group's models needs the GitLab instance's URL (or a "
          + "project's MLflow URI on it) as the tracking URI, got '" + redact(String.valueOf(trackingUri)) + "'");
    }
    String path = url.encodedPath().endsWith("/") ? url.encodedPath() : url.encodedPath() + "/";
    int api = path.toLowerCase(Locale.ROOT).indexOf("/api/v4/");
    String root = api < 0 ? path : path.substring(0, api + 1);
    return url.newBuilder().encodedPath(root).query(null).fragment(null).build();
  }

  /** A group given URL-encoded ({@code my%2Fgroup}) as its plain path; GitLab paths never contain {@code %}. */
  private static String decodedGroup(String group) {
    if (group.indexOf('%') < 0) {
      return group;
    }
    try {
      return URLDecoder.decode(group.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ValidationException(group, "group-encoding", "GitLab group '" + group + "' is not validly "
          + "URL-encoded");
    }
  }

  private static String redact(String uri) {
    return io.mlops.core.internal.UriCredentials.strip(uri);
  }
}
