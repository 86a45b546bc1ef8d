package io.mlops.spark;

import static io.mlops.spark.SparkTestSessions.byStep;
import static io.mlops.spark.SparkTestSessions.candidates;
import static io.mlops.spark.SparkTestSessions.client;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateStatus;
import io.mlops.core.TrackingClient;
import io.mlops.spark.internal.ConfRedaction;
import io.mlops.spark.internal.StageTotals;
import io.mlops.tracking.internal.RunContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One application run with {@code spark.extraListeners}: it writes 1000 rows to parquet, reads them back and groups
 * them (a shuffle), then stops. Everything is asserted on what the local store holds afterwards.
 */
class ExtraListenersApplicationTest {
  private static final String EXPERIMENT = "spark-extra-listeners";
  private static final long ROWS = 1000;

  @TempDir
  static Path dir;
  private static Path store;
  private static String appId;
  private static long groups;
  private static SparkTestSessions.Recorder recorder;
  private static TrackingClient client;
  private static Candidate candidate;

  @BeforeAll
  static void runApplication() {
    store = dir.resolve("mlruns");
    SparkSession spark = SparkTestSessions.localSession("listener-test-app", dir)
        .config("spark.extraListeners", MlopsSparkListener.class.getName())
        .config("spark.mlops.trackingUri", store.toString())
        .config("spark.mlops.experimentName", EXPERIMENT)
        .config("spark.mlops.journalDir", dir.resolve("journal").toString())
        .config("spark.mlops.test.password", "hunter2")
        .config("spark.hadoop.fs.s3a.access.key", "AKIAEXAMPLEKEY")
        .config("spark.myapp.endpoint", "https://example.org/data?token=abc123")
        .config("spark.myapp.plain", "visible")
        .config("spark.mlops.logConf", "spark.mlops.test.password,spark.hadoop.fs.s3a.*,spark.myapp.*")
        .getOrCreate();
    try {
      appId = spark.sparkContext().applicationId();
      recorder = new SparkTestSessions.Recorder();
      spark.sparkContext().addSparkListener(recorder);
      String parquet = dir.resolve("rows.parquet").toString();
      spark.range(0, ROWS, 1, 2).selectExpr("id", "id % 10 AS k").write().parquet(parquet);
      groups = spark.read().parquet(parquet).groupBy("k").count().collectAsList().size();
    } finally {
      spark.stop();
    }
    client = client(store);
    List<Candidate> all = candidates(client, EXPERIMENT);
    assertThat(all).hasSize(1);
    candidate = all.get(0);
  }

  @AfterAll
  static void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void theApplicationIsOneFinishedCandidate_namedAfterTheApp_withTheAppIdTag() {
    assertThat(groups).isEqualTo(10);
    assertThat(candidate.info().status()).isEqualTo(CandidateStatus.FINISHED);
    assertThat(candidate.info().endTime()).isPresent();
    assertThat(candidate.info().name()).isEqualTo("listener-test-app");
    assertThat(candidate.data().tags()).containsEntry(MlopsSparkListener.APP_ID_TAG, appId)
        .containsKey(MlopsSparkListener.SPARK_USER_TAG)
        .doesNotContainKey(io.mlops.tracking.ActiveCandidate.ERROR_TAG);
  }

  @Test
  void theCandidateHasTheRunContextTagsTheSdkComputes() {
    Map<String, String> expected = RunContext.systemTags(Paths.get("").toAbsolutePath(), System.getenv());
    assertThat(candidate.data().tags()).containsKeys(expected.keySet().toArray(new String[0]));
    if (expected.containsKey(RunContext.GIT_COMMIT)) { // inside a git work tree, as in this repository
      assertThat(candidate.data().tags()).containsEntry(RunContext.GIT_COMMIT, expected.get(RunContext.GIT_COMMIT));
    }
  }

