package io.mlops.gitlab;

import io.mlops.core.MlopsConfig;
import io.mlops.gitlab.internal.GitlabBackends;
import io.mlops.gitlab.internal.GitlabCiDefault;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.BackendProvider;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.regex.Pattern;

/**
 * GitLab's model experiments for tracking URIs {@code <gitlab>/api/v4/projects/<id or url-encoded path>/ml/mlflow}
 * (reference §1, GitLab {@code doc/user/project/ml/experiment_tracking/mlflow_client.md}). Scores 10, above the
 * generic MLflow provider's 5, so such a URI gets GitLab's capabilities and limits.
 *
 * <p>The token ({@code MLFLOW_TRACKING_TOKEN}) is a personal, project or group access token with the {@code api}
 * scope ({@code read_api} allows reads only). It is sent as {@code Authorization: Bearer}, as MLflow's own clients
 * send it and as GitLab's REST API accepts access tokens (reference §1 "Authentication"). A CI job token does not
 * work: the MLflow API is not among the job token's resources.
 *
 * <p>Inside a GitLab CI job with a token and no configured tracking URI, it proposes the job's project as the
 * tracking URI ({@link #defaultTrackingUri}). The per-file artifact limit is {@link GitlabSettings#MAX_FILE_SIZE}.
 *
 * <p>The SDK finds this provider through {@code META-INF/services}; code that builds a backend by hand (for
 * example in a shaded jar whose service files were not merged) may call {@link #open} directly.
 */
public final class GitlabBackendProvider implements BackendProvider {
  /** {@code /api/v4/projects/<one segment>/ml/mlflow}, with an optional relative URL root before it. */
  private static final Pattern GITLAB_MLFLOW = Pattern.compile("^https?://[^/?#]+(/[^?#]*)?/api/v4/projects/"
      + "[^/?#]+/ml/mlflow/?(\\?.*)?$");

  private static final Logger LOG = LoggerFactory.getLogger(GitlabBackendProvider.class);

  /** A per-file limit fixed at construction; when empty, each configuration's {@code MLOPS_GITLAB_MAX_FILE_SIZE}. */
  private final OptionalLong maxFileSize;

  /**
   * A provider whose per-file artifact limit comes from each configuration's {@code MLOPS_GITLAB_MAX_FILE_SIZE}
   * ({@link GitlabSettings#maxFileSize(MlopsConfig)}; GitLab's documented 5 GB by default).
   */
  public GitlabBackendProvider() {
    this.maxFileSize = OptionalLong.empty();
  }

  /**
   * A provider for an instance whose {@code ml_model_max_file_size} is {@code maxFileSize} bytes, whatever the
   * configuration says.
   */
  public GitlabBackendProvider(long maxFileSize) {
    this.maxFileSize = OptionalLong.of(maxFileSize);
  }

  @Override
  public String name() {
    return GitlabBackends.NAME;
  }

  @Override
  public int score(String trackingUri) {
    return GITLAB_MLFLOW.matcher(trackingUri.toLowerCase(Locale.ROOT)).matches() ? 10 : 0;
  }

  /**
   * Inside a GitLab CI job ({@code GITLAB_CI=true}) with a token, {@code CI_API_V4_URL} and {@code CI_PROJECT_ID}:
   * the job's project's MLflow API, {@code $CI_API_V4_URL/projects/$CI_PROJECT_ID/ml/mlflow} (reference §1
   * "Tracking URI", §5; GitLab {@code doc/ci/variables/predefined_variables.md}). Inside GitLab CI the choice and
   * its reason are logged at INFO, once per distinct decision.
   */
  @Override
  public Optional<String> defaultTrackingUri(Map<String, String> environment, boolean tokenConfigured) {
    return GitlabCiDefault.trackingUri(environment, tokenConfigured);
  }

  @Override
  public Backend open(MlopsConfig config) {
    long limit = maxFileSize.isPresent() ? maxFileSize.getAsLong() : GitlabSettings.maxFileSize(config); // fail early
    String jobToken = System.getenv("CI_JOB_TOKEN");
    if (jobToken != null && !jobToken.isEmpty() && config.token().map(jobToken::equals).orElse(false)) {
      // The MLflow API is not among the CI job token's resources (reference §1 "Authentication", GitLab
      // doc/ci/jobs/ci_job_token.md): every call would be refused with 401/403, so say why up front.
      LOG.warn("MLFLOW_TRACKING_TOKEN is this job's CI_JOB_TOKEN, which GitLab's MLflow API does not accept; use a "
          + "project, group or personal access token with the api scope");
    }
    return GitlabBackends.open(config, limit);
  }
}
