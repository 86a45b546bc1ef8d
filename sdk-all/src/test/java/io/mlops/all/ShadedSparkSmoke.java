package io.mlops.all;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateQuery;
import io.mlops.core.CandidateStatus;
import io.mlops.core.Experiment;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.spark.MlopsSparkListener;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The program ShadedJarOnSparkTest runs in a child JVM on a Spark runtime classpath: a local[2] Spark application
 * tracked with zero code ({@code spark.extraListeners}), one DataFrame action with a shuffle, then the local store
 * read back. Prints {@code SPARK SMOKE OK} when every check passed; any failed check, and any exception (the Jackson
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
          .config("spark.mlops.trackingUri", store.toUri().toString())
          .config("spark.mlops.experimentName", "shaded-spark");
    }
    SparkSession spark = builder.getOrCreate();
    try {
      List<Row> rows = spark.range(0, 1000, 1, 4).selectExpr("id % 7 AS k").groupBy("k").count().collectAsList();
      check(rows.size() == 7, "groups: " + rows);
      System.out.println("DataFrame action OK: " + rows.size() + " groups");
    } finally {
      spark.stop();
    }

    MlopsConfig config = MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
        .trackingUri(store.toUri().toString()).build();
    try (TrackingClient client = TrackingClient.create(config)) {
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
