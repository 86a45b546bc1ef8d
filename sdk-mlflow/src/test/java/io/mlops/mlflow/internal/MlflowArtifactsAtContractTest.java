package io.mlops.mlflow.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.mlops.mlflow.internal.MlflowStubs.PROXY;
import static io.mlops.mlflow.internal.MlflowStubs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.TrackingClient;
import io.mlops.core.TransferListener;
import io.mlops.core.TransportException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link TrackingClient#downloadArtifactsAt}: files behind the server's artifact proxy that are no run's, such as an
 * MLflow 3 logged model ({@code mlflow-artifacts:/1/models/m-<id>/artifacts}, the download URI of a version registered
 * from {@code models:/m-<id>}), in both of the proxy's spellings; other hosts are refused before any request.
 */
class MlflowArtifactsAtContractTest {
  private static final String MODEL = "1/models/m-0123456789abcdef/artifacts";

  @RegisterExtension static WireMockExtension wm = MlflowStubs.server();
  @TempDir Path tmp;
  private TrackingClient client;

  @BeforeEach
  void open() {
    client = MlflowStubs.client(MlflowStubs.config(wm).build(), MlflowStubs.sleeps());
  }

  @AfterEach
  void close() {
    client.close();
  }

  private static void stubLoggedModel() {
    // GET .../mlflow-artifacts/artifacts?path=<dir> → {files[{path (basename), is_dir, file_size}]} (notes §2)
    wm.stubFor(get(urlPathEqualTo(PROXY)).withQueryParam("path", equalTo(MODEL))
        .willReturn(json("{\"files\":[{\"path\":\"MLmodel\",\"is_dir\":false,\"file_size\":6},"
            + "{\"path\":\"data\",\"is_dir\":true}]}")));
    wm.stubFor(get(urlPathEqualTo(PROXY)).withQueryParam("path", equalTo(MODEL + "/data"))
        .willReturn(json("{\"files\":[{\"path\":\"w.bin\",\"is_dir\":false,\"file_size\":3}]}")));
    wm.stubFor(get(urlPathEqualTo(PROXY + "/" + MODEL + "/MLmodel"))
        .willReturn(aResponse().withStatus(200).withBody("flavor")));
    wm.stubFor(get(urlPathEqualTo(PROXY + "/" + MODEL + "/data/w.bin"))
        .willReturn(aResponse().withStatus(200).withBody(new byte[] {1, 2, 3})));
  }

  @Test
  void downloadArtifactsAt_anMlflowArtifactsUri_copiesTheTree() throws IOException {
    stubLoggedModel();

    Path dir = client.downloadArtifactsAt("mlflow-artifacts:/" + MODEL, tmp.resolve("m"), TransferListener.NONE);

    assertThat(dir).isEqualTo(tmp.resolve("m"));
    assertThat(new String(Files.readAllBytes(dir.resolve("MLmodel")), StandardCharsets.UTF_8)).isEqualTo("flavor");
    assertThat(Files.readAllBytes(dir.resolve("data/w.bin"))).containsExactly(1, 2, 3);
  }

  @Test
  void downloadArtifactsAt_theProxysOwnUrl_isTheSameStore() {
    stubLoggedModel();
    String url = "http://127.0.0.1:" + wm.getPort() + PROXY + "/" + MODEL; // the tracking URI's host

    Path dir = client.downloadArtifactsAt(url, tmp.resolve("m"), TransferListener.NONE);

    assertThat(dir.resolve("data/w.bin")).exists();
  }

  @Test
  void downloadArtifactsAt_aSizeMismatch_failsAndRemovesTheFile() {
    stubLoggedModel();
    wm.stubFor(get(urlPathEqualTo(PROXY + "/" + MODEL + "/data/w.bin"))
        .willReturn(aResponse().withStatus(200).withBody(new byte[] {1, 2})));

    assertThatThrownBy(() -> client.downloadArtifactsAt("mlflow-artifacts:/" + MODEL, tmp.resolve("m"),
        TransferListener.NONE)).isInstanceOf(TransportException.class).hasMessageContaining("w.bin");
    assertThat(tmp.resolve("m/data/w.bin")).doesNotExist();
  }

  @Test
  void downloadArtifactsAt_aFileLongerThanListed_stopsAtTheListedSize() {
    stubLoggedModel();
    wm.stubFor(get(urlPathEqualTo(PROXY + "/" + MODEL + "/data/w.bin"))
        .willReturn(aResponse().withStatus(200).withBody(new byte[64 * 1024]))); // listed as 3 bytes

    assertThatThrownBy(() -> client.downloadArtifactsAt("mlflow-artifacts:/" + MODEL, tmp.resolve("m"),
        TransferListener.NONE)).isInstanceOf(io.mlops.core.LimitExceededException.class)
        .hasMessageContaining("w.bin");
    assertThat(tmp.resolve("m/data/w.bin")).doesNotExist();
  }

  @Test
  void downloadArtifactsAt_aListingThatRecursesForever_endsAtTheDepthLimit() {
    // every folder lists a folder "a" inside it: a/a/a/...
    wm.stubFor(get(urlPathEqualTo(PROXY)).willReturn(json("{\"files\":[{\"path\":\"a\",\"is_dir\":true}]}")));
    TrackingClient bounded = MlflowStubs.client(MlflowStubs.config(wm)
        .set(io.mlops.core.MlopsSetting.ARTIFACT_MAX_DEPTH, "10").build(), MlflowStubs.sleeps());
    try {
      assertThatThrownBy(() -> bounded.downloadArtifactsAt("mlflow-artifacts:/" + MODEL, tmp.resolve("m"),
          TransferListener.NONE)).isInstanceOf(io.mlops.core.LimitExceededException.class);
    } finally {
      bounded.close();
    }
    assertThat(wm.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo(PROXY))))
        .hasSizeLessThanOrEqualTo(11);
  }

  @Test
  void downloadArtifactsAt_nothingThere_isNotFound() {
    wm.stubFor(get(urlPathEqualTo(PROXY)).willReturn(json("{}")));

    assertThatThrownBy(() -> client.downloadArtifactsAt("mlflow-artifacts:/1/models/m-gone/artifacts",
        tmp.resolve("m"), TransferListener.NONE)).isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("m-gone");
  }

  @Test
  void downloadArtifactsAt_anotherHost_isRefusedBeforeAnyRequest() {
    assertThatThrownBy(() -> client.downloadArtifactsAt("mlflow-artifacts://elsewhere.example.com:5000/" + MODEL,
        tmp.resolve("a"), TransferListener.NONE)).isInstanceOf(OperationNotSupportedException.class)
        .hasMessageContaining("another server");
    assertThatThrownBy(() -> client.downloadArtifactsAt("http://elsewhere.example.com" + PROXY + "/" + MODEL,
        tmp.resolve("b"), TransferListener.NONE)).isInstanceOf(OperationNotSupportedException.class);
    assertThatThrownBy(() -> client.downloadArtifactsAt("s3://bucket/" + MODEL, tmp.resolve("c"),
        TransferListener.NONE)).isInstanceOf(OperationNotSupportedException.class);
    wm.verify(0, anyRequestedFor(anyUrl()));
  }
}
