package io.mlops.benchmarks;

import io.mlops.spark.MlopsQueryListener;
import io.mlops.spark.MlopsSparkListener;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.util.QueryExecutionListener;

/**
 * The overhead of tracking a Spark job: the same job timed with and without {@link MlopsSparkListener} (job and
 * stage metrics) and {@link MlopsQueryListener} (datasets read and written), both logging into one candidate of a
 * local store, in one {@code local[2]} session. The job reads a parquet file of {@code --rows} rows (default
 * 4,000,000; written once before the runs), aggregates it by key (a shuffle), joins a small dimension read from
 * JSON, writes the result to parquet and counts it back: four SQL queries, several jobs and stages, each query's
 * plan walked by the query listener. Runs alternate in pairs, the order within a pair flipped each time (ABBA) so
 * that a drift of the machine's load hits both sides; {@code --warmup} pairs (default 3) are not counted, then
 * {@code --pairs} (default 10). Between runs the listeners are attached and removed
 * ({@code removeSparkListener}, {@code listenerManager().unregister}). Prints each pair, then the medians, the
 * ratio of the medians and the median of the per-pair ratios.
 *
 * <p>On a loaded machine the wall-clock difference drowns in noise, so the "with" runs also time the listeners'
 * callbacks themselves ({@link System#nanoTime()} around each call, through thin delegates): the time they take on
 * Spark's listener-bus thread, per job run, which is the most the listeners can add (they run beside the job, and
 * the run waits for the bus to drain at its end), plus the CPU time the tracker's worker thread spent meanwhile
 * (delivering what they logged into the local store; measured before the worker has necessarily finished, so a
 * lower bound of that part).
 *
 * <pre>
 * mvn -q -Pbench,bench-spark -DskipTests verify -pl benchmarks -am \
 *     -Dbench.main=io.mlops.benchmarks.SparkListenerOverheadHarness -Dbench.args="--pairs=10"
 * </pre>
 */
public final class SparkListenerOverheadHarness {
  private SparkListenerOverheadHarness() {}

