package io.mlops.mlflow.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.mlops.mlflow.internal.MlflowStubs.API;
import static io.mlops.mlflow.internal.MlflowStubs.RUN_ID;
import static io.mlops.mlflow.internal.MlflowStubs.T0;
import static io.mlops.mlflow.internal.MlflowStubs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlops.core.BatchResult;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.Metric;
import io.mlops.core.Param;
import io.mlops.core.RefusedEntry;
import io.mlops.core.Tag;
import io.mlops.core.TrackingClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server that refuses a {@code log-batch} for one entity refuses the whole request (MLflow's SQL store validates
 * everything and checks params before it writes, sqlalchemy_store.py {@code log_batch}/{@code _log_params}): the
 * client isolates the offender and delivers everything else, each entity in exactly one successful request.
 */
class MlflowBatchIsolationContractTest {
  @RegisterExtension
  static WireMockExtension wm = MlflowStubs.server();

  private TrackingClient client;

  @BeforeEach
  void open() {
    client = MlflowStubs.client(MlflowStubs.config(wm).build(), MlflowStubs.sleeps());
  }

  @AfterEach
  void close() {
    client.close();
  }

  /** The server's answer to a batch holding param lr=0.2 (logged before as 0.1 by another writer). */
  private void refuseChangedParam() {
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch")).atPriority(1)
        .withRequestBody(matchingJsonPath("$.params[?(@.key == 'lr' && @.value == '0.2')]"))
        .willReturn(MlflowStubs.error(400, "INVALID_PARAMETER_VALUE", "Changing param values is not allowed. "
            + "Params were already logged='[{'key': 'lr', 'old_value': '0.1', 'new_value': '0.2'}]' for run ID='"
            + RUN_ID + "'.")));
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch")).atPriority(5).willReturn(json("{}")));
  }

  @Test
  void oneRefusedParam_costsOnlyItself_everyOtherEntityArrivesOnce() throws Exception {
    refuseChangedParam();
    List<Metric> metrics = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      metrics.add(Metric.of("loss", 1.0 / (i + 1), T0 + i, i));
    }
    List<Param> params = List.of(Param.of("batch", "32"), Param.of("lr", "0.2"), Param.of("epochs", "3"));
    List<Tag> tags = List.of(Tag.of("team", "a"), Tag.of("stage", "dev"));

    BatchResult r = client.tryLogBatch(RUN_ID, metrics, params, tags);

    assertThat(r.isComplete()).isTrue();
    assertThat(r.delivered()).isEqualTo(304);
    assertThat(r.refused()).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(RefusedEntry.Kind.PARAM);
      assertThat(e.key()).isEqualTo("lr");
      assertThat(e.reason()).isInstanceOf(InvalidParameterException.class)
          .hasMessageContaining("Changing param values is not allowed");
    });
    // every good entity was in exactly one request the server accepted
    List<String> deliveredKeys = new ArrayList<>();
    int deliveredMetrics = 0;
    for (LoggedRequest req : wm.findAll(postRequestedFor(urlEqualTo(API + "runs/log-batch")))) {
      JsonNode body = MlflowHttp.MAPPER.readTree(req.getBodyAsString());
      boolean refused = false;
      for (JsonNode p : body.path("params")) {
        refused |= p.path("key").asText().equals("lr");
      }
      if (refused) {
        continue;
      }
      body.path("params").forEach(p -> deliveredKeys.add("param:" + p.path("key").asText()));
      body.path("tags").forEach(t -> deliveredKeys.add("tag:" + t.path("key").asText()));
      deliveredMetrics += body.path("metrics").size();
    }
    assertThat(deliveredKeys).containsExactlyInAnyOrder("param:batch", "param:epochs", "tag:team", "tag:stage");
    assertThat(deliveredMetrics).isEqualTo(300);
    // the whole batch, one empty probe, then halves down to the offender: a few requests, not one per entity
    assertThat(wm.findAll(postRequestedFor(urlEqualTo(API + "runs/log-batch")))).hasSizeLessThan(25);
  }

  @Test
  void logBatch_throwsTheServersRefusalAfterLoggingTheRest() {
    refuseChangedParam();

    assertThatThrownBy(() -> client.logBatch(RUN_ID, List.of(Metric.of("acc", 0.9, T0, 1)),
        List.of(Param.of("lr", "0.2")), List.of(Tag.of("team", "a"))))
        .isInstanceOf(InvalidParameterException.class).hasMessageContaining("Changing param values");

    wm.verify(postRequestedFor(urlEqualTo(API + "runs/log-batch"))
        .withRequestBody(matchingJsonPath("$.metrics[0].key", equalTo("acc")))
        .withRequestBody(matchingJsonPath("$.params.length()", equalTo("0"))));
  }

  @Test
  void aCandidateRefusal_refusesEverythingAfterOneProbe_withoutARequestPerEntity() {
    // logging into a deleted run: check_run_is_active refuses every batch, the empty one included
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch")).willReturn(MlflowStubs.error(400,
        "INVALID_PARAMETER_VALUE", "The run " + RUN_ID + " must be in the 'active' state. Current state is deleted.")));
    List<Metric> metrics = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      metrics.add(Metric.of("m", i, T0, i));
    }

    BatchResult r = client.tryLogBatch(RUN_ID, metrics, List.of(), List.of());

    assertThat(r.delivered()).isZero();
    assertThat(r.refused()).hasSize(500).allSatisfy(e -> assertThat(e.reason()).hasMessageContaining("active"));
    wm.verify(2, postRequestedFor(urlEqualTo(API + "runs/log-batch")));
    wm.verify(1, postRequestedFor(urlEqualTo(API + "runs/log-batch"))
        .withRequestBody(containing("\"metrics\":[]")));
  }

  @Test
  void aTransientFailure_handsBackWhatWasNotDelivered_withoutResending() {
    // the first part goes through, then the server goes away: nothing is retried here (retries live in one layer)
    MlopsConfigFreeClient noRetries = new MlopsConfigFreeClient();
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch")).atPriority(1)
        .withRequestBody(matchingJsonPath("$.metrics[0].step", equalTo("1000")))
        .willReturn(MlflowStubs.error(503, "TEMPORARILY_UNAVAILABLE", "down")));
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch")).atPriority(5).willReturn(json("{}")));
    List<Metric> metrics = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      metrics.add(Metric.of("m", i, T0, i));
    }

    BatchResult r = noRetries.client.tryLogBatch(RUN_ID, metrics, List.of(), List.of());
    noRetries.client.close();

    assertThat(r.isComplete()).isFalse();
    assertThat(r.interruption()).get().hasFieldOrPropertyWithValue("retryable", true);
    assertThat(r.delivered()).isEqualTo(1000);
    assertThat(r.undeliveredMetrics()).hasSize(500).first().extracting(Metric::step).isEqualTo(1000L);
    wm.verify(2, postRequestedFor(urlEqualTo(API + "runs/log-batch")));
  }

  /** A client of the stub server whose transport does not retry. */
  private static final class MlopsConfigFreeClient {
    final TrackingClient client = MlflowStubs.client(MlflowStubs.config(wm)
        .set(io.mlops.core.MlopsSetting.HTTP_REQUEST_MAX_RETRIES, "0").build(), MlflowStubs.sleeps());
  }
}
