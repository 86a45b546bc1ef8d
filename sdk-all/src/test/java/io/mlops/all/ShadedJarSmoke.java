package io.mlops.all;

import com.sun.net.httpserver.HttpServer;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateStatus;
import io.mlops.core.Experiment;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.registry.Bump;
import io.mlops.registry.ModelRegistry;
import io.mlops.registry.Promotion;
import io.mlops.registry.RegisteredVersion;
import io.mlops.registry.VersionSpec;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Properties;

/**
 * The program ShadedJarChildJvmTest runs in a child JVM whose classpath is the shaded jar, SLF4J and this test
 * classes directory (and, in one run, an incompatible Jackson in front): it uses the SDK end to end through the
 * shaded jar's classes and prints {@code SMOKE OK} when every check passed. Any failed check exits non-zero.
 *
 * <p>Arguments: the local store directory, the shaded jar's file name ({@code -}: the unshaded modules, for the
 * control run), and the version of the Jackson expected unrelocated on the classpath ({@code none} when there must
 * be none).
 */
public final class ShadedJarSmoke {
  private ShadedJarSmoke() {}

  /** Runs every check. */
  public static void main(String[] args) throws Exception {
    Path store = Paths.get(args[0]);
    String jarName = args[1];
    String foreignJackson = args[2];

    String foreign = unrelocatedJacksonVersion();
    System.out.println("unrelocated jackson-databind on the classpath: " + foreign);
    check(foreign.equals(foreignJackson), "expected unrelocated Jackson " + foreignJackson + ", found " + foreign);
    if (!jarName.equals("-")) {
      // the SDK's classes come from the shaded jar, not from a module jar or target/classes
      for (Class<?> c : new Class<?>[] {TrackingClient.class, Tracker.class, ModelRegistry.class}) {
        String from = c.getProtectionDomain().getCodeSource().getLocation().getPath();
        check(from.endsWith("/" + jarName), c.getName() + " loaded from " + from);
      }
      // the relocated Jackson is the SDK's own; the unrelocated one (if any) is the application's, untouched
      Object shaded = Class.forName("io.mlops.shaded.com.fasterxml.jackson.databind.cfg.PackageVersion")
          .getField("VERSION").get(null);
      System.out.println("relocated jackson-databind: " + shaded);
      check(!String.valueOf(shaded).equals(foreign), "the relocated Jackson is the foreign one");
    }

    MlopsConfig local = config(store.toUri().toString(), null);
    String candidateId;
    try (Tracker tracker = Tracker.builder().config(local).experimentName("shaded-smoke").shutdownHook(false)
        .build()) {
      ActiveCandidate candidate = tracker.startCandidate("smoke-1");
      candidate.logParam("learning_rate", "0.1");
      candidate.logMetric("accuracy", 0.5, 0);
      candidate.logMetric("accuracy", 0.9, 1);
      candidate.setTag("jar", "shaded");
      Path weights = Files.createTempDirectory(store, "model").resolve("weights.csv");
      Files.write(weights, "index,weight\n0,0.25\n".getBytes(StandardCharsets.UTF_8));
      candidate.logArtifact(weights, "model");
      check(candidate.end(CandidateStatus.FINISHED), "end(FINISHED) returned false");
      candidateId = candidate.id();
      tracker.flush().join();
    }

    try (TrackingClient client = TrackingClient.create(local)) {
      check(client.capabilities().backendName().equals("local store"), client.capabilities().backendName());
      Candidate read = client.getCandidate(candidateId);
      check(read.info().status() == CandidateStatus.FINISHED, "status " + read.info().status());
      check("0.1".equals(read.data().params().get("learning_rate")), "params " + read.data().params());
      check(read.data().metrics().get("accuracy").value() == 0.9, "metrics " + read.data().metrics());
      check(client.getMetricHistory(candidateId, "accuracy").size() == 2, "metric history");
      check("shaded".equals(read.data().tags().get("jar")), "tags " + read.data().tags());
    }

    try (ModelRegistry registry = ModelRegistry.create(local)) {
      RegisteredVersion first = registry.promote(Promotion.builder().candidateId(candidateId)
          .modelName("smoke-model").version(VersionSpec.of("1.0.0")).artifactPath("model").build());
      check(first.semver().equals("1.0.0"), "first version " + first.semver());
      RegisteredVersion bumped = registry.promote(Promotion.builder().candidateId(candidateId)
          .modelName("smoke-model").version(VersionSpec.bump(Bump.MINOR)).artifactPath("model").build());
      check(bumped.semver().equals("1.1.0"), "bumped version " + bumped.semver());
      registry.setAlias("smoke-model", "champion", "1.0.0");
      check(registry.resolve("models:/smoke-model@champion").semver().equals("1.0.0"), "champion");
      check(registry.resolve("models:/smoke-model/latest").semver().equals("1.1.0"), "latest");
      check(registry.resolve("models:/smoke-model/latest").semver().equals("1.1.0"), "latest (cached)");
    }

    // the relocated service files: http(s) URIs resolve to the MLflow backend, GitLab's MLflow API to GitLab's
    try (TrackingClient mlflow = TrackingClient.create(config("http://127.0.0.1:1", null))) {
      check(mlflow.capabilities().backendName().equals("MLflow"), mlflow.capabilities().backendName());
    }
    try (TrackingClient gitlab = TrackingClient.create(
        config("http://127.0.0.1:1/api/v4/projects/42/ml/mlflow", "glpat-x"))) {
      check(gitlab.capabilities().backendName().equals("GitLab"), gitlab.capabilities().backendName());
    }

    // one real request through the relocated OkHttp, Okio, Kotlin and Jackson: a stub MLflow on an ephemeral
    // loopback port
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/2.0/mlflow/experiments/get-by-name", exchange -> {
      byte[] body = ("{\"experiment\": {\"experiment_id\": \"7\", \"name\": \"remote-smoke\", "
          + "\"artifact_location\": \"mlflow-artifacts:/7\", \"lifecycle_stage\": \"active\", "
          + "\"creation_time\": 1700000000000, \"tags\": [{\"key\": \"team\", \"value\": \"ml\"}]}}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    try (TrackingClient remote = TrackingClient.create(
        config("http://127.0.0.1:" + server.getAddress().getPort(), null))) {
      Experiment e = remote.getExperimentByName("remote-smoke");
      check(e.id().equals("7") && e.name().equals("remote-smoke"), "experiment " + e);
      check("ml".equals(e.tags().get("team")), "experiment tags " + e.tags());
    } finally {
      server.stop(0);
    }
    System.out.println("SMOKE OK");
  }

  private static String unrelocatedJacksonVersion() throws ReflectiveOperationException {
    try {
      Class<?> c = Class.forName("com.fasterxml.jackson.databind.cfg.PackageVersion");
      return String.valueOf(c.getField("VERSION").get(null));
    } catch (ClassNotFoundException e) {
      return "none";
    }
  }

  private static MlopsConfig config(String trackingUri, String token) {
    MlopsConfig.Builder b = MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
        .trackingUri(trackingUri);
    if (token != null) {
      b.token(token);
    }
    return b.build();
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      System.out.println("SMOKE FAILED: " + what);
      System.exit(2);
    }
  }
}
