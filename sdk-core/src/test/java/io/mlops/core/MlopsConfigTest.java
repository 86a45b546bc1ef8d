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

  @Test
  void moduleSettings_resolveByName_builderBeatsPropertyBeatsEnvironment() {
    Properties props = new Properties();
    props.setProperty("mlops.some.module.limit", "from-property");
    Map<String, String> env = Map.of("MLOPS_SOME_MODULE_LIMIT", "from-env", "MLOPS_OTHER", "env-only",
        "PATH", "/usr/bin", "MLOPS_lower", "not-a-setting-name");

    assertThat(isolated(env, new Properties()).build().setting("MLOPS_SOME_MODULE_LIMIT")).hasValue("from-env");
    MlopsConfig fromProperty = isolated(env, props).build();
    assertThat(fromProperty.setting("MLOPS_SOME_MODULE_LIMIT")).hasValue("from-property");
    assertThat(fromProperty.setting("MLOPS_OTHER")).hasValue("env-only");
    assertThat(fromProperty.setting("PATH")).isEmpty();
    assertThat(fromProperty.setting("MLOPS_MISSING")).isEmpty();
    MlopsConfig explicit = isolated(env, props).set("MLOPS_SOME_MODULE_LIMIT", "from-builder").build();
    assertThat(explicit.setting("MLOPS_SOME_MODULE_LIMIT")).hasValue("from-builder");
    // a core setting by name is the core setting
    assertThat(explicit.setting("MLFLOW_TRACKING_URI")).hasValue("./mlruns");
    assertThat(isolated(env, props).set("MLFLOW_TRACKING_URI", "/x").build().trackingUri()).isEqualTo("/x");
    // toBuilder keeps them when the environment is replaced
    MlopsConfig copy = explicit.toBuilder().environment(Map.of()).systemProperties(new Properties()).build();
    assertThat(copy.setting("MLOPS_SOME_MODULE_LIMIT")).hasValue("from-builder");
    assertThat(copy.setting("MLOPS_OTHER")).hasValue("env-only");
    assertThat(copy).isEqualTo(explicit);
  }

  @Test
  void moduleSettings_needAnMlopsOrMlflowName() {
    for (String bad : new String[] {"GITLAB_CI", "mlops_x", "MLOPS_", "MLOPS_A-B", " MLOPS_A"}) {
      assertThatThrownBy(() -> isolated(Map.of(), new Properties()).set(bad, "1")).as(bad)
          .isInstanceOf(ValidationException.class).hasMessageContaining("MLOPS_");
    }
  }
}