  /** Runs the pairs and prints the figures. */
  public static void main(String[] args) throws Exception {
    long rows = 4_000_000;
    int pairs = 10;
    int warmup = 3;
    for (String a : args) {
      if (a.startsWith("--rows=")) {
        rows = Long.parseLong(a.substring("--rows=".length()));
      } else if (a.startsWith("--pairs=")) {
        pairs = Integer.parseInt(a.substring("--pairs=".length()));
      } else if (a.startsWith("--warmup=")) {
        warmup = Integer.parseInt(a.substring("--warmup=".length()));
      } else {
        throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    Path dir = Files.createTempDirectory("spark-overhead");
    SparkSession spark = SparkSession.builder().master("local[2]").appName("listener-overhead")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.warehouse.dir", dir.resolve("warehouse").toString())
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try (Tracker tracker = Tracker.builder().trackingUri(dir.resolve("mlruns").toString())
        .experimentName("spark-overhead").journalDirectory(dir.resolve("journal")).shutdownHook(false).build()) {
      String input = dir.resolve("input.parquet").toString();
      String dim = dir.resolve("dim.json").toString();
      spark.range(0, rows, 1, 4).selectExpr("id", "id % 1000 AS k", "rand(1) AS v").write().parquet(input);
      spark.range(0, 1000, 1, 1).selectExpr("id AS k", "concat('name-', id) AS name").write().json(dim);
      Job job = new Job(spark, input, dim, dir.resolve("out.parquet").toString());
      ActiveCandidate candidate = tracker.startCandidate("listener-overhead");
      System.out.printf(Locale.ROOT, "rows=%d pairs=%d warmup=%d, local[2], JDK %s, %d processors%n", rows, pairs,
          warmup, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
      List<Double> without = new ArrayList<>();
      List<Double> with = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      List<Double> callbackMs = new ArrayList<>();
      List<Double> callbackShare = new ArrayList<>();
      long errors = 0;
      for (int i = 0; i < warmup + pairs; i++) {
        double offMs;
        double onMs;
        if (i % 2 == 0) {
          offMs = job.timeWithout();
          onMs = job.timeWith(candidate);
        } else {
          onMs = job.timeWith(candidate);
          offMs = job.timeWithout();
        }
        errors += job.errors;
        double cbMs = job.callbackNanos / 1e6;
        double workerMs = job.workerCpuNanos / 1e6;
        boolean counted = i >= warmup;
        System.out.printf(Locale.ROOT, "%s %2d: without %8.1f ms, with %8.1f ms (%+.2f %%); callbacks %.2f ms "
            + "(%d calls), tracker worker CPU %.2f ms: %.3f %% of the run%n", counted ? "pair  " : "warmup", i,
            offMs, onMs, 100 * (onMs / offMs - 1), cbMs, job.callbacks, workerMs, 100 * (cbMs + workerMs) / onMs);
        if (counted) {
          without.add(offMs);
          with.add(onMs);
          ratios.add(onMs / offMs);
          callbackMs.add(cbMs + workerMs);
          callbackShare.add((cbMs + workerMs) / onMs);
        }
      }
      double medOff = median(without);
      double medOn = median(with);
      System.out.printf(Locale.ROOT, "median without %.1f ms, with %.1f ms: ratio of medians %.4f (%+.2f %%), "
          + "median of pair ratios %.4f (%+.2f %%); listener errors %d%n", medOff, medOn, medOn / medOff,
          100 * (medOn / medOff - 1), median(ratios), 100 * (median(ratios) - 1), errors);
      System.out.printf(Locale.ROOT, "listener callbacks + tracker worker CPU per run: median %.2f ms, median %.3f %% "
          + "of the run%n",
          median(callbackMs), 100 * median(callbackShare));
      candidate.end(io.mlops.core.CandidateStatus.FINISHED);
    } finally {
      spark.stop();
    }
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    int n = v.length;
    return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** The measured job, and the listeners attached around it. */
  private static final class Job {
    private final SparkSession spark;
    private final String input;
    private final String dim;
    private final String output;
    // of the last run with the listeners
    long errors;
    long callbackNanos;
    long callbacks;
    long workerCpuNanos;

    Job(SparkSession spark, String input, String dim, String output) {
      this.spark = spark;
      this.input = input;
      this.dim = dim;
      this.output = output;
    }

    double timeWithout() throws Exception {
      return run();
    }

    double timeWith(ActiveCandidate candidate) throws Exception {
      MlopsSparkListener sparkListener = MlopsSparkListener.attach(spark, candidate);
      MlopsQueryListener queryListener = MlopsQueryListener.attach(spark, candidate);
      // the same listeners, each call timed: registered in their place
      spark.sparkContext().removeSparkListener(sparkListener);
      spark.listenerManager().unregister(queryListener);
      TimedSparkListener timedSpark = new TimedSparkListener(sparkListener);
      TimedQueryListener timedQuery = new TimedQueryListener(queryListener);
      spark.sparkContext().addSparkListener(timedSpark);
      spark.listenerManager().register(timedQuery);
      long workerBefore = trackerWorkerCpuNanos();
      try {
        return run();
      } finally {
        spark.sparkContext().removeSparkListener(timedSpark);
        spark.listenerManager().unregister(timedQuery);
        errors = sparkListener.errorCount() + queryListener.errorCount();
        callbackNanos = timedSpark.timer.nanos + timedQuery.timer.nanos;
        callbacks = timedSpark.timer.calls + timedQuery.timer.calls;
        workerCpuNanos = trackerWorkerCpuNanos() - workerBefore; // what the run's logging cost the worker so far
      }
    }

    /** CPU time of the tracker's worker threads ({@code mlops-tracker-worker-N}) so far. */
    private static long trackerWorkerCpuNanos() {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long sum = 0;
      for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (info != null && info.getThreadName().startsWith("mlops-tracker-worker-")) {
          sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
        }
      }
      return sum;
    }

    /** The job, wall clock until Spark's listener bus has delivered its events, in ms. */
    private double run() throws Exception {
      long start = System.nanoTime();
      Dataset<Row> agg = spark.read().parquet(input).groupBy("k").agg(
          org.apache.spark.sql.functions.sum("v").as("total"), org.apache.spark.sql.functions.count("id").as("n"));
      agg.join(spark.read().json(dim), "k").write().mode(SaveMode.Overwrite).parquet(output);
      long n = spark.read().parquet(output).filter("n > 0").count();
      if (n != 1000) {
        throw new IllegalStateException("expected 1000 keys, got " + n);
      }
      spark.sparkContext().listenerBus().waitUntilEmpty(); // the same wait in both arms
      return (System.nanoTime() - start) / 1e6;
    }
  }

  /** A listener's callback time: {@link System#nanoTime()} around each call, on the thread that makes it. */
  private static final class CallTimer {
    long nanos; // written on the listener-bus thread, read after the bus drained
    long calls;

    void time(Runnable call) {
      long t = System.nanoTime();
      call.run();
      nanos += System.nanoTime() - t;
      calls++;
    }
  }

  /** Times the callbacks MlopsSparkListener does work in. */
  private static final class TimedSparkListener extends SparkListener {
    private final MlopsSparkListener delegate;
    final CallTimer timer = new CallTimer();

    TimedSparkListener(MlopsSparkListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onJobStart(SparkListenerJobStart event) {
      timer.time(() -> delegate.onJobStart(event));
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd event) {
      timer.time(() -> delegate.onJobEnd(event));
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
      timer.time(() -> delegate.onTaskEnd(event));
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
      timer.time(() -> delegate.onStageCompleted(event));
    }
  }

  /** Times a query listener's callbacks. */
  private static final class TimedQueryListener implements QueryExecutionListener {
    private final QueryExecutionListener delegate;
    final CallTimer timer = new CallTimer();

    TimedQueryListener(QueryExecutionListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
      timer.time(() -> delegate.onSuccess(funcName, qe, durationNs));
    }

    @Override
    public void onFailure(String funcName, QueryExecution qe, Exception exception) {
      timer.time(() -> delegate.onFailure(funcName, qe, exception));
    }
  }
}
