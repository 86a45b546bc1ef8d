package io.mlops.tracking.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlops.core.Candidate;
import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.core.ViewType;
import io.mlops.tracking.interop.MlflowPython.SearchQuery;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metric files whose reading follows a rule of MLflow's file store that is easy to get wrong
 * ({@code mlflow_interop.py write-metric-edges}, written by MLflow's own client):
 * <ul>
 *   <li>metrics logged with a dataset, which MLflow 3 stores as {@code "<ts> <value> <step> <name> <digest>"} and its
 *       {@code FileStore._get_metric_from_line} reads with step 0;
 *   <li>points tied on step and timestamp where one value is NaN (or the values are {@code -0.0} and {@code 0.0}):
 *       the latest is Python's {@code max} by {@code (step, timestamp, value)}, which keeps the first point of a tie.
 * </ul>
 * The SDK must read the same histories and latest values, and its searches must select and order the same runs.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MlflowMetricEdgesReadBySdkIT {
  @TempDir
  static Path tmp;

  private static MlflowPython mlflow;
  private static Path store;
  private static JsonNode written;
  private static String experimentId;
  private static final Map<String, String> IDS = new TreeMap<>();
  private static final Map<String, String> NAMES = new TreeMap<>();
  private static TrackingClient client;

  @BeforeAll
  static void writeWithMlflow() {
    mlflow = MlflowPython.locate();
    store = tmp.resolve("mlruns");
    written = mlflow.writeMetricEdges(store);
    experimentId = written.path("written").path("experiment_id").asText();
    Iterator<Map.Entry<String, JsonNode>> it = written.path("written").path("run_ids").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      IDS.put(e.getKey(), e.getValue().asText());
      NAMES.put(e.getValue().asText(), e.getKey());
    }
    assertThat(IDS).as("runs the script wrote").containsOnlyKeys("py-dataset", "py-number-first", "py-nan-first");
    client = TrackingClient.create(MlopsConfig.builder().trackingUri(store.toAbsolutePath().toString()).build());
  }

  @AfterAll
  static void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void sdkReadsEveryHistoryAndLatestValueAsMlflowDoes() {
    Map<String, JsonNode> ml = Interop.mlflowRuns(written);
    assertThat(ml.keySet()).containsExactlyInAnyOrderElementsOf(IDS.values());
    SoftAssertions softly = new SoftAssertions();
    for (JsonNode run : ml.values()) {
      Interop.assertSameRun(softly, run, client.getCandidate(run.get("run_id").asText()), client);
    }
    softly.assertAll();
  }

  @Test
  void datasetLinkedPointsHaveStepZero() {
    String id = IDS.get("py-dataset");
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(client.getMetricHistory(id, "acc")).extracting(Metric::step).containsExactly(0L, 1L, 0L);
    softly.assertThat(client.getMetricHistory(id, "loss")).extracting(Metric::step).containsExactly(0L, 0L, 0L);
    Candidate c = client.getCandidate(id);
    softly.assertThat(c.data().metrics().get("acc").value()).as("the 3-field point at step 1").isEqualTo(0.7);
    softly.assertThat(c.data().metrics().get("loss").value()).as("all at step 0: the newest timestamp")
        .isEqualTo(0.9);
    softly.assertAll();
  }

  @Test
  void tiesOnStepAndTimestampKeepTheFirstPointUnlessALaterOneIsGreater() {
    Map<String, Metric> numberFirst = client.getCandidate(IDS.get("py-number-first")).data().metrics();
    Map<String, Metric> nanFirst = client.getCandidate(IDS.get("py-nan-first")).data().metrics();
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(numberFirst.get("n").value()).isEqualTo(0.5);
    softly.assertThat(nanFirst.get("n").value()).isNaN();
    softly.assertThat(numberFirst.get("passed").value()).isEqualTo(2.0);
    softly.assertThat(nanFirst.get("passed").value()).isNaN();
    softly.assertThat(Double.toString(numberFirst.get("zero").value())).isEqualTo("-0.0");
    softly.assertThat(Double.toString(nanFirst.get("zero").value())).isEqualTo("0.0");
    softly.assertAll();
  }

  @Test
  void sdkSearchSelectsAndOrdersWhatMlflowDoes() throws Exception {
    List<String> exp = Collections.singletonList(experimentId);
    List<String> filters = Arrays.asList("metrics.n = 0.5", "metrics.n != 0.5", "metrics.n >= 0", "metrics.passed > 1",
        "metrics.passed != 2", "metrics.zero = 0", "metrics.zero < 0", "metrics.acc = 0.7", "metrics.acc < 0.6",
        "metrics.loss > 0.8", "metrics.loss = 0.7");
    List<List<String>> orders = Arrays.asList(Collections.singletonList("metrics.n DESC"),
        Collections.singletonList("metrics.n ASC"), Collections.singletonList("metrics.passed DESC"),
        Arrays.asList("metrics.zero ASC", "attributes.run_name DESC"), Collections.singletonList("metrics.acc"));
    List<SearchQuery> queries = new ArrayList<>();
    for (String f : filters) {
      queries.add(new SearchQuery(exp, f, Collections.<String>emptyList(), ViewType.ALL, 1000));
    }
    for (List<String> o : orders) {
      queries.add(new SearchQuery(exp, "", o, ViewType.ALL, 1000));
    }
    int answered = Interop.assertSameSearchResults(mlflow, store, client, queries, NAMES);
    assertThat(answered).as("queries MLflow answered").isEqualTo(queries.size());
    // Stated from the fixture, so the table above is not vacuous.
    assertThat(Interop.sdkSearch(client, queries.get(0))).as("metrics.n = 0.5")
        .containsExactly(IDS.get("py-number-first"));
  }
}
