package io.mlops.testing;

import io.mlops.core.CandidateSync;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;

/**
 * {@link CandidateSync} from a local store to the in-memory backend, which keeps ±Infinity and -0.0 as logged (the
 * kit's faithful-copy checks then compare them exactly).
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
}
