package io.mlops.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.CandidateStatus;
import io.mlops.core.ConfigurationException;
import io.mlops.core.Metric;
import io.mlops.core.TrackingClient;
import io.mlops.spark.ExecutorLogging.Delivery;
import io.mlops.spark.internal.DirectTrackers;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.shuffle.FetchFailedException;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import scala.Tuple2;

/**
 * Executor logging on a real {@code local[2,4]} session: two task threads, and up to four attempts per task (local
 * mode ignores {@code spark.task.maxFailures}; {@code local[N,F]} is how it takes a maximum, and the conf is set too,
 * as a cluster would read it). The tracker of the driver's candidates and the executors' direct trackers write one
 * local store.
 */
class ExecutorLoggingApplicationTest {
  private static final String TOKEN = "s3cr3t-token-for-this-test";
  private static final int PARTITIONS = 4;
  private static final int POINTS = 50;

  @TempDir
  static Path dir;
  private static Path storePath;
  private static SparkSession spark;
  private static JavaSparkContext jsc;
  private static Tracker tracker;
  private static TrackingClient store;
  private static TaskEnds taskEnds;

  private ActiveCandidate candidate;

  @BeforeAll
  static void startSession() {
    storePath = dir.resolve("mlruns");
    spark = SparkTestSessions.localSession("executor-logging", dir)
        .master("local[2,4]")
        .config("spark.task.maxFailures", "4")
        .config("spark.mlops.trackingUri", storePath.toString()) // direct delivery's default store
        .config("spark.mlops.journalDir", dir.resolve("executor-journal").toString())
        .config("spark.mlops.trackingToken", TOKEN) // unused by a local store; must never reach a closure
        .getOrCreate();
    jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    taskEnds = new TaskEnds();
    spark.sparkContext().addSparkListener(taskEnds);
    tracker = Tracker.builder().trackingUri(storePath.toString()).experimentName("executor-logging")
        .journalDirectory(dir.resolve("driver-journal")).shutdownHook(false).build();
    store = SparkTestSessions.client(storePath);
  }

  @AfterAll
  static void stopSession() {
    if (spark != null) {
      spark.stop();
    }
    if (tracker != null) {
      tracker.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @BeforeEach
  void newCandidate(org.junit.jupiter.api.TestInfo info) throws Exception {
    candidate = tracker.startCandidate(info.getTestMethod().get().getName());
    drainListenerBus(); // no task end of an earlier test arrives after the clear
    taskEnds.clear();
  }

  /**
   * Waits until the listener bus, which delivers asynchronously, has delivered everything posted so far
   * ({@code LiveListenerBus.waitUntilEmpty}, Spark-internal, as Spark's own tests use it).
   */
  private static void drainListenerBus() throws Exception {
    spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
  }

  @AfterEach
  void endCandidate() {
    candidate.close();
  }

  /** Ends the candidate (which waits until its points are in the store) and reads a metric's history. */
  private List<Metric> endAndRead(String key) {
    candidate.end(CandidateStatus.FINISHED);
    List<Metric> out = new ArrayList<>();
    store.getMetricHistory(candidate.id(), key).forEach(out::add);
    return out;
  }

  // ------------------------------------------------------------------ jobs (static: closures capture no test)

  private static List<Integer> range(int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(i);
    }
    return out;
  }

  /**
   * {@code partitions} tasks log {@code points} points each: key "points", step partition * 1000 + i, value the
   * attempt number. The partitions in {@code failFirst} throw after logging on their first attempt, those in
   * {@code failAlways} on every attempt.
   */
  private static void logPoints(CandidateHandle handle, int partitions, int points, Set<Integer> failFirst,
      Set<Integer> failAlways) {
    jsc.parallelize(range(partitions), partitions).foreachPartition(rows -> {
      TaskContext task = TaskContext.get();
      for (int i = 0; i < points; i++) {
        handle.logMetric("points", task.attemptNumber(), task.partitionId() * 1000L + i);
      }
      if (failAlways.contains(task.partitionId())
          || task.attemptNumber() == 0 && failFirst.contains(task.partitionId())) {
        throw new IllegalStateException("planned failure of attempt " + task.attemptNumber());
      }
    });
  }

  /**
   * A map stage whose tasks log, then a reduce stage whose partition 0 reports its first attempt's fetch as failed:
   * the DAG scheduler marks the map output lost and runs the map stage again (a new attempt of the same stage),
   * so every map partition succeeds twice. Map points: key "map_points", value the stage attempt.
   */
  private static long mapStageRerun(CandidateHandle handle) {
    JavaPairRDD<Integer, Integer> mapped = jsc.parallelize(range(40), PARTITIONS).mapPartitionsToPair(rows -> {
      TaskContext task = TaskContext.get();
      for (int i = 0; i < POINTS; i++) {
        handle.logMetric("map_points", task.stageAttemptNumber(), task.partitionId() * 1000L + i);
      }
      List<Tuple2<Integer, Integer>> out = new ArrayList<>();
      while (rows.hasNext()) {
        int v = rows.next();
        out.add(new Tuple2<>(v % 3, v));
      }
      return out.iterator();
    });
    JavaPairRDD<Integer, Integer> reduced = mapped.reduceByKey(Integer::sum, 2);
    int shuffleId = ((ShuffleDependency<?, ?, ?>) reduced.rdd().dependencies().apply(0)).shuffleId();
    return reduced.mapPartitions((Iterator<Tuple2<Integer, Integer>> rows) -> {
      TaskContext task = TaskContext.get();
      if (task.stageAttemptNumber() == 0 && task.partitionId() == 0) {
        throw ExecutorLoggingApplicationTest.<RuntimeException>sneaky(new FetchFailedException(
            SparkEnv.get().blockManager().blockManagerId(), shuffleId, -1L, 0, 0, "test: map output lost", null));
      }
      List<Integer> out = new ArrayList<>();
      rows.forEachRemaining(r -> out.add(r._2()));
      return out.iterator();
    }).count();
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }

  /** Task ends by outcome, and the successful map-stage attempts after the first. */
  static final class TaskEnds extends SparkListener {
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger succeeded = new AtomicInteger();
    final Map<String, Integer> successesByStageAttempt = new ConcurrentHashMap<>();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
      if (event.taskInfo().successful()) {
        succeeded.incrementAndGet();
        successesByStageAttempt.merge(event.stageId() + "." + event.stageAttemptId(), 1, Integer::sum);
      } else {
        failed.incrementAndGet();
      }
    }

    void clear() {
      failed.set(0);
      succeeded.set(0);
      successesByStageAttempt.clear();
    }

    /** Failed attempts, once the listener bus has delivered every task end. */
    int failedAttempts() throws Exception {
      drainListenerBus();
      return failed.get();
    }
  }

