package io.mlops.all;

import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.spark.CandidateHandle;
import io.mlops.spark.ExecutorLogging;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskEndReason;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.TaskKilled;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.sql.SparkSession;

/**
 * The application of ShadedJarSpeculationSparkSubmitIT, submitted to a standalone cluster of two one-core workers
 * on two host names ({@link StandaloneCluster}) with speculation on. Per delivery ({@code THROUGH_DRIVER}, then
 * {@code DIRECT} into the same local store, which every executor of this machine sees): one job of
 * {@value #PARTITIONS} tasks, each logging {@value #POINTS} points of {@code partition.<p>} (value: the attempt
 * number) through the handle; partition 0's first attempt then sleeps {@value #SLOW_MILLIS} ms, so Spark runs a
 * speculative copy on the other host, which finishes first, and kills the original, whose points were already in
 * its accumulator. Then the store read back: each partition exactly once, only the winning attempt's points.
 *
 * <p>A listener records every task end ({@code TASK_END} lines: partition, attempt, speculative, host, reason).
 * Prints {@code SPECULATION OK} when every check passed; a failed check exits with status 2.
 *
 * <p>Arguments: the local store directory; the jar the SDK's classes must come from.
 */
public final class ShadedSparkSpeculation {
  static final int PARTITIONS = 4;
  static final int POINTS = 5;
  /** Partition 0's first attempt, after its points: far longer than the job, so only a kill ends it early. */
  static final long SLOW_MILLIS = 20_000;
  private static final String LABEL = "mlops.test.delivery";
  private static final long WAIT_MILLIS = 60_000;

  private ShadedSparkSpeculation() {}

  /** Runs the application and the checks. */
  public static void main(String[] args) throws Exception {
    Path store = Paths.get(args[0]).toAbsolutePath();
    String jarName = args[1];
    for (Class<?> c : new Class<?>[] {TrackingClient.class, ExecutorLogging.class}) {
      String from = c.getProtectionDomain().getCodeSource().getLocation().getPath();
      check(from.endsWith("/" + jarName), c.getName() + " loaded from " + from);
    }
    System.out.println("Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ", Scala "
        + scala.util.Properties.versionNumberString());
    MlopsConfig config = MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
        .trackingUri(store.toUri().toString()).build();
    Map<ExecutorLogging.Delivery, String> candidates = new LinkedHashMap<>();
    Map<ExecutorLogging.Delivery, Map<Integer, Integer>> winners = new LinkedHashMap<>();
    SparkSession spark = SparkSession.builder().appName("shaded-spark-speculation").getOrCreate();
    try {
      TaskEvents events = new TaskEvents();
      spark.sparkContext().addSparkListener(events);
      awaitExecutors(spark, 2);
      try (Tracker tracker = Tracker.builder().config(config).experimentName("speculation")
          .journalDirectory(store.resolveSibling("driver-journal")).shutdownHook(false).build()) {
        for (ExecutorLogging.Delivery delivery : ExecutorLogging.Delivery.values()) {
          try (ActiveCandidate candidate = tracker.startCandidate("speculation-" + delivery)) {
            winners.put(delivery, runJob(spark, candidate, delivery, events));
            candidates.put(delivery, candidate.id());
          }
        }
      }
    } finally {
      spark.stop();
    }

    try (TrackingClient client = TrackingClient.create(config)) {
      for (Map.Entry<ExecutorLogging.Delivery, String> c : candidates.entrySet()) {
        for (int p = 0; p < PARTITIONS; p++) {
          List<Metric> points = client.getMetricHistory(c.getValue(), "partition." + p);
          Set<Long> steps = points.stream().map(Metric::step).collect(Collectors.toCollection(TreeSet::new));
          Set<Double> attempts = points.stream().map(Metric::value).collect(Collectors.toCollection(TreeSet::new));
          System.out.println("STORE delivery=" + c.getKey() + " partition=" + p + " points=" + points.size()
              + " steps=" + steps + " attempts=" + attempts);
          check(points.size() == POINTS && steps.size() == POINTS,
              c.getKey() + ": partition " + p + " has " + points.size() + " points, steps " + steps);
          double winner = winners.get(c.getKey()).get(p);
          check(attempts.equals(Set.of(winner)), c.getKey() + ": partition " + p + " holds the points of attempts "
              + attempts + ", not only those of the successful attempt " + (int) winner);
        }
      }
    }
    System.out.println("SPECULATION OK");
  }

