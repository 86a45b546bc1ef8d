package io.mlops.spark;

import static io.mlops.spark.SparkTestSessions.byStep;
import static io.mlops.spark.SparkTestSessions.candidates;
import static io.mlops.spark.SparkTestSessions.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateStatus;
import io.mlops.core.TrackingClient;
import io.mlops.spark.internal.StageTotals;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkException;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One application with two listeners: the {@code spark.extraListeners} one, and one attached in code to a candidate
 * the test started with its own {@link Tracker}. It runs a group-by that succeeds, then a job whose task throws
 * ({@code spark.task.maxFailures=1}) and stops, as a driver whose last action failed does.
 */
class FailingApplicationAndAttachTest {
  private static final String EXPERIMENT = "spark-failing-app";

  @TempDir
  static Path dir;
  private static TrackingClient appStore;
  private static TrackingClient userStore;
  private static Tracker userTracker;
  private static ActiveCandidate userCandidate;
  private static MlopsSparkListener attached;
  /** Attached to a candidate that has ended: every log call throws, and the listener must keep it from Spark. */
  private static MlopsSparkListener broken;
  private static SparkTestSessions.Recorder recorder;
  private static String appId;
  private static Candidate appCandidate;
  private static CandidateStatus userStatusAfterStop;

  @BeforeAll
  static void runFailingApplication() throws Exception {
    Path userStorePath = dir.resolve("user-mlruns");
    userTracker = Tracker.builder().trackingUri(userStorePath.toString()).experimentName("user-experiment")
        .journalDirectory(dir.resolve("user-journal")).shutdownHook(false).build();
    SparkSession spark = SparkTestSessions.localSession("failing-app", dir)
        .config("spark.task.maxFailures", "1")
        .config("spark.extraListeners", MlopsSparkListener.class.getName())
        .config("spark.mlops.trackingUri", dir.resolve("app-mlruns").toString())
        .config("spark.mlops.experimentName", EXPERIMENT)
        .config("spark.mlops.candidateName", "nightly-etl")
        .config("spark.mlops.journalDir", dir.resolve("app-journal").toString())
        .getOrCreate();
    try {
      appId = spark.sparkContext().applicationId();
      userCandidate = userTracker.startCandidate("user-candidate");
      attached = MlopsSparkListener.attach(spark, userCandidate);
      ActiveCandidate ended = userTracker.startCandidate("ended-before-the-jobs");
      ended.close();
      broken = MlopsSparkListener.attach(spark, ended);
      recorder = new SparkTestSessions.Recorder();
      spark.sparkContext().addSparkListener(recorder);
      assertThat(spark.range(0, 100, 1, 2).selectExpr("id % 3 AS k").groupBy("k").count().collectAsList())
          .hasSize(3);
      assertThatThrownBy(() -> spark.range(0, 10, 1, 2)
          .selectExpr("IF(id = 7, raise_error('boom in a task'), id) AS v").collectAsList())
          // Spark 3.5: SparkException; Spark 4: SparkRuntimeException ([USER_RAISED_EXCEPTION])
          .isInstanceOfAny(SparkException.class, RuntimeException.class).hasMessageContaining("boom in a task");
      // the bus delivers in order: once the recorder has the failed job's end, the listeners get it before stop's
      assertThat(recorder.failedJobEnded.await(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      spark.stop();
    }
    userTracker.flush().get(30, TimeUnit.SECONDS);
    appStore = client(dir.resolve("app-mlruns"));
    userStore = client(userStorePath);
    userStatusAfterStop = userStore.getCandidate(userCandidate.id()).info().status();
    List<Candidate> all = candidates(appStore, EXPERIMENT);
    assertThat(all).hasSize(1);
    appCandidate = all.get(0);
  }

  @AfterAll
  static void close() {
    if (userTracker != null) {
      userTracker.close();
    }
    if (appStore != null) {
      appStore.close();
    }
    if (userStore != null) {
      userStore.close();
    }
  }

  @Test
  void theFailedJob_isLoggedAsFailed_atItsJobIdStep() {
    assertThat(recorder.failedJobIds).hasSize(1);
    long failedJob = recorder.failedJobIds.iterator().next();
    TreeMap<Long, Double> succeeded = byStep(appStore, appCandidate.info().id(), MlopsSparkListener.JOB_SUCCEEDED);
    assertThat(succeeded.keySet()).isEqualTo(recorder.jobs());
    assertThat(succeeded).containsEntry(failedJob, 0.0);
    assertThat(succeeded.headMap(failedJob).values()).isNotEmpty().containsOnly(1.0);
    assertThat(appCandidate.data().metrics().get(MlopsSparkListener.APP_FAILED_JOBS).value()).isEqualTo(1.0);
    // the failed stage: one failed task attempt, not retried (maxFailures=1), and succeeded = 0
    TreeMap<Long, Double> stageSucceeded = byStep(appStore, appCandidate.info().id(), StageTotals.SUCCEEDED);
    assertThat(stageSucceeded.values()).containsOnlyOnce(0.0);
    long failedStage = stageSucceeded.entrySet().stream().filter(e -> e.getValue() == 0.0).findFirst().get().getKey();
    assertThat(byStep(appStore, appCandidate.info().id(), StageTotals.FAILED_TASKS)).containsEntry(failedStage, 1.0);
  }

  @Test
  void anApplicationWhoseLastJobFailed_endsFailed_withTheErrorTag() {
    assertThat(appCandidate.info().status()).isEqualTo(CandidateStatus.FAILED);
    assertThat(appCandidate.info().name()).isEqualTo("nightly-etl"); // spark.mlops.candidateName
    assertThat(appCandidate.data().tags().get(ActiveCandidate.ERROR_TAG)).contains("boom in a task");
    assertThat(appCandidate.data().tags()).containsEntry(MlopsSparkListener.APP_ID_TAG, appId);
  }

  @Test
  void aListenerWhoseLoggingThrows_countsTheErrors_andTheJobsRunAsWithout() {
    // describe at attach, then job and stage ends: each threw CandidateEndedException inside the listener
    assertThat(broken.errorCount()).isGreaterThan(recorder.jobs().size());
    assertThat(recorder.jobs()).hasSize(2); // the group-by and the failing job, both ran (results asserted above)
  }

  @Test
  void aListenerAttachedInCode_logsIntoTheGivenCandidate_andLeavesItsEndToTheCaller() {
    String id = userCandidate.id();
    assertThat(attached.errorCount()).isZero();
    assertThat(attached.candidate()).isSameAs(userCandidate);
    assertThat(userStatusAfterStop).isEqualTo(CandidateStatus.RUNNING);
    Candidate c = userStore.getCandidate(id);
    assertThat(c.data().tags()).containsEntry(MlopsSparkListener.APP_ID_TAG, appId);
    assertThat(c.data().params()).containsEntry("spark.app.name", "failing-app").containsKey("spark.version");
    Set<Long> stages = new TreeSet<>(recorder.stages());
    assertThat(byStep(userStore, id, StageTotals.TASKS).keySet()).isEqualTo(stages);
    assertThat(byStep(userStore, id, StageTotals.SHUFFLE_WRITE_BYTES).values())
        .anySatisfy(b -> assertThat(b).isPositive());
    assertThat(byStep(userStore, id, StageTotals.SHUFFLE_READ_RECORDS).values())
        .anySatisfy(r -> assertThat(r).isPositive());
    assertThat(byStep(userStore, id, MlopsSparkListener.JOB_SUCCEEDED).keySet()).isEqualTo(recorder.jobs());
    // it missed the application's start, so no app duration; the job counts are there
    assertThat(c.data().metrics()).doesNotContainKey(MlopsSparkListener.APP_DURATION)
        .containsKey(MlopsSparkListener.APP_FAILED_JOBS);
  }
}
