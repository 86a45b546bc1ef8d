package io.mlops.tracking.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateStatus;
import io.mlops.core.Experiment;
import io.mlops.core.LifecycleStage;
import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.core.ViewType;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import io.mlops.tracking.interop.MlflowPython.SearchQuery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK writes a realistic local store; MLflow's own Python client ({@code mlflow_interop.py dump}) must read back
 * exactly what was logged. This is the promise of the local store: {@code mlflow ui} on an SDK-written
 * {@code mlruns/} shows the user's experiments as if MLflow had logged them.
 *
 * <p>Each value is checked twice: the SDK's own reading against what the test logged (so an SDK bug is not blamed
 * on MLflow), and MLflow's reading against the SDK's, exactly, including metric timestamps (which the SDK assigns),
 * NaN and the infinities, system tags and artifact sizes.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SdkStoreReadByMlflowIT {
  private static final String VISION = "sdk-interop-vision";
  private static final String NLP = "sdk-interop-nlp";
  /** Enough points that a reader that pages, caps or de-duplicates a history would show it. */
  private static final int STEPS = 500;

  @TempDir
  static Path tmp;

  private static MlflowPython mlflow;
  private static Path store;
  private static MlopsConfig config;
  private static TrackingClient client;
  private static long startedAt;
  private static long endedAt;
  /** Everything the test logged, in logging order. */
  private static final List<Logged> LOGGED = new ArrayList<>();
  private static JsonNode dump;

  /** What the test logged for one candidate; metric points as {@code "<value>@<step>"} (timestamps are the SDK's). */
  private static final class Logged {
    final String experiment;
    final String name;
    String id;
    CandidateStatus status = CandidateStatus.FINISHED;
    boolean deleted;
    final Map<String, String> params = new TreeMap<>();
    final Map<String, String> tags = new TreeMap<>();
    final Map<String, List<String>> metrics = new TreeMap<>();
    /** Artifact path to size, for files logged to an explicit directory (their path is unambiguous). */
    final Map<String, Long> artifactFiles = new TreeMap<>();
    /** File name to size, for files inside a logged directory (checked by name: see {@link #baseline}). */
    final Map<String, Long> filesInLoggedDirs = new TreeMap<>();

    Logged(String experiment, String name) {
      this.experiment = experiment;
      this.name = name;
    }

    void metric(String key, double value, long step) {
      metrics.computeIfAbsent(key, k -> new ArrayList<>()).add(value + "@" + step);
    }
  }

  @BeforeAll
  static void logWithTheSdk() throws Exception {
    // First, so that a missing MLflow fails fast with the setup instructions.
    mlflow = MlflowPython.locate();
    store = tmp.resolve("mlruns");
    // A plain path: the most common way users configure the local store (the other test uses a file: URI).
    config = MlopsConfig.builder().trackingUri(store.toAbsolutePath().toString()).build();
    Path files = Files.createDirectories(tmp.resolve("files"));

    startedAt = System.currentTimeMillis();
    try (Tracker tracker = Tracker.builder().config(config).experimentName(VISION).build()) {
      LOGGED.add(baseline(tracker, files));
      LOGGED.add(diverged(tracker));
      LOGGED.add(preempted(tracker));
      Logged scratch = scratch(tracker);
      tracker.client().deleteCandidate(scratch.id);
      scratch.deleted = true;
      LOGGED.add(scratch);
      Experiment exp = tracker.client().findExperimentByName(VISION)
          .orElseThrow(() -> new AssertionError("the tracker did not create " + VISION));
      tracker.client().setExperimentTag(exp.id(), "owner/team", "ml-platform");
      tracker.client().setExperimentTag(exp.id(), "description", "vision baselines ✓");
    }
    try (Tracker tracker = Tracker.builder().config(config).experimentName(NLP).build()) {
      LOGGED.add(bertSmall(tracker, files));
      LOGGED.add(bertEmpty(tracker));
      Experiment exp = tracker.client().findExperimentByName(NLP)
          .orElseThrow(() -> new AssertionError("the tracker did not create " + NLP));
      tracker.client().setExperimentTag(exp.id(), "owner/team", "nlp-research");
    }
    endedAt = System.currentTimeMillis();

    // A fresh client: what is on disk, not what a tracker may still hold in memory.
    client = TrackingClient.create(config);
    // Last: MLflow's FileStore creates .trash/ in the store when it is missing, which must not disturb the SDK.
    dump = mlflow.dump(store);
  }

  @AfterAll
  static void closeClient() throws Exception {
    if (client != null) {
      client.close();
    }
  }

  /** 500 steps of three metrics (NaN and both infinities among them), files, a nested directory; FINISHED. */
  private static Logged baseline(Tracker tracker, Path files) throws Exception {
    Logged l = new Logged(VISION, "resnet-baseline");
    try (ActiveCandidate c = tracker.startCandidate(l.name)) {
      l.id = c.id();
      put(l.params, "lr", "0.01", "model", "resnet50", "opt/beta1", "0.9", "epochs", Integer.toString(STEPS));
      c.logParams(l.params);
      // '/' makes nested files in the store; non-ASCII and a newline must survive MLflow's whole-file read.
      put(l.tags, "team", "vision", "data/split", "train-v1", "note", "naïve café ✓", "description",
          "line one\nline two");
      c.setTags(l.tags);
      for (int step = 0; step < STEPS; step++) {
        Map<String, Double> m = new LinkedHashMap<>();
        // Values that need all 17 significant digits, so any lossy formatting shows.
        m.put("loss", step == 250 ? Double.NaN : Math.exp(-step / 60.0) + 0.01 * Math.sin(step));
        m.put("val/acc", step == 100 ? Double.POSITIVE_INFINITY
            : step == 101 ? Double.NEGATIVE_INFINITY : 1 - Math.exp(-step / 80.0));
        m.put("train/lr", 0.1 * Math.pow(0.99, step));
        c.logMetrics(m, step);
        for (Map.Entry<String, Double> e : m.entrySet()) {
          l.metric(e.getKey(), e.getValue(), step);
        }
      }
      // No step: three points at step 0, which must all be kept, in order.
      for (double v : new double[] {12.5, 11.75, 12.0}) {
        c.logMetric("epoch_time", v);
        l.metric("epoch_time", v, 0);
      }
      c.logMetric("final_score", 0.9321, STEPS - 1);
      l.metric("final_score", 0.9321, STEPS - 1);

      Path summary = write(files.resolve("summary.txt"), "best epoch: 412\n".getBytes(StandardCharsets.UTF_8));
      c.logArtifact(summary);
      l.artifactFiles.put("summary.txt", Files.size(summary));
      Path weights = write(files.resolve("weights.bin"), randomBytes(3000, 42));
      c.logArtifact(weights, "model");
      l.artifactFiles.put("model/weights.bin", 3000L);
      Path params = write(files.resolve("params.json"), "{\"lr\": 0.01}\n".getBytes(StandardCharsets.UTF_8));
      c.logArtifact(params, "model/config");
      l.artifactFiles.put("model/config/params.json", Files.size(params));
      // A whole directory with a subdirectory. Whether the SDK keeps the directory's own name is its choice; MLflow
      // must list the same tree as the SDK (checked exactly) and the files must be there by name and size.
      Path plots = Files.createDirectories(files.resolve("plots/curves"));
      write(files.resolve("plots/index.html"), "<html></html>\n".getBytes(StandardCharsets.UTF_8));
      write(plots.resolve("loss.csv"), randomBytes(777, 7));
      c.logArtifact(files.resolve("plots"), "reports");
      l.filesInLoggedDirs.put("index.html", 14L);
      l.filesInLoggedDirs.put("loss.csv", 777L);
    }
    return l;
  }

  /** A run that blew up: huge values, +Inf, NaN as the LATEST value; FAILED. */
  private static Logged diverged(Tracker tracker) throws Exception {
    Logged l = new Logged(VISION, "resnet-diverged");
    try (ActiveCandidate c = tracker.startCandidate(l.name)) {
      l.id = c.id();
      put(l.params, "lr", "0.5", "model", "resnet50", "opt/beta1", "0.8");
      for (Map.Entry<String, String> e : l.params.entrySet()) {
        c.logParam(e.getKey(), e.getValue());
      }
      put(l.tags, "team", "vision", "data/split", "train-v1");
      for (Map.Entry<String, String> e : l.tags.entrySet()) {
        c.setTag(e.getKey(), e.getValue());
      }
      double[] loss = {1.0, 10.0, 1e6, Double.POSITIVE_INFINITY, Double.NaN};
      for (int step = 0; step < loss.length; step++) {
        c.logMetric("loss", loss[step], step);
        l.metric("loss", loss[step], step);
      }
      c.logMetric("val/acc", 0.1, 0);
      l.metric("val/acc", 0.1, 0);
      c.logMetric("val/acc", Double.NEGATIVE_INFINITY, 1);
      l.metric("val/acc", Double.NEGATIVE_INFINITY, 1);
      c.end(CandidateStatus.FAILED);
      l.status = CandidateStatus.FAILED;
    }
    return l;
  }

  /** Extreme finite values (subnormal, max, -0.0) that a lossy number format would change; KILLED. */
  private static Logged preempted(Tracker tracker) throws Exception {
    Logged l = new Logged(VISION, "resnet-preempted");
    try (ActiveCandidate c = tracker.startCandidate(l.name)) {
      l.id = c.id();
      put(l.params, "lr", "0.001", "model", "ResNet-XL", "opt/beta1", "0.99");
      c.logParams(l.params);
      put(l.tags, "team", "vision", "data/split", "holdout");
      c.setTags(l.tags);
      double[] loss = {0.9, 0.8, 0.7, 0.65};
      double[] delta = {0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE};
      for (int step = 0; step < loss.length; step++) {
        c.logMetric("loss", loss[step], step);
        l.metric("loss", loss[step], step);
        c.logMetric("delta", delta[step], step);
        l.metric("delta", delta[step], step);
      }
      c.end(CandidateStatus.KILLED);
      l.status = CandidateStatus.KILLED;
    }
    return l;
  }

  /** Ends FINISHED, then is soft-deleted: MLflow must see lifecycle_stage deleted, not lose the run. */
  private static Logged scratch(Tracker tracker) throws Exception {
    Logged l = new Logged(VISION, "resnet-scratch");
    try (ActiveCandidate c = tracker.startCandidate(l.name)) {
      l.id = c.id();
      put(l.params, "lr", "0.1", "model", "mlp", "opt/beta1", "0.5");
      c.logParams(l.params);
      put(l.tags, "team", "vision", "data/split", "scratch");
      c.setTags(l.tags);
      c.logMetric("loss", 3.0, 0);
      l.metric("loss", 3.0, 0);
    }
    return l;
  }

  /** The second experiment: 200 steps, a file in a subdirectory; FINISHED. */
  private static Logged bertSmall(Tracker tracker, Path files) throws Exception {
    Logged l = new Logged(NLP, "bert-small");
    try (ActiveCandidate c = tracker.startCandidate(l.name)) {
      l.id = c.id();
      // The value as users write it; params are strings and must not be re-formatted (3e-05 stays 3e-05).
      put(l.params, "lr", "3e-05", "model", "bert-small", "opt/beta1", "0.9");
      c.logParams(l.params);
      put(l.tags, "team", "nlp", "data/split", "train-v2");
      c.setTags(l.tags);
      for (int step = 0; step < 200; step++) {
        double v = 2.0 / (1 + step);
        c.logMetric("loss", v, step);
        l.metric("loss", v, step);
      }
      Path vocab = write(files.resolve("vocab.txt"), "[PAD]\n[UNK]\nthe\n".getBytes(StandardCharsets.UTF_8));
      c.logArtifact(vocab, "tokenizer");
      l.artifactFiles.put("tokenizer/vocab.txt", Files.size(vocab));
    }
    return l;
  }

  /** No params, metrics or artifacts at all: the empty folders must still make a valid MLflow run; FAILED. */
  private static Logged bertEmpty(Tracker tracker) throws Exception {
    Logged l = new Logged(NLP, "bert-empty");
    try (ActiveCandidate c = tracker.startCandidate(l.name)) {
      l.id = c.id();
      c.end(CandidateStatus.FAILED);
      l.status = CandidateStatus.FAILED;
    }
    return l;
  }

  @Test
  void mlflowSeesExactlyTheSdksExperiments() {
    Map<String, Experiment> sdk = Interop.sdkExperiments(client);
    Map<String, JsonNode> ml = Interop.mlflowExperiments(dump);
    // No experiment lost, none invented (an SDK-created Default experiment "0" is fine, as long as both see it).
    assertThat(ml.keySet()).as("experiment ids MLflow sees").containsExactlyInAnyOrderElementsOf(sdk.keySet());
    assertThat(sdk.values()).extracting(Experiment::name).contains(VISION, NLP);

    SoftAssertions softly = new SoftAssertions();
    for (Experiment e : sdk.values()) {
      Interop.assertSameExperiment(softly, ml.get(e.id()), e);
      softly.assertThat(e.lifecycleStage()).as("stage of %s", e.name()).isEqualTo(LifecycleStage.ACTIVE);
    }
    Experiment vision = byName(sdk, VISION);
    softly.assertThat(vision.tags()).as("SDK's tags of " + VISION)
        .containsEntry("owner/team", "ml-platform").containsEntry("description", "vision baselines ✓");
    softly.assertThat(byName(sdk, NLP).tags()).as("SDK's tags of " + NLP).containsEntry("owner/team", "nlp-research");
    softly.assertAll();
  }

  @Test
  void sdkReadsBackWhatWasLogged() {
    // The SDK against the test's own record: if this fails, the problem is the SDK, not the file format.
    SoftAssertions softly = new SoftAssertions();
    for (Logged l : LOGGED) {
      Candidate c = client.getCandidate(l.id);
      String ctx = l.name + " (" + l.id + ")";
      softly.assertThat(c.name()).as(ctx + " name").isEqualTo(l.name);
      softly.assertThat(c.info().status()).as(ctx + " status").isEqualTo(l.status);
      softly.assertThat(c.info().lifecycleStage()).as(ctx + " stage")
          .isEqualTo(l.deleted ? LifecycleStage.DELETED : LifecycleStage.ACTIVE);
      softly.assertThat(c.info().startTime()).as(ctx + " start").isBetween(startedAt, endedAt);
      softly.assertThat(c.info().endTime()).as(ctx + " end").isPresent();
      c.info().endTime().ifPresent(end -> softly.assertThat(end).as(ctx + " end").isBetween(c.info().startTime(),
          endedAt));
      softly.assertThat(c.data().params()).as(ctx + " params").isEqualTo(l.params);
      softly.assertThat(c.data().tags()).as(ctx + " tags").containsAllEntriesOf(l.tags)
          .containsEntry("mlflow.runName", l.name)
          .containsKeys("mlflow.user", "mlflow.source.name", "mlflow.source.type");
      softly.assertThat(c.data().metrics().keySet()).as(ctx + " metric keys")
          .containsExactlyInAnyOrderElementsOf(l.metrics.keySet());
      for (Map.Entry<String, List<String>> e : l.metrics.entrySet()) {
        List<String> valueAtStep = new ArrayList<>();
        // Collected, not asserted per point: one bad clock would otherwise report 500 failures.
        List<String> badPoints = new ArrayList<>();
        long previous = startedAt;
        for (Metric m : client.getMetricHistory(l.id, e.getKey())) {
          valueAtStep.add(m.value() + "@" + m.step());
          // The SDK stamps points with the wall clock, in logging order.
          if (!m.key().equals(e.getKey()) || m.timestamp() < previous || m.timestamp() > endedAt) {
            badPoints.add(m.toString());
          }
          previous = Math.max(previous, m.timestamp());
        }
        softly.assertThat(badPoints).as(ctx + " points of " + e.getKey() + " with a wrong key or a timestamp out of "
            + "order or outside [" + startedAt + ", " + endedAt + "]").isEmpty();
        Interop.assertSameSequence(softly, ctx + " SDK's history of " + e.getKey() + " vs logged", valueAtStep,
            e.getValue());
      }
      Map<String, String> artifacts = Interop.sdkArtifacts(client, l.id);
      l.artifactFiles.forEach((path, size) -> softly.assertThat(artifacts).as(ctx + " artifacts")
          .containsEntry(path, Long.toString(size)));
      l.filesInLoggedDirs.forEach((name, size) -> softly.assertThat(artifacts.entrySet()).as(ctx + " artifacts")
          .anySatisfy(a -> {
            assertThat(a.getKey()).startsWith("reports/").endsWith("/" + name);
            assertThat(a.getValue()).isEqualTo(Long.toString(size));
          }));
    }
    softly.assertAll();
  }

  @Test
  void mlflowSeesExactlyTheSdksRuns() {
    Map<String, JsonNode> ml = Interop.mlflowRuns(dump);
    List<String> loggedIds = new ArrayList<>();
    LOGGED.forEach(l -> loggedIds.add(l.id));
    assertThat(ml.keySet()).as("run ids MLflow sees (all view types)").containsExactlyInAnyOrderElementsOf(loggedIds);

    SoftAssertions softly = new SoftAssertions();
    Map<String, Experiment> experiments = Interop.sdkExperiments(client);
    for (Logged l : LOGGED) {
      JsonNode run = ml.get(l.id);
      Candidate c = client.getCandidate(l.id);
      // Against the SDK's view: everything, exactly (including the SDK's system and git tags).
      Interop.assertSameRun(softly, run, c, client);
      // Against the record: the parts the test chose.
      String ctx = l.name + " (" + l.id + ")";
      softly.assertThat(run.get("experiment_id").asText()).as(ctx + " experiment")
          .isEqualTo(byName(experiments, l.experiment).id());
      softly.assertThat(run.get("run_name").asText()).as(ctx + " run_name").isEqualTo(l.name);
      softly.assertThat(run.get("status").asText()).as(ctx + " status").isEqualTo(l.status.name());
      softly.assertThat(run.get("lifecycle_stage").asText()).as(ctx + " lifecycle_stage")
          .isEqualTo(l.deleted ? "deleted" : "active");
      softly.assertThat(Interop.textMap(run.get("params"))).as(ctx + " params").isEqualTo(l.params);
      softly.assertThat(Interop.textMap(run.get("tags"))).as(ctx + " tags").containsAllEntriesOf(l.tags)
          .containsEntry("mlflow.runName", l.name)
          .containsKeys("mlflow.user", "mlflow.source.name", "mlflow.source.type");
      softly.assertThat(run.get("metrics").size()).as(ctx + " number of metric keys").isEqualTo(l.metrics.size());
      for (Map.Entry<String, List<String>> e : l.metrics.entrySet()) {
        List<String> valueAtStep = new ArrayList<>();
        for (JsonNode p : run.get("metrics").path(e.getKey())) {
          valueAtStep.add(MlflowPython.decodeDouble(p.get(1)) + "@" + p.get(2).asLong());
        }
        Interop.assertSameSequence(softly, ctx + " MLflow's history of " + e.getKey() + " vs logged", valueAtStep,
            e.getValue());
      }
      Map<String, String> artifacts = Interop.mlflowArtifacts(run.get("artifacts"));
      l.artifactFiles.forEach((path, size) -> softly.assertThat(artifacts).as(ctx + " MLflow's artifacts")
          .containsEntry(path, Long.toString(size)));
    }
    softly.assertAll();
  }

  @Test
  void mlflowAndSdkSearchTheSdkStoreAlike() throws Exception {
    // Filters and orders evaluated on the SDK-written values (e.g. NaN as a latest value, Java's "Infinity"
    // spelling in the metric files), across both experiments and every view type.
    Map<String, Experiment> experiments = Interop.sdkExperiments(client);
    List<String> both = Arrays.asList(byName(experiments, VISION).id(), byName(experiments, NLP).id());
    List<String> filters = Arrays.asList(
        "",
        "metrics.loss < 0.5",
        "metrics.loss != 0",
        "metrics.`val/acc` >= 0.5",
        "params.`opt/beta1` = '0.9'",
        "params.model ILIKE 'RESNET%'",
        "tags.\"data/split\" LIKE 'train%'",
        "tags.note = 'naïve café ✓'",
        "attributes.status != 'FINISHED'",
        "attributes.run_name LIKE 'bert-%'",
        "attributes.start_time >= " + startedAt + " AND params.lr != '0.5'");
    List<List<String>> orders = Arrays.asList(
        Collections.<String>emptyList(),
        Collections.singletonList("metrics.loss ASC"),
        Collections.singletonList("metrics.loss DESC"),
        Arrays.asList("params.model DESC", "attributes.run_name"));
    List<SearchQuery> queries = new ArrayList<>();
    for (ViewType view : ViewType.values()) {
      for (String f : filters) {
        for (List<String> o : orders) {
          queries.add(new SearchQuery(both, f, o, view, 1000));
        }
      }
    }
    // Paging: the SDK's page tokens must walk the same sequence.
    queries.add(new SearchQuery(both, "", Collections.<String>emptyList(), ViewType.ALL, 1));
    queries.add(new SearchQuery(both, "", Collections.singletonList("metrics.`train/lr` DESC"), ViewType.ALL, 2));

    Map<String, String> names = new TreeMap<>();
    LOGGED.forEach(l -> names.put(l.id, l.name));
    int answered = Interop.assertSameSearchResults(mlflow, store, client, queries, names);
    assertThat(answered).as("queries MLflow answered").isEqualTo(queries.size());
  }

  private static Experiment byName(Map<String, Experiment> experiments, String name) {
    return experiments.values().stream().filter(e -> e.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no experiment " + name + " in " + experiments.keySet()));
  }

  private static void put(Map<String, String> map, String... keyValues) {
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
  }

  private static Path write(Path file, byte[] content) throws Exception {
    Files.createDirectories(file.getParent());
    return Files.write(file, content);
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
