package io.mlops.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateQuery;
import io.mlops.core.CandidateStatus;
import io.mlops.core.Experiment;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.testing.InMemoryBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@link Tracker} on a named in-memory store ({@code memory://<name>}), as a user's test would build it. */
class TrackerInMemoryBackendTest {
  @TempDir Path dir;
  private final String store = "tracker-" + UUID.randomUUID();

  @AfterEach
  void discard() {
    InMemoryBackend.discard(store);
  }

  @Test
  void trackerOnAMemoryUri_logsIntoTheNamedStore_thatATrackingClientThenReads() throws Exception {
    MlopsConfig config = MlopsConfig.builder().trackingUri(InMemoryBackend.trackingUri(store))
        .environment(Map.of()).systemProperties(new Properties()).build();
    Path model = Files.write(dir.resolve("model.bin"), new byte[] {7, 7});
    String id;
    try (Tracker tracker = Tracker.builder().config(config).experimentName("unit").environment(Map.of())
        .workingDirectory(dir).journalDirectory(dir.resolve("journal")).shutdownHook(false).build();
        ActiveCandidate c = tracker.startCandidate("train")) {
      id = c.id();
      c.logParam("lr", "0.1");
      for (int step = 0; step < 100; step++) {
        c.logMetric("loss", 1.0 / (step + 1), step);
      }
      c.logArtifact(model);
    }

    try (TrackingClient client = TrackingClient.create(config)) {
      Experiment exp = client.getExperimentByName("unit");
      List<Candidate> found = client.searchCandidates(CandidateQuery.builder().addExperimentId(exp.id())
          .filter("params.lr = '0.1' and metrics.loss < 0.02").build()).stream().collect(Collectors.toList());
      assertThat(found).extracting(Candidate::id).containsExactly(id);
      assertThat(found.get(0).info().status()).isEqualTo(CandidateStatus.FINISHED);
      assertThat(client.getMetricHistory(id, "loss")).hasSize(100);
      assertThat(client.listArtifacts(id, "")).extracting(a -> a.path()).containsExactly("model.bin");
    }
  }
}
