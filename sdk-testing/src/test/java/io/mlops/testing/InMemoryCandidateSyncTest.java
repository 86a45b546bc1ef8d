package io.mlops.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateSync;
import io.mlops.core.Experiment;
import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@link CandidateSync} from a local store to the in-memory backend. */
class InMemoryCandidateSyncTest extends CandidateSyncKit {
  @Override
  protected TrackingClient openTarget() {
    InMemoryBackend backend = InMemoryBackend.create();
    return TrackingClient.create(MlopsConfig.builder().trackingUri(backend.trackingUri()).build(), backend);
  }

  @Override
  protected boolean targetKeepsInfinityAndNegativeZero() {
    return true;
  }

  @Test
  void inMemoryTarget_keepsInfinityAndNegativeZeroBitForBit() throws Exception {
    Experiment exp = source.createExperiment(name("bits"));
    CandidateInfo c = richCandidate(exp, "bits");

    String copyId = CandidateSync.between(source, target).pushCandidate(c.id(), name("bits")).candidateIds()
        .get(c.id());

    assertThat(target.getMetricHistory(copyId, "special")).extracting(m -> Double.doubleToRawLongBits(m.value()))
        .containsExactlyInAnyOrderElementsOf(source.getMetricHistory(c.id(), "special").stream()
            .map(Metric::value).map(Double::doubleToRawLongBits).collect(Collectors.toList()));
  }
}
