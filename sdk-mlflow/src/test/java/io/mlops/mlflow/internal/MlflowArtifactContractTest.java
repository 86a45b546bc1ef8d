package io.mlops.mlflow.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.mlops.mlflow.internal.MlflowStubs.API;
import static io.mlops.mlflow.internal.MlflowStubs.EXP_ID;
import static io.mlops.mlflow.internal.MlflowStubs.PROXY;
import static io.mlops.mlflow.internal.MlflowStubs.RUN_ID;
import static io.mlops.mlflow.internal.MlflowStubs.artifactUri;
import static io.mlops.mlflow.internal.MlflowStubs.json;
import static io.mlops.mlflow.internal.MlflowStubs.runsGet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.ArtifactInfo;
import io.mlops.core.MlopsException;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.TrackingClient;
import io.mlops.core.TransportException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Artifacts through the server's proxy ({@code /api/2.0/mlflow-artifacts/artifacts/...}, protocol notes §2): path
 * mapping, raw-byte uploads, listings that cannot escape, downloads that land whole or not at all.
 */
class MlflowArtifactContractTest {
  private static final String ROOT = EXP_ID + "/" + RUN_ID + "/artifacts";

  /**
   * Without gzip: Jetty would compress the downloads OkHttp asks for with {@code Accept-Encoding: gzip} and drop
   * their Content-Length, which the short-body test needs on the wire.
   */
  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1").gzipDisabled(true))
      .build();

  @TempDir
  Path tmp;

  private TrackingClient client;
  private MlflowHttp http;

  @BeforeEach
  void open() {
    client = MlflowStubs.client(MlflowStubs.config(wm).token("tok-artifacts").build(), MlflowStubs.sleeps());
    http = MlflowStubs.http(MlflowStubs.config(wm).build(), MlflowStubs.sleeps());
  }

  @AfterEach
  void close() {
    client.close();
    http.close();
  }

  private static void stubRun(String artifactUri) {
    // runs/get → {run:{info:{artifact_uri}}} (protocol notes §1 RunInfo, §2 artifact_uri forms)
    wm.stubFor(get(urlPathEqualTo(API + "runs/get")).withQueryParam("run_id", equalTo(RUN_ID))
        .willReturn(json(runsGet(RUN_ID, artifactUri))));
  }

  private static void stubListing(String dir, String files) {
    // GET .../mlflow-artifacts/artifacts?path=<dir> → {files[{path (basename), is_dir, file_size}]}
    // (protocol notes §2)
    wm.stubFor(get(urlPathEqualTo(PROXY)).withQueryParam("path", equalTo(dir.isEmpty() ? ROOT : ROOT + "/" + dir))
        .willReturn(json("{\"files\":[" + files + "]}")));
  }

  // ---------------------------------------------------------------- URI mapping

  @Test
  void artifactUriWithoutHost_mapsToItsPathUnderTheProxy() {
    assertThat(MlflowArtifactStore.proxyPath("mlflow-artifacts:/1/" + RUN_ID + "/artifacts"))
        .isEqualTo("1/" + RUN_ID + "/artifacts");
    assertThat(MlflowArtifactStore.proxyPath("mlflow-artifacts:///1/" + RUN_ID + "/artifacts"))
        .isEqualTo("1/" + RUN_ID + "/artifacts");
  }

  @Test
  void artifactUriWithHost_mapsToTheSamePathUnderTheProxy() {
    assertThat(MlflowArtifactStore.proxyPath("mlflow-artifacts://host:5000/1/" + RUN_ID + "/artifacts"))
        .isEqualTo("1/" + RUN_ID + "/artifacts");
  }

  @Test
  void nonProxyArtifactUri_isOperationNotSupportedNamingMlflow() throws IOException {
    stubRun("s3://bucket/x");
    Path file = Files.write(tmp.resolve("a.txt"), "abc".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> client.uploadArtifacts(RUN_ID, file, ""))
        .isInstanceOfSatisfying(OperationNotSupportedException.class, e -> {
          assertThat(e.backend()).contains("MLflow");
          assertThat(e.getMessage()).contains("MLflow", "s3://bucket/x");
        });
    assertThatThrownBy(() -> client.listArtifacts(RUN_ID, ""))
        .isInstanceOf(OperationNotSupportedException.class);
    wm.verify(0, anyRequestedFor(urlPathMatching("/api/2\\.0/mlflow-artifacts/.*")));
  }

  // ---------------------------------------------------------------- upload

  @Test
  void upload_isAPutOfTheRawBytesToTheProxyPath() throws IOException {
    stubRun(artifactUri());
    // PUT .../artifacts/<path> with raw bytes → {} (protocol notes §2, handlers._upload_artifact)
    wm.stubFor(put(urlPathMatching(PROXY + "/.*")).willReturn(json("{}")));
    byte[] bytes = {'a', 'b', 'c', 0, (byte) 0xff, '\n'};
    Path file = Files.write(tmp.resolve("a.txt"), bytes);

    assertThat(client.uploadArtifacts(RUN_ID, file, "dir")).isEqualTo(1);

    wm.verify(1, putRequestedFor(urlEqualTo(PROXY + "/" + ROOT + "/dir/a.txt"))
        .withRequestBody(binaryEqualTo(bytes))
        .withHeader("Content-Type", equalTo("text/plain"))
        .withHeader("Content-Length", equalTo(String.valueOf(bytes.length)))
        .withHeader("Authorization", equalTo("Bearer tok-artifacts")));
  }

