package io.mlops.mlflow.internal;

import io.mlops.core.spi.TrackingStore;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.mlops.mlflow.internal.MlflowStubs.API;
import static io.mlops.mlflow.internal.MlflowStubs.EXP_ID;
import static io.mlops.mlflow.internal.MlflowStubs.RUN_ID;
import static io.mlops.mlflow.internal.MlflowStubs.T0;
import static io.mlops.mlflow.internal.MlflowStubs.artifactUri;
import static io.mlops.mlflow.internal.MlflowStubs.experiment;
import static io.mlops.mlflow.internal.MlflowStubs.json;
import static io.mlops.mlflow.internal.MlflowStubs.run;
import static io.mlops.mlflow.internal.MlflowStubs.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.mlops.core.CandidateInfo;
import io.mlops.core.Experiment;
import io.mlops.core.MlopsServiceException;
import io.mlops.core.NewCandidate;
import io.mlops.core.TrackingClient;
import io.mlops.core.TransportException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which failures {@link MlflowHttp} retries (429 and 503 always; 502, 504 and lost connections only for safe
 * requests), how long it waits, and how {@link MlflowRestStore#createCandidate} recovers from a lost answer.
 */
class MlflowRetryContractTest {
  @RegisterExtension
  static WireMockExtension wm = MlflowStubs.server();

  private final List<Long> sleeps = MlflowStubs.sleeps();
  private TrackingClient client;

  @BeforeEach
  void open() {
    client = MlflowStubs.client(MlflowStubs.config(wm).build(), sleeps);
  }

  @AfterEach
  void close() {
    client.close();
  }

  // ---------------------------------------------------------------- 429 and 503

  @Test
  void tooManyRequests_withRetryAfterSeconds_waitsThatLongThenSucceeds() {
    // 429 REQUEST_LIMIT_EXCEEDED (protocol notes §1 status table); Retry-After in seconds (RFC 9110 §10.2.3)
    sequence(wm, "limited", () -> get(urlPathEqualTo(API + "experiments/get")),
        MlflowStubs.error(429, "REQUEST_LIMIT_EXCEEDED", "slow down").withHeader("Retry-After", "2"),
        json("{\"experiment\":" + experiment(EXP_ID, "churn") + "}"));

    Experiment e = client.getExperiment(EXP_ID);

    assertThat(e.name()).isEqualTo("churn");
    assertThat(sleeps).containsExactly(2000L);
    wm.verify(2, getRequestedFor(urlPathEqualTo(API + "experiments/get")));
  }

  @Test
  void serviceUnavailableBurst_onLogBatch_isRetriedWithGrowingBackoff() {
    // 503 TEMPORARILY_UNAVAILABLE (protocol notes §1); log-batch answers {} (service.proto LogBatch.Response)
    sequence(wm, "burst", () -> post(urlEqualTo(API + "runs/log-batch")),
        MlflowStubs.error(503, "TEMPORARILY_UNAVAILABLE", "busy"),
        MlflowStubs.error(503, "TEMPORARILY_UNAVAILABLE", "busy"),
        MlflowStubs.error(503, "TEMPORARILY_UNAVAILABLE", "busy"),
        json("{}"));

    client.logMetric(RUN_ID, "loss", 0.5, T0, 1);

    wm.verify(4, postRequestedFor(urlEqualTo(API + "runs/log-batch")).withRequestBody(equalToJson(
        "{\"run_id\":\"" + RUN_ID + "\",\"metrics\":[{\"key\":\"loss\",\"value\":0.5,\"timestamp\":" + T0
            + ",\"step\":1}],\"params\":[],\"tags\":[]}")));
    // full jitter on 250 ms doubling: [cap/2, cap] for caps 250, 500, 1000
    assertThat(sleeps).hasSize(3);
    assertThat(sleeps.get(0)).isBetween(125L, 250L);
    assertThat(sleeps.get(1)).isBetween(250L, 500L);
    assertThat(sleeps.get(2)).isBetween(500L, 1000L);
  }

  @Test
  void serviceUnavailableBurst_onExperimentCreate_isRetriedBecause503MeansNotProcessed() {
    // experiments/create → {experiment_id}; experiments/get → {experiment} (protocol notes §1 Experiments table)
    sequence(wm, "burst", () -> post(urlEqualTo(API + "experiments/create")),
        MlflowStubs.error(503, "TEMPORARILY_UNAVAILABLE", "busy"),
        MlflowStubs.error(503, "TEMPORARILY_UNAVAILABLE", "busy"),
        MlflowStubs.error(503, "TEMPORARILY_UNAVAILABLE", "busy"),
        json("{\"experiment_id\":\"" + EXP_ID + "\"}"));
    wm.stubFor(get(urlPathEqualTo(API + "experiments/get")).withQueryParam("experiment_id", equalTo(EXP_ID))
        .willReturn(json("{\"experiment\":" + experiment(EXP_ID, "churn") + "}")));

    Experiment e = client.createExperiment("churn");

    assertThat(e.id()).isEqualTo(EXP_ID);
    wm.verify(4, postRequestedFor(urlEqualTo(API + "experiments/create"))
        .withRequestBody(equalToJson("{\"name\":\"churn\"}")));
    assertThat(sleeps).hasSize(3);
  }

  @Test
  void serviceUnavailableLongerThanMaxRetries_surfacesRetryableServiceExceptionWith503() {
    // 503 TEMPORARILY_UNAVAILABLE (protocol notes §1)
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch"))
        .willReturn(MlflowStubs.error(503, "TEMPORARILY_UNAVAILABLE", "still busy")));

    assertThatThrownBy(() -> client.logMetric(RUN_ID, "loss", 0.5, T0, 1))
        .isInstanceOfSatisfying(MlopsServiceException.class, e -> {
          assertThat(e.statusCode()).hasValue(503);
          assertThat(e.errorCode()).isEqualTo("TEMPORARILY_UNAVAILABLE");
          assertThat(e.serviceMessage()).isEqualTo("still busy");
          assertThat(e.isRetryable()).isTrue();
        });
    // one attempt plus MLFLOW_HTTP_REQUEST_MAX_RETRIES=3
    wm.verify(4, postRequestedFor(urlEqualTo(API + "runs/log-batch")));
    assertThat(sleeps).hasSize(3);
  }

  // ---------------------------------------------------------------- 502, 504 and lost connections

  @ParameterizedTest
  @ValueSource(ints = {502, 504})
  void gatewayError_onSafeGet_isRetried(int status) {
    // a proxy's 502/504 in front of the server (protocol notes §1: the Python client retries them)
    sequence(wm, "gateway", () -> get(urlPathEqualTo(API + "experiments/get")),
        aResponse().withStatus(status).withBody("gateway trouble"),
        json("{\"experiment\":" + experiment(EXP_ID, "churn") + "}"));

    assertThat(client.getExperiment(EXP_ID).name()).isEqualTo("churn");

    wm.verify(2, getRequestedFor(urlPathEqualTo(API + "experiments/get")));
    assertThat(sleeps).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {502, 504})
  void gatewayError_onLogBatch_isRetried(int status) {
    // a proxy's 502/504; log-batch answers {} (service.proto)
    sequence(wm, "gateway", () -> post(urlEqualTo(API + "runs/log-batch")),
        aResponse().withStatus(status).withBody("gateway trouble"),
        json("{}"));

    client.setTag(RUN_ID, "team", "a");

    wm.verify(2, postRequestedFor(urlEqualTo(API + "runs/log-batch")));
  }

  @ParameterizedTest
  @ValueSource(ints = {502, 504})
  void gatewayError_onExperimentCreate_isNotRetriedBecauseTheServerMayHaveApplied(int status) {
    // a proxy's 502/504 after the server may have created the experiment (protocol notes §4: no idempotency key)
    sequence(wm, "gateway", () -> post(urlEqualTo(API + "experiments/create")),
        aResponse().withStatus(status).withBody("gateway trouble"),
        json("{\"experiment_id\":\"" + EXP_ID + "\"}"));

    assertThatThrownBy(() -> client.createExperiment("churn"))
        .isInstanceOfSatisfying(MlopsServiceException.class, e -> {
          assertThat(e.statusCode()).hasValue(status);
          assertThat(e.isRetryable()).isTrue();
        });
    wm.verify(1, postRequestedFor(urlEqualTo(API + "experiments/create")));
    assertThat(sleeps).isEmpty();
  }

  @Test
  void connectionReset_onGet_isRetried() {
    // runs/get → {run:{info,data}} (protocol notes §1 Runs table)
    sequence(wm, "reset", () -> get(urlPathEqualTo(API + "runs/get")),
        aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
        json("{\"run\":" + run(RUN_ID, artifactUri()) + "}"));

    assertThat(client.getCandidate(RUN_ID).info().id()).isEqualTo(RUN_ID);

    wm.verify(2, getRequestedFor(urlPathEqualTo(API + "runs/get")).withQueryParam("run_id", equalTo(RUN_ID)));
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void connectionReset_onLogBatch_isRetried() {
    // log-batch answers {} (service.proto); a retry is harmless (protocol notes §4)
    sequence(wm, "reset", () -> post(urlEqualTo(API + "runs/log-batch")),
        aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
        json("{}"));

    client.logParam(RUN_ID, "lr", "0.1");

    wm.verify(2, postRequestedFor(urlEqualTo(API + "runs/log-batch")).withRequestBody(equalToJson(
        "{\"run_id\":\"" + RUN_ID + "\",\"metrics\":[],\"params\":[{\"key\":\"lr\",\"value\":\"0.1\"}],"
            + "\"tags\":[]}")));
  }

  @Test
  void answerBrokenMidBody_onGet_isRetried() {
    // runs/get → {run:{info,data}} (protocol notes §1); the first answer's headers arrive, then its chunked body
    // breaks: as much a connection failure as a reset before the headers
    sequence(wm, "cut", () -> get(urlPathEqualTo(API + "runs/get")),
        aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK),
        json("{\"run\":" + run(RUN_ID, artifactUri()) + "}"));

    assertThat(client.getCandidate(RUN_ID).info().id()).isEqualTo(RUN_ID);

    wm.verify(2, getRequestedFor(urlPathEqualTo(API + "runs/get")));
  }

  @Test
  void connectionReset_onExperimentCreate_isNotRetried() {
    // experiments/create (protocol notes §1); a lost answer may hide an applied create
    sequence(wm, "reset", () -> post(urlEqualTo(API + "experiments/create")),
        aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
        json("{\"experiment_id\":\"" + EXP_ID + "\"}"));

    assertThatThrownBy(() -> client.createExperiment("churn"))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("/api/2.0/mlflow/experiments/create");
    wm.verify(1, postRequestedFor(urlEqualTo(API + "experiments/create")));
    assertThat(sleeps).isEmpty();
  }

  // ---------------------------------------------------------------- runs/create with a lost answer

  @Test
  void createCandidate_whoseAnswerWasLost_findsTheAppliedRunBySearchAndDoesNotCreateAgain() {
    // runs/create → {run} and runs/search → {runs[], next_page_token} (protocol notes §1 Runs table); the reset
    // stands for an answer lost after the server applied the request
    wm.stubFor(post(urlEqualTo(API + "runs/create")).inScenario("lost").whenScenarioStateIs("Started")
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("applied"));
    wm.stubFor(post(urlEqualTo(API + "runs/create")).inScenario("lost").whenScenarioStateIs("applied")
        .willReturn(json("{\"run\":" + run("ffffffffffffffffffffffffffffffff", artifactUri()) + "}")));
    wm.stubFor(post(urlEqualTo(API + "runs/search")).inScenario("lost").whenScenarioStateIs("applied")
        .withRequestBody(matchingJsonPath("$.filter", containing(TrackingStore.CLIENT_REQUEST_ID_TAG)))
        .willReturn(json("{\"runs\":[" + run(RUN_ID, artifactUri()) + "]}")));

    CandidateInfo created = client.createCandidate(NewCandidate.builder().experimentId(EXP_ID)
        .name("brave-fox-1").startTime(T0).build());

    assertThat(created.id()).isEqualTo(RUN_ID);
    wm.verify(1, postRequestedFor(urlEqualTo(API + "runs/create")).withRequestBody(equalToJson(
        "{\"experiment_id\":\"1\",\"start_time\":" + T0 + ",\"run_name\":\"brave-fox-1\",\"user_id\":\"unknown\","
            + "\"tags\":[{\"key\":"
            + "\"mlops.client_request_id\",\"value\":\"${json-unit.any-string}\"}]}")));
    String requestId = clientRequestIds().get(0);
    wm.verify(1, postRequestedFor(urlEqualTo(API + "runs/search")).withRequestBody(equalToJson(
        "{\"max_results\":1,\"run_view_type\":\"ALL\",\"experiment_ids\":[\"1\"],\"filter\":"
            + "\"tags.`mlops.client_request_id` = '" + requestId + "'\"}")));
  }

  @Test
  void createCandidate_whoseAnswerWasLost_createsAgainWithTheSameRequestIdWhenTheSearchFindsNothing() {
    // runs/create → {run}; an empty runs/search answer is {} (empty repeated fields are omitted, protocol notes §1)
    wm.stubFor(post(urlEqualTo(API + "runs/create")).inScenario("lost").whenScenarioStateIs("Started")
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("not applied"));
    wm.stubFor(post(urlEqualTo(API + "runs/search")).inScenario("lost").whenScenarioStateIs("not applied")
        .willReturn(json("{}")).willSetStateTo("searched"));
    wm.stubFor(post(urlEqualTo(API + "runs/create")).inScenario("lost").whenScenarioStateIs("searched")
        .willReturn(json("{\"run\":" + run(RUN_ID, artifactUri()) + "}")));

    CandidateInfo created = client.createCandidate(NewCandidate.builder().experimentId(EXP_ID).startTime(T0)
        .build());

    assertThat(created.id()).isEqualTo(RUN_ID);
    List<String> ids = clientRequestIds();
    assertThat(ids).hasSize(2);
    assertThat(ids.get(1)).isEqualTo(ids.get(0));
    wm.verify(1, postRequestedFor(urlEqualTo(API + "runs/search"))
        .withRequestBody(matchingJsonPath("$.filter", containing(ids.get(0)))));
    assertThat(wm.getAllServeEvents().stream().map(e -> e.getRequest().getUrl()).collect(Collectors.toList()))
        .as("newest first").containsExactly(API + "runs/create", API + "runs/search", API + "runs/create");
  }

  /** The client request id tag of every runs/create request, in the order they came. */
  private static List<String> clientRequestIds() {
    return wm.findAll(postRequestedFor(urlEqualTo(API + "runs/create"))).stream()
        .map(LoggedRequest::getBodyAsString)
        .map(MlflowRetryContractTest::readTree)
        .map(body -> {
          for (JsonNode tag : body.path("tags")) {
            if (tag.path("key").asText().equals(TrackingStore.CLIENT_REQUEST_ID_TAG)) {
              return tag.path("value").asText();
            }
          }
          throw new AssertionError("runs/create without " + TrackingStore.CLIENT_REQUEST_ID_TAG + ": " + body);
        })
        .collect(Collectors.toList());
  }

  private static JsonNode readTree(String text) {
    try {
      return MlflowHttp.MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
