package io.mlops.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A version's source compared with its run's artifact root as MLflow's server compares them
 * ({@code _is_uri_within_root}), the artifact proxy's two spellings being one store.
 */
class ArtifactLocationTest {
  private static final String SERVER = "127.0.0.1:5124";
  private static final String RUN = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
  private static final String ROOT = "mlflow-artifacts:/1/" + RUN + "/artifacts";

  private static String relative(String source, String root) {
    return ArtifactLocation.parse(source).relativeTo(ArtifactLocation.parse(root), SERVER).orElse("<outside>");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "mlflow-artifacts:/1/" + RUN + "/artifacts/model, model",
      "mlflow-artifacts:/1/" + RUN + "/artifacts, ''",
      "mlflow-artifacts:///1/" + RUN + "/artifacts/model/conf, model/conf",
      "mlflow-artifacts://127.0.0.1:5124/1/" + RUN + "/artifacts/model, model",
      "http://127.0.0.1:5124/api/2.0/mlflow-artifacts/artifacts/1/" + RUN + "/artifacts/model, model",
      "HTTP://127.0.0.1:5124/api/2.0/mlflow-artifacts/artifacts/1/" + RUN + "/artifacts/my%20model, my model",
      "http://127.0.0.1:5124/api/2.0/mlflow-artifacts/artifacts/1/" + RUN + "/artifacts/a+b, a+b",
      "mlflow-artifacts:/1/" + RUN + "/artifactsX/model, <outside>",
      "mlflow-artifacts:/1/" + RUN + "x/artifacts/model, <outside>",
      "mlflow-artifacts:/1/models/m-0123/artifacts, <outside>",
      "mlflow-artifacts://10.0.0.9:5000/1/" + RUN + "/artifacts/model, <outside>",
      "http://other.example.com/api/2.0/mlflow-artifacts/artifacts/1/" + RUN + "/artifacts/model, <outside>",
      "s3://bucket/1/" + RUN + "/artifacts/model, <outside>",
  })
  void proxySources_areInsideTheRunsRoot_onTheTrackingServerOnly(String source, String expected) {
    assertThat(relative(source, ROOT)).isEqualTo(expected);
  }

  @Test
  void aProxyUrlWithAPathPrefix_isTheProxy() {
    assertThat(relative("https://mlflow.example.com/team/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/m",
        "mlflow-artifacts://mlflow.example.com:443/1/r/artifacts")).isEqualTo("m");
  }

  @Test
  void fileSources_compareByPath_withOrWithoutTheScheme() {
    String root = "file:///tmp/mlruns/0/" + RUN + "/artifacts";
    assertThat(relative("file:///tmp/mlruns/0/" + RUN + "/artifacts/model", root)).isEqualTo("model");
    assertThat(relative("/tmp/mlruns/0/" + RUN + "/artifacts/model", root)).isEqualTo("model");
    assertThat(relative("file://localhost/tmp/mlruns/0/" + RUN + "/artifacts/model", root)).isEqualTo("model");
    assertThat(relative("file:///tmp/mlruns/0/other/artifacts/model", root)).isEqualTo("<outside>");
    assertThat(relative("mlflow-artifacts:/tmp/mlruns/0/" + RUN + "/artifacts/model", root)).isEqualTo("<outside>");
  }

  @Test
  void withoutAnHttpTrackingServer_onlyExplicitHostsMatch() {
    ArtifactLocation source = ArtifactLocation.parse("mlflow-artifacts:/1/r/artifacts/model");
    assertThat(source.relativeTo(ArtifactLocation.parse("mlflow-artifacts:/1/r/artifacts"), "")).hasValue("model");
    assertThat(source.onTrackingServer("")).isFalse();
    assertThat(source.onTrackingServer(SERVER)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlflow-artifacts:/1/r/artifacts/../../2/s/artifacts",
      "http://127.0.0.1:5124/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/%2e%2e/x", "file:///tmp/a/./b",
      "/tmp/a/%2E%2E/b"})
  void relativeSegments_areRefused(String source) {
    assertThatThrownBy(() -> ArtifactLocation.parse(source))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("source-escapes"));
  }
}
