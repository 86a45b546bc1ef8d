package io.mlops.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.ArtifactInfo;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateStatus;
import io.mlops.core.CandidateSync;
import io.mlops.core.CandidateUpdate;
import io.mlops.core.Experiment;
import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.NewCandidate;
import io.mlops.core.Param;
import io.mlops.core.SyncResult;
import io.mlops.core.Tag;
import io.mlops.core.TrackingClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link CandidateSync} from a local store to the in-memory backend, which keeps ±Infinity and -0.0 as logged (the
 * kit's faithful-copy checks then compare them exactly); and from the in-memory backend back to a local store.
 */
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
  void pushCandidate_fromTheInMemoryBackendToALocalStore_copiesItWhole() throws Exception {
    Experiment exp = target.createExperiment(name("from-memory"));
    CandidateInfo c = target.createCandidate(NewCandidate.builder().experimentId(exp.id()).name("m")
        .startTime(START).build());
    target.logBatch(c.id(), List.of(Metric.of("loss", 0.5, START, 0), Metric.of("loss", -0.0, START + 1, 1)),
        List.of(Param.of("lr", "0.1")), List.of(Tag.of("team", "risk")));
    Path file = Files.write(temp.resolve("memory-model.bin"), new byte[] {9, 8, 7});
    target.uploadArtifacts(c.id(), file, "model");
    target.updateCandidate(c.id(), CandidateUpdate.end(CandidateStatus.FINISHED, END));

    SyncResult r = CandidateSync.between(target, source).pushCandidate(c.id(), name("into-local"));

    String copyId = r.candidateIds().get(c.id());
    Candidate copy = source.getCandidate(copyId);
    assertThat(copy.info().status()).isEqualTo(CandidateStatus.FINISHED);
    assertThat(copy.data().params()).containsEntry("lr", "0.1");
    assertThat(copy.data().tags()).containsEntry("team", "risk").containsEntry(CandidateSync.SOURCE_TAG, c.id());
    assertThat(source.getMetricHistory(copyId, "loss")).extracting(m -> Double.doubleToRawLongBits(m.value()))
        .containsExactlyInAnyOrder(Double.doubleToRawLongBits(0.5), Double.doubleToRawLongBits(-0.0));
    assertThat(source.listArtifactsRecursively(copyId, ""))
        .containsExactly(ArtifactInfo.file("model/memory-model.bin", 3));
    assertThat(Files.readAllBytes(source.downloadArtifacts(copyId, "model/memory-model.bin", temp.resolve("back"))))
        .containsExactly(9, 8, 7);
    assertThat(CandidateSync.between(target, source).pushCandidate(c.id(), name("into-local"))
        .candidatesUnchanged()).isEqualTo(1);
  }
}