  @Test
  void params_holdTheAppSettings_withSecretsRedactedByKeyAndByValue() throws IOException {
    Map<String, String> params = candidate.data().params();
    assertThat(params)
        .containsEntry("spark.app.name", "listener-test-app")
        .containsEntry("spark.master", "local[2]")
        .containsEntry("spark.version", org.apache.spark.package$.MODULE$.SPARK_VERSION())
        .containsEntry("spark.sql.shuffle.partitions", "2")
        .containsEntry("spark.sql.adaptive.enabled", "false")
        .containsEntry("spark.mlops.test.password", ConfRedaction.REPLACEMENT) // key matches the regex
        .containsEntry("spark.hadoop.fs.s3a.access.key", ConfRedaction.REPLACEMENT) // key matches
        .containsEntry("spark.myapp.endpoint", ConfRedaction.REPLACEMENT) // the value matches ("token")
        .containsEntry("spark.myapp.plain", "visible")
        .doesNotContainKey("spark.mlops.journalDir"); // not in the allow-list nor in spark.mlops.logConf
    assertThat(params.get("spark.version")).isEqualTo(System.getProperty("mlops.test.sparkVersion"));
    // nowhere in the store: not in a param, a tag or any other file
    try (Stream<Path> files = Files.walk(store)) {
      for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        assertThat(text).as(f.toString()).doesNotContain("hunter2").doesNotContain("AKIAEXAMPLEKEY")
            .doesNotContain("abc123");
      }
    }
  }

  @Test
  void jobMetrics_oneValuePerJob_atTheJobIdStep() {
    TreeMap<Long, Double> succeeded = byStep(client, candidate.info().id(), MlopsSparkListener.JOB_SUCCEEDED);
    assertThat(recorder.jobs()).hasSizeGreaterThanOrEqualTo(2); // the write, the read (and maybe a schema read)
    assertThat(succeeded.keySet()).isEqualTo(recorder.jobs());
    assertThat(succeeded.values()).containsOnly(1.0);
    assertThat(byStep(client, candidate.info().id(), MlopsSparkListener.JOB_DURATION).keySet())
        .isEqualTo(recorder.jobs());
    assertThat(byStep(client, candidate.info().id(), MlopsSparkListener.JOB_DURATION).values())
        .allSatisfy(ms -> assertThat(ms).isBetween(0.0, 600_000.0));
    assertThat(byStep(client, candidate.info().id(), MlopsSparkListener.JOB_STAGES).values())
        .allSatisfy(n -> assertThat(n).isBetween(1.0, 10.0)).contains(2.0); // the group-by job: map + reduce
    assertThat(candidate.data().metrics().get(MlopsSparkListener.APP_JOBS).value())
        .isEqualTo((double) recorder.jobs().size());
    assertThat(candidate.data().metrics().get(MlopsSparkListener.APP_FAILED_JOBS).value()).isZero();
    assertThat(candidate.data().metrics().get(MlopsSparkListener.APP_DURATION).value()).isPositive();
  }

  @Test
  void stageMetrics_oneValuePerStage_atTheStageIdStep_withPlausibleFigures() {
    String id = candidate.info().id();
    TreeMap<Long, Double> tasks = byStep(client, id, StageTotals.TASKS);
    assertThat(tasks.keySet()).isEqualTo(recorder.stages());
    for (String key : new String[] {StageTotals.DURATION, StageTotals.FAILED_TASKS, StageTotals.SUCCEEDED,
        StageTotals.INPUT_RECORDS, StageTotals.INPUT_BYTES, StageTotals.OUTPUT_RECORDS, StageTotals.OUTPUT_BYTES,
        StageTotals.SHUFFLE_READ_BYTES, StageTotals.SHUFFLE_READ_RECORDS, StageTotals.SHUFFLE_WRITE_BYTES,
        StageTotals.SHUFFLE_WRITE_RECORDS, StageTotals.MEMORY_SPILL_BYTES, StageTotals.DISK_SPILL_BYTES,
        StageTotals.EXECUTOR_RUN_TIME, StageTotals.EXECUTOR_CPU_TIME, StageTotals.JVM_GC_TIME}) {
      assertThat(byStep(client, id, key).keySet()).as(key).isEqualTo(recorder.stages());
      assertThat(client.getMetricHistory(id, key)).as(key + ": one value per stage").hasSize(recorder.stages().size());
    }
    assertThat(byStep(client, id, StageTotals.SUCCEEDED).values()).containsOnly(1.0);
    assertThat(byStep(client, id, StageTotals.FAILED_TASKS).values()).containsOnly(0.0);
    // the write stage wrote every row; the scan stage of the group-by read every row back
    assertThat(byStep(client, id, StageTotals.OUTPUT_RECORDS).values()).contains((double) ROWS);
    assertThat(byStep(client, id, StageTotals.OUTPUT_BYTES).values()).anySatisfy(b -> assertThat(b).isPositive());
    assertThat(byStep(client, id, StageTotals.INPUT_RECORDS).values()).contains((double) ROWS);
    assertThat(byStep(client, id, StageTotals.INPUT_BYTES).values()).anySatisfy(b -> assertThat(b).isPositive());
    // the group-by's map side wrote the shuffle (2 partitions x 10 keys partially aggregated), its reduce side read it
    TreeMap<Long, Double> shuffleWrite = byStep(client, id, StageTotals.SHUFFLE_WRITE_BYTES);
    TreeMap<Long, Double> shuffleRead = byStep(client, id, StageTotals.SHUFFLE_READ_BYTES);
    assertThat(shuffleWrite.values()).anySatisfy(b -> assertThat(b).isPositive());
    assertThat(shuffleRead.values()).anySatisfy(b -> assertThat(b).isPositive());
    // each map task writes one partial count per key it saw: 10 keys per input partition
    double written = byStep(client, id, StageTotals.SHUFFLE_WRITE_RECORDS).values().stream().mapToDouble(d -> d).sum();
    double read = byStep(client, id, StageTotals.SHUFFLE_READ_RECORDS).values().stream().mapToDouble(d -> d).sum();
    assertThat(written).isPositive().isEqualTo(read);
    assertThat(written % 10).isZero();
    assertThat(byStep(client, id, StageTotals.EXECUTOR_RUN_TIME).values()).allSatisfy(ms -> assertThat(ms).isNotNegative());
    assertThat(byStep(client, id, StageTotals.EXECUTOR_CPU_TIME).values()).anySatisfy(ms -> assertThat(ms).isPositive());
    assertThat(byStep(client, id, StageTotals.DURATION).values()).allSatisfy(ms -> assertThat(ms).isNotNegative());
    assertThat(tasks.values()).allSatisfy(n -> assertThat(n).isBetween(1.0, 2.0)); // 2 input / 2 shuffle partitions
  }
}
