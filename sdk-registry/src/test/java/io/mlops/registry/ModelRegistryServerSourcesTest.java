package io.mlops.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.ResourceNotFoundException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources on an MLflow server that stores artifacts in {@code file:} roots ({@code mlflow server
 * --no-serve-artifacts --default-artifact-root /shared/mlruns}): the server's proxy cannot serve them, so the files are
 * read from this machine when it has them (a shared drive), and otherwise the error says they are not here. The
 * server's answers are MLflow's message shapes (protocol notes §1).
 */
class ModelRegistryServerSourcesTest {
  private static final String API = "/api/2.0/mlflow/";
  private static final String RUN = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();

  @TempDir Path temp;
  private ModelRegistry registry;

  @BeforeEach
  void open() {
    registry = ModelRegistry.builder().config(RegistryFixture.config("http://127.0.0.1:" + wm.getPort())).build();
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private static void stubVersion(String runArtifactUri, String source) {
    String version = "{\"name\":\"churn\",\"version\":\"1\",\"creation_timestamp\":1700000000000,"
        + "\"last_updated_timestamp\":1700000000000,\"source\":\"" + source + "\",\"run_id\":\"" + RUN + "\","
        + "\"status\":\"READY\",\"current_stage\":\"None\"}";
    wm.stubFor(get(urlPathEqualTo(API + "model-versions/get")).withQueryParam("name", equalTo("churn"))
        .withQueryParam("version", equalTo("1")).willReturn(json("{\"model_version\":" + version + "}")));
    wm.stubFor(get(urlPathEqualTo(API + "model-versions/get-download-uri")).withQueryParam("name", equalTo("churn"))
        .withQueryParam("version", equalTo("1")).willReturn(json("{\"artifact_uri\":\"" + source + "\"}")));
    wm.stubFor(get(urlPathEqualTo(API + "runs/get")).withQueryParam("run_id", equalTo(RUN))
        .willReturn(json("{\"run\":{\"info\":{\"run_id\":\"" + RUN + "\",\"run_uuid\":\"" + RUN + "\","
            + "\"experiment_id\":\"1\",\"status\":\"FINISHED\",\"start_time\":1700000000000,\"artifact_uri\":\""
            + runArtifactUri + "\",\"lifecycle_stage\":\"active\"},\"data\":{}}}")));
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
  }

  @Test
  void aFileSourceInTheRunsFileRoot_isReadFromThisMachine_whenItHasTheFiles() {
    Path root = temp.resolve("shared/mlruns/1/" + RUN + "/artifacts");
    Map<String, byte[]> model = RegistryFixture.filesUnder(RegistryFixture.writeModelFiles(root.resolve("model"), 5));
    RegistryFixture.writeModelFiles(root.resolve("other"), 6);
    stubVersion(root.toUri().toString(), root.resolve("model").toUri().toString());

    Path dir = registry.download("models:/churn/1", temp.resolve("serving/churn"));

    assertThat(RegistryFixture.filesUnder(dir)).containsOnlyKeys(model.keySet())
        .allSatisfy((name, bytes) -> assertThat(bytes).isEqualTo(model.get(name)));
    wm.verify(0, getRequestedFor(urlPathMatching("/api/2.0/mlflow-artifacts/.*")));
  }

  @Test
  void aFileSourceOnlyTheServerHas_isNotFound_sayingItIsNotOnThisMachine() {
    stubVersion("file:///srv/mlflow/mlruns/1/" + RUN + "/artifacts",
        "file:///srv/mlflow/mlruns/1/" + RUN + "/artifacts/model");

    assertThatThrownBy(() -> registry.download("models:/churn/1", temp.resolve("serving/churn")))
        .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("/srv/mlflow/mlruns")
        .hasMessageContaining("this machine");
    assertThat(temp.resolve("serving")).doesNotExist();
  }
}