  private static void assertOnePointPerStep_fromTheSuccessfulAttempt(List<Metric> points, Set<Integer> retried) {
    assertThat(points).hasSize(PARTITIONS * POINTS);
    assertThat(points.stream().map(Metric::step).collect(Collectors.toList())).doesNotHaveDuplicates();
    for (Metric m : points) {
      int partition = (int) (m.step() / 1000);
      assertThat(m.value()).as("attempt of partition %d", partition).isEqualTo(retried.contains(partition) ? 1.0 : 0.0);
    }
  }

  // ------------------------------------------------------------------ retries

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void tasksWhoseFirstAttemptFails_countOnce_fromTheRetry(Delivery delivery) throws Exception {
    ExecutorLogging logging = ExecutorLogging.start(spark, candidate, delivery);
    try {
      logPoints(logging.handle(), PARTITIONS, POINTS, Set.of(1, 3), Set.of());
      if (delivery == Delivery.DIRECT) {
        // local mode: this JVM is the executor, and its tracker has the candidate attached
        assertThat(DirectTrackers.isAttached(storePath.toString(), candidate.id())).isTrue();
      }
    } finally {
      logging.close();
    }
    ExecutorLogging.Stats stats = logging.stats();
    assertThat(taskEnds.failedAttempts()).isEqualTo(2); // the first attempts of partitions 1 and 3 did fail
    assertOnePointPerStep_fromTheSuccessfulAttempt(endAndRead("points"), Set.of(1, 3));
    assertThat(stats.acceptedAttempts()).isEqualTo(PARTITIONS);
    assertThat(stats.acceptedPoints()).isEqualTo(PARTITIONS * POINTS);
    assertThat(stats.loggedPoints()).isEqualTo(PARTITIONS * POINTS);
    assertThat(stats.duplicateAttempts()).isZero();
    assertThat(stats.lostPoints()).isZero();
    assertThat(DirectTrackers.isAttached(storePath.toString(), candidate.id())).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void aTaskThatFailsEveryAttempt_failsTheJob_andLogsNothingFromItsAttempts(Delivery delivery) throws Exception {
    try (ExecutorLogging logging = ExecutorLogging.start(spark, candidate, delivery)) {
      assertThatThrownBy(() -> logPoints(logging.handle(), 2, POINTS, Set.of(), Set.of(0)))
          .isInstanceOf(SparkException.class).hasMessageContaining("planned failure of attempt 3");
    }
    assertThat(taskEnds.failedAttempts()).isGreaterThanOrEqualTo(4); // partition 0, four times
    List<Metric> points = endAndRead("points");
    assertThat(points).noneMatch(m -> m.step() < 1000); // nothing of partition 0
    // partition 1 succeeded, or was cancelled when the job failed: all of its points or none
    assertThat(points.size()).isIn(0, POINTS);
  }

  // ------------------------------------------------------------------ a partition computed twice

  @Test
  void throughTheDriver_aMapStageRerunAfterAFetchFailure_countsEachPartitionOnce() throws Exception {
    ExecutorLogging.Stats stats = runMapStageRerun(Delivery.THROUGH_DRIVER);
    List<Metric> points = endAndRead("map_points");
    int reruns = rerunMapTasks();
    assertThat(reruns).as("map tasks that succeeded a second time").isPositive();
    assertThat(points).hasSize(PARTITIONS * POINTS).allMatch(m -> m.value() == 0.0); // all from stage attempt 0
    assertThat(points.stream().map(Metric::step).collect(Collectors.toList())).doesNotHaveDuplicates();
    assertThat(stats.acceptedAttempts()).isEqualTo(PARTITIONS);
    assertThat(stats.duplicateAttempts()).isEqualTo(reruns);
    assertThat(stats.duplicatePoints()).isEqualTo((long) reruns * POINTS);
  }

  @Test
  void direct_aMapStageRerunAfterAFetchFailure_isDeliveredAgain_andTheDriverCountsIt() throws Exception {
    ExecutorLogging.Stats stats = runMapStageRerun(Delivery.DIRECT);
    List<Metric> points = endAndRead("map_points");
    int reruns = rerunMapTasks();
    assertThat(reruns).isPositive();
    // the documented limit of direct delivery: the executor delivered before Spark knew the attempt would be redone
    assertThat(points).hasSize(PARTITIONS * POINTS + reruns * POINTS);
    assertThat(points.stream().filter(m -> m.value() == 1.0)).hasSize(reruns * POINTS);
    assertThat(stats.duplicateAttempts()).isEqualTo(reruns);
    assertThat(stats.duplicatePoints()).isEqualTo((long) reruns * POINTS);
  }

  private ExecutorLogging.Stats runMapStageRerun(Delivery delivery) {
    ExecutorLogging logging = ExecutorLogging.start(spark, candidate, delivery);
    try {
      assertThat(mapStageRerun(logging.handle())).isEqualTo(3); // the job itself is right
    } finally {
      logging.close();
    }
    return logging.stats();
  }

  /**
   * Successful tasks of the map stage's attempts after the first. The map stage has the lower id: Spark creates a
   * job's parent stages before its result stage.
   */
  private static int rerunMapTasks() throws Exception {
    drainListenerBus();
    TreeMap<Integer, Integer> rerunsByStage = new TreeMap<>();
    for (Map.Entry<String, Integer> e : taskEnds.successesByStageAttempt.entrySet()) {
      String[] stageAndAttempt = e.getKey().split("\\.");
      if (!stageAndAttempt[1].equals("0")) {
        rerunsByStage.merge(Integer.parseInt(stageAndAttempt[0]), e.getValue(), Integer::sum);
      }
    }
    return rerunsByStage.isEmpty() ? 0 : rerunsByStage.firstEntry().getValue();
  }

  // ------------------------------------------------------------------ what the tasks see

  @Test
  void theDatasetApi_foreachPartitionAndMapPartitions() {
    long rows;
    try (ExecutorLogging logging = ExecutorLogging.start(spark, candidate)) {
      CandidateHandle handle = logging.handle();
      spark.range(0, 100, 1, PARTITIONS).foreachPartition((ForeachPartitionFunction<Long>) it -> {
        long n = 0;
        while (it.hasNext()) {
          it.next();
          n++;
        }
        handle.logMetric("rows", n, TaskContext.getPartitionId());
      });
      rows = spark.range(0, 60, 1, 3).mapPartitions((MapPartitionsFunction<Long, Long>) it -> {
        long n = 0;
        List<Long> out = new ArrayList<>();
        while (it.hasNext()) {
          out.add(it.next() * 2);
          n++;
        }
        handle.logMetrics(Map.of("mapped_rows", (double) n), TaskContext.getPartitionId());
        return out.iterator();
      }, Encoders.LONG()).count();
    }
    assertThat(rows).isEqualTo(60);
    List<Metric> mapped = new ArrayList<>();
    List<Metric> counted = endAndRead("rows");
    store.getMetricHistory(candidate.id(), "mapped_rows").forEach(mapped::add);
    assertThat(counted).hasSize(PARTITIONS);
    assertThat(counted.stream().mapToDouble(Metric::value).sum()).isEqualTo(100.0);
    assertThat(mapped).hasSize(3);
    assertThat(mapped.stream().mapToDouble(Metric::value).sum()).isEqualTo(60.0);
  }

  @Test
  void pointsKeepTheTimeTheyWereLoggedOnTheExecutor() {
    try (ExecutorLogging logging = ExecutorLogging.start(spark, candidate)) {
      CandidateHandle handle = logging.handle();
      jsc.parallelize(range(1), 1).foreachPartition(rows -> {
        handle.logMetric("timed", 1.0, 0);
        Thread.sleep(300);
        handle.logMetric("timed", 2.0, 1);
      });
    }
    List<Metric> timed = endAndRead("timed");
    assertThat(timed).hasSize(2);
    // both reached the driver together, at the task's end; each kept its own time
    assertThat(timed.get(1).timestamp() - timed.get(0).timestamp()).isGreaterThanOrEqualTo(300);
  }

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void aTaskOverTheCap_keepsTheFirstPoints_andTheRestIsCounted(Delivery delivery) {
    ExecutorLogging logging = ExecutorLogging.builder(spark, candidate).delivery(delivery)
        .maxPointsPerTask(10).start();
    try {
      CandidateHandle handle = logging.handle();
      jsc.parallelize(range(3), 3).foreachPartition(rows -> {
        for (int i = 0; i < 25; i++) {
          handle.logMetric("capped", i, TaskContext.getPartitionId() * 1000L + i);
        }
      });
    } finally {
      logging.close();
    }
    ExecutorLogging.Stats stats = logging.stats();
    List<Metric> capped = endAndRead("capped");
    assertThat(capped).hasSize(30).allMatch(m -> m.step() % 1000 < 10);
    assertThat(stats.droppedPoints()).isEqualTo(45);
  }

  @Test
  void anInvalidKey_failsTheTask_withTheRuleItBroke() {
    try (ExecutorLogging logging = ExecutorLogging.start(spark, candidate)) {
      CandidateHandle handle = logging.handle();
      assertThatThrownBy(() -> jsc.parallelize(range(1), 1).foreachPartition(rows -> handle.logMetric("bad!", 1.0)))
          .isInstanceOf(SparkException.class)
          .hasMessageContaining("io.mlops.core.ValidationException")
          .hasMessageContaining("Metric key 'bad!' contains '!'");
    }
  }

  @Test
  void theHandle_onTheDriver_failsClearly() {
    try (ExecutorLogging logging = ExecutorLogging.start(spark, candidate)) {
      assertThatThrownBy(() -> logging.handle().logMetric("m", 1.0))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("from inside a Spark task")
          .hasMessageContaining("log into the ActiveCandidate itself");
    }
  }

  @Test
  void theHandle_throughABroadcast_failsTheTaskClearly() {
    try (ExecutorLogging logging = ExecutorLogging.start(spark, candidate)) {
      Broadcast<CandidateHandle> shared = jsc.broadcast(logging.handle());
      assertThatThrownBy(() -> jsc.parallelize(range(2), 2)
          .foreachPartition(rows -> shared.value().logMetric("m", 1.0)))
          .isInstanceOf(SparkException.class)
          .hasMessageContaining("did not come with the closure of the task");
    }
  }

  @Test
  void theHandle_serializesSmall_withNoTrackerNoTokenAndNoCredentials() throws Exception {
    try (ExecutorLogging through = ExecutorLogging.start(spark, candidate);
        ExecutorLogging direct = ExecutorLogging.start(spark, candidate, Delivery.DIRECT)) {
      for (CandidateHandle h : List.of(through.handle(), direct.handle())) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
          out.writeObject(h); // as Spark's closure serializer writes it: the accumulator as an empty copy
        }
        String text = new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1);
        assertThat(bytes.size()).as("serialized %s", h).isLessThan(2048);
        assertThat(text).doesNotContain(TOKEN).doesNotContain("io.mlops.tracking.Tracker")
            .doesNotContain("ActiveCandidate").contains(candidate.id());
      }
      assertThat(direct.handle().toString()).contains("DIRECT").doesNotContain(TOKEN);
    }
  }

  // ------------------------------------------------------------------ the driver's side

  @Test
  void pointsOfTasksEndingAfterClose_areCountedAsLost() {
    ExecutorLogging logging = ExecutorLogging.start(spark, candidate);
    logging.close();
    logPoints(logging.handle(), 2, 5, Set.of(), Set.of());
    assertThat(logging.stats().lostPoints()).isEqualTo(10);
    assertThat(endAndRead("points")).isEmpty();
  }

  @Test
  void startingOnAnEndedCandidate_orDirectWhereTheCandidateIsNot_fails() {
    assertThatThrownBy(() -> ExecutorLogging.builder(spark, candidate).delivery(Delivery.DIRECT)
        .trackingUri(dir.resolve("another-store").toString()).start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("candidate " + candidate.id() + " is not in");
    candidate.end(CandidateStatus.FINISHED);
    assertThatThrownBy(() -> ExecutorLogging.start(spark, candidate))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("has ended");
  }
}
