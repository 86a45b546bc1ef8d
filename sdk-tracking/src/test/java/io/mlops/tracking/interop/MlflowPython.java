package io.mlops.tracking.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.core.ViewType;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code src/test/python/mlflow_interop.py} with the Python of a virtualenv that has the pinned MLflow, and
 * parses the one JSON document each subcommand prints.
 *
 * <p>The Python comes from the system property {@value #PYTHON_PROPERTY} (the {@code interop} Maven profile passes
 * {@code -Dmlflow.python=...}; {@code .ci/setup-mlflow.sh} prints the path). A missing property or a Python that
 * cannot import MLflow is a test <em>failure</em>, never a skip: these tests exist to prove compatibility, and a
 * silently skipped interop suite proves nothing.
 */
final class MlflowPython {
  /** The system property naming the Python executable. */
  static final String PYTHON_PROPERTY = "mlflow.python";

  /** Relative to the module directory, which surefire and failsafe use as the working directory. */
  static final String SCRIPT = "src/test/python/mlflow_interop.py";

  /**
   * Per call. Importing MLflow takes about a second and a dump of a few thousand metric points a few more; a
   * hung interpreter (a lock, a prompt) must fail the build well before CI's limit instead of eating it.
   */
  private static final long TIMEOUT_SECONDS = 180;

  /** How much of stderr goes into a failure message: the end, where Python puts the traceback. */
  private static final int STDERR_TAIL = 6000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private static MlflowPython instance;

  private final String python;
  private final Path script;
  private final String mlflowVersion;

  private MlflowPython(String python, Path script, String mlflowVersion) {
    this.python = python;
    this.script = script;
    this.mlflowVersion = mlflowVersion;
  }

  /**
   * The configured Python, checked once per JVM: it must run the script's {@code version} subcommand, which
   * imports MLflow.
   *
   * @throws AssertionError when the property is missing or MLflow cannot be imported
   */
  static synchronized MlflowPython locate() {
    if (instance != null) {
      return instance;
    }
    String python = System.getProperty(PYTHON_PROPERTY);
    if (python == null || python.trim().isEmpty()) {
      throw new AssertionError("System property '" + PYTHON_PROPERTY + "' is not set. The MLflow interop tests need "
          + "a Python with mlflow installed: run `PY=$(bash .ci/setup-mlflow.sh | tail -n 1)` and then "
          + "`mvn -Pinterop -DskipUnitTests=true -Dmlflow.python=\"$PY\" verify`.");
    }
    Path script = locateScript();
    MlflowPython candidate = new MlflowPython(python.trim(), script, "?");
    JsonNode version;
    try {
      version = candidate.run("version");
    } catch (AssertionError e) {
      throw new AssertionError("The Python given by -D" + PYTHON_PROPERTY + "=" + python + " cannot run the MLflow "
          + "interop script (is mlflow installed in it? `bash .ci/setup-mlflow.sh` creates a venv that has it).\n"
          + e.getMessage(), e);
    }
    instance = new MlflowPython(candidate.python, script, version.path("mlflow_version").asText("?"));
    return instance;
  }

  private static Path locateScript() {
    // Surefire/failsafe set both the cwd and "basedir" to the module directory; an IDE may start in the
    // repository root instead, so try that layout too before giving up.
    Set<Path> tried = new LinkedHashSet<>();
    String basedir = System.getProperty("basedir");
    if (basedir != null) {
      tried.add(Paths.get(basedir).resolve(SCRIPT).toAbsolutePath().normalize());
    }
    tried.add(Paths.get(SCRIPT).toAbsolutePath().normalize());
    tried.add(Paths.get("sdk-tracking").resolve(SCRIPT).toAbsolutePath().normalize());
    for (Path p : tried) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new AssertionError("Cannot find " + SCRIPT + "; tried " + tried);
  }

  /** The MLflow version the Python imports, as reported by the script. */
  String mlflowVersion() {
    return mlflowVersion;
  }

  /** {@code dump <store>}: every experiment (all view types) and every run of each, as MLflow reads them. */
  JsonNode dump(Path store) {
    return run("dump", store.toAbsolutePath().toString());
  }

  /** {@code write <store>}: MLflow writes the deterministic {@code py-interop} experiment; returns its dump. */
  JsonNode write(Path store) {
    return run("write", store.toAbsolutePath().toString());
  }

  /**
   * {@code write-metric-edges <store>}: MLflow writes the {@code py-metric-edges} experiment (dataset-linked metrics
   * as 5-field lines, points tied on step and timestamp with NaN); returns its dump.
   */
  JsonNode writeMetricEdges(Path store) {
    return run("write-metric-edges", store.toAbsolutePath().toString());
  }

  /**
   * {@code run-user}: the {@code mlflow.user} MLflow's {@code DefaultRunContext} sets in each environment (only the
   * user variables and {@code HOME} of each map are set), in order.
   */
  List<String> runUsers(List<Map<String, String>> environments) {
    Path file = null;
    try {
      ArrayNode scenarios = JSON.createArrayNode();
      for (Map<String, String> env : environments) {
        ObjectNode scenario = scenarios.addObject();
        ObjectNode vars = scenario.putObject("env");
        env.forEach(vars::put);
      }
      file = Files.createTempFile("mlflow-run-user", ".json");
      Files.write(file, JSON.writeValueAsBytes(scenarios));
      List<String> users = new ArrayList<>();
      run("run-user", file.toString()).path("users").forEach(u -> users.add(u.asText()));
      return users;
    } catch (IOException e) {
      throw new AssertionError("cannot write the run-user scenarios", e);
    } finally {
      deleteQuietly(file);
    }
  }

