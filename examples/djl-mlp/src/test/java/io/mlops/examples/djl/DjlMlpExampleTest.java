package io.mlops.examples.djl;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateStatus;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.registry.ModelRegistry;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example runs end to end on a fresh store, offline, and twice in a row (the second run bumps the version). */
class DjlMlpExampleTest {
  @TempDir
  Path dir;

  @Test
  void trainsTracksPromotesAndLoadsTheChampionBack() throws Exception {
    MlopsConfig config = MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
        .trackingUri(dir.resolve("mlruns").toString()).set(io.mlops.core.MlopsSetting.JOURNAL_DIR,
            dir.resolve("journal").toString()).build();
    DjlMlpExample.Result first = DjlMlpExample.run(config, dir.resolve("models"));
    assertThat(first.version.semver()).isEqualTo("1.0.0");
    assertThat(first.servedPredictions).hasSize(8);
    try (TrackingClient client = TrackingClient.create(config)) {
      Candidate best = client.getCandidate(first.bestCandidateId);
      assertThat(best.info().status()).isEqualTo(CandidateStatus.FINISHED);
      assertThat(best.data().metrics()).containsKeys("train_loss", "validate_loss", "validate_mae", "batch_loss");
      assertThat(best.data().params()).containsEntry("optimizer", "Sgd").containsEntry("epochs", "4");
    }

    DjlMlpExample.Result second = DjlMlpExample.run(config, dir.resolve("models"));
    assertThat(second.version.semver()).isEqualTo("1.1.0");
    try (ModelRegistry registry = ModelRegistry.create(config)) {
      assertThat(registry.resolve("models:/" + DjlMlpExample.MODEL + "@champion").semver()).isEqualTo("1.1.0");
    }
  }
}
