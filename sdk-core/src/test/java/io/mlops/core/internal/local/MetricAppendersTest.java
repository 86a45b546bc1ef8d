package io.mlops.core.internal.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.CandidateStatus;
import io.mlops.core.CandidateUpdate;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.Metric;
import io.mlops.core.NewCandidate;
import io.mlops.core.Param;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local store's open metric files: lines on disk at return, bounded, closed when no longer needed. */
class MetricAppendersTest {
  @TempDir Path dir;
  private LocalFileStore store;

  @BeforeEach
  void open() {
    store = new LocalFileStore(dir.resolve("mlruns"));
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private String candidate(String name) {
    return store.createCandidate(NewCandidate.builder().experimentId("0").name(name).startTime(1L).build()).id();
  }

  private Path metricFile(String candidateId, String key) {
    return dir.resolve("mlruns").resolve("0").resolve(candidateId).resolve("metrics").resolve(key);
  }

  private static List<Metric> points(String key, int from, int count) {
    List<Metric> out = new ArrayList<>();
    for (int s = from; s < from + count; s++) {
      out.add(Metric.of(key, 1.0 / (s + 1), 1_700_000_000_000L + s, s));
    }
    return out;
  }

  @Test
  void logBatch_writesEveryLineToTheFileBeforeReturning_andKeepsOneFilePerKeyOpen() throws IOException {
    String id = candidate("a");
    List<Metric> batch = new ArrayList<>(points("loss", 0, 100));
    batch.addAll(points("acc", 0, 100));
    store.logBatch(id, batch, List.of(), List.of());
    store.logBatch(id, points("loss", 100, 50), List.of(), List.of());

    // read with plain file I/O while the store still holds the files open: nothing waits in a buffer
    List<String> loss = Files.readAllLines(metricFile(id, "loss"), StandardCharsets.US_ASCII);
    assertThat(loss).hasSize(150);
    assertThat(loss.get(0)).isEqualTo("1700000000000 1.0 0");
    assertThat(loss.get(2)).isEqualTo("1700000000002 0.3333333333333333 2");
    assertThat(Files.readAllLines(metricFile(id, "acc"))).hasSize(100);
    assertThat(store.openMetricFiles()).isEqualTo(2);
  }

  @Test
  void endingOrDeletingACandidate_closesItsFiles() {
    String ended = candidate("ended");
    String deleted = candidate("deleted");
    String running = candidate("running");
    for (String id : List.of(ended, deleted, running)) {
      store.logBatch(id, points("loss", 0, 10), List.of(), List.of());
    }
    assertThat(store.openMetricFiles()).isEqualTo(3);

    store.updateCandidate(ended, CandidateUpdate.end(CandidateStatus.FINISHED, 5L));
    store.deleteCandidate(deleted);
    assertThat(store.openMetricFiles()).isEqualTo(1);

    store.close();
    assertThat(store.openMetricFiles()).isZero();
    store.logBatch(running, points("loss", 10, 10), List.of(), List.of()); // usable after close: reopens
    assertThat(store.getMetricHistory(running, "loss", Optional.empty()).items()).hasSize(20);
  }

  @Test
  void manyKeysAndCandidates_closeTheLeastRecentlyUsedFiles_andLoseNoPoint() {
    String id = candidate("wide");
    int keys = MetricAppenders.MAX_KEYS_PER_CANDIDATE * 2;
    for (int round = 0; round < 3; round++) {
      List<Metric> batch = new ArrayList<>();
      for (int k = 0; k < keys; k++) {
        batch.addAll(points("k" + k, round * 5, 5));
      }
      store.logBatch(id, batch, List.of(), List.of());
      assertThat(store.openMetricFiles()).isLessThanOrEqualTo(MetricAppenders.MAX_KEYS_PER_CANDIDATE);
    }
    for (int k = 0; k < keys; k++) {
      assertThat(store.getMetricHistory(id, "k" + k, Optional.empty()).items()).hasSize(15);
    }

    List<String> many = new ArrayList<>();
    for (int c = 0; c < MetricAppenders.MAX_CANDIDATES + 3; c++) {
      String cid = candidate("c" + c);
      many.add(cid);
      store.logBatch(cid, points("loss", 0, 3), List.of(), List.of());
    }
    assertThat(store.openMetricFiles())
        .isLessThanOrEqualTo(MetricAppenders.MAX_CANDIDATES * MetricAppenders.MAX_KEYS_PER_CANDIDATE);
    store.logBatch(many.get(0), points("loss", 3, 3), List.of(), List.of()); // evicted: opened again
    assertThat(store.getMetricHistory(many.get(0), "loss", Optional.empty()).items()).hasSize(6);
  }

  @Test
  void aRefusedBatch_writesNoMetricLine_evenForKeysWithOpenFiles() throws IOException {
    String id = candidate("r");
    store.logBatch(id, points("loss", 0, 2), List.of(Param.of("lr", "0.1")), List.of());
    store.logBatch(id, points("a", 0, 1), List.of(), List.of());

    List<Metric> badKey = new ArrayList<>(points("loss", 2, 2));
    badKey.addAll(points("a/b", 0, 1)); // 'a' is a key's file, so it cannot be a folder
    assertThatThrownBy(() -> store.logBatch(id, badKey, List.of(), List.of()))
        .isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> store.logBatch(id, points("loss", 2, 2), List.of(Param.of("lr", "0.2")), List.of()))
        .isInstanceOf(InvalidParameterException.class);

    assertThat(Files.readAllLines(metricFile(id, "loss"))).hasSize(2);
    store.logBatch(id, points("loss", 2, 2), List.of(), List.of()); // the buffers were emptied on refusal
    assertThat(Files.readAllLines(metricFile(id, "loss"))).hasSize(4);
  }

