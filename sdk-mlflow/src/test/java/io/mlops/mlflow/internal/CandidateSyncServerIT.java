package io.mlops.mlflow.internal;

import io.mlops.core.CandidateSync;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.testing.CandidateSyncKit;

/**
 * {@link CandidateSync} from a local store to a real MLflow tracking server (profile {@code mlflow-server}): the
 * same fidelity and idempotency checks as the local-to-local test. The SQL store keeps identical metric points
 * once, so the checks count what the push sent, not only what the server holds.
 */
class CandidateSyncServerIT extends CandidateSyncKit {
  @Override
  protected TrackingClient openTarget() {
    return TrackingClient.create(MlopsConfig.builder().trackingUri(MlflowServer.get().url()).build());
  }

  @Override
  protected boolean targetKeepsInfinityAndNegativeZero() {
    return false; // the SQL store returns ±Double.MAX_VALUE for ±Infinity and 0.0 for -0.0
  }
}
