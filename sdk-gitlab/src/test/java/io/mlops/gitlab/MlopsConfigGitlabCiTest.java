package io.mlops.gitlab;

import io.mlops.core.MlopsConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.gitlab.GitlabBackendProvider;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The tracking URI's default inside a GitLab CI job: {@code $CI_API_V4_URL/projects/$CI_PROJECT_ID/ml/mlflow} when
 * no URI is configured and a token is (reference §1 "Tracking URI", §5 "SDK defaults"). The environment is always
 * the builder's map, never the real one.
 */
class MlopsConfigGitlabCiTest {
  private static final String TOKEN = "glpat-secret-token-value";
  private static final String PROJECT_URI = "https://gitlab.example.com/api/v4/projects/42/ml/mlflow";

  /** What a GitLab runner sets for a job of project 42 (GitLab doc/ci/variables/predefined_variables.md). */
  private static Map<String, String> gitlabJob() {
    Map<String, String> env = new HashMap<>();
    env.put("GITLAB_CI", "true");
    env.put("CI", "true");
    env.put("CI_API_V4_URL", "https://gitlab.example.com/api/v4");
    env.put("CI_PROJECT_ID", "42");
    env.put("CI_JOB_ID", "1001");
    return env;
  }

  private static Map<String, String> with(Map<String, String> env, String name, String value) {
    Map<String, String> copy = new HashMap<>(env);
    copy.put(name, value);
    return copy;
  }

  private static Map<String, String> without(Map<String, String> env, String name) {
    Map<String, String> copy = new HashMap<>(env);
    copy.remove(name);
    return copy;
  }

  private static MlopsConfig.Builder isolated(Map<String, String> env) {
    return MlopsConfig.builder().environment(env).systemProperties(new Properties());
  }

  @Test
  void gitlabCiJobWithTokenInEnvironment_defaultsToTheProjectsMlflowApi() {
    MlopsConfig c = isolated(with(gitlabJob(), "MLFLOW_TRACKING_TOKEN", TOKEN)).build();

    assertThat(c.trackingUri()).isEqualTo(PROJECT_URI);
    assertThat(c.token()).contains(TOKEN);
  }

  @Test
  void gitlabCiJobWithTokenFromBuilderOrSystemProperty_defaultsToTheProjectsMlflowApi() {
    assertThat(isolated(gitlabJob()).token(TOKEN).build().trackingUri()).isEqualTo(PROJECT_URI);

    Properties props = new Properties();
    props.setProperty("mlflow.tracking.token", TOKEN);
    assertThat(MlopsConfig.builder().environment(gitlabJob()).systemProperties(props).build().trackingUri())
        .isEqualTo(PROJECT_URI);
  }

  @Test
  void gitlabCiDefault_isServedByTheGitlabBackend() {
    String uri = isolated(gitlabJob()).token(TOKEN).build().trackingUri();

    assertThat(new GitlabBackendProvider().score(uri)).isPositive();
  }

  @Test
  void gitlabCiJobWithoutToken_staysLocal() {
    assertThat(isolated(gitlabJob()).build().trackingUri()).isEqualTo("./mlruns");
    assertThat(isolated(with(gitlabJob(), "MLFLOW_TRACKING_TOKEN", "  ")).build().trackingUri())
        .as("a blank token counts as unset").isEqualTo("./mlruns");
  }

  @Test
  void configuredTrackingUri_winsOverTheGitlabCiDefault() {
    Map<String, String> job = with(gitlabJob(), "MLFLOW_TRACKING_TOKEN", TOKEN);

    assertThat(isolated(with(job, "MLFLOW_TRACKING_URI", "/from/env")).build().trackingUri()).isEqualTo("/from/env");

    Properties props = new Properties();
    props.setProperty("mlflow.tracking.uri", "/from/property");
    assertThat(MlopsConfig.builder().environment(job).systemProperties(props).build().trackingUri())
        .isEqualTo("/from/property");

    assertThat(isolated(job).trackingUri("/from/builder").build().trackingUri()).isEqualTo("/from/builder");
  }

  @Test
  void outsideGitlabCi_staysLocalEvenWithCiVariablesAndToken() {
    Map<String, String> notGitlab = with(without(gitlabJob(), "GITLAB_CI"), "MLFLOW_TRACKING_TOKEN", TOKEN);

    assertThat(isolated(notGitlab).build().trackingUri()).isEqualTo("./mlruns");
    assertThat(isolated(with(notGitlab, "GITLAB_CI", "false")).build().trackingUri()).isEqualTo("./mlruns");
  }

  @Test
  void gitlabCiOnlyAsSystemProperty_doesNotCount() {
    Properties props = new Properties();
    props.setProperty("GITLAB_CI", "true");
    props.setProperty("gitlab.ci", "true");

    MlopsConfig c = MlopsConfig.builder().environment(without(gitlabJob(), "GITLAB_CI")).systemProperties(props)
        .token(TOKEN).build();

    assertThat(c.trackingUri()).isEqualTo("./mlruns");
  }

  @Test
  void missingOrBlankProjectIdOrApiUrl_staysLocal() {
    Map<String, String> job = with(gitlabJob(), "MLFLOW_TRACKING_TOKEN", TOKEN);

    assertThat(isolated(without(job, "CI_PROJECT_ID")).build().trackingUri()).isEqualTo("./mlruns");
    assertThat(isolated(with(job, "CI_PROJECT_ID", "")).build().trackingUri()).isEqualTo("./mlruns");
    assertThat(isolated(without(job, "CI_API_V4_URL")).build().trackingUri()).isEqualTo("./mlruns");
    assertThat(isolated(with(job, "CI_API_V4_URL", " ")).build().trackingUri()).isEqualTo("./mlruns");
  }

  @Test
  void trailingSlashOnApiUrl_isDropped() {
    MlopsConfig c = isolated(with(gitlabJob(), "CI_API_V4_URL", "https://gitlab.example.com/api/v4/"))
        .token(TOKEN).build();

    assertThat(c.trackingUri()).isEqualTo(PROJECT_URI);
  }

  @Test
  void gitlabUnderRelativeUrlRoot_keepsTheRoot() {
    MlopsConfig c = isolated(with(gitlabJob(), "CI_API_V4_URL", "https://example.com/gitlab/api/v4"))
        .token(TOKEN).build();

    assertThat(c.trackingUri()).isEqualTo("https://example.com/gitlab/api/v4/projects/42/ml/mlflow");
  }

  @Test
  void gitlabCiDefault_toStringNeverShowsTheToken() {
    MlopsConfig c = isolated(with(gitlabJob(), "MLFLOW_TRACKING_TOKEN", TOKEN)).build();

    assertThat(c.toString()).contains("tracking_uri=" + PROJECT_URI).contains("tracking_token=****")
        .doesNotContain(TOKEN);
  }

  @Test
  void gitlabCiDefault_survivesToBuilderWithoutReadingTheEnvironmentAgain() {
    MlopsConfig c = isolated(with(gitlabJob(), "MLFLOW_TRACKING_TOKEN", TOKEN)).build();

    MlopsConfig rebuilt = c.toBuilder().environment(Map.of()).systemProperties(new Properties()).build();

    assertThat(rebuilt.trackingUri()).isEqualTo(PROJECT_URI);
    assertThat(rebuilt).isEqualTo(c);
  }
}
