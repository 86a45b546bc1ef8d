package io.mlops.mlflow.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
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
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateQuery;
import io.mlops.core.Experiment;
import io.mlops.core.ExperimentQuery;
import io.mlops.core.Metric;
import io.mlops.core.TrackingClient;
import io.mlops.core.ViewType;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Searches and metric histories follow {@code next_page_token}, one page at a time, only as far as iterated. */
class MlflowPagingContractTest {
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

  @Test
  void searchCandidates_requestsTheSecondPageOnlyWhenIterationReachesIt() {
    // runs/search request {experiment_ids, max_results, run_view_type, page_token} → {runs[], next_page_token}
    // (protocol notes §1 Runs table)
    String first = "{\"max_results\":2,\"run_view_type\":\"ACTIVE_ONLY\",\"experiment_ids\":[\"1\"],"
        + "\"filter\":\"metrics.acc > 0.9\",\"order_by\":[\"metrics.acc DESC\"]}";
    String second = "{\"max_results\":2,\"run_view_type\":\"ACTIVE_ONLY\",\"experiment_ids\":[\"1\"],"
        + "\"filter\":\"metrics.acc > 0.9\",\"order_by\":[\"metrics.acc DESC\"],\"page_token\":\"tok-2\"}";
    wm.stubFor(post(urlEqualTo(API + "runs/search")).withRequestBody(equalToJson(first))
        .willReturn(json("{\"runs\":[" + run(id(1), artifactUri()) + "," + run(id(2), artifactUri())
            + "],\"next_page_token\":\"tok-2\"}")));
    wm.stubFor(post(urlEqualTo(API + "runs/search")).withRequestBody(equalToJson(second))
        .willReturn(json("{\"runs\":[" + run(id(3), artifactUri()) + "]}")));

    Iterator<Candidate> it = client.searchCandidates(CandidateQuery.builder().addExperimentId(EXP_ID)
        .filter("metrics.acc > 0.9").addOrderBy("metrics.acc DESC").maxResults(2).build()).iterator();
    wm.verify(0, postRequestedFor(urlEqualTo(API + "runs/search")));

    assertThat(it.next().info().id()).isEqualTo(id(1));
    assertThat(it.next().info().id()).isEqualTo(id(2));
    wm.verify(1, postRequestedFor(urlEqualTo(API + "runs/search")));

    assertThat(it.hasNext()).isTrue();
    wm.verify(1, postRequestedFor(urlEqualTo(API + "runs/search")).withRequestBody(equalToJson(second)));
    assertThat(it.next().info().id()).isEqualTo(id(3));
    assertThat(it.hasNext()).isFalse();
    wm.verify(2, postRequestedFor(urlEqualTo(API + "runs/search")));
  }

  @Test
  void searchExperiments_followsNextPageTokenLazily() {
    // experiments/search {max_results, page_token, filter, view_type} → {experiments[], next_page_token}
    // (protocol notes §1 Experiments table)
    String first = "{\"max_results\":1,\"view_type\":\"ALL\",\"filter\":\"name LIKE 'churn%'\"}";
    String second = "{\"max_results\":1,\"view_type\":\"ALL\",\"filter\":\"name LIKE 'churn%'\","
        + "\"page_token\":\"e-2\"}";
    wm.stubFor(post(urlEqualTo(API + "experiments/search")).withRequestBody(equalToJson(first))
        .willReturn(json("{\"experiments\":[" + experiment("1", "churn-a") + "],\"next_page_token\":\"e-2\"}")));
    wm.stubFor(post(urlEqualTo(API + "experiments/search")).withRequestBody(equalToJson(second))
        .willReturn(json("{\"experiments\":[" + experiment("2", "churn-b") + "],\"next_page_token\":\"\"}")));

    Iterable<Experiment> all = client.searchExperiments(ExperimentQuery.builder().filter("name LIKE 'churn%'")
        .viewType(ViewType.ALL).maxResults(1).build());
    Iterator<Experiment> it = all.iterator();

    assertThat(it.next().name()).isEqualTo("churn-a");
    wm.verify(1, postRequestedFor(urlEqualTo(API + "experiments/search")));
    assertThat(it.next().name()).isEqualTo("churn-b");
    assertThat(it.hasNext()).as("an empty next_page_token ends the search").isFalse();
    wm.verify(2, postRequestedFor(urlEqualTo(API + "experiments/search")));
  }

  @Test
  void metricHistory_followsPagesInLoggingOrder() {
    // metrics/get-history ?run_id&metric_key&max_results&page_token → {metrics[], next_page_token}
    // (protocol notes §1 Runs table; GET_METRIC_HISTORY_MAX_RESULTS = 25000)
    wm.stubFor(get(urlPathEqualTo(API + "metrics/get-history")).withQueryParam("run_id", equalTo(RUN_ID))
        .withQueryParam("metric_key", equalTo("loss")).withQueryParam("max_results", equalTo("25000"))
        .withQueryParam("page_token", absent())
        .willReturn(json("{\"metrics\":[" + point(0.9, 0) + "," + point(0.7, 1) + "],\"next_page_token\":\"h-2\"}")));
    wm.stubFor(get(urlPathEqualTo(API + "metrics/get-history")).withQueryParam("run_id", equalTo(RUN_ID))
        .withQueryParam("metric_key", equalTo("loss")).withQueryParam("page_token", equalTo("h-2"))
        .willReturn(json("{\"metrics\":[" + point(0.5, 2) + "]}")));

    List<Metric> history = client.getMetricHistory(RUN_ID, "loss");

    assertThat(history).extracting(Metric::step).containsExactly(0L, 1L, 2L);
    assertThat(history).extracting(Metric::value).containsExactly(0.9, 0.7, 0.5);
    wm.verify(2, getRequestedFor(urlPathEqualTo(API + "metrics/get-history")));
  }

  @Test
  void metricHistory_withoutToken_isOneRequest() {
    // file-store servers answer the whole history without a token (protocol notes §1)
    wm.stubFor(get(urlPathEqualTo(API + "metrics/get-history"))
        .willReturn(json("{\"metrics\":[" + point(0.9, 0) + "]}")));

    assertThat(client.metricHistory(RUN_ID, "loss").stream().collect(Collectors.toList())).hasSize(1);
    wm.verify(1, getRequestedFor(urlPathEqualTo(API + "metrics/get-history")));
  }

  private static String id(int n) {
    return RUN_ID.substring(0, 31) + n;
  }

  /** A Metric message (service.proto {@code Metric}): int64 timestamp and step as strings, as older servers send. */
  private static String point(double value, long step) {
    return "{\"key\":\"loss\",\"value\":" + value + ",\"timestamp\":\"" + (T0 + step) + "\",\"step\":\"" + step
        + "\"}";
  }
}
