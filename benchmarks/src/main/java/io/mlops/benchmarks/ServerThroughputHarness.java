package io.mlops.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.core.CandidateInfo;
import io.mlops.core.MlopsConfig;
import io.mlops.core.NewCandidate;
import io.mlops.core.TrackingClient;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.FlushResult;
import io.mlops.tracking.Tracker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;

/**
 * Sustained metric points/s into a real MLflow tracking server, side by side in one run:
 *
 * <ol>
 *   <li>our {@code Tracker} (asynchronous, batched), from the first log call until {@code flush()} completes;
 *   <li>the official MLflow Java client ({@code org.mlflow:mlflow-client}) calling {@code logMetric} per point,
 *       and {@code logBatch} with 1000 points per call;
 *   <li>MLflow's Python client, {@code log_metric} per point (synchronous) and with {@code synchronous=False};
 *   <li>the server's own ceiling: a loop that sends prebuilt 1000-point {@code log-batch} bodies on one
 *       connection, with no client-side work at all.
 * </ol>
 *
 * <p>Per-point clients are far slower, so they run on a smaller workload; the table says how many points each
 * sent. Args: {@code --url http://127.0.0.1:5123 [--python <venv python>] [--points N] [--quick]}.
 */
public final class ServerThroughputHarness {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServerThroughputHarness() {}

  /** One line of the result table. */
  static final class Row {
    final String client;
    final long points;
    final double seconds;

    Row(String client, long points, double seconds) {
      this.client = client;
      this.points = points;
      this.seconds = seconds;
    }

