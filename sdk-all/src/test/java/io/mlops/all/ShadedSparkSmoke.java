package io.mlops.all;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateQuery;
import io.mlops.core.CandidateStatus;
import io.mlops.core.Experiment;
import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.spark.CandidateHandle;
import io.mlops.spark.ExecutorLogging;
import io.mlops.spark.MlopsQueryListener;
import io.mlops.spark.MlopsSparkListener;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The program ShadedJarOnSparkTest runs in a child JVM on a Spark runtime classpath: a local[2] Spark application
 * tracked with zero code ({@code spark.extraListeners}, {@code spark.sql.queryExecutionListeners}): a DataFrame
 * action with a shuffle, a parquet write and read (datasets), and a job whose tasks log through
 * {@link ExecutorLogging} into a candidate of the program's own; then the local store read back. Every part of the
 * Spark integration runs, so a class that does not link on this Spark shows. Prints {@code SPARK SMOKE OK} when every check passed; any failed check, and any exception (the Jackson
 * conflict surfaces at the DataFrame action), exits non-zero.
 *
 * <p>Arguments: the local store directory; the jar the SDK's classes must come from ({@code -}: anywhere, for the
 * control run on the unshaded modules); and optionally {@code submitted}, when {@code spark-submit} gives the master,
 * the listener and the {@code spark.mlops.*} settings (ShadedJarSparkSubmitIT), instead of this program.
 */
public final class ShadedSparkSmoke {
  private ShadedSparkSmoke() {}

  /** Runs the application and the checks. */
  public static void main(String[] args) throws Exception {
    Path store = Paths.get(args[0]);
    String jarName = args[1];
    if (!jarName.equals("-")) {
      for (Class<?> c : new Class<?>[] {TrackingClient.class, MlopsSparkListener.class}) {
        String from = c.getProtectionDomain().getCodeSource().getLocation().getPath();
        check(from.endsWith("/" + jarName), c.getName() + " loaded from " + from);
      }
    }
    System.out.println("Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ", Scala "
        + scala.util.Properties.versionNumberString());
    boolean submitted = args.length > 2 && args[2].equals("submitted");
    SparkSession.Builder builder = SparkSession.builder().appName("shaded-spark-smoke")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2");
    if (!submitted) {
      builder.master("local[2]")
          .config("spark.extraListeners", MlopsSparkListener.class.getName())
          .config("spark.sql.queryExecutionListeners", MlopsQueryListener.class.getName())
          .config("spark.mlops.trackingUri", store.toUri().toString())
          .config("spark.mlops.experimentName", "shaded-spark");
    }
    MlopsConfig config = MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
        .trackingUri(store.toUri().toString()).build();
    Path data = store.resolveSibling("smoke-data.parquet");
    String executorsCandidate;
    SparkSession spark = builder.getOrCreate();
    try {
      List<Row> rows = spark.range(0, 1000, 1, 4).selectExpr("id % 7 AS k").groupBy("k").count().collectAsList();
      check(rows.size() == 7, "groups: " + rows);
      System.out.println("DataFrame action OK: " + rows.size() + " groups");
      spark.range(0, 10).write().mode("overwrite").parquet(data.toString());
      check(spark.read().parquet(data.toString()).count() == 10, "parquet read back");
      try (Tracker tracker = Tracker.builder().config(config).experimentName("shaded-spark-executors")
          .shutdownHook(false).build();
          ActiveCandidate candidate = tracker.startCandidate("executors");
          ExecutorLogging logging = ExecutorLogging.start(spark, candidate)) {
        CandidateHandle handle = logging.handle();
        spark.range(0, 100, 1, 4).foreachPartition((ForeachPartitionFunction<Long>) it -> {
          long n = 0;
          while (it.hasNext()) {
            it.next();
            n++;
          }
          handle.logMetric("rows", n, TaskContext.getPartitionId());
        });
        executorsCandidate = candidate.id();
      }
      System.out.println("executor logging OK");
    } finally {
      spark.stop();
    }

    try (TrackingClient client = TrackingClient.create(config)) {
      List<Metric> points = client.getMetricHistory(executorsCandidate, "rows");
      check(points.size() == 4 && points.stream().mapToDouble(Metric::value).sum() == 100,
          "executor points " + points);
      Experiment e = client.getExperimentByName("shaded-spark");
      List<Candidate> found = new ArrayList<>();
      client.searchCandidates(CandidateQuery.builder().addExperimentId(e.id()).build()).forEach(found::add);
      check(found.size() == 1, "candidates: " + found.size());
      Candidate c = client.getCandidate(found.get(0).info().id());
      check(c.info().status() == CandidateStatus.FINISHED, "status " + c.info().status());
      check(org.apache.spark.package$.MODULE$.SPARK_VERSION().equals(c.data().params().get("spark.version")),
          "params " + c.data().params());
      for (String metric : List.of(MlopsSparkListener.JOB_DURATION, MlopsSparkListener.JOB_STAGES,
          MlopsSparkListener.JOB_SUCCEEDED, MlopsSparkListener.APP_JOBS, "spark.stage.tasks")) {
        check(c.data().metrics().containsKey(metric), "metric " + metric + " in " + c.data().metrics().keySet());
      }
      check(c.data().metrics().get(MlopsSparkListener.APP_FAILED_JOBS).value() == 0, "failed jobs");
      String read = c.data().tags().getOrDefault(MlopsQueryListener.READ_TAG, "");
      String written = c.data().tags().getOrDefault(MlopsQueryListener.WRITTEN_TAG, "");
      check(read.contains("smoke-data.parquet,format=parquet"), "datasets read: " + read);
      check(written.contains("smoke-data.parquet,format=parquet"), "datasets written: " + written);
      System.out.println("SPARK SMOKE OK candidate=" + c.info().id() + " metrics=" + c.data().metrics().size());
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      System.out.println("SPARK SMOKE FAILED: " + what);
      System.exit(2);
    }
  }
}
