package io.mlops.core.internal.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateQuery;
import io.mlops.core.CandidateStatus;
import io.mlops.core.Experiment;
import io.mlops.core.ExperimentQuery;
import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.NewCandidate;
import io.mlops.core.TrackingClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several JVMs writing candidates of one local store at the same time. */
class MultiProcessStoreTest {
  private static final int PROCESSES = 4;
  private static final int CANDIDATES = 6;
  private static final int POINTS = 50;

  @TempDir Path dir;

  @Test
  void severalJvmsWritingOneStore_loseNothingAndCreateEachExperimentOnce() throws Exception {
    String store = dir.resolve("mlruns").toString();
    String shared;
    try (TrackingClient client = TrackingClient.create(MlopsConfig.builder().trackingUri(store).build())) {
      CandidateInfo info = client.createCandidate(
          NewCandidate.builder().experimentId("0").name("shared").startTime(System.currentTimeMillis()).build());
      shared = info.id();
    }
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> processes = new ArrayList<>();
    for (int p = 0; p < PROCESSES; p++) {
      processes.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          StoreWriterProcess.class.getName(), store, "" + p, "" + CANDIDATES, "" + POINTS, shared)
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("child-" + p + ".log").toFile())
          .start());
    }
    for (int p = 0; p < PROCESSES; p++) {
      Process proc = processes.get(p);
      assertThat(proc.waitFor(3, TimeUnit.MINUTES)).as("child %s finished", p).isTrue();
      assertThat(proc.exitValue()).as("child %s exit code; log:%n%s", p, log(p)).isZero();
    }

    try (TrackingClient client = TrackingClient.create(MlopsConfig.builder().trackingUri(store).build())) {
      List<Experiment> experiments = client.searchExperiments(ExperimentQuery.all()).stream()
          .collect(Collectors.toList());
      assertThat(experiments).extracting(Experiment::name)
          .containsExactlyInAnyOrder("Default", "shared-0", "shared-1");
      List<Candidate> all = client.searchCandidates(CandidateQuery.builder()
          .addExperimentIds(experiments.stream().map(Experiment::id).toArray(String[]::new))
          .filter("attributes.run_name != 'shared'").build()).stream().collect(Collectors.toList());
      assertThat(all).hasSize(PROCESSES * CANDIDATES);
      Set<String> names = new HashSet<>();
      for (Candidate c : all) {
        names.add(c.name());
        assertThat(c.info().status()).isEqualTo(CandidateStatus.FINISHED);
        assertThat(client.getMetricHistory(c.id(), "loss")).hasSize(POINTS);
      }
      assertThat(names).hasSize(PROCESSES * CANDIDATES);
      List<Metric> fromAll = client.getMetricHistory(shared, "from_all");
      assertThat(fromAll).hasSize(PROCESSES * CANDIDATES * POINTS);
      assertThat(fromAll.stream().map(Metric::step).collect(Collectors.toSet())).hasSize(fromAll.size());
    }
  }

  private String log(int p) {
    try {
      return new String(java.nio.file.Files.readAllBytes(dir.resolve("child-" + p + ".log")),
          StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }

}