  @Test
  void aProcessKilledAfterADelivery_leavesTheDeliveredPointsOnDisk() throws Exception {
    Path root = dir.resolve("killed");
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Path out = dir.resolve("child.out");
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        KilledAfterDeliveryChild.class.getName(), root.toString(), "3", "500")
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      String id = null;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (id == null && System.nanoTime() < deadline && child.isAlive()) {
        for (String line : Files.readAllLines(out)) {
          if (line.startsWith("DELIVERED ")) {
            id = line.substring("DELIVERED ".length()).trim();
          }
        }
        if (id == null) {
          child.waitFor(20, TimeUnit.MILLISECONDS);
        }
      }
      assertThat(id).as("child output: %s", String.join(File.separator, Files.readAllLines(out))).isNotNull();
      child.destroyForcibly(); // SIGKILL: no close, no shutdown hook; the store's files are still open
      assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();

      try (LocalFileStore reopened = new LocalFileStore(root)) {
        assertThat(reopened.getMetricHistory(id, "loss", Optional.empty()).items()).hasSize(3 * 500);
        assertThat(reopened.getMetricHistory(id, "acc", Optional.empty()).items()).hasSize(3 * 500);
      }
    } finally {
      child.destroyForcibly();
    }
  }

  /** Logs batches into a local store, says so, and waits to be killed with its files open. */
  public static final class KilledAfterDeliveryChild {
    public static void main(String[] args) throws Exception {
      LocalFileStore store = new LocalFileStore(Paths.get(args[0]));
      int batches = Integer.parseInt(args[1]);
      int points = Integer.parseInt(args[2]);
      String id = store.createCandidate(NewCandidate.builder().experimentId("0").name("killed").startTime(1L)
          .build()).id();
      for (int b = 0; b < batches; b++) {
        List<Metric> batch = new ArrayList<>(points("loss", b * points, points));
        batch.addAll(points("acc", b * points, points));
        store.logBatch(id, batch, List.of(), List.of());
      }
      System.out.println("DELIVERED " + id);
      System.out.flush();
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
  }
}
