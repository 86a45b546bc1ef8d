package io.mlops.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class MlopsConfigTest {
  private static MlopsConfig.Builder isolated(Map<String, String> env, Properties props) {
    return MlopsConfig.builder().environment(env).systemProperties(props);
  }

  @Test
  void defaultTrackingUriIsLocalMlruns() {
    MlopsConfig c = isolated(Map.of(), new Properties()).build();
    assertThat(c.trackingUri()).isEqualTo("./mlruns");
    assertThat(c.insecureTls()).isFalse();
    assertThat(c.token()).isEmpty();
    assertThat(c.experimentName()).isEmpty();
  }

  @Test
  void builderBeatsSystemPropertyBeatsEnvironment() {
    Properties props = new Properties();
    props.setProperty("mlflow.tracking.uri", "/from/property");
    props.setProperty("mlflow.experiment.name", "prop-exp");
    Map<String, String> env = Map.of("MLFLOW_TRACKING_URI", "/from/env", "MLFLOW_EXPERIMENT_NAME", "env-exp",
        "MLFLOW_RUN_ID", "abc");
    assertThat(isolated(env, new Properties()).build().trackingUri()).isEqualTo("/from/env");
    assertThat(isolated(env, props).build().trackingUri()).isEqualTo("/from/property");
    assertThat(isolated(env, props).trackingUri("/from/builder").build().trackingUri()).isEqualTo("/from/builder");
    assertThat(isolated(env, props).build().experimentName()).contains("prop-exp");
    assertThat(isolated(env, props).build().candidateId()).contains("abc");
  }

  @Test
  void toStringNeverShowsSecrets() {
    MlopsConfig c = isolated(Map.of("MLFLOW_TRACKING_PASSWORD", "hunter2"), new Properties())
        .token("s3cr3t-token").basicAuth("bob", "pa55word").build();
    assertThat(c.toString()).doesNotContain("s3cr3t-token").doesNotContain("pa55word").doesNotContain("hunter2")
        .contains("bob").contains("****");
    assertThat(c.token()).contains("s3cr3t-token");
  }

  @Test
  void insecureTlsMustBeABoolean() {
    assertThat(isolated(Map.of("MLFLOW_TRACKING_INSECURE_TLS", "TRUE"), new Properties()).build().insecureTls())
        .isTrue();
    assertThatThrownBy(() -> isolated(Map.of("MLFLOW_TRACKING_INSECURE_TLS", "yes"), new Properties()).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("MLFLOW_TRACKING_INSECURE_TLS");
  }

  @Test
  void blankEnvironmentValuesCountAsUnset() {
    assertThat(isolated(Map.of("MLFLOW_TRACKING_URI", "  "), new Properties()).build().trackingUri())
        .isEqualTo("./mlruns");
  }

  @Test
  void everySettingHasEnvironmentVariableAndSystemProperty() {
    for (MlopsSetting s : MlopsSetting.values()) {
      assertThat(s.environmentVariable()).matches("(MLFLOW|MLOPS)_[A-Z_]+");
      assertThat(s.systemProperty()).isEqualTo(s.environmentVariable().toLowerCase().replace('_', '.'));
    }
  }

  @Test
  void boundedIoSettings_haveGenerousDefaultsAndResolveFromTheEnvironment() {
    MlopsConfig defaults = MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties()).build();
    assertThat(defaults.maxResponseSize()).isEqualTo(256L << 20);
    assertThat(defaults.minTransferRate()).isEqualTo(1024);
    assertThat(defaults.minRateWindow()).hasSeconds(60);
    assertThat(defaults.maxDownloadSize()).isEqualTo(100_000_000_000L);
    assertThat(defaults.artifactMaxDepth()).isEqualTo(128);
    assertThat(defaults.artifactMaxPathLength()).isEqualTo(4096);
    assertThat(defaults.artifactMaxEntries()).isEqualTo(1_000_000);

    MlopsConfig env = MlopsConfig.builder().systemProperties(new Properties()).environment(Map.of(
        "MLOPS_HTTP_MAX_RESPONSE_SIZE", "1000", "MLOPS_HTTP_MIN_TRANSFER_RATE", "0",
        "MLOPS_ARTIFACT_MAX_DEPTH", "7")).build();
    assertThat(env.maxResponseSize()).isEqualTo(1000);
    assertThat(env.minTransferRate()).isZero();
    assertThat(env.artifactMaxDepth()).isEqualTo(7);
  }

  @Test
  void boundedIoSettings_outOfRange_areConfigurationErrorsNamingTheVariable() {
    for (Map.Entry<String, String> bad : Map.of("MLOPS_HTTP_MAX_RESPONSE_SIZE", "3000000000",
        "MLOPS_HTTP_MIN_TRANSFER_RATE", "-1", "MLOPS_HTTP_MIN_RATE_WINDOW", "0",
        "MLOPS_ARTIFACT_MAX_DOWNLOAD_SIZE", "0", "MLOPS_ARTIFACT_MAX_ENTRIES", "lots").entrySet()) {
      assertThatThrownBy(() -> MlopsConfig.builder().systemProperties(new Properties())
          .environment(Map.of(bad.getKey(), bad.getValue())).build())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining(bad.getKey())
          .hasMessageContaining(bad.getValue());
    }
  }
}
