package io.mlops.mlflow.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.MlopsSetting;
import io.mlops.core.TrackingClient;
import io.mlops.core.TransportException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MlflowTimeoutContractTest {
  @RegisterExtension static WireMockExtension wm = MlflowStubs.server();

  @Test
  void jsonCall_slowerThanTheCallTimeout_failsWithTransportException() {
    // experiments/get answers after 3 s (protocol notes §1 shape); the call may take 1 s
    wm.stubFor(get(urlPathEqualTo("/api/2.0/mlflow/experiments/get"))
        .willReturn(MlflowStubs.json("{\"experiment\":" + MlflowStubs.experiment("1", "slow") + "}")
            .withFixedDelay(3000)));
    List<Long> sleeps = MlflowStubs.sleeps();
    try (TrackingClient client = MlflowStubs.client(MlflowStubs.config(wm)
        .set(MlopsSetting.HTTP_CALL_TIMEOUT, "1").set(MlopsSetting.HTTP_REQUEST_MAX_RETRIES, "0").build(), sleeps)) {
      long started = System.nanoTime();
      assertThatThrownBy(() -> client.getExperiment("1")).isInstanceOf(TransportException.class)
          .satisfies(e -> org.assertj.core.api.Assertions.assertThat(System.nanoTime() - started)
              .isLessThan(2_500_000_000L));
    }
  }
}
