package io.mlops.mlflow.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Test support for the {@code *ServerIT} integration tests: the real MLflow tracking server that
 * {@code .ci/mlflow-server.sh} runs on a loopback address.
 *
 * <p>The server is started outside the JVM, before Maven runs (CI step 4 in {@code .ci/run}, or by
 * hand):
 *
 * <pre>
 *   bash .ci/mlflow-server.sh start
 *   mvn -B verify -Pmlflow-server -DskipUnitTests=true -Dmlflow.server.url=http://127.0.0.1:5123
 *   bash .ci/mlflow-server.sh stop
 * </pre>
 *
 * <p>The {@code mlflow-server} profile passes two system properties: {@value #URL_PROPERTY} (the
 * server's base URL, default {@value #DEFAULT_URL}) and {@value #SCRIPT_PROPERTY} (the path of
 * {@code .ci/mlflow-server.sh}, needed only by {@link #restart()}, {@link #stop()} and {@link #start()}).
 * Only loopback URLs are accepted.
 *
 * <p>{@link #get()} never skips: a missing server is a test failure (an {@link AssertionError} that
 * says how to start it), so a broken CI setup cannot pass silently.
 *
 * <pre>
 *   &#64;BeforeAll static void server() { url = MlflowServer.get().url(); }
 * </pre>
 */
public final class MlflowServer {
  /** System property with the server's base URL, e.g. {@code http://127.0.0.1:5123}. */
  public static final String URL_PROPERTY = "mlflow.server.url";
  /** System property with the path of {@code .ci/mlflow-server.sh}. */
  public static final String SCRIPT_PROPERTY = "mlflow.server.script";
  /** Base URL used when {@value #URL_PROPERTY} is not set (the script's default port). */
  public static final String DEFAULT_URL = "http://127.0.0.1:5123";

  private static final String SCRIPT_IN_REPO = ".ci/mlflow-server.sh";
  /** A few quick attempts, so a server busy with another test's request is not reported as down. */
  private static final int HEALTH_ATTEMPTS = 3;
  private static final Duration HEALTH_RETRY_PAUSE = Duration.ofMillis(500);
  /** The script waits up to 20 s for the old server to stop and 90 s for the new one to answer. */
  private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(150);
  /** How long {@link #restart()} keeps polling /health after the script returned. */
  private static final Duration HEALTH_AFTER_RESTART = Duration.ofSeconds(30);

  private static MlflowServer instance;

  private final String url;
  private final URI health;
  private final HttpClient http;

  private MlflowServer(String url) {
    this.url = url;
    this.health = URI.create(url + "/health");
    // HTTP/1.1 explicitly: the server (uvicorn) speaks nothing else, and the default HTTP_2 would
    // add an h2c upgrade attempt to every new connection.
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * The server named by {@value #URL_PROPERTY}, after checking that {@code GET <url>/health} answers
   * 200.
   *
   * @throws AssertionError if the URL is not a loopback http URL or no server answers; the message
   *     says how to start one
   */
  public static synchronized MlflowServer get() {
    String url = normalize(System.getProperty(URL_PROPERTY, DEFAULT_URL));
    if (instance == null || !instance.url.equals(url)) {
      instance = new MlflowServer(url);
    }
    String problem = instance.healthProblemWithin(HEALTH_RETRY_PAUSE.multipliedBy(HEALTH_ATTEMPTS));
    if (problem != null) {
      throw new AssertionError("No MLflow tracking server answers at " + url + " (" + problem + ").\n"
          + "The *ServerIT tests need a running server and fail without one. Start it from the repository root:\n"
          + "  bash " + SCRIPT_IN_REPO + " start      (stop: bash " + SCRIPT_IN_REPO + " stop)\n"
          + "then run\n"
          + "  mvn -B verify -Pmlflow-server -DskipUnitTests=true -D" + URL_PROPERTY + "=" + url + "\n"
          + "(`bash .ci/run` does both in CI step 4). For another port set MLFLOW_SERVER_PORT for the script and "
          + "-D" + URL_PROPERTY + " to match; a failed start leaves its log in .ci/.mlflow-server/server.log.");
    }
    return instance;
  }

  /** The server's base URL without a trailing slash, e.g. {@code http://127.0.0.1:5123}. */
  public String url() {
    return url;
  }

  /**
   * Restarts the server with {@code mlflow-server.sh restart}, keeping its database and artifacts, and
   * returns once {@code GET /health} answers again. Connections held by clients are closed by the
   * restart; everything stored before it must still be readable after it.
   *
   * @throws AssertionError if the script is not found, fails, takes longer than the bound, or the
   *     server does not answer afterwards
   */
  public synchronized void restart() {
    runScript("restart");
    awaitHealthy("a restart");
  }

  /**
   * Stops the server with {@code mlflow-server.sh stop} and returns once nothing answers on its port, so
   * that a client sees an outage (connection refused) until {@link #start()}. The database and artifacts
   * stay; a test that stops the server must start it again (in a {@code finally}), or every later test fails.
   *
   * @throws AssertionError if the script is not found or fails, or the server still answers afterwards
   */
  public synchronized void stop() {
    runScript("stop");
    if (healthProblem(1) == null) {
      throw new AssertionError("the MLflow server at " + url + " still answers after `mlflow-server.sh stop`");
    }
  }

  /**
   * Starts the server again after {@link #stop()} with {@code mlflow-server.sh start} (same database and
   * artifacts) and returns once {@code GET /health} answers; a no-op for a server that is running.
   *
   * @throws AssertionError if the script is not found, fails, takes longer than the bound, or the
   *     server does not answer afterwards
   */
  public synchronized void start() {
    runScript("start");
    awaitHealthy("a start");
  }

  private void awaitHealthy(String after) {
    String problem = healthProblemWithin(HEALTH_AFTER_RESTART);
    if (problem != null) {
      throw new AssertionError("the MLflow server at " + url + " does not answer after " + after + " (" + problem
          + "); see .ci/.mlflow-server/server.log");
    }
  }

  /** Runs {@code mlflow-server.sh <command>} for this server's port, failing on a non-zero exit or a timeout. */
  private void runScript(String command) {
    Path script = script();
    Path output;
    try {
      output = Files.createTempFile("mlflow-server-" + command, ".log");
    } catch (IOException e) {
      throw new AssertionError("cannot create a temp file for the " + command + " output", e);
    }
    try {
      ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), command)
          .directory(script.getParent().getParent().toFile())
          .redirectErrorStream(true)
          // Into a file, not inherited: writing to the forked test JVM's own stdout would corrupt
          // the stream surefire/failsafe read from it; a file also cannot fill a pipe and block.
          .redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
      // The script must act on the server this class talks to, whatever port the caller's shell set.
      pb.environment().put("MLFLOW_SERVER_PORT", Integer.toString(URI.create(url).getPort()));
      Process p = pb.start();
      if (!p.waitFor(RESTART_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("`" + script + " " + command + "` did not finish within "
            + RESTART_TIMEOUT.toSeconds() + " s; its output:\n" + read(output));
      }
      String log = read(output);
      if (p.exitValue() != 0) {
        throw new AssertionError("`" + script + " " + command + "` failed with exit status " + p.exitValue()
            + "; its output:\n" + log);
      }
      System.out.println("[MlflowServer] " + command + " " + url + ":\n" + log.trim());
    } catch (IOException e) {
      throw new AssertionError("cannot run `bash " + script + " " + command + "`", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running `mlflow-server.sh " + command + "`", e);
    } finally {
      try {
        Files.deleteIfExists(output);
      } catch (IOException ignored) {
        // a leftover temp file is harmless
      }
    }
  }

  @Override
  public String toString() {
    return "MlflowServer[" + url + "]";
  }

  /** Polls {@code GET /health} (Awaitility) until it answers 200 or {@code within} passes; null on success. */
  private String healthProblemWithin(Duration within) {
    String[] last = {null};
    try {
      org.awaitility.Awaitility.await().atMost(within).pollInterval(HEALTH_RETRY_PAUSE)
          .until(() -> (last[0] = healthProblem(1)) == null);
      return null;
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      return last[0];
    }
  }

  /** {@code null} if {@code GET /health} answers 200, else what went wrong. */
  private String healthProblem(int attempts) {
    String problem = null;
    for (int i = 0; i < attempts; i++) {
      try {
        HttpResponse<String> r = http.send(
            HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).GET().build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() == 200) {
          return null;
        }
        String body = r.body().length() > 200 ? r.body().substring(0, 200) + "..." : r.body();
        problem = "GET " + health + " answered " + r.statusCode() + ": " + body.trim();
      } catch (ConnectException e) {
        problem = "GET " + health + ": connection refused, nothing listens there";
      } catch (IOException e) {
        problem = "GET " + health + ": " + e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }
    return problem;
  }

  /** Validates the URL (http, loopback host, explicit port) and drops trailing slashes. */
  private static String normalize(String raw) {
    String url = raw.trim();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new AssertionError("-D" + URL_PROPERTY + "=" + raw + " is not a URL", e);
    }
    if (!"http".equals(uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT))
        || uri.getHost() == null || uri.getPort() < 0 || (uri.getPath() != null && !uri.getPath().isEmpty())) {
      throw new AssertionError("-D" + URL_PROPERTY + "=" + raw
          + " must look like http://127.0.0.1:<port> (http, loopback host, explicit port, no path)");
    }
    boolean loopback;
    try {
      loopback = InetAddress.getByName(uri.getHost()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      loopback = false;
    }
    if (!loopback) {
      throw new AssertionError("-D" + URL_PROPERTY + "=" + raw
          + " is not a loopback address; the integration tests only talk to a local server (127.0.0.1)");
    }
    return url;
  }

  /** {@value #SCRIPT_PROPERTY}, or {@code .ci/mlflow-server.sh} found above the working directory. */
  private static Path script() {
    String prop = System.getProperty(SCRIPT_PROPERTY);
    if (prop != null && !prop.isBlank()) {
      Path p = Paths.get(prop).toAbsolutePath();
      if (!Files.isRegularFile(p)) {
        throw new AssertionError("-D" + SCRIPT_PROPERTY + "=" + prop + " does not exist");
      }
      return p;
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path p = dir.resolve(SCRIPT_IN_REPO);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new AssertionError("cannot restart the MLflow server: -D" + SCRIPT_PROPERTY + " is not set and no "
        + SCRIPT_IN_REPO + " was found above " + Paths.get("").toAbsolutePath());
  }

  private static java.io.File nullDevice() {
    return new java.io.File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "<cannot read " + file + ": " + e + ">";
    }
  }

}
