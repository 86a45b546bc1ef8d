package io.mlops.mlflow.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
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

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.LimitExceededException;
import io.mlops.core.MlopsConfig;
import io.mlops.core.MlopsSetting;
import io.mlops.core.SerializationException;
import io.mlops.core.TrackingClient;
import io.mlops.core.TransportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broken or hostile MLflow server cannot make the client write, read or wait without bound: downloads stop at
 * the size the listing announced (or the configured maximum), trickling transfers are abandoned below the minimum
 * rate, JSON answers are capped, recursive listings are bounded in depth, path length and entries. Every failure
 * is typed, names its limit and leaves no file in the target.
 */
class MlflowBoundedIoContractTest {
  private static final String ROOT = EXP_ID + "/" + RUN_ID + "/artifacts";

  /** Without gzip, so that Content-Length is what the stub says (see MlflowArtifactContractTest). */
  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1").gzipDisabled(true))
      .build();

  @TempDir
  Path tmp;

  private TrackingClient client(MlopsConfig.Builder config) {
    return MlflowStubs.client(config.build(), MlflowStubs.sleeps());
  }

  private static MlopsConfig.Builder config() {
    return MlflowStubs.config(wm);
  }

  private static void stubRun() {
    // runs/get → {run:{info:{artifact_uri}}} (protocol notes §1 RunInfo, §2 artifact_uri forms)
    wm.stubFor(get(urlPathEqualTo(API + "runs/get")).withQueryParam("run_id", equalTo(RUN_ID))
        .willReturn(json(runsGet(RUN_ID, artifactUri()))));
  }

  private static void stubListing(String dir, String files) {
    // GET .../mlflow-artifacts/artifacts?path=<dir> → {files[{path (basename), is_dir, file_size}]} (§2)
    wm.stubFor(get(urlPathEqualTo(PROXY)).withQueryParam("path", equalTo(dir.isEmpty() ? ROOT : ROOT + "/" + dir))
        .willReturn(json("{\"files\":[" + files + "]}")));
  }

  // ---------------------------------------------------------------- download size

