package io.mlops.gitlab.internal;

import io.mlops.gitlab.GitlabBackendProvider;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.mlops.gitlab.internal.GitlabStubs.API;
import static io.mlops.gitlab.internal.GitlabStubs.CANDIDATE_IID;
import static io.mlops.gitlab.internal.GitlabStubs.RUN_ID;
import static io.mlops.gitlab.internal.GitlabStubs.TOKEN;
import static io.mlops.gitlab.internal.GitlabStubs.ok;
import static io.mlops.gitlab.internal.GitlabStubs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.MlopsConfig;
import io.mlops.core.ArtifactInfo;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.TransportException;
import io.mlops.core.PermissionDeniedException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.TrackingClient;
import io.mlops.core.ValidationException;
import io.mlops.core.spi.Backend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Candidate artifacts through GitLab's ml_model package files API (reference §2, GitLab
 * {@code lib/api/ml_model_packages.rb}, {@code doc/api/model_registry.md}).
 */
class GitlabArtifactContractTest {
  @RegisterExtension static WireMockExtension wm = GitlabStubs.server();
  @TempDir Path temp;

  /**
   * The candidate's package root on the tracking URI's host: run_info.rb's artifact_uri path
   * {@code /api/v4/projects/42/packages/ml_models/candidate:<iid>/files/} (reference §2 "Candidates", [RI]).
   */
  private static final String FILES = "/api/v4/projects/42/packages/ml_models/candidate:" + CANDIDATE_IID + "/files/";

  @BeforeEach
  void stubCandidate() {
    // runs/get: GetRun with run_info.rb's artifact_uri (reference §1 [RUNS], §2 [RI])
    wm.stubFor(get(urlPathEqualTo(API + "runs/get")).willReturn(ok(run("RUNNING", "c",
        "{\"metrics\":[],\"params\":[],\"tags\":[]}"))));
  }

