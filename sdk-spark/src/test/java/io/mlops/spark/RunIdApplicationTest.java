package io.mlops.spark;

import static io.mlops.spark.SparkTestSessions.byStep;
import static io.mlops.spark.SparkTestSessions.client;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateStatus;
import io.mlops.core.TrackingClient;
import io.mlops.spark.internal.StageTotals;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spark.mlops.runId}: the extraListeners listener logs into an existing candidate and leaves it running. */
class RunIdApplicationTest {
  @TempDir
  Path dir;

  @Test
  void anApplicationGivenARunId_logsIntoThatCandidate_andDoesNotEndIt() throws Exception {
    Path store = dir.resolve("mlruns");
    try (Tracker owner = Tracker.builder().trackingUri(store.toString()).experimentName("run-id")
        .journalDirectory(dir.resolve("owner-journal")).shutdownHook(false).build()) {
      ActiveCandidate existing = owner.startCandidate("started-by-ci");
      SparkSession spark = SparkTestSessions.localSession("run-id-app", dir)
          .config("spark.extraListeners", MlopsSparkListener.class.getName())
          .config("spark.mlops.trackingUri", store.toString())
          .config("spark.mlops.runId", existing.id())
          .config("spark.mlops.journalDir", dir.resolve("journal").toString())
          .getOrCreate();
      String appId;
      try {
        appId = spark.sparkContext().applicationId();
        assertThat(spark.range(0, 50, 1, 2).selectExpr("id % 5 AS k").groupBy("k").count().collectAsList())
            .hasSize(5);
      } finally {
        spark.stop();
      }
      try (TrackingClient client = client(store)) {
        Candidate c = client.getCandidate(existing.id());
        assertThat(c.info().status()).isEqualTo(CandidateStatus.RUNNING); // the owner ends it, not the listener
        assertThat(c.data().tags()).containsEntry(MlopsSparkListener.APP_ID_TAG, appId);
        assertThat(c.data().params()).containsEntry("spark.app.name", "run-id-app");
        assertThat(byStep(client, existing.id(), StageTotals.SHUFFLE_WRITE_RECORDS).values())
            .anySatisfy(r -> assertThat(r).isPositive());
        assertThat(byStep(client, existing.id(), MlopsSparkListener.JOB_SUCCEEDED).values()).containsOnly(1.0);
        existing.close();
        assertThat(client.getCandidate(existing.id()).info().status()).isEqualTo(CandidateStatus.FINISHED);
        assertThat(SparkTestSessions.candidates(client, "run-id")).hasSize(1); // no second candidate was created
      }
    }
  }
}