  @Test
  void download_longerThanTheListingAnnounced_stopsAtOnceWithLimitExceededAndLeavesNoFile() throws IOException {
    stubRun();
    stubListing("", "{\"path\":\"model.bin\",\"is_dir\":false,\"file_size\":\"10\"}");
    // GET .../artifacts/<path> streams the file (§2); this one goes on for 3 MB past the 10 bytes listed,
    // chunked, so no Content-Length warns in advance
    byte[] body = new byte[3 << 20];
    wm.stubFor(get(urlPathEqualTo(PROXY + "/" + ROOT + "/model.bin")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/octet-stream").withBody(body).withChunkedDribbleDelay(3, 30)));
    Path target = Files.createDirectories(tmp.resolve("target"));
    List<Long> progress = new CopyOnWriteArrayList<>();

    try (TrackingClient client = client(config())) {
      assertThatThrownBy(() -> client.downloadArtifacts(RUN_ID, "model.bin", target,
          (path, done, total) -> progress.add(done)))
          .isInstanceOfSatisfying(LimitExceededException.class, e -> {
            assertThat(e.limit()).isEqualTo(10);
            assertThat(e.setting()).isEmpty();
            assertThat(e.getMessage()).contains("model.bin", "10 bytes");
          });
    }

    assertThat(progress).as("no byte past the listed size was taken in").allMatch(done -> done <= 10);
    assertThat(entries(target)).as("neither the target nor a temporary file").isEmpty();
  }

  @Test
  void download_whoseContentLengthExceedsTheListing_failsBeforeReadingTheBody() throws IOException {
    stubRun();
    stubListing("", "{\"path\":\"model.bin\",\"is_dir\":false,\"file_size\":3}");
    wm.stubFor(get(urlPathEqualTo(PROXY + "/" + ROOT + "/model.bin")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/octet-stream").withHeader("Content-Length", "1048576")
        .withBody(new byte[1 << 20])));
    Path target = Files.createDirectories(tmp.resolve("target"));
    List<Long> progress = new CopyOnWriteArrayList<>();

    try (TrackingClient client = client(config())) {
      assertThatThrownBy(() -> client.downloadArtifacts(RUN_ID, "model.bin", target,
          (path, done, total) -> progress.add(done)))
          .isInstanceOf(LimitExceededException.class)
          .hasMessageContaining("1048576");
    }

    assertThat(progress).isEmpty();
    assertThat(entries(target)).isEmpty();
  }

  @Test
  void download_ofUnknownSize_isBoundedByTheConfiguredMaximum() throws IOException {
    stubRun();
    // chunked: neither a listing nor a Content-Length gives the size
    wm.stubFor(get(urlPathEqualTo(PROXY + "/" + ROOT + "/model.bin")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/octet-stream").withBody(new byte[5000])
        .withChunkedDribbleDelay(5, 20)));
    Path dir = Files.createDirectories(tmp.resolve("target"));
    try (MlflowHttp http = MlflowStubs.http(config().set(MlopsSetting.ARTIFACT_MAX_DOWNLOAD_SIZE, "1000").build(),
        MlflowStubs.sleeps())) {
      MlflowArtifactStore store = new MlflowArtifactStore(http, new MlflowRestStore(http));

      assertThatThrownBy(() -> store.downloadFile(RUN_ID, "model.bin", dir.resolve("model.bin")))
          .isInstanceOfSatisfying(LimitExceededException.class, e -> {
            assertThat(e.limit()).isEqualTo(1000);
            assertThat(e.setting()).contains(MlopsSetting.ARTIFACT_MAX_DOWNLOAD_SIZE);
            assertThat(e.getMessage()).contains("MLOPS_ARTIFACT_MAX_DOWNLOAD_SIZE", "1000");
          });
    }

    assertThat(entries(dir)).isEmpty();
  }

  // ---------------------------------------------------------------- trickle

  @Test
  void download_thatTrickles_isAbandonedBelowTheMinimumRateAndLeavesNoFile() throws IOException {
    stubRun();
    stubListing("", "{\"path\":\"model.bin\",\"is_dir\":false,\"file_size\":200}");
    // 200 bytes in 100 chunks over 60 s: each read returns long before the 5 s read timeout, so only a rate
    // check ends it
    wm.stubFor(get(urlPathEqualTo(PROXY + "/" + ROOT + "/model.bin")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/octet-stream").withBody(new byte[200])
        .withChunkedDribbleDelay(100, 60_000)));
    Path target = Files.createDirectories(tmp.resolve("target"));

    try (TrackingClient client = client(config().set(MlopsSetting.HTTP_MIN_TRANSFER_RATE, "1000")
        .set(MlopsSetting.HTTP_MIN_RATE_WINDOW, "1"))) {
      assertThatThrownBy(() -> client.downloadArtifacts(RUN_ID, "model.bin", target))
          .isInstanceOf(TransportException.class)
          .hasMessageContaining("model.bin")
          .hasMessageContaining("MLOPS_HTTP_MIN_TRANSFER_RATE=1000");
    }

    assertThat(entries(target)).as("no temporary file left behind").isEmpty();
  }

  // ---------------------------------------------------------------- JSON size

  @Test
  void jsonAnswer_largerThanTheCap_isLimitExceededAndNotRetried() {
    char[] pad = new char[5000];
    Arrays.fill(pad, 'x');
    // a runs/get answer (§1) padded past the 1000 bytes allowed
    wm.stubFor(get(urlPathEqualTo(API + "runs/get")).willReturn(json("{\"run\":{\"info\":{\"run_id\":\"" + RUN_ID
        + "\",\"run_name\":\"" + new String(pad) + "\"}}}")));

    try (TrackingClient client = client(config().set(MlopsSetting.HTTP_MAX_RESPONSE_SIZE, "1000"))) {
      assertThatThrownBy(() -> client.getCandidate(RUN_ID))
          .isInstanceOfSatisfying(LimitExceededException.class, e -> {
            assertThat(e).isInstanceOf(SerializationException.class);
            assertThat(e.limit()).isEqualTo(1000);
            assertThat(e.setting()).contains(MlopsSetting.HTTP_MAX_RESPONSE_SIZE);
            assertThat(e.getMessage()).contains("MLOPS_HTTP_MAX_RESPONSE_SIZE", "1000", "runs/get");
          });
    }
    wm.verify(1, getRequestedFor(urlPathEqualTo(API + "runs/get")));
  }

  @Test
  void jsonAnswer_chunkedWithoutLength_isCutAtTheCap() {
    char[] pad = new char[50_000];
    Arrays.fill(pad, ' ');
    wm.stubFor(get(urlPathEqualTo(API + "runs/get")).willReturn(json("{\"run\":" + runsGet(RUN_ID, artifactUri())
        + new String(pad) + "}").withChunkedDribbleDelay(10, 10)));

    try (TrackingClient client = client(config().set(MlopsSetting.HTTP_MAX_RESPONSE_SIZE, "4096"))) {
      assertThatThrownBy(() -> client.getCandidate(RUN_ID))
          .isInstanceOf(LimitExceededException.class)
          .hasMessageContaining("4096");
    }
  }

  @Test
  void jsonAnswer_withinTheCap_isParsed() {
    stubRun();
    try (TrackingClient client = client(config().set(MlopsSetting.HTTP_MAX_RESPONSE_SIZE, "4096"))) {
      assertThat(client.getCandidate(RUN_ID).id()).isEqualTo(RUN_ID);
    }
  }

  // ---------------------------------------------------------------- recursive listings

  @Test
  void listing_thatRecursesForever_endsAtTheDepthLimit() {
    stubRun();
    // every folder a/a/.../a lists one more folder "a" inside it (§2 listing shape), forever
    wm.stubFor(get(urlPathEqualTo(PROXY)).withQueryParam("path", matching(ROOT + "(/a)*"))
        .willReturn(json("{\"files\":[{\"path\":\"a\",\"is_dir\":true}]}")));

    try (TrackingClient client = client(config().set(MlopsSetting.ARTIFACT_MAX_DEPTH, "10"))) {
      assertThatThrownBy(() -> client.listArtifactsRecursively(RUN_ID, ""))
          .isInstanceOfSatisfying(LimitExceededException.class, e -> {
            assertThat(e.limit()).isEqualTo(10);
            assertThat(e.setting()).contains(MlopsSetting.ARTIFACT_MAX_DEPTH);
            assertThat(e.getMessage()).contains("MLOPS_ARTIFACT_MAX_DEPTH", "10", "a/a/a");
          });
    }
    wm.verify(11, getRequestedFor(urlPathEqualTo(PROXY)));
  }

  @Test
  void listing_thatRecursesForever_withDefaultLimits_endsWithLimitExceeded() throws IOException {
    stubRun();
    wm.stubFor(get(urlPathEqualTo(PROXY)).withQueryParam("path", matching(ROOT + "(/a)*"))
        .willReturn(json("{\"files\":[{\"path\":\"a\",\"is_dir\":true}]}")));
    Path target = Files.createDirectories(tmp.resolve("target"));

    try (TrackingClient client = client(config())) {
      assertThatThrownBy(() -> client.downloadArtifacts(RUN_ID, "", target))
          .isInstanceOf(LimitExceededException.class)
          .hasMessageContaining("MLOPS_ARTIFACT_MAX_DEPTH");
    }
    assertThat(entries(target)).isEmpty();
  }

  @Test
  void listing_withTooManyEntries_isLimitExceeded() {
    stubRun();
    String files = Stream.iterate(0, i -> i + 1).limit(30)
        .map(i -> "{\"path\":\"f" + i + ".txt\",\"is_dir\":false,\"file_size\":1}").collect(Collectors.joining(","));
    stubListing("", files);

    try (TrackingClient client = client(config().set(MlopsSetting.ARTIFACT_MAX_ENTRIES, "20"))) {
      assertThatThrownBy(() -> client.listArtifactsRecursively(RUN_ID, ""))
          .isInstanceOfSatisfying(LimitExceededException.class, e -> {
            assertThat(e.setting()).contains(MlopsSetting.ARTIFACT_MAX_ENTRIES);
            assertThat(e.getMessage()).contains("MLOPS_ARTIFACT_MAX_ENTRIES", "20");
          });
    }
  }

  @Test
  void listing_withAPathTooLong_isLimitExceeded() {
    stubRun();
    char[] name = new char[80];
    Arrays.fill(name, 'n');
    stubListing("", "{\"path\":\"d\",\"is_dir\":true}");
    stubListing("d", "{\"path\":\"" + new String(name) + "\",\"is_dir\":false,\"file_size\":1}");

    try (TrackingClient client = client(config().set(MlopsSetting.ARTIFACT_MAX_PATH_LENGTH, "50"))) {
      assertThatThrownBy(() -> client.listArtifactsRecursively(RUN_ID, ""))
          .isInstanceOfSatisfying(LimitExceededException.class, e -> {
            assertThat(e.setting()).contains(MlopsSetting.ARTIFACT_MAX_PATH_LENGTH);
            assertThat(e.getMessage()).contains("MLOPS_ARTIFACT_MAX_PATH_LENGTH", "50", "82");
          });
    }
  }

  @Test
  void listing_withinTheLimits_isWalkedInOrder() {
    stubRun();
    stubListing("", "{\"path\":\"a.txt\",\"is_dir\":false,\"file_size\":1},{\"path\":\"d\",\"is_dir\":true},"
        + "{\"path\":\"z.txt\",\"is_dir\":false,\"file_size\":2}");
    stubListing("d", "{\"path\":\"b.txt\",\"is_dir\":false,\"file_size\":3},{\"path\":\"e\",\"is_dir\":true}");
    stubListing("d/e", "{\"path\":\"c.txt\",\"is_dir\":false,\"file_size\":4}");

    try (TrackingClient client = client(config().set(MlopsSetting.ARTIFACT_MAX_DEPTH, "3"))) {
      assertThat(client.listArtifactsRecursively(RUN_ID, "")).extracting(a -> a.path())
          .containsExactly("a.txt", "d/b.txt", "d/e/c.txt", "z.txt");
    }
  }

  private static List<String> entries(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
