package io.mlops.tracking.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlops.core.ArtifactInfo;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateStatus;
import io.mlops.core.Experiment;
import io.mlops.core.LifecycleStage;
import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.core.ViewType;
import io.mlops.tracking.interop.MlflowPython.SearchQuery;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLflow's own Python client writes a store ({@code mlflow_interop.py write}: experiment {@code py-interop}, runs
 * FINISHED/FAILED/KILLED plus a soft-deleted one, '/' in keys, NaN and infinities, nested artifacts); the SDK must
 * read exactly what MLflow reads, and its searches must select the same runs in the same order as MLflow's.
 *
 * <p>MLflow writes Python's spellings ({@code nan}, {@code inf}, {@code -inf} in metric files; status as a number in
 * {@code meta.yaml}; no {@code run_uuid}), so this is the direction where a reader built from the SDK's own output
 * would break.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MlflowStoreReadBySdkIT {
  /** {@code T0} of mlflow_interop.py: run i starts at T0 + i seconds, metric points every 10 s after that. */
  private static final long T0 = 1_700_000_000_000L;

  @TempDir
  static Path tmp;

  private static MlflowPython mlflow;
  private static Path store;
  private static JsonNode written;
  private static JsonNode dump;
  private static String experimentId;
  /** Run name to id, as the script reports them. */
  private static final Map<String, String> IDS = new TreeMap<>();
  /** Run id to name, for readable search failures. */
  private static final Map<String, String> NAMES = new TreeMap<>();
  private static TrackingClient client;

  @BeforeAll
  static void writeWithMlflow() {
    mlflow = MlflowPython.locate();
    store = tmp.resolve("mlruns");
    written = mlflow.write(store);
    // The whole store as MLflow sees it (the write output covers only py-interop; this adds Default).
    dump = mlflow.dump(store);
    experimentId = written.path("written").path("experiment_id").asText();
    Iterator<Map.Entry<String, JsonNode>> it = written.path("written").path("run_ids").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      IDS.put(e.getKey(), e.getValue().asText());
      NAMES.put(e.getValue().asText(), e.getKey());
    }
    assertThat(IDS).as("runs the script wrote").containsOnlyKeys("py-alpha", "py-beta", "py-gamma", "py-deleted");
    // A file: URI this time (the other test uses a plain path), spelled as MLflow spells it: file:///abs/path.
    MlopsConfig config = MlopsConfig.builder().trackingUri("file://" + store.toAbsolutePath()).build();
    client = TrackingClient.create(config);
  }

  @AfterAll
  static void closeClient() throws Exception {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void sdkSeesMlflowsExperiments() {
    Map<String, Experiment> sdk = Interop.sdkExperiments(client);
    Map<String, JsonNode> ml = Interop.mlflowExperiments(dump);
    assertThat(sdk.keySet()).as("experiment ids the SDK sees").containsExactlyInAnyOrderElementsOf(ml.keySet());
    SoftAssertions softly = new SoftAssertions();
    for (Experiment e : sdk.values()) {
      Interop.assertSameExperiment(softly, ml.get(e.id()), e);
    }
    Experiment exp = client.findExperimentByName("py-interop")
        .orElseThrow(() -> new AssertionError("the SDK does not find py-interop"));
    softly.assertThat(exp.id()).isEqualTo(experimentId);
    softly.assertThat(exp.lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
    // One tag set at creation, one by set_experiment_tag; '/' in a key is a nested file.
    softly.assertThat(exp.tags()).containsExactlyInAnyOrderEntriesOf(map("team", "interop", "suite/kind", "fixture"));
    softly.assertThat(client.findExperimentByName("Default").map(Experiment::id)).as("MLflow's Default experiment")
        .contains("0");
    softly.assertAll();
  }

  @Test
  void sdkSeesExactlyWhatMlflowSeesInEveryRun() {
    Map<String, JsonNode> ml = Interop.mlflowRuns(dump);
    assertThat(ml.keySet()).as("runs in MLflow's dump").containsExactlyInAnyOrderElementsOf(IDS.values());
    SoftAssertions softly = new SoftAssertions();
    for (JsonNode run : ml.values()) {
      Interop.assertSameRun(softly, run, client.getCandidate(run.get("run_id").asText()), client);
    }
    softly.assertAll();
  }

  @Test
  void sdkReadsTheFixturesValues() {
    // The same data as above, stated from the fixture, so a failure reads as "the SDK got X wrong".
    SoftAssertions softly = new SoftAssertions();
    Map<String, CandidateStatus> statuses = new TreeMap<>();
    statuses.put("py-alpha", CandidateStatus.FINISHED);
    statuses.put("py-beta", CandidateStatus.FAILED);
    statuses.put("py-gamma", CandidateStatus.KILLED);
    statuses.put("py-deleted", CandidateStatus.FINISHED);
    int i = 1;
    for (String name : Arrays.asList("py-alpha", "py-beta", "py-gamma", "py-deleted")) {
      Candidate c = client.getCandidate(IDS.get(name));
      softly.assertThat(c.name()).isEqualTo(name);
      softly.assertThat(c.info().experimentId()).as(name).isEqualTo(experimentId);
      softly.assertThat(c.info().status()).as(name).isEqualTo(statuses.get(name));
      softly.assertThat(c.info().lifecycleStage()).as(name)
          .isEqualTo(name.equals("py-deleted") ? LifecycleStage.DELETED : LifecycleStage.ACTIVE);
      softly.assertThat(c.info().startTime()).as(name).isEqualTo(T0 + 1000L * i);
      softly.assertThat(c.info().endTime().isPresent()).as(name + " has an end time").isTrue();
      softly.assertThat(c.info().userId()).as(name).contains("interop");
      softly.assertThat(c.data().tags()).as(name).containsEntry("mlflow.runName", name)
          .containsEntry("mlflow.user", "interop").containsKeys("team", "data/split", "priority");
      i++;
    }
    Candidate alpha = client.getCandidate(IDS.get("py-alpha"));
    softly.assertThat(alpha.info().endTime().getAsLong()).isEqualTo(T0 + 61_000);
    softly.assertThat(alpha.data().params()).containsExactlyInAnyOrderEntriesOf(
        map("lr", "0.01", "model", "resnet", "opt/beta1", "0.9", "epochs", "10"));
    softly.assertThat(alpha.data().tags()).containsEntry("data/split", "train-v1");
    // MLflow wrote "nan", "inf" and "-inf" (Python's spellings) into these files.
    softly.assertThat(values(client.getMetricHistory(IDS.get("py-alpha"), "val/acc")))
        .containsExactly(0.4, Double.NaN, 0.75, 0.8, 0.88);
    softly.assertThat(values(client.getMetricHistory(IDS.get("py-beta"), "loss")))
        .containsExactly(2.0, Double.POSITIVE_INFINITY, 1.5);
    softly.assertThat(values(client.getMetricHistory(IDS.get("py-beta"), "val/acc")))
        .containsExactly(0.2, 0.25, Double.NEGATIVE_INFINITY);
    List<Metric> loss = client.getMetricHistory(IDS.get("py-alpha"), "loss");
    softly.assertThat(loss).extracting(Metric::timestamp)
        .containsExactly(T0 + 1000, T0 + 11_000, T0 + 21_000, T0 + 31_000, T0 + 41_000);
    softly.assertThat(loss).extracting(Metric::step).containsExactly(0L, 1L, 2L, 3L, 4L);
    Candidate gamma = client.getCandidate(IDS.get("py-gamma"));
    softly.assertThat(gamma.data().metrics().get("grad_norm").value()).as("latest grad_norm of py-gamma").isNaN();
    softly.assertThat(gamma.data().metrics().get("accuracy").value()).isEqualTo(0.95);
    softly.assertAll();
  }

  @Test
  void sdkListsAndDownloadsNestedArtifacts() throws Exception {
    String alpha = IDS.get("py-alpha");
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(level(alpha, "")).containsExactlyInAnyOrder("README.txt=10", "model/", "plots/");
    softly.assertThat(level(alpha, "model")).containsExactlyInAnyOrder("model/config/", "model/weights.bin=1024");
    softly.assertThat(level(alpha, "model/config")).containsExactly("model/config/params.json=32");
    softly.assertThat(level(IDS.get("py-gamma"), "")).as("a run without artifacts").isEmpty();
    softly.assertAll();

    // What MLflow stored: the run's artifact_uri is a file: URI into the store.
    Path root = Paths.get(URI.create(client.getCandidate(alpha).info().artifactUri()));
    Path one = Files.createDirectories(tmp.resolve("download-one"));
    client.downloadArtifacts(alpha, "model/config/params.json", one);
    // Where exactly under the target a download lands is the SDK's choice; the bytes are not.
    Map<String, Path> got = Interop.filesByName(one);
    assertThat(got).containsOnlyKeys("params.json");
    assertThat(Files.readAllBytes(got.get("params.json")))
        .isEqualTo(Files.readAllBytes(root.resolve("model/config/params.json")));

    Path tree = Files.createDirectories(tmp.resolve("download-tree"));
    client.downloadArtifacts(alpha, "model", tree);
    got = Interop.filesByName(tree);
    assertThat(got).containsOnlyKeys("weights.bin", "params.json");
    assertThat(Files.readAllBytes(got.get("weights.bin"))).isEqualTo(Files.readAllBytes(root.resolve("model/weights.bin")));
    assertThat(got.get("weights.bin").getParent().resolve("config/params.json")).as("the tree keeps its shape")
        .hasSameBinaryContentAs(root.resolve("model/config/params.json"));
  }

  @Test
  void sdkSearchSelectsWhatMlflowSelects() throws Exception {
    List<String> exp = Collections.singletonList(experimentId);
    List<String> expAndDefault = Arrays.asList(experimentId, "0");
    List<String> filters = Arrays.asList(
        "",
        // metrics: compared against the latest value; NaN matches only '!='; a missing metric matches nothing
        "metrics.loss < 1",
        "metrics.accuracy >= 0.9",
        "metrics.loss = 1.5",
        "metrics.`val/acc` > 0.5",
        "metrics.\"val/acc\" != 0.25",
        "metrics.grad_norm != 0",
        "metrics.grad_norm > 0",
        // params and tags: string comparisons; LIKE is case-sensitive, ILIKE is not; '_' matches one character
        "params.model = 'resnet'",
        "params.model != 'resnet'",
        "params.model LIKE 'res%'",
        "params.model ILIKE 'RES%'",
        "params.model LIKE 'res_et'",
        "params.`opt/beta1` = '0.9'",
        "params.\"opt/beta1\" LIKE '0.9%'",
        "params.epochs = \"10\"",
        "tags.team = 'vision'",
        "tags.`data/split` LIKE 'train%'",
        "tags.\"data/split\" = 'holdout'",
        "tags.`mlflow.runName` = 'py-gamma'",
        "tags.priority != 'high'",
        // attributes
        "attributes.status = 'FAILED'",
        "attributes.status != 'FINISHED'",
        "status = 'KILLED'",
        "attributes.run_name LIKE 'py-%a'",
        "attributes.run_name ILIKE 'PY-B%'",
        "run_name = 'py-beta'",
        "attributes.user_id = 'interop'",
        "attributes.start_time > " + (T0 + 1500),
        "attributes.start_time >= " + (T0 + 2000) + " AND attributes.start_time < " + (T0 + 4000),
        "attributes.end_time > " + (T0 + 50_000),
        "attributes.run_id IN ('" + IDS.get("py-alpha") + "', '" + IDS.get("py-gamma") + "')",
        "attributes.run_id NOT IN ('" + IDS.get("py-beta") + "')",
        // combined
        "metrics.loss > 0.3 AND tags.team = 'vision'",
        "params.model ILIKE '%res%' AND metrics.accuracy > 0.8 AND attributes.status = 'FINISHED'");
    List<List<String>> orders = Arrays.asList(
        Collections.singletonList("metrics.loss DESC"),
        Arrays.asList("params.model ASC", "attributes.start_time DESC"),
        Collections.singletonList("tags.`data/split` DESC"),
        Collections.singletonList("attributes.run_name"),
        // py-gamma has no val/acc: missing values sort last in both directions
        Collections.singletonList("metrics.`val/acc` ASC"),
        // py-gamma's latest grad_norm is NaN, the others have none: NaN sorts after numbers, before missing
        Collections.singletonList("metrics.grad_norm DESC"),
        Collections.singletonList("attributes.end_time DESC"),
        Collections.singletonList("start_time"));

    List<SearchQuery> queries = new ArrayList<>();
    for (int i = 0; i < filters.size(); i++) {
      String f = filters.get(i);
      queries.add(new SearchQuery(exp, f, Collections.<String>emptyList(), ViewType.ALL, 1000));
      queries.add(new SearchQuery(exp, f, Collections.<String>emptyList(), ViewType.ACTIVE_ONLY, 1000));
      queries.add(new SearchQuery(expAndDefault, f, orders.get(i % orders.size()), ViewType.ALL, 1000));
    }
    for (List<String> o : orders) {
      for (ViewType view : ViewType.values()) {
        queries.add(new SearchQuery(exp, "", o, view, 1000));
      }
    }
    // Paging with tiny pages must walk the same sequence.
    queries.add(new SearchQuery(exp, "", Collections.<String>emptyList(), ViewType.ALL, 1));
    queries.add(new SearchQuery(exp, "metrics.loss > 0", Collections.singletonList("metrics.loss ASC"),
        ViewType.ALL, 2));

    int answered = Interop.assertSameSearchResults(mlflow, store, client, queries, NAMES);
    assertThat(answered).as("queries MLflow answered").isEqualTo(queries.size());
  }

  @Test
  void inOnStatus_isASupersetOfMlflowThatEqualsTheUnionOfItsEqualities() {
    // MLflow 3.17 accepts IN lists only on run_id; the SDK accepts them on every string attribute.
    List<String> exp = Collections.singletonList(experimentId);
    List<String> failed = mlflow.search(store, exp, "attributes.status = 'FAILED'",
        Collections.<String>emptyList(), ViewType.ALL);
    List<String> killed = mlflow.search(store, exp, "attributes.status = 'KILLED'",
        Collections.<String>emptyList(), ViewType.ALL);
    List<String> union = new ArrayList<>(failed);
    union.addAll(killed);
    assertThat(union).isNotEmpty();
    List<String> sdk = Interop.sdkSearch(client, new SearchQuery(exp, "attributes.status IN ('FAILED', 'KILLED')",
        Collections.<String>emptyList(), ViewType.ALL, 1000));
    assertThat(sdk).containsExactlyInAnyOrderElementsOf(union);
  }

  @Test
  void viewTypesSelectTheSameRuns() {
    List<String> exp = Collections.singletonList(experimentId);
    SoftAssertions softly = new SoftAssertions();
    for (ViewType view : ViewType.values()) {
      // Through the plain `search` subcommand (the batch helper is used everywhere else).
      List<String> ml = mlflow.search(store, exp, "", Collections.<String>emptyList(), view);
      List<String> sdk = Interop.sdkSearch(client,
          new SearchQuery(exp, "", Collections.<String>emptyList(), view, 1000));
      softly.assertThat(Interop.names(sdk, NAMES)).as("view %s", view)
          .containsExactlyElementsOf(Interop.names(ml, NAMES));
    }
    // Stated from the fixture: runs sort by start_time DESC by default, the deleted one started last.
    softly.assertThat(mlflow.search(store, exp, "", Collections.<String>emptyList(), ViewType.ACTIVE_ONLY))
        .containsExactly(IDS.get("py-gamma"), IDS.get("py-beta"), IDS.get("py-alpha"));
    softly.assertThat(Interop.sdkSearch(client, new SearchQuery(exp, "params.model = 'mlp'",
        Collections.<String>emptyList(), ViewType.DELETED_ONLY, 1000))).containsExactly(IDS.get("py-deleted"));
    softly.assertThat(Interop.sdkSearch(client, new SearchQuery(exp, "params.model = 'mlp'",
        Collections.<String>emptyList(), ViewType.ACTIVE_ONLY, 1000))).isEmpty();
    softly.assertAll();
  }

  /** One level of the SDK's listing as {@code "path=size"} for files and {@code "path/"} for directories. */
  private static List<String> level(String candidateId, String dir) {
    List<String> out = new ArrayList<>();
    for (ArtifactInfo a : client.listArtifacts(candidateId, dir)) {
      out.add(a.isDirectory() ? a.path() + "/" : a.path() + "=" + (a.fileSize().isPresent()
          ? Long.toString(a.fileSize().getAsLong()) : "?"));
    }
    return out;
  }

  private static List<Double> values(List<Metric> history) {
    return history.stream().map(Metric::value).collect(Collectors.toList());
  }

  private static Map<String, String> map(String... keyValues) {
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return m;
  }
}
