package io.mlops.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.ArtifactInfo;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateStatus;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.ValidationException;
import io.mlops.tracking.internal.RunContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackerTest {
  @TempDir Path dir;
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  private Tracker tracker;

  @BeforeEach
  void open() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo/.git/refs/heads"));
    Files.writeString(dir.resolve("repo/.git/HEAD"), "ref: refs/heads/main\n");
    Files.writeString(repo.resolve("main"), "0123456789abcdef0123456789abcdef01234567\n");
    tracker = Tracker.builder()
        .config(MlopsConfig.builder().trackingUri(dir.resolve("mlruns").toString())
            .environment(Map.of()).systemProperties(new Properties()).build())
        .experimentName("exp")
        .workingDirectory(dir.resolve("repo"))
        // not whatever CI runs these tests; a HOME without ~/.mlflow/credentials
        .environment(Map.of("HOME", dir.toString()))
        .clock(clock::incrementAndGet)
        .build();
  }

  @AfterEach
  void close() {
    tracker.close();
  }

  @Test
  void startCandidate_createsExperimentAndSetsSystemTags() {
    try (ActiveCandidate c = tracker.startCandidate("first")) {
      assertThat(tracker.experiment().name()).isEqualTo("exp");
      Map<String, String> tags = tracker.client().getCandidate(c.id()).data().tags();
      assertThat(tags).containsEntry("mlflow.runName", "first")
          .containsEntry(RunContext.USER, System.getProperty("user.name"))
          .containsEntry(RunContext.SOURCE_TYPE, "LOCAL")
          .containsEntry(RunContext.GIT_COMMIT, "0123456789abcdef0123456789abcdef01234567")
          .containsEntry(RunContext.GIT_BRANCH, "main")
          .containsKey(RunContext.SOURCE_NAME);
    }
  }

  @Test
  void startCandidate_recordsTheUserMlflowsClientWould_theConfiguredUsernameElseTheEnvironmentsUser()
      throws Exception {
    Map<String, String> env = Map.of("HOME", dir.toString(), "USER", "u", "LOGNAME", "trainer");
    MlopsConfig.Builder config = MlopsConfig.builder().trackingUri(dir.resolve("users").toString())
        .environment(env).systemProperties(new Properties());
    try (Tracker t = Tracker.builder().config(config.build()).experimentName("users").environment(env)
        .journalDirectory(dir.resolve("users-journal")).shutdownHook(false).build();
        ActiveCandidate c = t.startCandidate("by-the-environment")) {
      assertThat(t.client().getCandidate(c.id()).data().tags()).containsEntry(RunContext.USER, "trainer");
      assertThat(t.client().getCandidate(c.id()).info().userId()).hasValue("trainer");
    }
    Files.createDirectories(dir.resolve(".mlflow"));
    Files.writeString(dir.resolve(".mlflow/credentials"), "[mlflow]\nmlflow_tracking_username = from-file\n");
    try (Tracker t = Tracker.builder().config(config.build()).experimentName("users").environment(env)
        .journalDirectory(dir.resolve("users-journal")).shutdownHook(false).build();
        ActiveCandidate c = t.startCandidate("by-the-credentials-file")) {
      assertThat(t.client().getCandidate(c.id()).data().tags()).containsEntry(RunContext.USER, "from-file");
    }
    config.set(io.mlops.core.MlopsSetting.TRACKING_USERNAME, "svc-account");
    try (Tracker t = Tracker.builder().config(config.build()).experimentName("users").environment(env)
        .journalDirectory(dir.resolve("users-journal")).shutdownHook(false).systemTags(false).build();
        ActiveCandidate c = t.startCandidate("by-the-configuration")) {
      assertThat(t.client().getCandidate(c.id()).info().userId()).as("also without system tags")
          .hasValue("svc-account");
    }
  }

  @Test
  void tryWithResources_endsFinishedWithEndTime() {
    String id;
    try (ActiveCandidate c = tracker.startCandidate("ok")) {
      id = c.id();
      c.logMetric("loss", 0.5, 1);
    }
    Candidate read = tracker.client().getCandidate(id);
    assertThat(read.info().status()).isEqualTo(CandidateStatus.FINISHED);
    assertThat(read.info().endTime()).isPresent();
  }

  @Test
  void run_recordsFailedAndErrorTagAndRethrows() {
    String[] id = new String[1];
    IllegalStateException boom = new IllegalStateException("diverged at epoch 3");
    assertThatThrownBy(() -> tracker.run("bad", c -> {
      id[0] = c.id();
      c.logMetric("loss", Double.NaN, 3);
      throw boom;
    })).isSameAs(boom);
    Candidate read = tracker.client().getCandidate(id[0]);
    assertThat(read.info().status()).isEqualTo(CandidateStatus.FAILED);
    assertThat(read.data().tags().get(ActiveCandidate.ERROR_TAG))
        .isEqualTo("java.lang.IllegalStateException: diverged at epoch 3");
  }

  @Test
  void call_returnsResultAndFinishes() {
    String id = tracker.call("good", c -> {
      c.logParam("p", "1");
      return c.id();
    });
    assertThat(tracker.client().getCandidate(id).info().status()).isEqualTo(CandidateStatus.FINISHED);
  }

  @Test
  void failInsideTheBlock_winsOverClose() {
    String id;
    try (ActiveCandidate c = tracker.startCandidate("caught")) {
      id = c.id();
      try {
        throw new ArithmeticException("x");
      } catch (ArithmeticException e) {
        assertThat(c.fail(e)).isTrue();
      }
    }
    assertThat(tracker.client().getCandidate(id).info().status()).isEqualTo(CandidateStatus.FAILED);
  }

  @Test
  void logCalls_afterEndThrow() {
    ActiveCandidate c = tracker.startCandidate("ended");
    c.end(CandidateStatus.KILLED);
    assertThat(c.end(CandidateStatus.FINISHED)).isFalse();
    c.close();
    assertThatThrownBy(() -> c.logMetric("m", 1)).isInstanceOf(CandidateEndedException.class)
        .hasMessageContaining("KILLED");
    assertThat(tracker.client().getCandidate(c.id()).info().status()).isEqualTo(CandidateStatus.KILLED);
  }

  @Test
  void logParam_sameValueIsNoOpDifferentValueThrowsAtTheCall() {
    try (ActiveCandidate c = tracker.startCandidate("p")) {
      c.logParam("lr", "0.1").logParam("lr", "0.1");
      assertThatThrownBy(() -> c.logParam("lr", "0.2")).isInstanceOf(InvalidParameterException.class)
          .hasMessageContaining("lr").hasMessageContaining("0.1").hasMessageContaining("0.2");
      assertThatThrownBy(() -> c.logParams(Map.of("lr", "0.3"))).isInstanceOf(InvalidParameterException.class);
      tracker.flush().join();
      assertThat(tracker.client().getCandidate(c.id()).data().params()).containsEntry("lr", "0.1");
    }
  }

  @Test
  void invalidMetricIsRefusedAtTheCallAndDoesNotPoisonTheOthers() {
    try (ActiveCandidate c = tracker.startCandidate("v")) {
      Map<String, Double> values = new java.util.LinkedHashMap<>();
      values.put("good", 1.0);
      values.put("bad*key", 2.0);
      values.put("also_good", 3.0);
      assertThatThrownBy(() -> c.logMetrics(values, 7)).isInstanceOf(ValidationException.class)
          .hasMessageContaining("bad*key").hasMessageContaining("the rest was logged");
      tracker.flush().join();
      assertThat(tracker.client().getCandidate(c.id()).data().metrics()).containsKeys("good", "also_good")
          .doesNotContainKey("bad*key");
    }
  }

  @Test
  void logMetrics_recordsEveryPointWithStepsAndOneTimestamp() {
    try (ActiveCandidate c = tracker.startCandidate("m")) {
      for (int step = 0; step < 5; step++) {
        c.logMetrics(Map.of("loss", 1.0 / (step + 1), "acc", step / 10.0), step);
      }
      tracker.flush().join();
      List<Metric> loss = tracker.client().getMetricHistory(c.id(), "loss");
      assertThat(loss).extracting(Metric::step).containsExactly(0L, 1L, 2L, 3L, 4L);
      List<Metric> acc = tracker.client().getMetricHistory(c.id(), "acc");
      for (int i = 0; i < 5; i++) {
        assertThat(acc.get(i).timestamp()).isEqualTo(loss.get(i).timestamp());
      }
    }
  }

  @Test
  void logArtifact_uploadsFilesAndDirectoryTrees() throws Exception {
    Path model = Files.createDirectories(dir.resolve("model/sub"));
    Files.writeString(model.resolve("w.bin"), "abc");
    Files.writeString(dir.resolve("model/config.json"), "{}");
    Path single = Files.writeString(dir.resolve("notes.txt"), "hello");
    try (ActiveCandidate c = tracker.startCandidate("a")) {
      c.logArtifact(dir.resolve("model"), "model").logArtifact(single);
      assertThat(tracker.client().listArtifactsRecursively(c.id(), ""))
          .containsExactlyInAnyOrder(ArtifactInfo.file("model/config.json", 2), ArtifactInfo.file("model/sub/w.bin", 3),
              ArtifactInfo.file("notes.txt", 5));
      Path out = tracker.client().downloadArtifacts(c.id(), "model", dir.resolve("download"));
      assertThat(Files.readString(out.resolve("sub/w.bin"))).isEqualTo("abc");
      Path file = tracker.client().downloadArtifacts(c.id(), "notes.txt", dir.resolve("download"));
      assertThat(Files.readString(file)).isEqualTo("hello");
    }
  }

  @Test
  void manyThreadsLoggingIntoOneCandidate_countsAreExact() throws Exception {
    int threads = 4;
    int steps = 500;
    try (ActiveCandidate c = tracker.startCandidate("threads")) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          start.await();
          for (int s = 0; s < steps; s++) {
            c.logMetric("loss", s, s);
            c.logMetric("t" + thread, s, s);
            c.logParam("shared", "same");
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
      pool.shutdown();
      FlushResult flushed = tracker.flush().join();
      assertThat(flushed.delivered()).isEqualTo(tracker.stats().queued());
      assertThat(flushed.dropped()).isZero();
      assertThat(tracker.client().getMetricHistory(c.id(), "loss")).hasSize(threads * steps);
      for (int t = 0; t < threads; t++) {
        assertThat(tracker.client().getMetricHistory(c.id(), "t" + t)).hasSize(steps);
      }
    }
  }

  @Test
  void close_endsCandidatesLeftOpenAndIsIdempotent() {
    ActiveCandidate c = tracker.startCandidate("left-open");
    tracker.close();
    tracker.close();
    assertThat(c.endStatus()).contains(CandidateStatus.FINISHED);
    assertThatThrownBy(() -> tracker.startCandidate("x")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void attachCandidate_logsWithoutEndingIt() {
    try (ActiveCandidate owner = tracker.startCandidate("driver")) {
      try (ActiveCandidate attached = tracker.attachCandidate(owner.id())) {
        attached.logMetric("executor_rows", 10, 1);
      }
      assertThat(tracker.client().getCandidate(owner.id()).info().status()).isEqualTo(CandidateStatus.RUNNING);
      assertThat(tracker.client().getCandidate(owner.id()).data().metrics()).containsKey("executor_rows");
    }
  }
}
