package io.mlops.spark;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateQuery;
import io.mlops.core.Experiment;
import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.sql.SparkSession;

/** Local-mode sessions for the tests, and reading back what the listener stored. */
final class SparkTestSessions {
  private SparkTestSessions() {}

  /** A local[2] session builder that stays on loopback and writes under {@code dir}. */
  static SparkSession.Builder localSession(String appName, Path dir) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.adaptive.enabled", "false") // no coalescing: the stage layout the tests expect
        .config("spark.sql.warehouse.dir", dir.resolve("warehouse").toString());
  }

  /** A client of a local store that reads no environment. */
  static TrackingClient client(Path store) {
    return TrackingClient.create(MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
        .trackingUri(store.toString()).build());
  }

  /** Every candidate of the named experiment. */
  static List<Candidate> candidates(TrackingClient client, String experimentName) {
    Experiment e = client.getExperimentByName(experimentName);
    List<Candidate> out = new ArrayList<>();
    client.searchCandidates(CandidateQuery.builder().addExperimentId(e.id()).build()).forEach(out::add);
    return out;
  }

  /** A metric's values by step (the last value at a step). */
  static TreeMap<Long, Double> byStep(TrackingClient client, String candidateId, String key) {
    TreeMap<Long, Double> out = new TreeMap<>();
    for (Metric m : client.getMetricHistory(candidateId, key)) {
      out.put(m.step(), m.value());
    }
    return out;
  }

  /** Records the job and stage ids Spark itself reports, to compare with the logged steps. */
  static final class Recorder extends SparkListener {
    final Set<Long> jobIds = ConcurrentHashMap.newKeySet();
    final Set<Long> failedJobIds = ConcurrentHashMap.newKeySet();
    final Set<Long> stageIds = ConcurrentHashMap.newKeySet();
    /**
     * Counted down when a failed job's end reaches the listener bus. Spark fails the job's caller before it posts
     * the job's end, so a driver that stops right after a failed action can post the application's end first.
     */
    final CountDownLatch failedJobEnded = new CountDownLatch(1);

    @Override
    public void onJobEnd(SparkListenerJobEnd event) {
      jobIds.add((long) event.jobId());
      if (!(event.jobResult() instanceof org.apache.spark.scheduler.JobSucceeded$)) {
        failedJobIds.add((long) event.jobId());
        failedJobEnded.countDown();
      }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
      stageIds.add((long) event.stageInfo().stageId());
    }

    Set<Long> jobs() {
      return new TreeSet<>(jobIds);
    }

    Set<Long> stages() {
      return new TreeSet<>(stageIds);
    }
  }
}
