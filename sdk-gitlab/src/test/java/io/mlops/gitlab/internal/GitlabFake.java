package io.mlops.gitlab.internal;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A GitLab instance in memory behind WireMock: the parts of GitLab's MLflow-compatible API, its {@code ml_models}
 * package API, its group projects API and the GraphQL mutation the SDK uses, with state, so the backend and
 * registry compatibility kits can run against it. No GitLab can run in this project's CI; this reproduces GitLab's
 * documented and source-visible behaviour instead. Every route names its source: a section of
 * {@code shared/reference/gitlab-mlops.md} and the GitLab file ({@code gitlabhq/gitlabhq}) it is read from.
 * Behaviour that no source shows is marked <em>inference</em>.
 *
 * <p>Tokens (GitLab {@code doc/user/project/ml/experiment_tracking/mlflow_client.md}, reference §1
 * "Authentication"): {@link #WRITE_TOKEN} has the {@code api} scope and the Developer role; {@link #READ_TOKEN} has
 * {@code read_api} only, so every non-GET answers 403 {@code insufficient_scope} (lib/api/api_guard.rb,
 * {@code Gitlab::Auth::InsufficientScopeError}); {@link #REPORTER_TOKEN} has {@code api} but the Reporter role, so
 * the MLflow routes' {@code check_api_write!} answers 401 (lib/api/ml/mlflow/api_helpers.rb). Any other token,
 * or none, answers 401.
 */
public final class GitlabFake implements ResponseDefinitionTransformerV2 {
  static final String WRITE_TOKEN = GitlabStubs.TOKEN;
  static final String READ_TOKEN = "glpat-read-api-only";
  static final String REPORTER_TOKEN = "glpat-reporter-role";
  /** GitLab's external URL, used in artifact URIs; the client reaches GitLab through another address. */
  static final String EXTERNAL_URL = "http://gitlab.example.com";

  /** Grape parses JSON bodies with Gitlab::Json (inference: NaN and Infinity tokens accepted, as Oj's compat mode). */
  static final ObjectMapper JSON = JsonMapper.builder().enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private final Map<String, GitlabFakeProject> projects = new LinkedHashMap<>();
  private final Map<String, List<GitlabFakeProject>> groups = new LinkedHashMap<>();
  /** Database ids are global across projects (models, versions, packages). */
  final AtomicLong ids = new AtomicLong(100);
  /** Requests served, by method and path, for tests that check what was (not) sent. */
  final List<String> served = new ArrayList<>();
  /** Projects (by id) whose MLflow routes answer this status instead: 404 model registry off, 403, 401. */
  final Map<String, Integer> mlflowRefusals = new LinkedHashMap<>();

  /** A fake with project 42 ({@code group/project}) in group {@code group}. */
  public GitlabFake() {
    addProject("42", "group/project", "group");
  }

  /** Adds a project reachable by id and by its URL-encoded path, in a group. */
  GitlabFakeProject addProject(String id, String path, String group) {
    GitlabFakeProject p = new GitlabFakeProject(this, id, path);
    projects.put(id, p);
    projects.put(path, p);
    groups.computeIfAbsent(group, g -> new ArrayList<>()).add(p);
    return p;
  }

  GitlabFakeProject project(String id) {
    return projects.get(id);
  }

  /** A WireMock server on 127.0.0.1 whose every request this fake answers. */
  public static WireMockExtension server(GitlabFake fake) {
    return WireMockExtension.newInstance()
        .options(options().dynamicPort().bindAddress("127.0.0.1").extensions(fake)).build();
  }

  /** Routes every request to the fake (call before each test: WireMock resets its stubs between tests). */
  public static void install(WireMockExtension wm) {
    wm.stubFor(WireMock.any(WireMock.anyUrl()).willReturn(WireMock.aResponse().withStatus(500)));
  }

  /** A hermetic configuration for project 42 of the fake behind {@code wm}, with the write token. */
  public static io.mlops.core.MlopsConfig config(WireMockExtension wm) {
    return GitlabStubs.config(wm);
  }

  @Override
  public String getName() {
    return "gitlab-fake";
  }

  @Override
  public synchronized ResponseDefinition transform(ServeEvent event) {
    Request request = event.getRequest();
    String path = URI.create(request.getUrl()).getRawPath();
    served.add(request.getMethod().getName() + " " + path);
    try {
      return route(request, path).build();
    } catch (Answer a) {
      return a.response.build();
    }
  }

  private Reply route(Request request, String path) {
    String method = request.getMethod().getName();
    authenticate(request, method);
    String[] s = path.split("/");
    // /api/v4/projects/:id/...
    if (s.length > 4 && s[1].equals("api") && s[2].equals("v4") && s[3].equals("projects")) {
      GitlabFakeProject p = projects.get(decode(s[4]));
      if (p == null) {
        throw new Answer(Reply.json(404, "{\"message\":\"404 Project Not Found\"}"));
      }
      String rest = String.join("/", java.util.Arrays.copyOfRange(s, 5, s.length));
      Integer refusal = mlflowRefusals.get(p.id);
      if (refusal != null && rest.startsWith("ml/mlflow/")) {
        // 404: check_api_model_registry_read! answers not_found! when the registry is off or not readable
        // (lib/api/ml/mlflow/api_helpers.rb, gitlab-facts §0); 403 forbidden! and 401 unauthorized! in
        // lib/api/helpers.rb's plain shape (inference: which instance settings produce them on these routes)
        throw new Answer(Reply.json(refusal, "{\"message\":\"" + refusal + (refusal == 404 ? " Not Found"
            : refusal == 403 ? " Forbidden" : " Unauthorized") + "\"}"));
      }
      if (rest.startsWith("ml/mlflow/api/2.0/mlflow/")) {
        checkWrite(request, method);
        return p.mlflow(method, rest.substring("ml/mlflow/api/2.0/mlflow/".length()), params(request));
      }
      if (rest.startsWith("ml/mlflow/api/2.0/mlflow-artifacts/")) {
        return p.mlflowArtifacts(method, rest.substring("ml/mlflow/api/2.0/mlflow-artifacts/".length()),
            params(request));
      }
      if (rest.startsWith("packages/ml_models/")) {
        return p.packageFile(method, rest.substring("packages/ml_models/".length()), request.getBody());
      }
      if (rest.startsWith("packages")) {
        return p.packagesApi(method, rest, params(request));
      }
    }
    // GET /api/v4/groups/:id/projects (doc/api/groups.md "List projects", reference §3 "Not found": no group-level
    // model listing, so the SDK lists a group's projects and then their models)
    if (s.length == 6 && s[3].equals("groups") && s[5].equals("projects") && method.equals("GET")) {
      return groupProjects(decode(s[4]), params(request));
    }
    if (path.equals("/api/graphql") && method.equals("POST")) {
      return graphql(params(request));
    }
    return Reply.json(404, "{\"error\":\"404 Not Found\"}");
  }

  /**
   * Tokens as PRIVATE-TOKEN or as OAuth-style Bearer (reference §1 "Authentication", [AUTH]); a read_api token may
   * only GET and HEAD (lib/api/api_guard.rb: scopes are checked before the route runs).
   */
  private void authenticate(Request request, String method) {
    String token = request.getHeader("PRIVATE-TOKEN");
    String auth = request.getHeader("Authorization");
    if (token == null && auth != null && auth.startsWith("Bearer ")) {
      token = auth.substring("Bearer ".length());
    }
    if (!WRITE_TOKEN.equals(token) && !READ_TOKEN.equals(token) && !REPORTER_TOKEN.equals(token)) {
      throw new Answer(Reply.json(401, "{\"message\":\"401 Unauthorized\"}"));
    }
    if (READ_TOKEN.equals(token) && !method.equals("GET") && !method.equals("HEAD")) {
      throw new Answer(Reply.json(403, "{\"error\":\"insufficient_scope\",\"error_description\":\"The request "
          + "requires higher privileges than provided by the access token.\",\"scope\":\"api\"}")
          .header("WWW-Authenticate", "Bearer realm=\"Protected by OAuth 2\", error=\"insufficient_scope\""));
    }
  }

  /** {@code check_api_write! unless request.get? || request.head?}: unauthorized! (401) without write permission. */
  private static void checkWrite(Request request, String method) {
    String auth = request.getHeader("Authorization");
    boolean reporter = auth != null && auth.equals("Bearer " + REPORTER_TOKEN)
        || REPORTER_TOKEN.equals(request.getHeader("PRIVATE-TOKEN"));
    if (reporter && !method.equals("GET") && !method.equals("HEAD")) {
      throw new Answer(Reply.json(401, "{\"message\":\"401 Unauthorized\"}"));
    }
  }

  /**
   * Grape's params: the query string and the JSON body merged (the body wins), as every route reads
   * {@code params[...]} regardless of where they came from.
   */
  static ObjectNode params(Request request) {
    ObjectNode p = JSON.createObjectNode();
    String query = URI.create(request.getUrl()).getRawQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String k = decode(eq < 0 ? pair : pair.substring(0, eq));
        String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
        if (k.endsWith("[]") || p.has(k)) { // repeated parameters become an array
          String key = k.endsWith("[]") ? k.substring(0, k.length() - 2) : k;
          JsonNode old = p.get(key);
          com.fasterxml.jackson.databind.node.ArrayNode a = old != null && old.isArray()
              ? (com.fasterxml.jackson.databind.node.ArrayNode) old : p.putArray(key);
          if (old != null && !old.isArray()) {
            a.add(old);
          }
          a.add(v);
        } else {
          p.put(k, v);
        }
      }
    }
    String type = request.getHeader("Content-Type");
    byte[] body = request.getBody();
    if (body != null && body.length > 0 && type != null && type.contains("json")) {
      try {
        JsonNode parsed = JSON.readTree(body);
        if (parsed.isObject()) {
          p.setAll((ObjectNode) parsed);
        }
      } catch (java.io.IOException e) {
        throw new Answer(Reply.json(400, "{\"error\":\"The provided content-type 'application/json' is not "
            + "supported.\"}"));
      }
    }
    return p;
  }

  static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- groups

  /**
   * {@code GET /groups/:id/projects}: offset pagination with {@code page} and {@code per_page} (at most 100) and the
   * {@code X-Next-Page} header, empty on the last page (doc/api/rest/index.md "Offset-based pagination");
   * {@code include_subgroups} is accepted. Fields as doc/api/groups.md: id, name, path_with_namespace.
   */
  private Reply groupProjects(String group, ObjectNode params) {
    List<GitlabFakeProject> members = groups.get(group);
    if (members == null) {
      return Reply.json(404, "{\"message\":\"404 Group Not Found\"}");
    }
    int perPage = Math.min(100, Math.max(1, params.path("per_page").asInt(20)));
    int page = Math.max(1, params.path("page").asInt(1));
    int from = (page - 1) * perPage;
    com.fasterxml.jackson.databind.node.ArrayNode out = JSON.createArrayNode();
    for (int i = from; i < Math.min(members.size(), from + perPage); i++) {
      GitlabFakeProject p = members.get(i);
      out.addObject().put("id", Long.parseLong(p.id)).put("name", p.path.substring(p.path.lastIndexOf('/') + 1))
          .put("path_with_namespace", p.path);
    }
    boolean more = from + perPage < members.size();
    return Reply.json(200, out.toString()).header("X-Next-Page", more ? Integer.toString(page + 1) : "")
        .header("X-Page", Integer.toString(page)).header("X-Per-Page", Integer.toString(perPage));
  }

  // ---------------------------------------------------------------- GraphQL

  /**
   * The one mutation the SDK sends: {@code mlModelVersionDelete(input: {id})} with a global id
   * {@code gid://gitlab/Ml::ModelVersion/<id>} (app/graphql/mutations/ml/model_versions/delete.rb, reference §3
   * "GraphQL"). Answers {@code {"data": {"mlModelVersionDelete": {"errors": [...]}}}}; an unknown id is reported in
   * {@code errors} (inference: GitLab resolves the id with {@code authorized_find!}, which raises "The resource that
   * you are attempting to access does not exist or you don't have permission to perform this action" as a top-level
   * GraphQL error).
   */
  private Reply graphql(ObjectNode params) {
    String query = params.path("query").asText("");
    if (!query.contains("mlModelVersionDelete")) {
      return Reply.json(200, "{\"errors\":[{\"message\":\"fake: only mlModelVersionDelete is served\"}]}");
    }
    String gid = params.path("variables").path("id").asText("");
    String prefix = "gid://gitlab/Ml::ModelVersion/";
    if (gid.startsWith(prefix)) {
      for (GitlabFakeProject p : new java.util.LinkedHashSet<>(projects.values())) {
        if (p.deleteVersion(gid.substring(prefix.length()))) {
          return Reply.json(200, "{\"data\":{\"mlModelVersionDelete\":{\"errors\":[]}}}");
        }
      }
    }
    return Reply.json(200, "{\"data\":{\"mlModelVersionDelete\":null},\"errors\":[{\"message\":\"The resource that "
        + "you are attempting to access does not exist or you don't have permission to perform this action\","
        + "\"path\":[\"mlModelVersionDelete\"]}]}");
  }

  // ---------------------------------------------------------------- answers

  /** An answer under construction. */
  static final class Reply {
    private final com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder b;

    private Reply(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder b) {
      this.b = b;
    }

    static Reply json(int status, String body) {
      return new Reply(WireMock.aResponse().withStatus(status).withHeader("Content-Type", "application/json")
          .withBody(body));
    }

    static Reply json(int status, JsonNode body) {
      return json(status, body.toString());
    }

    static Reply bytes(int status, byte[] body) {
      return new Reply(WireMock.aResponse().withStatus(status).withHeader("Content-Type", "application/octet-stream")
          .withBody(body));
    }

    Reply header(String name, String value) {
      b.withHeader(name, value);
      return this;
    }

    ResponseDefinition build() {
      return b.build();
    }
  }

  /** Thrown by a handler to answer at once. */
  static final class Answer extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Reply response;

    Answer(Reply response) {
      super(null, null, false, false);
      this.response = response;
    }
  }
}
