package io.mlops.benchmarks;

import io.mlops.spark.MlopsQueryListener;
import io.mlops.spark.MlopsSparkListener;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
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
 * the run waits for the bus to drain at its end).
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
        errors += job.lastErrors;
        boolean counted = i >= warmup;
        double cbMs = job.lastCallbackNanos / 1e6;
        System.out.printf(Locale.ROOT, "%s %2d: without %8.1f ms, with %8.1f ms (%+.2f %%); callbacks %.2f ms "
            + "(%d calls, %.3f %% of the run)%n", counted ? "pair  " : "warmup", i, offMs, onMs,
            100 * (onMs / offMs - 1), cbMs, job.lastCallbacks, 100 * cbMs / onMs);
        if (counted) {
          without.add(offMs);
          with.add(onMs);
          ratios.add(onMs / offMs);
          callbackMs.add(cbMs);
          callbackShare.add(cbMs / onMs);
        }
      }
      double medOff = median(without);
      double medOn = median(with);
      System.out.printf(Locale.ROOT, "median without %.1f ms, with %.1f ms: ratio of medians %.4f (%+.2f %%), "
          + "median of pair ratios %.4f (%+.2f %%); listener errors %d%n", medOff, medOn, medOn / medOff,
          100 * (medOn / medOff - 1), median(ratios), 100 * (median(ratios) - 1), errors);
      System.out.printf(Locale.ROOT, "listener callbacks per run: median %.2f ms, median %.3f %% of the run%n",
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
    long lastErrors;
    long lastCallbackNanos;
    long lastCallbacks;

    Job(SparkSession spark, String input, String dim, String output) {
      this.spark = spark;
      this.input = input;
      this.dim = dim;
      this.output = output;
    }

    double timeWithout() throws Exception {
      lastErrors = 0;
      lastCallbackNanos = 0;
      lastCallbacks = 0;
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
      try {
        return run();
      } finally {
        spark.sparkContext().removeSparkListener(timedSpark);
        spark.listenerManager().unregister(timedQuery);
        lastErrors = sparkListener.errorCount() + queryListener.errorCount();
        lastCallbackNanos = timedSpark.nanos + timedQuery.nanos;
        lastCallbacks = timedSpark.calls + timedQuery.calls;
      }
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

  /** Times the calls of the listener's callbacks it overrides (those MlopsSparkListener does work in). */
  private static final class TimedSparkListener extends SparkListener {
    private final MlopsSparkListener delegate;
    long nanos; // written and read on the listener-bus thread, read after the bus drained
    long calls;

    TimedSparkListener(MlopsSparkListener delegate) {
      this.delegate = delegate;
    }

    private void took(long start) {
      nanos += System.nanoTime() - start;
      calls++;
    }

    @Override
    public void onJobStart(SparkListenerJobStart event) {
      long t = System.nanoTime();
      delegate.onJobStart(event);
      took(t);
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd event) {
      long t = System.nanoTime();
      delegate.onJobEnd(event);
      took(t);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
      long t = System.nanoTime();
      delegate.onTaskEnd(event);
      took(t);
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
      long t = System.nanoTime();
      delegate.onStageCompleted(event);
      took(t);
    }
  }

  /** Times the calls of a query listener. */
  private static final class TimedQueryListener implements QueryExecutionListener {
    private final QueryExecutionListener delegate;
    long nanos;
    long calls;

    TimedQueryListener(QueryExecutionListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
      long t = System.nanoTime();
      delegate.onSuccess(funcName, qe, durationNs);
      nanos += System.nanoTime() - t;
      calls++;
    }

    @Override
    public void onFailure(String funcName, QueryExecution qe, Exception exception) {
      long t = System.nanoTime();
      delegate.onFailure(funcName, qe, exception);
      nanos += System.nanoTime() - t;
      calls++;
    }
  }
}
