package io.mlops.mlflow.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.mlops.mlflow.internal.MlflowStubs.API;
import static io.mlops.mlflow.internal.MlflowStubs.RUN_ID;
import static io.mlops.mlflow.internal.MlflowStubs.T0;
import static io.mlops.mlflow.internal.MlflowStubs.artifactUri;
import static io.mlops.mlflow.internal.MlflowStubs.json;
import static io.mlops.mlflow.internal.MlflowStubs.runInfo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.Candidate;
import io.mlops.core.Metric;
import io.mlops.core.Param;
import io.mlops.core.Tag;
import io.mlops.core.TrackingClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** NaN and ±Infinity on the wire (protocol notes §3): sent as JSON strings, read back as strings or numbers. */
class MlflowMetricValuesContractTest {
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
  void logBatch_encodesNanAndInfinitiesAsJsonStrings() {
    // log-batch {run_id, metrics[{key,value,timestamp,step}], params[], tags[]} → {} (protocol notes §1); NaN/±Inf
    // as "NaN"/"Infinity"/"-Infinity", which the server's _assert_floatlike accepts (protocol notes §3)
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch")).willReturn(json("{}")));

    client.logBatch(RUN_ID, List.of(
        Metric.of("nan", Double.NaN, T0, 0),
        Metric.of("pinf", Double.POSITIVE_INFINITY, T0, 1),
        Metric.of("ninf", Double.NEGATIVE_INFINITY, T0, 2),
        Metric.of("small", 1.5e-5, T0, 3)),
        List.of(Param.of("lr", "0.1")), List.of(Tag.of("team", "a")));

    wm.verify(1, postRequestedFor(urlEqualTo(API + "runs/log-batch")).withRequestBody(equalToJson("{"
        + "\"run_id\":\"" + RUN_ID + "\","
        + "\"metrics\":["
        + "{\"key\":\"nan\",\"value\":\"NaN\",\"timestamp\":" + T0 + ",\"step\":0},"
        + "{\"key\":\"pinf\",\"value\":\"Infinity\",\"timestamp\":" + T0 + ",\"step\":1},"
        + "{\"key\":\"ninf\",\"value\":\"-Infinity\",\"timestamp\":" + T0 + ",\"step\":2},"
        + "{\"key\":\"small\",\"value\":1.5E-5,\"timestamp\":" + T0 + ",\"step\":3}],"
        + "\"params\":[{\"key\":\"lr\",\"value\":\"0.1\"}],"
        + "\"tags\":[{\"key\":\"team\",\"value\":\"a\"}]}")));
    String body = wm.findAll(postRequestedFor(urlEqualTo(API + "runs/log-batch"))).get(0).getBodyAsString();
    assertThat(body).as("strict JSON: no bare NaN or Infinity tokens")
        .doesNotContainPattern("[:,]\\s*-?(NaN|Infinity)");
  }

  @Test
  void runsGet_readsMetricValuesSentAsStringsOrNumbers() {
    // runs/get {run:{info,data:{metrics[],params[],tags[]}}} (protocol notes §1); protobuf's JSON mapping writes
    // non-finite doubles as strings, int64 as strings in older servers and numbers in newer ones
    wm.stubFor(get(urlPathEqualTo(API + "runs/get")).willReturn(json("{\"run\":{\"info\":"
        + runInfo(RUN_ID, artifactUri()) + ",\"data\":{\"metrics\":["
        + "{\"key\":\"nan\",\"value\":\"NaN\",\"timestamp\":\"" + T0 + "\",\"step\":\"0\"},"
        + "{\"key\":\"pinf\",\"value\":\"Infinity\",\"timestamp\":" + T0 + ",\"step\":1},"
        + "{\"key\":\"ninf\",\"value\":\"-Infinity\",\"timestamp\":" + T0 + ",\"step\":2},"
        + "{\"key\":\"num\",\"value\":0.25,\"timestamp\":" + T0 + ",\"step\":3},"
        + "{\"key\":\"str\",\"value\":\"2.5\",\"timestamp\":" + T0 + "},"
        + "{\"key\":\"int\",\"value\":3,\"timestamp\":" + T0 + ",\"step\":4}],"
        + "\"params\":[{\"key\":\"lr\",\"value\":\"0.1\"}],\"tags\":[{\"key\":\"team\",\"value\":\"a\"}]}}}")));

    Candidate c = client.getCandidate(RUN_ID);

    Map<String, Metric> m = c.data().metrics();
    assertThat(m.get("nan").value()).isNaN();
    assertThat(m.get("pinf").value()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(m.get("ninf").value()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(m.get("num").value()).isEqualTo(0.25);
    assertThat(m.get("str").value()).isEqualTo(2.5);
    assertThat(m.get("str").step()).as("step defaults to 0").isZero();
    assertThat(m.get("int").value()).isEqualTo(3.0);
    assertThat(m.get("nan").timestamp()).isEqualTo(T0);
    assertThat(c.data().params()).containsEntry("lr", "0.1");
    assertThat(c.data().tags()).containsEntry("team", "a");
  }

  @Test
  void metricHistory_readsNanAndInfinityStrings() {
    // metrics/get-history → {metrics[]} (protocol notes §1); non-finite values as strings (protocol notes §3)
    wm.stubFor(get(urlPathEqualTo(API + "metrics/get-history")).willReturn(json("{\"metrics\":["
        + "{\"key\":\"loss\",\"value\":\"NaN\",\"timestamp\":" + T0 + ",\"step\":0},"
        + "{\"key\":\"loss\",\"value\":\"Infinity\",\"timestamp\":" + T0 + ",\"step\":1},"
        + "{\"key\":\"loss\",\"value\":\"-Infinity\",\"timestamp\":" + T0 + ",\"step\":2},"
        + "{\"key\":\"loss\",\"value\":0.5,\"timestamp\":" + T0 + ",\"step\":3}]}")));

    assertThat(client.getMetricHistory(RUN_ID, "loss")).extracting(Metric::value)
        .containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.5);
  }
}