  @Test
  void upload_withHostInArtifactUri_goesToTheTrackingServersProxy() throws IOException {
    stubRun("mlflow-artifacts://mlflow.internal:5000/" + ROOT);
    // PUT raw bytes → {} (protocol notes §2)
    wm.stubFor(put(urlPathMatching(PROXY + "/.*")).willReturn(json("{}")));
    Path dir = Files.createDirectories(tmp.resolve("model"));
    Files.write(dir.resolve("MLmodel"), "flavors: {}".getBytes(StandardCharsets.UTF_8));
    Files.write(Files.createDirectories(dir.resolve("data")).resolve("w.bin"), new byte[] {1, 2, 3});

    assertThat(client.uploadArtifacts(RUN_ID, dir, "model")).isEqualTo(2);

    wm.verify(1, putRequestedFor(urlEqualTo(PROXY + "/" + ROOT + "/model/MLmodel")));
    wm.verify(1, putRequestedFor(urlEqualTo(PROXY + "/" + ROOT + "/model/data/w.bin"))
        .withRequestBody(binaryEqualTo(new byte[] {1, 2, 3})));
  }

  @Test
  void upload_percentEncodesEachPathSegment() throws IOException {
    stubRun(artifactUri());
    // PUT .../artifacts/<path> (protocol notes §2); the server URL-decodes the path
    wm.stubFor(put(urlPathMatching(PROXY + "/.*")).willReturn(json("{}")));
    Path file = Files.write(tmp.resolve("a b#c?.txt"), "x".getBytes(StandardCharsets.UTF_8));

    client.uploadArtifacts(RUN_ID, file, "eval results");

    wm.verify(1, putRequestedFor(urlEqualTo(PROXY + "/" + ROOT + "/eval%20results/a%20b%23c%3F.txt")));
  }

  @Test
  void upload_behindABasePath_goesToTheProxyUnderThatPath() throws IOException {
    // the tracking URI's path prefixes the proxy path (mlflow_artifacts_repo.resolve_uri, protocol notes §2)
    wm.stubFor(get(urlPathEqualTo("/mlflow" + API + "runs/get")).willReturn(json(runsGet(RUN_ID, artifactUri()))));
    wm.stubFor(put(urlPathMatching("/mlflow" + PROXY + "/.*")).willReturn(json("{}")));
    Path file = Files.write(tmp.resolve("a.txt"), "abc".getBytes(StandardCharsets.UTF_8));

    try (TrackingClient prefixed = MlflowStubs.client(MlflowStubs.config("http://127.0.0.1:" + wm.getPort()
        + "/mlflow").build(), MlflowStubs.sleeps())) {
      prefixed.uploadArtifacts(RUN_ID, file, "");
    }

    wm.verify(1, putRequestedFor(urlEqualTo("/mlflow" + PROXY + "/" + ROOT + "/a.txt")));
  }

  // ---------------------------------------------------------------- listing