  /** One job through {@code delivery}; checks its task ends and stats; returns each partition's winning attempt. */
  private static Map<Integer, Integer> runJob(SparkSession spark, ActiveCandidate candidate,
      ExecutorLogging.Delivery delivery, TaskEvents events) throws InterruptedException {
    ExecutorLogging.Stats stats;
    long started = System.nanoTime();
    try (ExecutorLogging logging = ExecutorLogging.start(spark, candidate, delivery)) {
      CandidateHandle handle = logging.handle();
      spark.sparkContext().setLocalProperty(LABEL, delivery.name());
      try {
        spark.range(0, PARTITIONS, 1, PARTITIONS).foreachPartition((ForeachPartitionFunction<Long>) rows -> {
          while (rows.hasNext()) {
            rows.next();
          }
          TaskContext task = TaskContext.get();
          for (int i = 0; i < POINTS; i++) {
            handle.logMetric("partition." + task.partitionId(), task.attemptNumber(), i);
          }
          if (task.partitionId() == 0 && task.attemptNumber() == 0) {
            Thread.sleep(SLOW_MILLIS); // interrupted when Spark kills this attempt
          }
        });
      } finally {
        spark.sparkContext().setLocalProperty(LABEL, null);
      }
      long jobMillis = (System.nanoTime() - started) / 1_000_000;
      // the killed attempt ends after the job: wait for every task end of the job's stage
      List<TaskEvents.End> ends = events.awaitAllEnded(delivery.name(), WAIT_MILLIS);
      logging.flush(java.time.Duration.ofSeconds(30));
      stats = logging.stats();
      ends.forEach(e -> System.out.println("TASK_END delivery=" + delivery + " " + e));
      System.out.println("JOB delivery=" + delivery + " millis=" + jobMillis + " stats=" + stats);
      Map<Integer, Integer> winners = checkSpeculation(delivery, ends);
      long expected = (long) PARTITIONS * POINTS;
      check(stats.acceptedAttempts() == PARTITIONS && stats.acceptedPoints() == expected
          && stats.loggedPoints() == expected && stats.duplicatePoints() == 0 && stats.droppedPoints() == 0
          && stats.lostPoints() == 0 && stats.refusedPoints() == 0, delivery + ": stats " + stats);
      return winners;
    }
  }

  /**
   * One success per partition; partition 0's is a speculative copy on another host than its first attempt, which
   * was killed.
   */
  private static Map<Integer, Integer> checkSpeculation(ExecutorLogging.Delivery delivery,
      List<TaskEvents.End> ends) {
    Map<Integer, Integer> winners = new HashMap<>();
    for (TaskEvents.End e : ends) {
      if (e.success) {
        check(winners.put(e.partition, e.attempt) == null, delivery + ": two successes of partition " + e.partition);
      }
    }
    check(winners.size() == PARTITIONS, delivery + ": successful partitions " + winners.keySet());
    TaskEvents.End copy = null;
    TaskEvents.End original = null;
    for (TaskEvents.End e : ends) {
      if (e.partition == 0 && e.success) {
        copy = e;
      } else if (e.partition == 0 && e.attempt == 0) {
        original = e;
      }
    }
    check(copy != null && copy.speculative && copy.attempt == 1,
        delivery + ": partition 0 did not succeed through a speculative copy: " + copy);
    check(original != null && original.killed && !original.speculative,
        delivery + ": partition 0's first attempt was not killed: " + original);
    check(!copy.host.equals(original.host), delivery + ": both attempts on host " + copy.host);
    return winners;
  }

