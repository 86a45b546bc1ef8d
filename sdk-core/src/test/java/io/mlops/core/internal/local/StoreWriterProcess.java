package io.mlops.core.internal.local;

import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateStatus;
import io.mlops.core.Experiment;
import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.NewCandidate;
import io.mlops.core.Param;
import io.mlops.core.Tag;
import io.mlops.core.TrackingClient;
import java.util.ArrayList;
import java.util.List;

/**
 * A child process for {@link MultiProcessStoreTest}: races to get-or-create a shared experiment, creates
 * candidates and logs into them, and appends points to a candidate shared with the other processes.
 * Args: storeDir processIndex candidates pointsPerCandidate sharedCandidateId.
 */
public final class StoreWriterProcess {
  private StoreWriterProcess() {}

  public static void main(String[] args) {
    String store = args[0];
    int process = Integer.parseInt(args[1]);
    int candidates = Integer.parseInt(args[2]);
    int points = Integer.parseInt(args[3]);
    String shared = args[4];
    try (TrackingClient client = TrackingClient.create(MlopsConfig.builder().trackingUri(store).build())) {
      for (int c = 0; c < candidates; c++) {
        Experiment exp = client.getOrCreateExperiment("shared-" + (c % 2));
        CandidateInfo info = client.createCandidate(NewCandidate.builder().experimentId(exp.id())
            .name("p" + process + "-c" + c).startTime(System.currentTimeMillis()).build());
        List<Metric> metrics = new ArrayList<>();
        for (int s = 0; s < points; s++) {
          metrics.add(Metric.of("loss", 1.0 / (s + 1), System.currentTimeMillis(), s));
        }
        client.logBatch(info.id(), metrics, List.of(Param.of("process", "" + process)),
            List.of(Tag.of("writer", "p" + process)));
        for (int s = 0; s < points; s++) {
          client.logMetric(shared, "from_all", s, System.currentTimeMillis(), process * 100_000L + c * 1000L + s);
        }
        client.endCandidate(info.id(), CandidateStatus.FINISHED);
      }
    }
  }
}
