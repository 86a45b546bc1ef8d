package io.mlops.core.internal.local;

import io.mlops.core.internal.TrackingUris;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.ConfigurationException;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalBackendProviderTest {
  private final LocalBackendProvider provider = new LocalBackendProvider();

  @Test
  void score_claimsPathsAndFileUrisOnly() {
    assertThat(provider.score("./mlruns")).isPositive();
    assertThat(provider.score("/data/mlruns")).isPositive();
    assertThat(provider.score("file:///data/mlruns")).isPositive();
    assertThat(provider.score("file:./mlruns")).isPositive();
    assertThat(provider.score("C:\\mlruns")).isPositive();
    assertThat(provider.score("http://127.0.0.1:5000")).isZero();
    assertThat(provider.score("https://gitlab.example.com/api/v4/projects/1/ml/mlflow")).isZero();
  }

  @Test
  void toPath_acceptsRelativeAndAbsoluteFileUris() {
    assertThat(TrackingUris.localPath("file:./mlruns")).isEqualTo(Paths.get("./mlruns"));
    assertThat(TrackingUris.localPath("file:mlruns")).isEqualTo(Paths.get("mlruns"));
    assertThat(TrackingUris.localPath("file:///data/my%20runs")).isEqualTo(Paths.get("/data/my runs"));
    assertThatThrownBy(() -> TrackingUris.localPath("file://host:bad/x"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("file://host:bad/x");
  }

  @Test
  void unknownScheme_isAConfigurationErrorNamingTheUri() {
    assertThatThrownBy(() -> TrackingClient.create(MlopsConfig.builder().trackingUri("s3://bucket/x").build()))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("s3://bucket/x");
  }

  @ParameterizedTest
  @ValueSource(strings = {"databricks", "Databricks", "databricks://my-profile", "databricks-uc",
      "databricks-uc://my-profile", "uc:", "uc:http://127.0.0.1:8080"})
  void mlflowUrisWeDoNotSupport_areAConfigurationErrorSayingSoAndCreateNoFolder(String uri) {
    assertThat(provider.score(uri)).as("the local store does not claim %s", uri).isZero();
    MlopsConfig config = MlopsConfig.builder().environment(java.util.Map.of())
        .systemProperties(new java.util.Properties()).trackingUri(uri).build();

    assertThatThrownBy(() -> TrackingClient.create(config))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'" + uri + "'")
        .hasMessageContaining("does not support")
        .hasMessageContaining(uri.startsWith("uc:") ? "Unity Catalog" : "Databricks");

    assertThat(Paths.get(uri.replace(':', '_').replace('/', '_'))).doesNotExist();
    assertThat(Paths.get("databricks")).as("no local store in ./databricks").doesNotExist();
    assertThat(Paths.get("databricks-uc")).doesNotExist();
  }

  @Test
  void aFolderNamedDatabricks_isStillLocalWhenWrittenAsAPath(@TempDir Path dir) {
    assertThat(provider.score("./databricks")).isPositive();
    assertThat(provider.score(dir.resolve("databricks").toString())).isPositive();
    assertThat(provider.score("file:./databricks")).isPositive();
  }

  @Test
  void fileUri_opensAWorkingStore(@TempDir Path dir) {
    try (TrackingClient client = TrackingClient.create(
        MlopsConfig.builder().trackingUri(dir.resolve("runs").toUri().toString()).build())) {
      assertThat(client.getExperiment("0").name()).isEqualTo("Default");
    }
  }
}
