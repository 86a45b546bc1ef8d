package io.mlops.mlflow.internal;

import io.mlops.mlflow.MlflowBackendProvider;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.mlops.core.MlopsConfig;
import io.mlops.core.MlopsSetting;
import io.mlops.core.TrackingClient;
import io.mlops.core.spi.Capabilities;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Shared fixtures for the {@code *ContractTest} classes: a WireMock server on loopback, hermetic configurations
 * (no environment, no system properties), clients whose retry sleeper only records, and MLflow JSON shapes
 * (protocol notes §1, {@code mlflow/protos/service.proto}).
 */
final class MlflowStubs {
  /** Prefix of every tracking RPC (protocol notes §1: {@code /api/2.0{P}}). */
  static final String API = "/api/2.0/mlflow/";
  /** The artifact proxy (protocol notes §2). */
  static final String PROXY = "/api/2.0/mlflow-artifacts/artifacts";
  static final String EXP_ID = "1";
  static final String RUN_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
  static final long T0 = 1_700_000_000_000L;

  private MlflowStubs() {}

  /** A WireMock server on 127.0.0.1 with a dynamic port, reset before each test. */
  static WireMockExtension server() {
    return WireMockExtension.newInstance()
        .options(options().dynamicPort().bindAddress("127.0.0.1"))
        .build();
  }

  /** A configuration for a server that ignores this machine's environment and system properties. */
  static MlopsConfig.Builder config(String trackingUri) {
    return MlopsConfig.builder()
        .environment(Map.of())
        .systemProperties(new Properties())
        .trackingUri(trackingUri)
        .set(MlopsSetting.HTTP_REQUEST_MAX_RETRIES, "3")
        .set(MlopsSetting.HTTP_CONNECT_TIMEOUT, "2")
        .set(MlopsSetting.HTTP_REQUEST_TIMEOUT, "5");
  }

  /** A configuration for the extension's server. */
  static MlopsConfig.Builder config(WireMockExtension wm) {
    return config("http://127.0.0.1:" + wm.getPort());
  }

  /** Records the pauses a transport would have slept. */
  static List<Long> sleeps() {
    return new CopyOnWriteArrayList<>();
  }

  /** A transport that records its backoff instead of sleeping. */
  static MlflowHttp http(MlopsConfig config, List<Long> sleeps) {
    return new MlflowHttp(config, sleeps::add, 30_000);
  }

  /**
   * A client wired like {@link MlflowBackendProvider#open} but with a recording sleeper, so retry tests never
   * sleep.
   */
  static TrackingClient client(MlopsConfig config, List<Long> sleeps) {
    return TrackingClient.create(config, backend(config, sleeps));
  }

  /** The MLflow backend wired like {@link MlflowBackendProvider#open}, with a recording retry sleeper. */
  static io.mlops.core.internal.SimpleBackend backend(MlopsConfig config, List<Long> sleeps) {
    MlflowHttp http = http(config, sleeps);
    MlflowRestStore tracking = new MlflowRestStore(http);
    return new io.mlops.core.internal.SimpleBackend("MLflow stub", Capabilities.mlflowDefaults("MLflow"), tracking,
        new MlflowArtifactStore(http, tracking), new MlflowRegistryStore(http), http::close);
  }

  /**
   * Stubs a request to get {@code answers} in turn, the last one from then on (a WireMock scenario named after the
   * request).
   */
  static void sequence(WireMockExtension wm, String scenario, Supplier<MappingBuilder> request,
      ResponseDefinitionBuilder... answers) {
    for (int i = 0; i < answers.length; i++) {
      ScenarioMappingBuilder m = request.get().inScenario(scenario)
          .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer-" + i)
          .willReturn(answers[i]);
      if (i < answers.length - 1) {
        m = m.willSetStateTo("answer-" + (i + 1));
      }
      wm.stubFor(m);
    }
  }

  /** A JSON 200 answer. */
  static ResponseDefinitionBuilder json(String body) {
    return WireMock.aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
  }

  /** MLflow's error body {@code {"error_code", "message"}} (protocol notes §1, mlflow/exceptions.py). */
  static ResponseDefinitionBuilder error(int status, String code, String message) {
    return WireMock.aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody("{\"error_code\":\"" + code + "\",\"message\":\"" + message + "\"}");
  }

  /** An Experiment message (protocol notes §1, service.proto {@code Experiment}). */
  static String experiment(String id, String name) {
    return "{\"experiment_id\":\"" + id + "\",\"name\":\"" + name + "\",\"artifact_location\":\"mlflow-artifacts:/"
        + id + "\",\"lifecycle_stage\":\"active\",\"last_update_time\":" + T0 + ",\"creation_time\":" + T0
        + ",\"tags\":[]}";
  }

  /** A RunInfo message (protocol notes §1, service.proto {@code RunInfo}); int64 as JSON numbers. */
  static String runInfo(String runId, String artifactUri) {
    return "{\"run_id\":\"" + runId + "\",\"run_uuid\":\"" + runId + "\",\"run_name\":\"brave-fox-1\","
        + "\"experiment_id\":\"" + EXP_ID + "\",\"user_id\":\"alice\",\"status\":\"RUNNING\",\"start_time\":" + T0
        + ",\"artifact_uri\":\"" + artifactUri + "\",\"lifecycle_stage\":\"active\"}";
  }

  /** A Run message with empty data. */
  static String run(String runId, String artifactUri) {
    return "{\"info\":" + runInfo(runId, artifactUri) + ",\"data\":{}}";
  }

  /** The {@code runs/get} answer {@code {run:{info,data}}} (protocol notes §1). */
  static String runsGet(String runId, String artifactUri) {
    return "{\"run\":" + run(runId, artifactUri) + "}";
  }

  /** The proxy artifact URI of {@link #RUN_ID} (protocol notes §2, {@code DEFAULT_ARTIFACTS_URI}). */
  static String artifactUri() {
    return "mlflow-artifacts:/" + EXP_ID + "/" + RUN_ID + "/artifacts";
  }
}