  /** {@code search}: the run ids MLflow returns, in its order, over all pages. */
  List<String> search(Path store, List<String> experimentIds, String filter, List<String> orderBy, ViewType view) {
    List<String> args = new ArrayList<>(Arrays.asList("search", store.toAbsolutePath().toString(),
        "--experiment-ids", String.join(",", experimentIds), "--view", view.name()));
    if (filter != null && !filter.isEmpty()) {
      args.add("--filter");
      args.add(filter);
    }
    for (String clause : orderBy) {
      args.add("--order-by");
      args.add(clause);
    }
    return textList(run(args.toArray(new String[0])).path("run_ids"));
  }

  /**
   * {@code search-batch}: many searches in one Python process (each process pays ~1 s to import MLflow). Each
   * result is the run ids in MLflow's order, or null where MLflow rejected the query; {@code errors} (when not
   * null) receives MLflow's message for each rejected query, by index.
   */
  List<List<String>> searchBatch(Path store, List<SearchQuery> queries, Map<Integer, String> errors)
      throws IOException {
    ArrayNode array = JSON.createArrayNode();
    for (SearchQuery q : queries) {
      ObjectNode o = array.addObject();
      ArrayNode ids = o.putArray("experiment_ids");
      q.experimentIds.forEach(ids::add);
      o.put("filter", q.filter);
      ArrayNode order = o.putArray("order_by");
      q.orderBy.forEach(order::add);
      o.put("view", q.view.name());
      o.put("max_results", q.maxResults);
    }
    Path file = Files.createTempFile("mlflow-interop-queries", ".json");
    try {
      JSON.writeValue(file.toFile(), array);
      JsonNode results = run("search-batch", store.toAbsolutePath().toString(), file.toString()).path("results");
      if (results.size() != queries.size()) {
        throw new AssertionError("search-batch returned " + results.size() + " results for " + queries.size()
            + " queries");
      }
      List<List<String>> out = new ArrayList<>();
      for (int i = 0; i < results.size(); i++) {
        JsonNode r = results.get(i);
        if (r.has("error")) {
          out.add(null);
          if (errors != null) {
            errors.put(i, r.get("error").asText());
          }
        } else {
          out.add(textList(r.path("run_ids")));
        }
      }
      return out;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * Runs one subcommand and parses its stdout.
   *
   * @throws AssertionError on a non-zero exit, a timeout or output that is not one JSON document; the message
   *     has the command line and the tail of stderr (MLflow's traceback)
   */
  JsonNode run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(python);
    command.add(script.toString());
    command.addAll(Arrays.asList(args));
    Path out = null;
    Path err = null;
    try {
      // Files, not pipes: a dump can be larger than a pipe buffer, and reading two pipes safely needs threads.
      out = Files.createTempFile("mlflow-interop", ".out");
      err = Files.createTempFile("mlflow-interop", ".err");
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
      Map<String, String> env = pb.environment();
      // The script sets this itself too; set here so any MLflow subprocess inherits it as well.
      env.put("MLFLOW_ALLOW_FILE_STORE", "true");
      // The script always passes an explicit tracking URI; an inherited one must not leak into MLflow's
      // defaults (artifact roots, registry URI).
      env.remove("MLFLOW_TRACKING_URI");
      env.remove("MLFLOW_REGISTRY_URI");
      env.put("PYTHONIOENCODING", "utf-8");
      env.put("PYTHONDONTWRITEBYTECODE", "1");
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new AssertionError("Cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
      }
      boolean exited = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!exited) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("Timed out after " + TIMEOUT_SECONDS + " s: " + String.join(" ", command)
            + "\n--- stderr ---\n" + tail(err));
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("Exit status " + p.exitValue() + ": " + String.join(" ", command)
            + "\n--- stderr ---\n" + tail(err));
      }
      String stdout = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
      try {
        return JSON.readTree(stdout);
      } catch (IOException e) {
        throw new AssertionError("Not one JSON document on stdout of " + String.join(" ", command) + ": "
            + e.getMessage() + "\n--- stdout (start) ---\n" + head(stdout) + "\n--- stderr ---\n" + tail(err), e);
      }
    } catch (IOException e) {
      throw new AssertionError("I/O error running " + String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted running " + String.join(" ", command), e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /**
   * Decodes a metric value of the script's JSON: a number, or one of the strings {@code "NaN"},
   * {@code "Infinity"}, {@code "-Infinity"} (JSON has no literals for them).
   */
  static double decodeDouble(JsonNode node) {
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isTextual()) {
      switch (node.asText()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          break;
      }
    }
    throw new AssertionError("Not a metric value: " + node);
  }

  /** The texts of a JSON array. */
  static List<String> textList(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array) {
      out.add(n.asText());
    }
    return out;
  }

  private static File nullDevice() {
    return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  private static String tail(Path file) throws IOException {
    String s = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    return s.length() <= STDERR_TAIL ? s : "..." + s.substring(s.length() - STDERR_TAIL);
  }

  private static String head(String s) {
    return s.length() <= 2000 ? s : s.substring(0, 2000) + "...";
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temp file; the OS cleans up
      }
    }
  }

  /** One query of {@link #searchBatch}. */
  static final class SearchQuery {
    final List<String> experimentIds;
    final String filter;
    final List<String> orderBy;
    final ViewType view;
    final int maxResults;

    SearchQuery(List<String> experimentIds, String filter, List<String> orderBy, ViewType view, int maxResults) {
      this.experimentIds = experimentIds;
      this.filter = filter == null ? "" : filter;
      this.orderBy = orderBy;
      this.view = view;
      this.maxResults = maxResults;
    }

    @Override
    public String toString() {
      return "filter=\"" + filter + "\" orderBy=" + orderBy + " view=" + view + " maxResults=" + maxResults
          + " experiments=" + experimentIds;
    }
  }
}
