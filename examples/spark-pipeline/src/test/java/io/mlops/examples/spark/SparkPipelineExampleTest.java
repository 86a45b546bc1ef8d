package io.mlops.examples.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateQuery;
import io.mlops.core.CandidateStatus;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.registry.ModelRegistry;
import io.mlops.registry.RegisteredVersion;
import io.mlops.spark.SparkMlTracking;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the example, as the README's command runs it, against a store under a temporary directory. */
class SparkPipelineExampleTest {
  @TempDir
  Path dir;

  @Test
  void theExample_tracksTheGridAsChildren_promotesTheBest_andLoadsItBackFromTheRegistry() throws Exception {
    Path store = dir.resolve("mlruns");
    MlopsConfig config = MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
        .trackingUri(store.toString()).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SparkPipelineExample.run(config, new PrintStream(out, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    System.out.print(printed);
    assertThat(printed).contains("<- best").contains("alias 'champion' set")
        .containsPattern("Loaded models:/spark-churn@champion \\(version 1\\.0\\.0\\) with PipelineModel\\.load: "
            + "(\\d+) of \\1 test predictions equal");

    try (TrackingClient client = TrackingClient.create(config);
         ModelRegistry registry = ModelRegistry.create(config)) {
      String experimentId = client.getExperimentByName(SparkPipelineExample.EXPERIMENT).id();
      List<Candidate> all = client.searchCandidates(CandidateQuery.builder().addExperimentId(experimentId).build())
          .stream().collect(Collectors.toList());
      assertThat(all).hasSize(5).allMatch(c -> c.info().status() == CandidateStatus.FINISHED);
      Candidate parent = all.stream().filter(c -> c.name().equals(SparkPipelineExample.CANDIDATE)).findFirst()
          .orElseThrow();
      assertThat(all).filteredOn(c -> parent.id().equals(c.data().tags().get(SparkMlTracking.PARENT_TAG)))
          .hasSize(4);
      assertThat(parent.data().params()).containsKeys("best.2.LogisticRegression.regParam",
          "best.2.LogisticRegression.elasticNetParam");
      // a real model: well above chance on the held-out rows
      assertThat(parent.data().metrics().get("test_areaUnderROC").value()).isGreaterThan(0.75);
      RegisteredVersion champion = registry.resolve("models:/spark-churn@champion");
      assertThat(champion.semver()).isEqualTo("1.0.0");
      assertThat(champion.candidateId()).contains(parent.id());
    }
  }
}
