package io.mlops.tracking.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CI job a program runs in, from the CI system's environment variables (GitLab CI, GitHub Actions,
 * Jenkins; facts in shared/reference/gitlab-mlops.md §5), as candidate tags: provider, job, pipeline, commit,
 * branch, merge/pull request and the run's URL. Tokens ({@code CI_JOB_TOKEN}, {@code GITHUB_TOKEN}) are never read.
 */
public final class CiContext {
  /** Prefix of every CI tag. */
  public static final String PREFIX = "mlops.ci.";
  public static final String PROVIDER = PREFIX + "provider";
  public static final String JOB_ID = PREFIX + "job_id";
  public static final String JOB_NAME = PREFIX + "job_name";
  public static final String JOB_URL = PREFIX + "job_url";
  public static final String PIPELINE_ID = PREFIX + "pipeline_id";
  public static final String PIPELINE_URL = PREFIX + "pipeline_url";
  public static final String COMMIT = PREFIX + "commit";
  public static final String BRANCH = PREFIX + "branch";
  public static final String MERGE_REQUEST = PREFIX + "merge_request";
  public static final String MERGE_REQUEST_URL = PREFIX + "merge_request_url";
  public static final String PROJECT = PREFIX + "project";
  public static final String RUN_URL = PREFIX + "run_url";
  /** GitLab links a candidate to its CI job with this tag (GitLab's own name). */
  public static final String GITLAB_JOB_ID_TAG = "gitlab.CI_JOB_ID";

  private CiContext() {}

  /** The CI tags for an environment; empty outside CI. */
  public static Map<String, String> tags(Map<String, String> env) {
    Map<String, String> tags = new LinkedHashMap<>();
    if ("true".equalsIgnoreCase(env.get("GITLAB_CI"))) {
      gitlab(env, tags);
    } else if ("true".equalsIgnoreCase(env.get("GITHUB_ACTIONS"))) {
      github(env, tags);
    } else if (has(env, "JENKINS_URL") || has(env, "BUILD_URL") && has(env, "JOB_NAME")) {
      jenkins(env, tags);
    }
    tags.values().removeIf(v -> v == null || v.isEmpty());
    return tags;
  }

  /** The GitLab CI job id, when running in GitLab CI. */
  public static Optional<String> gitlabJobId(Map<String, String> env) {
    return "true".equalsIgnoreCase(env.get("GITLAB_CI")) ? Optional.ofNullable(env.get("CI_JOB_ID"))
        : Optional.empty();
  }

  private static void gitlab(Map<String, String> env, Map<String, String> tags) {
    tags.put(PROVIDER, "gitlab");
    tags.put(PROJECT, env.get("CI_PROJECT_PATH"));
    tags.put(JOB_ID, env.get("CI_JOB_ID"));
    tags.put(JOB_NAME, env.get("CI_JOB_NAME"));
    tags.put(JOB_URL, env.get("CI_JOB_URL"));
    tags.put(PIPELINE_ID, env.get("CI_PIPELINE_ID"));
    tags.put(PIPELINE_URL, env.get("CI_PIPELINE_URL"));
    tags.put(COMMIT, env.get("CI_COMMIT_SHA"));
    tags.put(BRANCH, first(env, "CI_COMMIT_BRANCH", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "CI_COMMIT_REF_NAME"));
    String mr = env.get("CI_MERGE_REQUEST_IID"); // set only in merge request pipelines
    tags.put(MERGE_REQUEST, mr);
    if (mr != null && has(env, "CI_PROJECT_URL")) {
      tags.put(MERGE_REQUEST_URL, env.get("CI_PROJECT_URL") + "/-/merge_requests/" + mr);
    }
    tags.put(RUN_URL, env.get("CI_JOB_URL"));
  }

  private static void github(Map<String, String> env, Map<String, String> tags) {
    tags.put(PROVIDER, "github");
    String repo = env.get("GITHUB_REPOSITORY");
    String server = env.getOrDefault("GITHUB_SERVER_URL", "https://github.com");
    tags.put(PROJECT, repo);
    tags.put(JOB_NAME, env.get("GITHUB_JOB")); // the job's key in the workflow: GitHub exposes no numeric job id
    tags.put(PIPELINE_ID, env.get("GITHUB_RUN_ID"));
    String runUrl = repo != null && has(env, "GITHUB_RUN_ID")
        ? server + "/" + repo + "/actions/runs/" + env.get("GITHUB_RUN_ID") : null;
    tags.put(PIPELINE_URL, runUrl);
    tags.put(RUN_URL, runUrl);
    tags.put(COMMIT, env.get("GITHUB_SHA"));
    tags.put(BRANCH, first(env, "GITHUB_HEAD_REF", "GITHUB_REF_NAME"));
    String pr = pullRequestNumber(env);
    tags.put(MERGE_REQUEST, pr);
    if (pr != null && repo != null) {
      tags.put(MERGE_REQUEST_URL, server + "/" + repo + "/pull/" + pr);
    }
  }

  private static void jenkins(Map<String, String> env, Map<String, String> tags) {
    tags.put(PROVIDER, "jenkins");
    tags.put(PROJECT, env.get("JOB_NAME"));
    tags.put(JOB_NAME, env.get("JOB_NAME"));
    tags.put(JOB_ID, env.get("BUILD_NUMBER"));
    tags.put(JOB_URL, env.get("BUILD_URL"));
    tags.put(PIPELINE_ID, env.get("BUILD_TAG"));
    tags.put(PIPELINE_URL, env.get("JOB_URL"));
    tags.put(COMMIT, env.get("GIT_COMMIT"));
    tags.put(BRANCH, first(env, "BRANCH_NAME", "GIT_BRANCH"));
    tags.put(MERGE_REQUEST, env.get("CHANGE_ID")); // multibranch pipelines only
    tags.put(MERGE_REQUEST_URL, env.get("CHANGE_URL"));
    tags.put(RUN_URL, env.get("BUILD_URL"));
  }

  /** The pull request number: from the event file of a pull_request event, else from refs/pull/N/merge. */
  static String pullRequestNumber(Map<String, String> env) {
    String event = env.get("GITHUB_EVENT_NAME");
    String path = env.get("GITHUB_EVENT_PATH");
    if (event != null && event.startsWith("pull_request") && path != null) {
      try {
        JsonNode n = new ObjectMapper().readTree(Files.readAllBytes(Paths.get(path))).path("pull_request")
            .path("number");
        if (n.isNumber()) {
          return n.asText();
        }
      } catch (IOException | RuntimeException e) {
        // fall back to the ref
      }
    }
    String ref = env.get("GITHUB_REF");
    if (ref != null && ref.startsWith("refs/pull/")) {
      String rest = ref.substring("refs/pull/".length());
      int slash = rest.indexOf('/');
      return slash > 0 ? rest.substring(0, slash) : null;
    }
    return null;
  }

  private static String first(Map<String, String> env, String... names) {
    for (String n : names) {
      if (has(env, n)) {
        return env.get(n);
      }
    }
    return null;
  }

  private static boolean has(Map<String, String> env, String name) {
    String v = env.get(name);
    return v != null && !v.isEmpty();
  }
}
