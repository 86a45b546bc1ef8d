package io.mlops.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateSync;
import io.mlops.core.Experiment;
import io.mlops.core.MlopsConfig;
import io.mlops.core.NewCandidate;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.SyncResult;
import io.mlops.core.TrackingClient;
import io.mlops.core.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CandidateSync} from one local store to another, plus what only a local target can show. */
class LocalCandidateSyncTest extends CandidateSyncKit {
  @Override
  protected TrackingClient openTarget() {
    return TrackingClient.create(MlopsConfig.builder().trackingUri(temp.resolve("target-mlruns").toString()).build());
  }

  @Override
  protected boolean targetKeepsInfinityAndNegativeZero() {
    return true;
  }

  @Test
  void localTarget_keepsInfinityAndNegativeZeroBitForBit() throws Exception {
    Experiment exp = source.createExperiment(name("bits"));
    CandidateInfo c = richCandidate(exp, "bits");

    String copyId = CandidateSync.between(source, target).pushCandidate(c.id(), name("bits")).candidateIds()
        .get(c.id());

    assertThat(target.getMetricHistory(copyId, "special")).extracting(m -> Double.doubleToRawLongBits(m.value()))
        .containsExactlyInAnyOrderElementsOf(source.getMetricHistory(c.id(), "special").stream()
            .map(m -> Double.doubleToRawLongBits(m.value())).collect(java.util.stream.Collectors.toList()));
  }

  @Test
  void pushExperiment_intoItselfIsRefused() {
    source.createExperiment(name("self"));

    assertThatThrownBy(() -> CandidateSync.between(source, source).pushExperiment(name("self")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("same");
  }

  @Test
  void pushExperiment_toAnotherExperimentOfTheSameStoreCopiesOnce() {
    Experiment exp = source.createExperiment(name("same-store"));
    CandidateInfo c = source.createCandidate(NewCandidate.builder().experimentId(exp.id()).name("x")
        .startTime(START).build());
    source.logMetric(c.id(), "m", 1.0, START, 0);
    CandidateSync sync = CandidateSync.between(source, source);

    SyncResult first = sync.pushExperiment(name("same-store"), name("same-store-copy"));
    SyncResult second = sync.pushExperiment(name("same-store"), name("same-store-copy"));

    assertThat(first.candidatesCreated()).isEqualTo(1);
    assertThat(second.candidatesUnchanged()).isEqualTo(1);
    assertThat(second.metricPointsSent()).isZero();
    Experiment copyExp = source.getExperimentByName(name("same-store-copy"));
    List<Candidate> copies = source.searchCandidates(io.mlops.core.CandidateQuery.builder()
        .addExperimentId(copyExp.id()).build()).stream().collect(java.util.stream.Collectors.toList());
    assertThat(copies).singleElement().satisfies(copy -> assertThat(copy.data().tags())
        .containsEntry(CandidateSync.SOURCE_TAG, c.id()));
  }

  @Test
  void pushCandidate_ofAnUnknownCandidateIsNotFound() {
    assertThatThrownBy(() -> CandidateSync.between(source, target)
        .pushCandidate("0123456789abcdef0123456789abcdef", name("x")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(target.findExperimentByName(name("x"))).isEmpty();
  }

  @Test
  void pushExperiment_ofAnUnknownExperimentIsNotFound() {
    assertThatThrownBy(() -> CandidateSync.between(source, target).pushExperiment(name("nope")))
        .isInstanceOf(ResourceNotFoundException.class);
  }
}