  @Test
  void listing_mapsBaseNamesToPathsUnderTheListedDirectory() {
    stubRun(artifactUri());
    stubListing("dir", "{\"path\":\"a.txt\",\"is_dir\":false,\"file_size\":\"3\"},"
        + "{\"path\":\"sub\",\"is_dir\":true}");

    List<ArtifactInfo> listed = client.listArtifacts(RUN_ID, "dir");

    assertThat(listed).containsExactly(ArtifactInfo.file("dir/a.txt", 3), ArtifactInfo.directory("dir/sub"));
    wm.verify(1, getRequestedFor(urlPathEqualTo(PROXY)).withQueryParam("path", equalTo(ROOT + "/dir")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "../../etc/passwd", "a/../../b", "..", "/etc/passwd", "..\\\\x",
      "1/other-run/artifacts/dir/a.txt"})
  void listing_withANameThatLeavesTheDirectory_isRefusedAndNothingIsWritten(String name) throws IOException {
    stubRun(artifactUri());
    stubListing("", "{\"path\":\"dir\",\"is_dir\":true}");
    stubListing("dir", "{\"path\":\"ok.txt\",\"is_dir\":false,\"file_size\":3},"
        + "{\"path\":\"" + name + "\",\"is_dir\":false,\"file_size\":3}");
    // a download the client must never ask for; answered in case it does, so the test shows what was written
    wm.stubFor(get(urlPathMatching(PROXY + "/.+")).willReturn(aResponse().withStatus(200).withBody("pwn")));
    Path target = Files.createDirectories(tmp.resolve("target"));

    assertThatThrownBy(() -> client.downloadArtifacts(RUN_ID, "dir", target))
        .isInstanceOf(MlopsException.class)
        .hasMessageContaining(name.replace("\\\\", "\\"));

    assertThat(filesUnder(tmp)).as("nothing written anywhere").isEmpty();
    wm.verify(0, getRequestedFor(urlPathMatching(PROXY + "/.+")));
  }

  // ---------------------------------------------------------------- download

  @Test
  void download_shorterThanItsContentLength_failsAndLeavesNoFile() throws IOException {
    stubRun(artifactUri());
    // GET .../artifacts/<path> streams the file (protocol notes §2); here the body stops at 3 of 100 bytes
    wm.stubFor(get(urlPathEqualTo(PROXY + "/" + ROOT + "/model.bin")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/octet-stream").withHeader("Content-Length", "100")
        .withBody("abc")));
    Path dir = Files.createDirectories(tmp.resolve("target"));
    // the store alone: TrackingClient's own check against the listing must not be what catches it
    MlflowArtifactStore store = new MlflowArtifactStore(http, new MlflowRestStore(http));

    assertThatThrownBy(() -> store.downloadFile(RUN_ID, "model.bin", dir.resolve("model.bin")))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("model.bin");

    assertThat(entries(dir)).as("neither the target nor a temporary file").isEmpty();
  }

  @Test
  void download_whoseSizeDiffersFromTheListing_failsAndLeavesNoFile() throws IOException {
    stubRun(artifactUri());
    stubListing("", "{\"path\":\"model.bin\",\"is_dir\":false,\"file_size\":\"100\"}");
    // GET .../artifacts/<path> (protocol notes §2): a complete answer, but not the file the listing announced
    wm.stubFor(get(urlPathEqualTo(PROXY + "/" + ROOT + "/model.bin")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/octet-stream").withBody("abc")));
    Path target = Files.createDirectories(tmp.resolve("target"));

    assertThatThrownBy(() -> client.downloadArtifacts(RUN_ID, "model.bin", target))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("model.bin");

    assertThat(entries(target)).isEmpty();
  }

  @Test
  void download_cutByABrokenChunk_failsAndLeavesNoFile() throws IOException {
    stubRun(artifactUri());
    stubListing("", "{\"path\":\"model.bin\",\"is_dir\":false,\"file_size\":\"100\"}");
    // a chunked download (protocol notes §2: streamed) broken mid-way
    wm.stubFor(get(urlPathEqualTo(PROXY + "/" + ROOT + "/model.bin"))
        .willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
    Path target = Files.createDirectories(tmp.resolve("target"));

    assertThatThrownBy(() -> client.downloadArtifacts(RUN_ID, "model.bin", target))
        .isInstanceOf(TransportException.class);

    assertThat(entries(target)).isEmpty();
  }

  @Test
  void download_writesATemporaryFileThenMovesItIntoPlace() throws IOException {
    byte[] bytes = new byte[700 * 1024];
    new Random(42).nextBytes(bytes);
    stubRun(artifactUri());
    // GET .../artifacts/<path> streams the raw bytes (protocol notes §2)
    wm.stubFor(get(urlPathEqualTo(PROXY + "/" + ROOT + "/model.bin")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/octet-stream").withBody(bytes)));
    Path dir = Files.createDirectories(tmp.resolve("target"));
    Path target = dir.resolve("model.bin");
    List<String> seenWhileRunning = new ArrayList<>();
    MlflowArtifactStore store = new MlflowArtifactStore(http, new MlflowRestStore(http));

    store.downloadFile(RUN_ID, "model.bin", target, (path, done, total) -> {
      if (done == bytes.length) {
        seenWhileRunning.addAll(entries(dir));
      }
    });

    assertThat(seenWhileRunning).as("all bytes are in a temporary file, the target does not exist yet")
        .singleElement().asString().startsWith(".mlops-download-");
    assertThat(entries(dir)).containsExactly("model.bin");
    assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
  }

  @Test
  void download_overAnExistingFile_replacesIt() throws IOException {
    stubRun(artifactUri());
    stubListing("", "{\"path\":\"a.txt\",\"is_dir\":false,\"file_size\":\"3\"}");
    // GET .../artifacts/<path> (protocol notes §2)
    wm.stubFor(get(urlPathEqualTo(PROXY + "/" + ROOT + "/a.txt")).willReturn(aResponse().withStatus(200)
        .withBody("new")));
    Path target = Files.createDirectories(tmp.resolve("target"));
    Files.write(target.resolve("a.txt"), "old content".getBytes(StandardCharsets.UTF_8));

    Path local = client.downloadArtifacts(RUN_ID, "a.txt", target);

    assertThat(local).isEqualTo(target.resolve("a.txt").toAbsolutePath().normalize());
    assertThat(local).hasContent("new");
    assertThat(entries(target)).containsExactly("a.txt");
  }

  private static List<String> entries(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> filesUnder(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(Path::toString).collect(Collectors.toList());
    }
  }
}
