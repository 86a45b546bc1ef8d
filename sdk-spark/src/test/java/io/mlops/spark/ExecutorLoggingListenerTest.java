package io.mlops.spark;

import static io.mlops.spark.SparkTestSessions.client;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateStatus;
import io.mlops.core.Metric;
import io.mlops.core.TrackingClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executor logging into the candidate of {@link MlopsSparkListener#attach(SparkSession)}, which the listener ends
 * at the application's end: the listener hands the executors' accepted points to the candidate first, so a driver
 * that stops the session without closing its {@link ExecutorLogging} loses none.
 */
class ExecutorLoggingListenerTest {
  @TempDir
  Path dir;

  @Test
  void theListenersCandidate_getsEveryExecutorPoint_beforeTheListenerEndsIt() throws Exception {
    Path store = dir.resolve("mlruns");
    SparkSession spark = SparkTestSessions.localSession("executor-logging-listener", dir)
        .config("spark.mlops.trackingUri", store.toString())
        .config("spark.mlops.experimentName", "listener-and-executors")
        .config("spark.mlops.journalDir", dir.resolve("journal").toString())
        .getOrCreate();
    MlopsSparkListener listener;
    ExecutorLogging logging;
    try {
      listener = MlopsSparkListener.attach(spark);
      logging = ExecutorLogging.start(spark, listener.candidate());
      CandidateHandle handle = logging.handle();
      spark.range(0, 4000, 1, 4).foreachPartition((ForeachPartitionFunction<Long>) rows -> {
        while (rows.hasNext()) {
          long v = rows.next();
          handle.logMetric("row", v, v);
        }
        handle.logMetric("partition_done", 1.0, TaskContext.getPartitionId());
      });
    } finally {
      spark.stop(); // the logging is left open on purpose
    }
    try (TrackingClient client = client(store)) {
      Candidate c = client.getCandidate(listener.candidate().id());
      assertThat(c.info().status()).isEqualTo(CandidateStatus.FINISHED);
      List<Metric> rows = new ArrayList<>();
      client.getMetricHistory(c.info().id(), "row").forEach(rows::add);
      assertThat(rows).hasSize(4000);
      assertThat(c.data().metrics()).containsKey("partition_done");
      assertThat(listener.errorCount()).isZero();
      assertThat(logging.stats().loggedPoints()).isEqualTo(4004);
      assertThat(logging.stats().lostPoints()).isZero();
    } finally {
      logging.close();
    }
  }
}
