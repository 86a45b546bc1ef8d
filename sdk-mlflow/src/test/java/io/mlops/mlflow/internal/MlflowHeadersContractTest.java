package io.mlops.mlflow.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.mlops.mlflow.internal.MlflowStubs.API;
import static io.mlops.mlflow.internal.MlflowStubs.EXP_ID;
import static io.mlops.mlflow.internal.MlflowStubs.RUN_ID;
import static io.mlops.mlflow.internal.MlflowStubs.T0;
import static io.mlops.mlflow.internal.MlflowStubs.experiment;
import static io.mlops.mlflow.internal.MlflowStubs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.ConfigurationException;
import io.mlops.core.MlopsConfig;
import io.mlops.core.MlopsSetting;
import io.mlops.core.PermissionDeniedException;
import io.mlops.core.TrackingClient;
import io.mlops.core.TransportException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What every request carries (User-Agent, credentials, extra headers) and where credentials must never show. */
class MlflowHeadersContractTest {
  private static final String TOKEN = "tok-7Hq2vX9sLmP4";
  private static final String PASSWORD = "pw-Zr81kQ";
  private static final String HEADER_SECRET = "hdr-Bb62sY";

  @RegisterExtension
  static WireMockExtension wm = MlflowStubs.server();

  private static void stubExperimentGet() {
    // experiments/get → {experiment} (protocol notes §1 Experiments table)
    wm.stubFor(get(urlPathEqualTo(API + "experiments/get"))
        .willReturn(json("{\"experiment\":" + experiment(EXP_ID, "churn") + "}")));
  }

  @Test
  void everyRequest_sendsUserAgentStartingWithSdkName() {
    stubExperimentGet();
    // log-batch answers {} (service.proto LogBatch.Response)
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch")).willReturn(json("{}")));

    try (TrackingClient client = TrackingClient.create(MlflowStubs.config(wm).build())) {
      client.getExperiment(EXP_ID);
      client.logMetric(RUN_ID, "loss", 1.0, T0, 0);
    }

    wm.verify(2, anyRequestedFor(anyUrl()).withHeader("User-Agent", matching("mlops-sdk-java/\\S+ .*")));
    wm.verify(0, anyRequestedFor(anyUrl()).withHeader("Authorization", matching(".*")));
  }