    double rate() {
      return points / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    String url = "http://127.0.0.1:5123";
    String python = System.getProperty("mlflow.python");
    int candidates = 10;
    int keys = 10;
    int steps = 5000;
    int perCallPoints = 2000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--url":
          url = args[++i];
          break;
        case "--python":
          python = args[++i];
          break;
        case "--steps":
          steps = Integer.parseInt(args[++i]);
          break;
        case "--quick":
          candidates = 2;
          steps = 1000;
          perCallPoints = 300;
          break;
        default:
          throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    long bulkPoints = (long) candidates * keys * steps;
    System.out.printf("MLflow server %s; bulk workload %d candidates x %d keys x %d steps = %d points; "
        + "per-point clients: %d points%n", url, candidates, keys, steps, bulkPoints, perCallPoints);
    List<Row> rows = new ArrayList<>();
    rows.add(rawCeiling(url, candidates, keys, steps));
    rows.add(ours(url, candidates, keys, steps));
    rows.add(officialJavaBatch(url, candidates, keys, steps));
    rows.add(officialJavaPerCall(url, perCallPoints));
    if (python != null) {
      rows.addAll(pythonClients(python, url, perCallPoints, candidates, keys, steps));
    } else {
      System.out.println("(no -Dmlflow.python / --python: MLflow's Python client skipped)");
    }
    double ceiling = rows.get(0).rate();
    double javaPerCall = rows.stream().filter(r -> r.client.contains("logMetric per point"))
        .findFirst().get().rate();
    System.out.printf("%n%-48s %12s %9s %12s %10s %12s%n", "client", "points", "seconds", "points/s",
        "% ceiling", "x Java/call");
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, "%-48s %12d %9.2f %12.0f %9.1f%% %12.1f%n", r.client, r.points, r.seconds,
          r.rate(), 100 * r.rate() / ceiling, r.rate() / javaPerCall);
    }
  }

  /** Prebuilt 1000-point bodies, sent back to back on one connection: what the server itself can take. */
  static Row rawCeiling(String url, int candidates, int keys, int steps) throws Exception {
    List<String> runs = createRuns(url, "raw-ceiling", candidates);
    List<byte[]> bodies = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (String run : runs) {
      ArrayNode batch = null;
      ObjectNode body = null;
      for (int s = 0; s < steps; s++) {
        for (int k = 0; k < keys; k++) {
          if (batch == null) {
            body = JSON.createObjectNode().put("run_id", run);
            batch = body.putArray("metrics");
          }
          batch.addObject().put("key", "metric_" + k).put("value", 1.0 / (s + 1)).put("timestamp", now + s)
              .put("step", s);
          if (batch.size() == 1000) {
            bodies.add(JSON.writeValueAsBytes(body));
            batch = null;
          }
        }
      }
      if (batch != null) {
        bodies.add(JSON.writeValueAsBytes(body));
      }
    }
    OkHttpClient http = new OkHttpClient.Builder().readTimeout(2, TimeUnit.MINUTES).build();
    MediaType json = MediaType.get("application/json");
    long started = System.nanoTime();
    for (byte[] b : bodies) {
      Request r = new Request.Builder().url(url + "/api/2.0/mlflow/runs/log-batch").post(RequestBody.create(b, json))
          .build();
      try (Response resp = http.newCall(r).execute()) {
        if (!resp.isSuccessful()) {
          throw new IllegalStateException("log-batch answered " + resp.code());
        }
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    http.dispatcher().executorService().shutdown();
    return new Row("raw prebuilt log-batch x1000 (server ceiling)", (long) candidates * keys * steps, seconds);
  }

  /** Our Tracker: log calls from the training loop, then flush. */
  static Row ours(String url, int candidates, int keys, int steps) throws Exception {
    Path journal = Files.createTempDirectory("bench-journal");
    String[] names = new String[keys];
    for (int k = 0; k < keys; k++) {
      names[k] = "metric_" + k;
    }
    try (Tracker tracker = Tracker.builder().config(MlopsConfig.builder().trackingUri(url).build())
        .experimentName("bench-ours-" + UUID.randomUUID().toString().substring(0, 6))
        .journalDirectory(journal).shutdownHook(false).systemTags(false).queueCapacity(1 << 20)
        .flushInterval(Duration.ofMillis(200)).build()) {
      List<ActiveCandidate> open = new ArrayList<>();
      for (int c = 0; c < candidates; c++) {
        open.add(tracker.startCandidate("c" + c));
      }
      long started = System.nanoTime();
      for (ActiveCandidate c : open) {
        for (int s = 0; s < steps; s++) {
          for (int k = 0; k < keys; k++) {
            c.logMetric(names[k], 1.0 / (s + 1), s);
          }
        }
      }
      FlushResult r = tracker.flush().join();
      double seconds = (System.nanoTime() - started) / 1e9;
      if (r.delivered() != (long) candidates * keys * steps || r.journaled() != 0 || r.dropped() != 0) {
        throw new IllegalStateException("not everything was delivered: " + r);
      }
      return new Row("mlops-sdk Tracker (async, batched)", r.delivered(), seconds);
    }
  }

  static Row officialJavaBatch(String url, int candidates, int keys, int steps) {
    MlflowClient client = new MlflowClient(url);
    String exp = client.createExperiment("bench-java-batch-" + UUID.randomUUID().toString().substring(0, 6));
    long now = System.currentTimeMillis();
    long started = System.nanoTime();
    long points = 0;
    for (int c = 0; c < candidates; c++) {
      String run = client.createRun(exp).getRunId();
      List<Service.Metric> batch = new ArrayList<>(1000);
      for (int s = 0; s < steps; s++) {
        for (int k = 0; k < keys; k++) {
          batch.add(Service.Metric.newBuilder().setKey("metric_" + k).setValue(1.0 / (s + 1))
              .setTimestamp(now + s).setStep(s).build());
          if (batch.size() == 1000) {
            client.logBatch(run, batch, null, null);
            points += batch.size();
            batch.clear();
          }
        }
      }
      if (!batch.isEmpty()) {
        client.logBatch(run, batch, null, null);
        points += batch.size();
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    client.close();
    return new Row("mlflow-client 2.17.2 logBatch x1000", points, seconds);
  }

  static Row officialJavaPerCall(String url, int points) {
    MlflowClient client = new MlflowClient(url);
    String exp = client.createExperiment("bench-java-call-" + UUID.randomUUID().toString().substring(0, 6));
    String run = client.createRun(exp).getRunId();
    long now = System.currentTimeMillis();
    long started = System.nanoTime();
    for (int i = 0; i < points; i++) {
      client.logMetric(run, "metric_" + (i % 10), 1.0 / (i + 1), now + i, i / 10);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    client.close();
    return new Row("mlflow-client 2.17.2 logMetric per point", points, seconds);
  }

  static List<Row> pythonClients(String python, String url, int perCall, int candidates, int keys, int steps)
      throws Exception {
    Path script = Path.of("benchmarks/src/main/python/mlflow_server_throughput.py");
    if (!Files.exists(script)) {
      script = Path.of("src/main/python/mlflow_server_throughput.py");
    }
    List<Row> rows = new ArrayList<>();
    for (String mode : new String[] {"sync", "async"}) {
      Process p = new ProcessBuilder(python, script.toString(), "--url", url, "--mode", mode, "--points",
          Integer.toString(perCall))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String line;
      String last = null;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        while ((line = r.readLine()) != null) {
          last = line;
        }
      }
      if (p.waitFor() != 0 || last == null) {
        throw new IllegalStateException("python " + mode + " failed");
      }
      com.fasterxml.jackson.databind.JsonNode result = JSON.readTree(last);
      rows.add(new Row("MLflow Python log_metric (" + (mode.equals("sync") ? "synchronous" : "synchronous=False")
          + ")", result.get("points").asLong(), result.get("seconds").asDouble()));
    }
    return rows;
  }

  private static List<String> createRuns(String url, String experiment, int n) {
    List<String> ids = new ArrayList<>();
    try (TrackingClient client = TrackingClient.create(MlopsConfig.builder().trackingUri(url).build())) {
      String exp = client.createExperiment(experiment + "-" + UUID.randomUUID().toString().substring(0, 6)).id();
      for (int i = 0; i < n; i++) {
        CandidateInfo c = client.createCandidate(NewCandidate.builder().experimentId(exp).name("r" + i)
            .startTime(System.currentTimeMillis()).build());
        ids.add(c.id());
      }
    }
    return ids;
  }
}