  @Test
  void upload_putsRawBytesUnderSubfolderOnTrackingHostWithBearer() throws Exception {
    // PUT .../files/(*path/):file_name answers 201 (reference §2 "Package files API", [PKG] ml_model_packages.rb);
    // a raw body, as Workhorse's requestBodyUploader takes it for packages/ml_models (MR 138787 [I138787])
    wm.stubFor(put(urlEqualTo(FILES + "model/weights.bin")).willReturn(aResponse().withStatus(201)
        .withBody("{\"message\":\"201 Created\"}")));
    Path file = Files.write(temp.resolve("weights.bin"), "0123456789".getBytes(StandardCharsets.UTF_8));

    try (TrackingClient client = GitlabStubs.client(wm)) {
      assertThat(client.uploadArtifacts(RUN_ID, file, "model")).isEqualTo(1);
    }

    wm.verify(putRequestedFor(urlEqualTo(FILES + "model/weights.bin"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withRequestBody(binaryEqualTo("0123456789".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void upload_overTheFileSizeLimit_isRefusedBeforeUpload() throws Exception {
    // GitLab refuses files over ml_model_max_file_size, "Artifact file is too large" (reference §2 "Size limits",
    // [LIM] instance_limits.md, [PKG]); the store refuses before sending. A 10-byte limit stands for 5 GB here.
    Path file = Files.write(temp.resolve("big.bin"), new byte[11]);

    try (TrackingClient client = GitlabStubs.client(wm, 10)) {
      assertThatThrownBy(() -> client.uploadArtifacts(RUN_ID, file, ""))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("GitLab").hasMessageContaining("11 bytes").hasMessageContaining("up to 10 bytes");
    }
    wm.verify(0, putRequestedFor(anyUrl()));
  }

  @Test
  void defaultFileSizeLimit_isTheDocumented5Gb() {
    assertThat(GitlabArtifactStore.DEFAULT_MAX_FILE_SIZE).isEqualTo(5_000_000_000L);
  }

  @Test
  void upload_ofNameGitlabRefuses_isRefusedBeforeUpload() throws Exception {
    // File-name rule [A-Za-z0-9._\-+ ]+ (reference §2, [RGX] lib/gitlab/regex.rb)
    Path file = Files.write(temp.resolve("model@v1.bin"), new byte[1]);

    try (TrackingClient client = GitlabStubs.client(wm)) {
      assertThatThrownBy(() -> client.uploadArtifacts(RUN_ID, file, ""))
          .isInstanceOf(ValidationException.class).hasMessageContaining("GitLab").hasMessageContaining("'@'");
    }
    wm.verify(0, anyRequestedFor(anyUrl()));
    GitlabArtifactStore.checkName("dir one/model-1.0+cpu_v2.bin"); // every allowed character passes
  }

  @Test
  void upload_withReadOnlyToken_isPermissionDenied() throws Exception {
    // The package API refuses a write without the api scope with 403 (reference §1 "Authentication";
    // lib/api/helpers.rb forbidden! renders {"message":"403 Forbidden"})
    wm.stubFor(put(urlEqualTo(FILES + "a.txt")).willReturn(GitlabStubs.forbidden()));
    Path file = Files.write(temp.resolve("a.txt"), new byte[] {1});

    try (TrackingClient client = GitlabStubs.client(wm)) {
      assertThatThrownBy(() -> client.uploadArtifacts(RUN_ID, file, ""))
          .isInstanceOf(PermissionDeniedException.class);
    }
  }

  @Test
  void list_readsGitlabsFlatEncodedListing_andRebuildsFolders() {
    // GET mlflow-artifacts/artifacts?path=candidate:<iid> lists the package flat, each file name as GitLab stores
    // it, URI.encode_uri_component(path/file) (lib/api/ml/mlflow_artifacts/artifacts.rb,
    // app/services/packages/ml_model/create_package_file_service.rb)
    wm.stubFor(get(urlPathEqualTo(GitlabStubs.PROJECT + "/api/2.0/mlflow-artifacts/artifacts"))
        .withQueryParam("path", equalTo("candidate:" + GitlabStubs.CANDIDATE_IID))
        .willReturn(GitlabStubs.ok("{\"files\":[{\"path\":\"model%2Fsub%2Fw.bin\",\"file_size\":3,\"is_dir\":false},"
            + "{\"path\":\"model%2Fa%20b%2B.txt\",\"file_size\":2,\"is_dir\":false},"
            + "{\"path\":\"notes.txt\",\"file_size\":5,\"is_dir\":false}]}")));

    try (TrackingClient client = GitlabStubs.client(wm)) {
      assertThat(client.listArtifacts(RUN_ID, "")).containsExactly(ArtifactInfo.directory("model"),
          ArtifactInfo.file("notes.txt", 5));
      assertThat(client.listArtifacts(RUN_ID, "model")).containsExactly(ArtifactInfo.file("model/a b+.txt", 2),
          ArtifactInfo.directory("model/sub"));
    }
  }

  @Test
  void list_ofAnEscapingPath_isRefused() {
    wm.stubFor(get(urlPathEqualTo(GitlabStubs.PROJECT + "/api/2.0/mlflow-artifacts/artifacts"))
        .willReturn(GitlabStubs.ok("{\"files\":[{\"path\":\"..%2F..%2Fetc%2Fpasswd\",\"file_size\":3}]}")));

    try (TrackingClient client = GitlabStubs.client(wm)) {
      assertThatThrownBy(() -> client.listArtifacts(RUN_ID, "")).isInstanceOf(TransportException.class)
          .hasMessageContaining("leaves");
    }
  }

  @Test
  void storeDownload_getsTheFileAndMapsMissingToNotFound() throws Exception {
    // GET .../files/(*path/):file_name streams the file; an unknown file is 404 (reference §2, [PKG])
    wm.stubFor(get(urlEqualTo(FILES + "sub/a.txt")).willReturn(aResponse().withStatus(200).withBody("hello")));
    wm.stubFor(get(urlEqualTo(FILES + "missing.txt")).willReturn(aResponse().withStatus(404)
        .withBody("{\"message\":\"404 Not found\"}")));
    MlopsConfig config = GitlabStubs.config(wm);
    try (Backend backend = new GitlabBackendProvider().open(config)) {
      Path target = temp.resolve("out/a.txt");
      backend.artifactStore().downloadFile(RUN_ID, "sub/a.txt", target);

      assertThat(Files.readString(target)).isEqualTo("hello");
      assertThatThrownBy(() -> backend.artifactStore().downloadFile(RUN_ID, "missing.txt", temp.resolve("m")))
          .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("missing.txt");
    }
  }

  @Test
  void download_ofAFileListedWithoutASize_works() throws Exception {
    // GET mlflow-artifacts/artifacts?path=<package> lists the package flat (reference §2); no file_size here
    wm.stubFor(get(urlPathEqualTo(GitlabStubs.PROJECT + "/api/2.0/mlflow-artifacts/artifacts"))
        .willReturn(GitlabStubs.ok("{\"files\":[{\"path\":\"a.txt\",\"is_dir\":false}]}")));
    wm.stubFor(get(urlEqualTo(FILES + "a.txt")).willReturn(aResponse().withStatus(200).withBody("hello")));

    try (TrackingClient client = GitlabStubs.client(wm)) {
      Path local = client.downloadArtifacts(RUN_ID, "a.txt", temp.resolve("out"));

      assertThat(local).hasContent("hello");
    }
  }

  @Test
  void download_longerThanListed_stopsWithLimitExceededAndLeavesNoFile() throws Exception {
    wm.stubFor(get(urlPathEqualTo(GitlabStubs.PROJECT + "/api/2.0/mlflow-artifacts/artifacts"))
        .willReturn(GitlabStubs.ok("{\"files\":[{\"path\":\"a.txt\",\"file_size\":2,\"is_dir\":false}]}")));
    wm.stubFor(get(urlEqualTo(FILES + "a.txt")).willReturn(aResponse().withStatus(200).withBody("hello")));
    Path out = Files.createDirectories(temp.resolve("out"));

    try (TrackingClient client = GitlabStubs.client(wm)) {
      assertThatThrownBy(() -> client.downloadArtifacts(RUN_ID, "a.txt", out))
          .isInstanceOf(io.mlops.core.LimitExceededException.class).hasMessageContaining("a.txt");
    }
    try (java.util.stream.Stream<Path> left = Files.list(out)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void packageRoot_keepsTrackingOriginAndRelativeRoot_andRefusesLegacyGenericPackages() {
    HttpUrl base = HttpUrl.get("https://proxy.internal:8443/gitlab/api/v4/projects/group%2Fproj/ml/mlflow");

    HttpUrl root = GitlabArtifactStore.packageRoot(base,
        "https://gitlab.example.com/gitlab/api/v4/projects/42/packages/ml_models/candidate:7/files/", RUN_ID);

    assertThat(root.toString())
        .isEqualTo("https://proxy.internal:8443/gitlab/api/v4/projects/42/packages/ml_models/candidate:7/files");
    // run_info.rb's legacy generic format (reference §2 "Candidates")
    assertThatThrownBy(() -> GitlabArtifactStore.packageRoot(base,
        "https://gitlab.example.com/api/v4/projects/42/packages/generic/ml_experiment_1/7/", RUN_ID))
        .isInstanceOf(OperationNotSupportedException.class).hasMessageContaining("GitLab");
  }
}
