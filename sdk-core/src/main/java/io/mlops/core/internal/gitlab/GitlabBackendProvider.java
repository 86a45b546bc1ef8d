package io.mlops.core.internal.gitlab;

import io.mlops.core.internal.SimpleBackend;
import io.mlops.core.MlopsConfig;
import io.mlops.core.internal.mlflow.MlflowHttp;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.BackendProvider;
import io.mlops.core.spi.Capabilities;
import java.util.Locale;
import java.util.OptionalLong;
import okhttp3.HttpUrl;
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
   * ({@link MlopsConfig#gitlabMaxFileSize()}; GitLab's documented 5 GB by default).
   */
  public GitlabBackendProvider() {
    this.maxFileSize = OptionalLong.empty();
  }

  /**
   * A provider for an instance whose {@code ml_model_max_file_size} is {@code maxFileSize} bytes, whatever the
   * configuration says.
   */
  GitlabBackendProvider(long maxFileSize) {
    this.maxFileSize = OptionalLong.of(maxFileSize);
  }

  @Override
  public String name() {
    return GitlabCapabilities.NAME;
  }

  @Override
  public int score(String trackingUri) {
    return GITLAB_MLFLOW.matcher(trackingUri.toLowerCase(Locale.ROOT)).matches() ? 10 : 0;
  }

  @Override
  public Backend open(MlopsConfig config) {
    String jobToken = System.getenv("CI_JOB_TOKEN");
    if (jobToken != null && !jobToken.isEmpty() && config.token().map(jobToken::equals).orElse(false)) {
      // The MLflow API is not among the CI job token's resources (reference §1 "Authentication", GitLab
      // doc/ci/jobs/ci_job_token.md): every call would be refused with 401/403, so say why up front.
      LOG.warn("MLFLOW_TRACKING_TOKEN is this job's CI_JOB_TOKEN, which GitLab's MLflow API does not accept; use a "
          + "project, group or personal access token with the api scope");
    }
    MlflowHttp http = new MlflowHttp(config);
    GitlabRestStore tracking = new GitlabRestStore(http);
    GitlabArtifactStore artifacts = new GitlabArtifactStore(http, tracking,
        maxFileSize.orElseGet(config::gitlabMaxFileSize));
    Capabilities capabilities = GitlabCapabilities.of();
    HttpUrl base = http.base();
    GitlabRegistryStore registry = new GitlabRegistryStore(http, tracking, artifacts, capabilities,
        new io.mlops.core.internal.ArtifactWalk(config));
    return new SimpleBackend("GitLab project at " + base.scheme() + "://" + base.host() + ":" + base.port()
        + base.encodedPath(), capabilities, tracking, artifacts, registry, http::close);
  }
}
