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
}
