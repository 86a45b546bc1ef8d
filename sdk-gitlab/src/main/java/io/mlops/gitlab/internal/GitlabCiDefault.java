package io.mlops.gitlab.internal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The tracking URI a GitLab CI job tracks to when none is configured: its project's MLflow API. */
public final class GitlabCiDefault {
  private static final Logger LOG = LoggerFactory.getLogger(GitlabCiDefault.class);
  /** The last decision logged, so that building many configurations logs it once. */
  private static final AtomicReference<String> LAST_DECISION = new AtomicReference<>();
  private static final String LOCAL = "./mlruns";

  private GitlabCiDefault() {}

  /**
   * The job's project, {@code $CI_API_V4_URL/projects/$CI_PROJECT_ID/ml/mlflow}, in a GitLab CI job
   * ({@code GITLAB_CI=true}) with a token and both variables; empty anywhere else, or without a token or one of
   * the variables (then the local store is used, and inside GitLab CI the reason is logged at INFO). Only whether a
   * token exists is passed in, so the token cannot reach the log.
   */
  public static Optional<String> trackingUri(Map<String, String> environment, boolean hasToken) {
    String gitlabCi = blankToNull(environment.get("GITLAB_CI"));
    if (gitlabCi == null || !gitlabCi.trim().equalsIgnoreCase("true")) {
      return Optional.empty();
    }
    String api = blankToNull(environment.get("CI_API_V4_URL"));
    String project = blankToNull(environment.get("CI_PROJECT_ID"));
    String uri = null;
    String decision;
    if (!hasToken) {
      decision = "GitLab CI job without MLFLOW_TRACKING_TOKEN and without MLFLOW_TRACKING_URI: tracking to " + LOCAL
          + ". Set MLFLOW_TRACKING_TOKEN to a project, group or personal access token with the api scope to track "
          + "to this project's model experiments";
    } else if (api == null || project == null) {
      decision = "GitLab CI job without MLFLOW_TRACKING_URI, but " + (api == null ? "CI_API_V4_URL" : "CI_PROJECT_ID")
          + " is not set: tracking to " + LOCAL;
    } else {
      String apiBase = api.trim();
      while (apiBase.endsWith("/")) {
        apiBase = apiBase.substring(0, apiBase.length() - 1);
      }
      uri = apiBase + "/projects/" + project.trim() + "/ml/mlflow";
      decision = "GitLab CI job (GITLAB_CI=true) with MLFLOW_TRACKING_TOKEN set and no MLFLOW_TRACKING_URI: "
          + "tracking to project " + project.trim() + " at " + uri + " (from CI_API_V4_URL and CI_PROJECT_ID)";
    }
    if (!decision.equals(LAST_DECISION.getAndSet(decision))) {
      LOG.info(decision);
    }
    return Optional.ofNullable(uri);
  }

  private static String blankToNull(String s) {
    return s == null || s.trim().isEmpty() ? null : s;
  }
}
