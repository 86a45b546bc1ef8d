package io.mlops.gitlab.internal;

import io.mlops.core.MlopsSetting;
import io.mlops.gitlab.GitlabSettings;
import io.mlops.gitlab.GitlabBackendProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.ConfigurationException;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TransportException;
import io.mlops.core.ValidationException;
import io.mlops.core.spi.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code MLOPS_GITLAB_MAX_FILE_SIZE}: the per-file artifact limit a GitLab backend enforces before sending
 * anything. GitLab documents 5 GB per file; the plan limit {@code ml_model_max_file_size} defaults to 10 GiB and an
 * administrator may change it (reference §2 "Size limits", [MR], [LIM]).
 *
 * <p>The tracking URI points at port 1 on the loopback, where nothing listens, and retries are off: a store that
 * reached the network would fail at once with {@link TransportException} instead of the expected
 * {@link ValidationException}.
 */
class GitlabMaxFileSizeSettingTest {
  private static final String UNREACHABLE = "http://127.0.0.1:1/api/v4/projects/42/ml/mlflow";
  private static final String RUN_ID = "5f1e2d3c-4b5a-4968-8776-655443322110";

  @TempDir Path temp;

  private static MlopsConfig.Builder isolated(Map<String, String> env) {
    return MlopsConfig.builder().environment(env).systemProperties(new Properties())
        .trackingUri(UNREACHABLE).token("glpat-test-token")
        .set(MlopsSetting.HTTP_REQUEST_MAX_RETRIES, "0")
        .set(MlopsSetting.HTTP_CONNECT_TIMEOUT, "2");
  }

  @Test
  void limitFromEnvironment_refusesALargerFileBeforeAnyNetworkCall() throws Exception {
    MlopsConfig config = isolated(Map.of("MLOPS_GITLAB_MAX_FILE_SIZE", "10")).build();
    Path file = Files.write(temp.resolve("model.bin"), new byte[11]);

    try (Backend backend = new GitlabBackendProvider().open(config)) {
      assertThatThrownBy(() -> backend.artifactStore().uploadFile(RUN_ID, file, "model.bin"))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("11 bytes").hasMessageContaining("up to 10 bytes");
    }
  }

  @Test
  void limitFromBuilder_refusesALargerFileBeforeAnyNetworkCall() throws Exception {
    MlopsConfig config = isolated(Map.of()).set(GitlabSettings.MAX_FILE_SIZE, "10").build();
    Path file = Files.write(temp.resolve("model.bin"), new byte[11]);

    try (Backend backend = new GitlabBackendProvider().open(config)) {
      assertThatThrownBy(() -> backend.artifactStore().uploadFile(RUN_ID, file, "model.bin"))
          .isInstanceOf(ValidationException.class).hasMessageContaining("up to 10 bytes");
    }
  }

  @Test
  void fileWithinTheConfiguredLimit_passesTheSizeCheck() throws Exception {
    // 11 bytes under a 100-byte limit: the store goes on to resolve the candidate, which fails on the closed port
    MlopsConfig config = isolated(Map.of("MLOPS_GITLAB_MAX_FILE_SIZE", "100")).build();
    Path file = Files.write(temp.resolve("model.bin"), new byte[11]);

    try (Backend backend = new GitlabBackendProvider().open(config)) {
      assertThatThrownBy(() -> backend.artifactStore().uploadFile(RUN_ID, file, "model.bin"))
          .isInstanceOf(TransportException.class);
    }
  }

  @Test
  void explicitProviderLimit_winsOverTheConfiguration() throws Exception {
    MlopsConfig config = isolated(Map.of("MLOPS_GITLAB_MAX_FILE_SIZE", "1000")).build();
    Path file = Files.write(temp.resolve("model.bin"), new byte[11]);

    try (Backend backend = new GitlabBackendProvider(10).open(config)) {
      assertThatThrownBy(() -> backend.artifactStore().uploadFile(RUN_ID, file, "model.bin"))
          .isInstanceOf(ValidationException.class).hasMessageContaining("up to 10 bytes");
    }
  }

  @Test
  void defaultSetting_isTheStoresDocumented5Gb() {
    assertThat(GitlabSettings.DEFAULT_MAX_FILE_SIZE).isEqualTo(GitlabArtifactStore.DEFAULT_MAX_FILE_SIZE);
    assertThat(GitlabSettings.maxFileSize(isolated(Map.of()).build())).isEqualTo(5_000_000_000L);
  }

  @Test
  void limitAbove2Gib_isAccepted() {
    // ml_model_max_file_size's own default, 10 GiB (reference §2 [LIM]), does not fit in an int
    assertThat(GitlabSettings.maxFileSize(isolated(Map.of("MLOPS_GITLAB_MAX_FILE_SIZE", " 10737418240 ")).build()))
        .isEqualTo(10_737_418_240L);
  }

  @Test
  void invalidLimit_isAConfigurationErrorNamingTheVariable() {
    for (String bad : new String[] {"abc", "0", "-1", "5GB", "1.5", "99999999999999999999"}) {
      Map<String, String> env = new HashMap<>();
      env.put("MLOPS_GITLAB_MAX_FILE_SIZE", bad);

      MlopsConfig config = isolated(env).build();
      assertThatThrownBy(() -> GitlabSettings.maxFileSize(config)).as(bad)
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("MLOPS_GITLAB_MAX_FILE_SIZE").hasMessageContaining(bad);
    }
    // the backend refuses it when it opens, before any request
    MlopsConfig zero = isolated(Map.of()).set(GitlabSettings.MAX_FILE_SIZE, "0").build();
    assertThatThrownBy(() -> new GitlabBackendProvider().open(zero))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("MLOPS_GITLAB_MAX_FILE_SIZE");
  }
}
