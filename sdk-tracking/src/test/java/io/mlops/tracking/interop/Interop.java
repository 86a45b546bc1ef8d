package io.mlops.tracking.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlops.core.ArtifactInfo;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateQuery;
import io.mlops.core.Experiment;
import io.mlops.core.ExperimentQuery;
import io.mlops.core.Metric;
import io.mlops.core.MlopsException;
import io.mlops.core.TrackingClient;
import io.mlops.core.ViewType;
import io.mlops.tracking.interop.MlflowPython.SearchQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;

/**
 * Comparisons shared by the interop tests. Everything is turned into strings or string maps before it is compared,
 * so that AssertJ's failure messages show the exact difference, and so that doubles compare exactly: {@link
 * Double#toString} is distinct for distinct doubles (including {@code NaN}, {@code -0.0} and the infinities), where
 * {@code ==} says NaN differs from itself and {@code 0.0 == -0.0}.
 */
final class Interop {
  private Interop() {}

  /** One metric point as text: {@code "<timestamp> <value> <step>"}, the value as {@link Double#toString}. */
  static String point(long timestamp, double value, long step) {
    return timestamp + " " + value + " " + step;
  }

  /** The SDK's history as {@link #point} strings, in its order. */
  static List<String> sdkHistory(List<Metric> history) {
    return history.stream().map(m -> point(m.timestamp(), m.value(), m.step())).collect(Collectors.toList());
  }