  @Test
  void token_isSentAsBearerAuthorization() {
    stubExperimentGet();

    try (TrackingClient client = TrackingClient.create(MlflowStubs.config(wm).token(TOKEN).build())) {
      client.getExperiment(EXP_ID);
    }

    wm.verify(1, getRequestedFor(urlPathEqualTo(API + "experiments/get"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }

  @Test
  void tokenFromEnvironment_isSentAsBearerAuthorization() {
    stubExperimentGet();
    MlopsConfig config = MlflowStubs.config(wm)
        .environment(Map.of("MLFLOW_TRACKING_TOKEN", TOKEN)).build();

    try (TrackingClient client = TrackingClient.create(config)) {
      client.getExperiment(EXP_ID);
    }

    wm.verify(1, getRequestedFor(urlPathEqualTo(API + "experiments/get"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }

  @Test
  void usernameAndPassword_areSentAsBasicAuthorization() {
    stubExperimentGet();
    String expected = "Basic " + Base64.getEncoder()
        .encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8));

    try (TrackingClient client = TrackingClient.create(MlflowStubs.config(wm).basicAuth("alice", PASSWORD)
        .build())) {
      client.getExperiment(EXP_ID);
    }

    wm.verify(1, getRequestedFor(urlPathEqualTo(API + "experiments/get"))
        .withHeader("Authorization", equalTo(expected)));
  }

  @Test
  void extraHeaders_areSentOnEveryRequest() {
    stubExperimentGet();
    // log-batch answers {} (service.proto)
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch")).willReturn(json("{}")));

    try (TrackingClient client = TrackingClient.create(MlflowStubs.config(wm)
        .set(MlopsSetting.HTTP_HEADERS, "X-Team: ml-platform; X-Api-Key: " + HEADER_SECRET).build())) {
      client.getExperiment(EXP_ID);
      client.setTag(RUN_ID, "team", "a");
    }

    wm.verify(1, getRequestedFor(urlPathEqualTo(API + "experiments/get"))
        .withHeader("X-Team", equalTo("ml-platform")).withHeader("X-Api-Key", equalTo(HEADER_SECRET))
        .withHeader("Authorization", absent()));
    wm.verify(1, postRequestedFor(urlEqualTo(API + "runs/log-batch"))
        .withHeader("X-Team", equalTo("ml-platform")).withHeader("X-Api-Key", equalTo(HEADER_SECRET)));
  }

  @Test
  void token_neverAppearsInTheExceptionOfA401() {
    // mlflow/server/auth answers 401 with a plain-text body; the error echoes method and path
    wm.stubFor(get(urlPathEqualTo(API + "experiments/get")).willReturn(aResponse().withStatus(401)
        .withBody("You are not authenticated.")));

    Throwable thrown;
    try (TrackingClient client = TrackingClient.create(MlflowStubs.config(wm).token(TOKEN).build())) {
      thrown = catchThrowable(() -> client.getExperiment(EXP_ID));
    }

    assertThat(thrown).isInstanceOf(PermissionDeniedException.class);
    assertThat(everythingPrinted(thrown)).contains("/api/2.0/mlflow/experiments/get").doesNotContain(TOKEN);
  }

  @Test
  void credentials_neverAppearInTheExceptionOfAConnectionFailure() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    MlopsConfig config = MlflowStubs.config("http://127.0.0.1:" + closedPort).token(TOKEN)
        .set(MlopsSetting.HTTP_HEADERS, "X-Api-Key: " + HEADER_SECRET).build();

    Throwable thrown;
    try (TrackingClient client = MlflowStubs.client(config, MlflowStubs.sleeps())) {
      thrown = catchThrowable(() -> client.getExperiment(EXP_ID));
    }

    assertThat(thrown).isInstanceOf(TransportException.class);
    assertThat(everythingPrinted(thrown)).contains("127.0.0.1:" + closedPort).doesNotContain(TOKEN, HEADER_SECRET);
  }

  @Test
  void configAndClientToString_hideTokenPasswordAndHeaderValues() {
    MlopsConfig withToken = MlflowStubs.config(wm).token(TOKEN)
        .set(MlopsSetting.HTTP_HEADERS, "X-Api-Key: " + HEADER_SECRET).build();
    MlopsConfig withPassword = MlflowStubs.config(wm).basicAuth("alice", PASSWORD).build();

    assertThat(withToken.toString()).contains("****").doesNotContain(TOKEN, HEADER_SECRET);
    assertThat(withPassword.toString()).contains("alice").doesNotContain(PASSWORD);
    try (TrackingClient client = TrackingClient.create(withToken)) {
      assertThat(client.toString()).contains("127.0.0.1").doesNotContain(TOKEN, HEADER_SECRET);
    }
  }

  @Test
  void configToString_hidesAPasswordInTheTrackingUri() {
    // MLFLOW_TRACKING_URI=http://user:password@host is a form MLflow users write (requests honours it)
    MlopsConfig config = MlflowStubs.config("http://alice:" + PASSWORD + "@127.0.0.1:" + wm.getPort()).build();

    assertThat(config.toString()).contains("127.0.0.1").doesNotContain(PASSWORD);
  }

  @Test
  void configToString_hidesAPasswordContainingAnAtSign() {
    // an unencoded '@' in the password: OkHttp (and requests) take the last '@' as the end of the user info
    MlopsConfig config = MlflowStubs.config("http://alice:s3cr@t-" + PASSWORD + "@127.0.0.1:" + wm.getPort())
        .build();

    assertThat(config.toString()).contains("127.0.0.1").doesNotContain(PASSWORD, "s3cr");
  }

  @Test
  void invalidTrackingUri_errorHidesAPasswordContainingAnAtSign() {
    // a URL OkHttp cannot parse (a space in the host) reaches the ConfigurationException's message
    MlopsConfig config = MlflowStubs.config("http://alice:s3cr@t-" + PASSWORD + "@bad host:5000").build();

    Throwable thrown = catchThrowable(() -> TrackingClient.create(config));

    assertThat(thrown).isInstanceOf(ConfigurationException.class);
    assertThat(everythingPrinted(thrown)).contains("bad host").doesNotContain(PASSWORD, "s3cr");
  }

  @Test
  void userInfoInTheTrackingUri_isSentAsBasicAuthorizationAndNotAsPartOfTheUrl() {
    stubExperimentGet();
    String expected = "Basic " + Base64.getEncoder()
        .encodeToString(("alice:p@ss " + PASSWORD).getBytes(StandardCharsets.UTF_8));

    try (TrackingClient client = TrackingClient.create(MlflowStubs.config("http://alice:p%40ss%20" + PASSWORD
        + "@127.0.0.1:" + wm.getPort()).build())) {
      client.getExperiment(EXP_ID);
      assertThat(client.toString()).doesNotContain(PASSWORD);
    }

    wm.verify(1, getRequestedFor(urlPathEqualTo(API + "experiments/get"))
        .withHeader("Authorization", equalTo(expected)));
  }

  @Test
  void trackingUriWithABasePath_prefixesEveryRequest() {
    // a server behind a reverse proxy under /mlflow/ (protocol notes §2: the tracking URI's path is kept)
    wm.stubFor(get(urlPathEqualTo("/mlflow" + API + "experiments/get"))
        .willReturn(json("{\"experiment\":" + experiment(EXP_ID, "churn") + "}")));

    try (TrackingClient client = TrackingClient.create(MlflowStubs.config("http://127.0.0.1:" + wm.getPort()
        + "/mlflow/").build())) {
      assertThat(client.getExperiment(EXP_ID).name()).isEqualTo("churn");
    }
  }

  @Test
  void redirectToAnotherHost_doesNotCarryTheToken() {
    WireMockServer other = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    other.start();
    try {
      redirectExperimentGetTo(other);

      try (TrackingClient client = TrackingClient.create(MlflowStubs.config(wm).token(TOKEN).build())) {
        assertThat(client.getExperiment(EXP_ID).name()).isEqualTo("churn");
      }

      wm.verify(1, getRequestedFor(urlPathEqualTo(API + "experiments/get"))
          .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
      other.verify(1, getRequestedFor(urlPathEqualTo(API + "experiments/get"))
          .withHeader("Authorization", absent()));
    } finally {
      other.stop();
    }
  }

  @Test
  void redirectToAnotherHost_doesNotCarryTheSecretExtraHeaders() {
    WireMockServer other = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    other.start();
    try {
      redirectExperimentGetTo(other);

      try (TrackingClient client = TrackingClient.create(MlflowStubs.config(wm)
          .set(MlopsSetting.HTTP_HEADERS, "X-Api-Key: " + HEADER_SECRET).build())) {
        client.getExperiment(EXP_ID);
      } catch (RuntimeException refusedToFollow) {
        // not following the redirect at all is fine too; leaking the header is not
      }

      other.verify(0, anyRequestedFor(anyUrl()).withHeader("X-Api-Key", matching(".*")));
    } finally {
      other.stop();
    }
  }

  /** A 302 to the same path on another origin (an SSO proxy or a moved server), answered there. */
  private static void redirectExperimentGetTo(WireMockServer other) {
    // experiments/get → {experiment} (protocol notes §1)
    other.stubFor(get(urlPathEqualTo(API + "experiments/get"))
        .willReturn(json("{\"experiment\":" + experiment(EXP_ID, "churn") + "}")));
    wm.stubFor(get(urlPathEqualTo(API + "experiments/get")).willReturn(aResponse().withStatus(302)
        .withHeader("Location", "http://127.0.0.1:" + other.port() + API + "experiments/get?experiment_id="
            + EXP_ID)));
  }

  /** The throwable's string form and full stack trace, causes and suppressed included. */
  private static String everythingPrinted(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
