package io.mlops.mlflow.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.mlops.mlflow.internal.MlflowStubs.API;
import static io.mlops.mlflow.internal.MlflowStubs.EXP_ID;
import static io.mlops.mlflow.internal.MlflowStubs.experiment;
import static io.mlops.mlflow.internal.MlflowStubs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.core.TransportException;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS verification is on unless MLFLOW_TRACKING_INSECURE_TLS turns it off (WireMock's self-signed certificate). */
class MlflowTlsContractTest {
  private static WireMockServer https;

  @BeforeAll
  static void start() {
    https = new WireMockServer(options().httpDisabled(true).dynamicHttpsPort().bindAddress("127.0.0.1"));
    https.start();
    // experiments/get → {experiment} (protocol notes §1 Experiments table)
    https.stubFor(get(urlPathEqualTo(API + "experiments/get"))
        .willReturn(json("{\"experiment\":" + experiment(EXP_ID, "churn") + "}")));
  }

  @AfterAll
  static void stop() {
    https.stop();
  }

  private static MlopsConfig.Builder config() {
    return MlflowStubs.config("https://127.0.0.1:" + https.httpsPort());
  }

  @Test
  void selfSignedCertificate_isRefusedByDefault() {
    MlopsConfig config = config().build();
    assertThat(config.insecureTls()).isFalse();

    try (TrackingClient client = MlflowStubs.client(config, MlflowStubs.sleeps())) {
      assertThatThrownBy(() -> client.getExperiment(EXP_ID))
          .isInstanceOf(TransportException.class)
          .hasMessageContaining("https://127.0.0.1:" + https.httpsPort())
          .hasCauseInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void selfSignedCertificate_isAcceptedWithInsecureTls() {
    try (TrackingClient client = TrackingClient.create(config().insecureTls(true).build())) {
      assertThat(client.getExperiment(EXP_ID).name()).isEqualTo("churn");
    }
  }

  @Test
  void insecureTlsFromEnvironment_isAccepted() {
    MlopsConfig config = config().environment(Map.of("MLFLOW_TRACKING_INSECURE_TLS", "true")).build();

    try (TrackingClient client = TrackingClient.create(config)) {
      assertThat(client.getExperiment(EXP_ID).name()).isEqualTo("churn");
    }
  }
}
