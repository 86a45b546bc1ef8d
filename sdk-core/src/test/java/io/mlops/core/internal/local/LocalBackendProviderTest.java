package io.mlops.core.internal.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.ConfigurationException;
import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    assertThat(LocalBackendProvider.toPath("file:./mlruns")).isEqualTo(Paths.get("./mlruns"));
    assertThat(LocalBackendProvider.toPath("file:mlruns")).isEqualTo(Paths.get("mlruns"));
    assertThat(LocalBackendProvider.toPath("file:///data/my%20runs")).isEqualTo(Paths.get("/data/my runs"));
    assertThatThrownBy(() -> LocalBackendProvider.toPath("file://host:bad/x"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("file://host:bad/x");
  }

  @Test
  void unknownScheme_isAConfigurationErrorNamingTheUri() {
    assertThatThrownBy(() -> TrackingClient.create(MlopsConfig.builder().trackingUri("s3://bucket/x").build()))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("s3://bucket/x");
  }

  @Test
  void fileUri_opensAWorkingStore(@TempDir Path dir) {
    try (TrackingClient client = TrackingClient.create(
        MlopsConfig.builder().trackingUri(dir.resolve("runs").toUri().toString()).build())) {
      assertThat(client.getExperiment("0").name()).isEqualTo("Default");
    }
  }
}
