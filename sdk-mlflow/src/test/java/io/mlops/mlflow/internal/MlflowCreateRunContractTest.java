package io.mlops.mlflow.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.mlops.mlflow.internal.MlflowStubs.API;
import static io.mlops.mlflow.internal.MlflowStubs.EXP_ID;
import static io.mlops.mlflow.internal.MlflowStubs.T0;
import static io.mlops.mlflow.internal.MlflowStubs.artifactUri;
import static io.mlops.mlflow.internal.MlflowStubs.json;
import static io.mlops.mlflow.internal.MlflowStubs.run;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.NewCandidate;
import io.mlops.core.TrackingClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code user_id} of {@code runs/create}: the server's {@code _create_run} handler stores the request's
 * {@code user_id} as it is (an absent one is the empty string), so the client must send what MLflow's own client
 * sends: {@code tags.get("mlflow.user", "unknown")} ({@code TrackingServiceClient.create_run}).
 */
class MlflowCreateRunContractTest {
  @RegisterExtension
  static WireMockExtension wm = MlflowStubs.server();

  private TrackingClient client;

  @BeforeEach
  void open() {
    client = MlflowStubs.client(MlflowStubs.config(wm).build(), MlflowStubs.sleeps());
    wm.stubFor(post(urlEqualTo(API + "runs/create"))
        .willReturn(json("{\"run\":" + run(MlflowStubs.RUN_ID, artifactUri()) + "}")));
  }

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void createCandidate_sendsTheMlflowUserTagAsUserId() {
    client.createCandidate(NewCandidate.builder().experimentId(EXP_ID).startTime(T0).putTag("mlflow.user", "alice")
        .build());
    wm.verify(1, postRequestedFor(urlEqualTo(API + "runs/create"))
        .withRequestBody(equalToJson("{\"user_id\":\"alice\"}", false, true)));
  }

  @Test
  void createCandidate_withoutUserOrMlflowUserTag_sendsUnknown() {
    client.createCandidate(NewCandidate.builder().experimentId(EXP_ID).startTime(T0).build());
    wm.verify(1, postRequestedFor(urlEqualTo(API + "runs/create"))
        .withRequestBody(equalToJson("{\"user_id\":\"unknown\"}", false, true)));
  }

  @Test
  void createCandidate_withAnExplicitUser_sendsItOverTheTag() {
    client.createCandidate(NewCandidate.builder().experimentId(EXP_ID).startTime(T0).putTag("mlflow.user", "alice")
        .userId("bob").build());
    wm.verify(1, postRequestedFor(urlEqualTo(API + "runs/create"))
        .withRequestBody(equalToJson("{\"user_id\":\"bob\"}", false, true)));
  }
}
