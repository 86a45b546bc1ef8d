package io.mlops.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateQuery;
import io.mlops.core.CandidateStatus;
import io.mlops.core.Experiment;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartTest {
  @TempDir Path dir;

  @Test
  void quickstart_logsNineCandidatesWithHistoriesAndWeightsAndPrintsTheRanking() throws Exception {
    Path store = dir.resolve("mlruns");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setProperty("mlflow.tracking.uri", store.toString());
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      Quickstart.main(new String[0]);
    } finally {
      System.setOut(original);
      System.clearProperty("mlflow.tracking.uri");
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("rank").contains("Best candidate").contains(store.toAbsolutePath().toString());

    try (TrackingClient client = TrackingClient.create(MlopsConfig.builder().trackingUri(store.toString()).build())) {
      Experiment exp = client.getExperimentByName(Quickstart.EXPERIMENT);
      List<Candidate> candidates = client.searchCandidates(CandidateQuery.builder().addExperimentId(exp.id())
          .addOrderBy("metrics.test_accuracy DESC", "metrics.test_loss ASC").build()).stream().collect(Collectors.toList());
      assertThat(candidates).hasSize(9);
      for (Candidate c : candidates) {
        assertThat(c.info().status()).isEqualTo(CandidateStatus.FINISHED);
        assertThat(c.data().params()).containsKeys("learning_rate", "l2", "epochs");
        assertThat(client.getMetricHistory(c.id(), "test_loss")).hasSize(Quickstart.EPOCHS);
        assertThat(client.listArtifacts(c.id(), "model")).extracting(a -> a.path()).containsExactly("model/weights.csv");
      }
      // the table prints the best candidate first
      String rankOne = printed.lines().filter(l -> l.startsWith("1 ")).findFirst().orElseThrow();
      assertThat(rankOne).contains(" " + candidates.get(0).name() + " ");
      // the best model is a real model: far better than chance on the generated data
      assertThat(candidates.get(0).data().metrics().get("test_accuracy").value()).isGreaterThan(0.75);
      Path weights = client.downloadArtifacts(candidates.get(0).id(), "model/weights.csv", dir.resolve("dl"));
      assertThat(Files.readAllLines(weights)).hasSize(Quickstart.FEATURES + 2);
    }
  }
}