  /** A history of the script's JSON ({@code [[timestamp, value, step], ...]}) as {@link #point} strings. */
  static List<String> mlflowHistory(JsonNode points) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : points) {
      out.add(point(p.get(0).asLong(), MlflowPython.decodeDouble(p.get(1)), p.get(2).asLong()));
    }
    return out;
  }

  /** A JSON object of strings as a sorted map. */
  static Map<String, String> textMap(JsonNode object) {
    Map<String, String> out = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = object.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** Latest metric values of the script's JSON ({@code {"key": value}}) as key to {@link Double#toString}. */
  static Map<String, String> mlflowLatest(JsonNode object) {
    Map<String, String> out = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = object.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), Double.toString(MlflowPython.decodeDouble(e.getValue())));
    }
    return out;
  }

  /** The SDK's latest metric values as key to {@link Double#toString}. */
  static Map<String, String> sdkLatest(Map<String, Metric> metrics) {
    Map<String, String> out = new TreeMap<>();
    metrics.forEach((k, m) -> out.put(k, Double.toString(m.value())));
    return out;
  }

  /** MLflow's recursive artifact listing as path to {@code "dir"} or the file size. */
  static Map<String, String> mlflowArtifacts(JsonNode listing) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode a : listing) {
      out.put(a.get("path").asText(), a.get("is_dir").asBoolean() ? "dir" : Long.toString(a.get("file_size").asLong()));
    }
    return out;
  }

  /**
   * The SDK's listing of a whole artifact tree, built from its one-level {@code listArtifacts} (MLflow's
   * {@code list_artifacts} is one level too; the script recurses the same way), as path to {@code "dir"} or size.
   */
  static Map<String, String> sdkArtifacts(TrackingClient client, String candidateId) {
    Map<String, String> out = new TreeMap<>();
    collectArtifacts(client, candidateId, "", out);
    return out;
  }

  private static void collectArtifacts(TrackingClient client, String candidateId, String dir, Map<String, String> out) {
    for (ArtifactInfo a : client.listArtifacts(candidateId, dir)) {
      if (a.isDirectory()) {
        out.put(a.path(), "dir");
        collectArtifacts(client, candidateId, a.path(), out);
      } else {
        out.put(a.path(), a.fileSize().isPresent() ? Long.toString(a.fileSize().getAsLong()) : "<no size>");
      }
    }
  }

  /** The SDK's experiments of every lifecycle stage, by id. */
  static Map<String, Experiment> sdkExperiments(TrackingClient client) {
    Map<String, Experiment> out = new TreeMap<>();
    client.searchExperiments(ExperimentQuery.builder().viewType(ViewType.ALL).build())
        .forEach(e -> out.put(e.id(), e));
    return out;
  }

  /** The experiments of a dump, by id. */
  static Map<String, JsonNode> mlflowExperiments(JsonNode dump) {
    Map<String, JsonNode> out = new TreeMap<>();
    for (JsonNode e : dump.path("experiments")) {
      out.put(e.get("experiment_id").asText(), e);
    }
    return out;
  }

  /** The runs of a dump (all experiments), by run id. */
  static Map<String, JsonNode> mlflowRuns(JsonNode dump) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode e : dump.path("experiments")) {
      for (JsonNode r : e.path("runs")) {
        out.put(r.get("run_id").asText(), r);
      }
    }
    return out;
  }

  /**
   * Asserts that MLflow's and the SDK's views of one experiment agree on everything both report. A mismatch in
   * timestamps or artifact locations means the two read different fields of {@code meta.yaml}.
   */
  static void assertSameExperiment(SoftAssertions softly, JsonNode mlflow, Experiment sdk) {
    String ctx = "experiment " + sdk.id() + " (" + sdk.name() + ")";
    softly.assertThat(mlflow.get("name").asText()).as(ctx + " name").isEqualTo(sdk.name());
    softly.assertThat(mlflow.get("lifecycle_stage").asText()).as(ctx + " lifecycle_stage")
        .isEqualTo(sdk.lifecycleStage().wireName());
    softly.assertThat(textMap(mlflow.get("tags"))).as(ctx + " tags").isEqualTo(new TreeMap<>(sdk.tags()));
    softly.assertThat(mlflow.get("artifact_location").asText()).as(ctx + " artifact_location")
        .isEqualTo(sdk.artifactLocation());
    softly.assertThat(mlflow.get("creation_time").asLong()).as(ctx + " creation_time").isEqualTo(sdk.creationTime());
    softly.assertThat(mlflow.get("last_update_time").asLong()).as(ctx + " last_update_time")
        .isEqualTo(sdk.lastUpdateTime());
  }

  /**
   * Asserts that MLflow's and the SDK's views of one run agree: info, params, tags (exactly: neither may see a
   * tag the other does not), latest metrics, every point of every metric history in order, and the artifact tree.
   */
  static void assertSameRun(SoftAssertions softly, JsonNode mlflow, Candidate sdk, TrackingClient client) {
    String ctx = "run " + sdk.id() + " (" + sdk.name() + ")";
    softly.assertThat(mlflow.get("experiment_id").asText()).as(ctx + " experiment_id")
        .isEqualTo(sdk.info().experimentId());
    softly.assertThat(mlflow.get("run_name").asText()).as(ctx + " run_name").isEqualTo(sdk.name());
    softly.assertThat(mlflow.get("status").asText()).as(ctx + " status").isEqualTo(sdk.info().status().name());
    softly.assertThat(mlflow.get("lifecycle_stage").asText()).as(ctx + " lifecycle_stage")
        .isEqualTo(sdk.info().lifecycleStage().wireName());
    softly.assertThat(mlflow.get("start_time").asLong()).as(ctx + " start_time").isEqualTo(sdk.info().startTime());
    JsonNode end = mlflow.get("end_time");
    softly.assertThat(end.isNull() ? null : end.asLong()).as(ctx + " end_time")
        .isEqualTo(sdk.info().endTime().isPresent() ? sdk.info().endTime().getAsLong() : null);
    sdk.info().userId().ifPresent(u -> softly.assertThat(mlflow.get("user_id").asText()).as(ctx + " user_id")
        .isEqualTo(u));
    softly.assertThat(mlflow.get("artifact_uri").asText()).as(ctx + " artifact_uri")
        .isEqualTo(sdk.info().artifactUri());

    softly.assertThat(textMap(mlflow.get("params"))).as(ctx + " params").isEqualTo(new TreeMap<>(sdk.data().params()));
    softly.assertThat(textMap(mlflow.get("tags"))).as(ctx + " tags").isEqualTo(new TreeMap<>(sdk.data().tags()));
    // "Latest" is MLflow's max by (step, timestamp, value); searches filter and sort on it.
    softly.assertThat(mlflowLatest(mlflow.get("latest_metrics"))).as(ctx + " latest metrics")
        .isEqualTo(sdkLatest(sdk.data().metrics()));

    JsonNode histories = mlflow.get("metrics");
    List<String> mlflowKeys = new ArrayList<>();
    histories.fieldNames().forEachRemaining(mlflowKeys::add);
    softly.assertThat(mlflowKeys).as(ctx + " metric keys").containsExactlyInAnyOrderElementsOf(
        sdk.data().metrics().keySet());
    for (String key : mlflowKeys) {
      assertSameSequence(softly, ctx + " history of " + key + " (MLflow vs SDK)", mlflowHistory(histories.get(key)),
          sdkHistory(client.getMetricHistory(sdk.id(), key)));
    }
    softly.assertThat(mlflowArtifacts(mlflow.get("artifacts"))).as(ctx + " artifacts")
        .isEqualTo(sdkArtifacts(client, sdk.id()));
  }

  /**
   * Asserts two long sequences (metric histories) are equal, reporting the lengths and the first difference with a
   * little context instead of AssertJ's dump of every element (a 500-point history would flood the CI log).
   */
  static void assertSameSequence(SoftAssertions softly, String what, List<String> actual, List<String> expected) {
    if (actual.equals(expected)) {
      return;
    }
    int i = 0;
    while (i < actual.size() && i < expected.size() && actual.get(i).equals(expected.get(i))) {
      i++;
    }
    int from = Math.max(0, i - 2);
    softly.fail(String.format("%n%s: %d elements, expected %d; first difference at index %d:%n"
        + "  actual   [%d..]: %s%n  expected [%d..]: %s", what, actual.size(), expected.size(), i,
        from, actual.subList(from, Math.min(actual.size(), i + 3)),
        from, expected.subList(from, Math.min(expected.size(), i + 3))));
  }

  /** The SDK's answer to a query: the ids in its order, over all pages. */
  static List<String> sdkSearch(TrackingClient client, SearchQuery q) {
    CandidateQuery.Builder b = CandidateQuery.builder()
        .addExperimentIds(q.experimentIds.toArray(new String[0]))
        .addOrderBy(q.orderBy.toArray(new String[0]))
        .viewType(q.view)
        .maxResults(q.maxResults);
    if (!q.filter.isEmpty()) {
      b.filter(q.filter);
    }
    try (Stream<Candidate> s = client.searchCandidates(b.build()).stream()) {
      return s.map(Candidate::id).collect(Collectors.toList());
    }
  }

  /**
   * Runs every query through MLflow (one batch) and the SDK and asserts the same ids in the same order; where
   * MLflow rejects a query, the SDK must reject it too (a filter that works only against the SDK's local store
   * would break on an MLflow server). Reports every mismatch, not just the first.
   *
   * @return how many queries MLflow answered (so a caller can check the table is not vacuous)
   */
  static int assertSameSearchResults(MlflowPython mlflow, Path store, TrackingClient client, List<SearchQuery> queries,
      Map<String, String> namesById) throws IOException {
    Map<Integer, String> errors = new TreeMap<>();
    List<List<String>> expected = mlflow.searchBatch(store, queries, errors);
    SoftAssertions softly = new SoftAssertions();
    int answered = 0;
    for (int i = 0; i < queries.size(); i++) {
      SearchQuery q = queries.get(i);
      if (expected.get(i) == null) {
        softly.assertThatThrownBy(() -> sdkSearch(client, q))
            .as("MLflow rejects [%s] (%s); the SDK must reject it too", q, errors.get(i))
            .isInstanceOf(MlopsException.class);
        continue;
      }
      answered++;
      List<String> actual;
      try {
        actual = sdkSearch(client, q);
      } catch (RuntimeException e) {
        softly.fail("The SDK failed on [" + q + "], which MLflow answers with " + names(expected.get(i), namesById)
            + ": " + e);
        continue;
      }
      softly.assertThat(names(actual, namesById)).as("SDK vs MLflow for [%s]", q)
          .containsExactlyElementsOf(names(expected.get(i), namesById));
    }
    softly.assertAll();
    return answered;
  }

  /** Ids shown with their names, so a failed order comparison reads as names. */
  static List<String> names(List<String> ids, Map<String, String> namesById) {
    return ids.stream().map(id -> namesById.getOrDefault(id, "?") + "(" + id + ")").collect(Collectors.toList());
  }

  /** Every regular file under a directory, by name, asserting names are unique. */
  static Map<String, Path> filesByName(Path dir) throws IOException {
    Map<String, Path> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        Path previous = out.put(p.getFileName().toString(), p);
        assertThat(previous).as("two files named %s under %s", p.getFileName(), dir).isNull();
      }
    }
    return out;
  }
}