  private static void awaitExecutors(SparkSession spark, int executors) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    SparkExecutorInfo[] infos = spark.sparkContext().statusTracker().getExecutorInfos();
    // the driver is one of them
    while (infos.length < executors + 1 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      infos = spark.sparkContext().statusTracker().getExecutorInfos();
    }
    List<String> hosts = new ArrayList<>();
    for (SparkExecutorInfo i : infos) {
      hosts.add(i.host() + ":" + i.port());
    }
    System.out.println("EXECUTORS " + hosts);
    check(infos.length >= executors + 1, "executors (and the driver) registered: " + hosts);
  }

  /** The task ends of the jobs labelled with {@link #LABEL}, and when they are all in. */
  static final class TaskEvents extends SparkListener {
    /** One task end. */
    static final class End {
      final int stage;
      final int partition;
      final int attempt;
      final boolean speculative;
      final String host;
      final String executor;
      final boolean success;
      final boolean killed;
      final String reason;
      final long millis;

      End(SparkListenerTaskEnd e) {
        TaskInfo info = e.taskInfo();
        TaskEndReason r = e.reason();
        stage = e.stageId();
        partition = info.index();
        attempt = info.attemptNumber();
        speculative = info.speculative();
        host = info.host();
        executor = info.executorId();
        success = info.successful();
        killed = r instanceof TaskKilled;
        reason = r instanceof TaskKilled ? "TaskKilled(" + ((TaskKilled) r).reason() + ")"
            : r instanceof TaskFailedReason ? ((TaskFailedReason) r).toErrorString() : r.toString();
        millis = info.finishTime() - info.launchTime();
      }

      @Override
      public String toString() {
        return "stage=" + stage + " partition=" + partition + " attempt=" + attempt + " speculative=" + speculative
            + " host=" + host + " executor=" + executor + " millis=" + millis + " reason=" + reason;
      }
    }

    private final Map<Integer, String> jobLabels = new HashMap<>();
    private final Map<Integer, String> stageLabels = new HashMap<>();
    private final Set<String> endedJobs = new HashSet<>();
    private final Map<Integer, Integer> startedTasks = new HashMap<>();
    private final List<End> ends = new ArrayList<>();

    private static String label(Properties p) {
      return p == null ? null : p.getProperty(LABEL);
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart e) {
      String l = label(e.properties());
      if (l != null) {
        jobLabels.put(e.jobId(), l);
      }
    }

    @Override
    public synchronized void onStageSubmitted(SparkListenerStageSubmitted e) {
      String l = label(e.properties());
      if (l != null) {
        stageLabels.put(e.stageInfo().stageId(), l);
      }
    }

    @Override
    public synchronized void onTaskStart(SparkListenerTaskStart e) {
      startedTasks.merge(e.stageId(), 1, Integer::sum);
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
      ends.add(new End(e));
      notifyAll();
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd e) {
      String l = jobLabels.get(e.jobId());
      if (l != null) {
        endedJobs.add(l);
      }
      notifyAll();
    }

    /**
     * Waits until the job labelled {@code label} has ended and every task started in its stages has ended (the
     * listener bus delivers a job's task starts before its end), then returns its task ends.
     */
    synchronized List<End> awaitAllEnded(String label, long timeoutMillis) throws InterruptedException {
      long deadline = System.currentTimeMillis() + timeoutMillis;
      while (true) {
        List<End> mine = ends.stream().filter(e -> label.equals(stageLabels.get(e.stage)))
            .collect(Collectors.toList());
        long started = stageLabels.entrySet().stream().filter(s -> s.getValue().equals(label))
            .mapToLong(s -> startedTasks.getOrDefault(s.getKey(), 0)).sum();
        long left = deadline - System.currentTimeMillis();
        if (endedJobs.contains(label) && mine.size() == started) {
          return mine;
        }
        check(left > 0, label + ": not every task ended in time (job ended: " + endedJobs.contains(label)
            + ", tasks started " + started + ", ended " + mine + ")");
        wait(left);
      }
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      System.out.println("SPECULATION FAILED: " + what);
      System.exit(2);
    }
  }
}
