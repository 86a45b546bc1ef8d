package io.mlops.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.MlopsSetting;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ListenerSettingsTest {
  private static ListenerSettings settings(Map<String, String> conf, Map<String, String> env) {
    return ListenerSettings.from(conf, env, new Properties());
  }

  @Test
  void sparkMlopsKeys_mapOntoTheSdksSettings_camelCaseOrDotted() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.mlops.trackingUri", "/data/mlruns");
    conf.put("spark.mlops.experimentName", "etl");
    conf.put("spark.mlops.journal.dir", "/tmp/j");
    conf.put("spark.mlops.httpRequestTimeout", "30");
    conf.put("spark.mlops.runId", "abc");
    conf.put("spark.executor.memory", "4g"); // not ours
    ListenerSettings s = settings(conf, Map.of());
    assertThat(s.config().trackingUri()).isEqualTo("/data/mlruns");
    assertThat(s.config().experimentName()).contains("etl");
    assertThat(s.config().get(MlopsSetting.JOURNAL_DIR)).contains("/tmp/j");
    assertThat(s.config().requestTimeout().getSeconds()).isEqualTo(30);
    assertThat(s.config().candidateId()).contains("abc");
    assertThat(s.refusedKeys()).isEmpty();
  }

  @Test
  void unknownNames_becomeBackendModuleSettings() {
    ListenerSettings s = settings(Map.of("spark.mlops.gitlabMaxFileSize", "10"), Map.of());
    assertThat(s.config().setting("MLOPS_GITLAB_MAX_FILE_SIZE")).contains("10");
  }

  @Test
  void whatTheConfDoesNotSet_comesFromTheEnvironment_andTheConfWins() {
    Map<String, String> env = Map.of("MLFLOW_TRACKING_URI", "http://env:5000", "MLFLOW_EXPERIMENT_NAME", "from-env");
    ListenerSettings s = settings(Map.of("spark.mlops.experimentName", "from-conf"), env);
    assertThat(s.config().trackingUri()).isEqualTo("http://env:5000");
    assertThat(s.config().experimentName()).contains("from-conf");
    assertThat(settings(Map.of(), Map.of()).config().trackingUri()).isEqualTo("./mlruns");
  }

  @Test
  void theListenersOwnKeys() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.mlops.candidateName", " nightly ");
    conf.put("spark.mlops.logConf", "spark.a, spark.b.*,,");
    ListenerSettings s = settings(conf, Map.of());
    assertThat(s.candidateName()).contains("nightly");
    assertThat(s.logConf()).containsExactly("spark.a", "spark.b.*");
    assertThat(s.enabled()).isTrue();
    assertThat(settings(Map.of("spark.mlops.enabled", "FALSE"), Map.of()).enabled()).isFalse();
    assertThat(s.config().setting("MLOPS_CANDIDATE_NAME")).isEmpty(); // not passed on as a setting
  }

  @Test
  void aKeyNoSettingCanBeNamed_isRefusedByName() {
    ListenerSettings s = settings(Map.of("spark.mlops.wéird", "v"), Map.of());
    assertThat(s.refusedKeys()).containsExactly("spark.mlops.wéird");
  }

  @Test
  void settingNames() {
    assertThat(ListenerSettings.settingName("trackingUri")).isEqualTo("TRACKING_URI");
    assertThat(ListenerSettings.settingName("tracking.uri")).isEqualTo("TRACKING_URI");
    assertThat(ListenerSettings.settingName("tracking-uri")).isEqualTo("TRACKING_URI");
    assertThat(ListenerSettings.settingName("MLFLOW_TRACKING_URI")).isEqualTo("MLFLOW_TRACKING_URI");
    assertThat(ListenerSettings.settingName("httpMaxResponseSize")).isEqualTo("HTTP_MAX_RESPONSE_SIZE");
  }
}
