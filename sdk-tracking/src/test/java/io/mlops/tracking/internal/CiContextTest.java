package io.mlops.tracking.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CiContextTest {
  @TempDir Path dir;

  private static Map<String, String> gitlabEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("CI", "true");
    env.put("GITLAB_CI", "true");
    env.put("CI_PROJECT_PATH", "team/churn");
    env.put("CI_PROJECT_URL", "https://gitlab.example.com/team/churn");
    env.put("CI_JOB_ID", "4242");
    env.put("CI_JOB_NAME", "train");
    env.put("CI_JOB_URL", "https://gitlab.example.com/team/churn/-/jobs/4242");
    env.put("CI_PIPELINE_ID", "77");
    env.put("CI_PIPELINE_URL", "https://gitlab.example.com/team/churn/-/pipelines/77");
    env.put("CI_COMMIT_SHA", "0123456789abcdef0123456789abcdef01234567");
    env.put("CI_COMMIT_REF_NAME", "feature/x");
    env.put("CI_JOB_TOKEN", "glcbt-SECRET-TOKEN");
    return env;
  }

  @Test
  void gitlabCi_recordsJobPipelineCommitBranchAndRunUrl() {
    Map<String, String> tags = CiContext.tags(gitlabEnv());
    assertThat(tags).containsEntry(CiContext.PROVIDER, "gitlab")
        .containsEntry(CiContext.JOB_ID, "4242")
        .containsEntry(CiContext.JOB_NAME, "train")
        .containsEntry(CiContext.PIPELINE_ID, "77")
        .containsEntry(CiContext.PIPELINE_URL, "https://gitlab.example.com/team/churn/-/pipelines/77")
        .containsEntry(CiContext.COMMIT, "0123456789abcdef0123456789abcdef01234567")
        .containsEntry(CiContext.BRANCH, "feature/x")
        .containsEntry(CiContext.RUN_URL, "https://gitlab.example.com/team/churn/-/jobs/4242")
        .containsEntry(CiContext.PROJECT, "team/churn")
        .doesNotContainKey(CiContext.MERGE_REQUEST);
    assertThat(tags.values()).noneMatch(v -> v.contains("SECRET"));
    assertThat(CiContext.gitlabJobId(gitlabEnv())).contains("4242");
  }

  @Test
  void gitlabMergeRequestPipeline_recordsTheMergeRequestAndItsUrl() {
    Map<String, String> env = gitlabEnv();
    env.put("CI_MERGE_REQUEST_IID", "12");
    env.put("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "feature/mr");
    env.remove("CI_COMMIT_BRANCH");
    Map<String, String> tags = CiContext.tags(env);
    assertThat(tags).containsEntry(CiContext.MERGE_REQUEST, "12")
        .containsEntry(CiContext.MERGE_REQUEST_URL, "https://gitlab.example.com/team/churn/-/merge_requests/12")
        .containsEntry(CiContext.BRANCH, "feature/mr");
  }

  @Test
  void githubActionsPullRequest_readsTheNumberFromTheEventFile() throws Exception {
    Path event = Files.writeString(dir.resolve("event.json"), "{\"pull_request\":{\"number\":314}}");
    Map<String, String> env = new HashMap<>();
    env.put("GITHUB_ACTIONS", "true");
    env.put("GITHUB_SERVER_URL", "https://github.com");
    env.put("GITHUB_REPOSITORY", "org/churn");
    env.put("GITHUB_RUN_ID", "9000");
    env.put("GITHUB_JOB", "train");
    env.put("GITHUB_SHA", "fedcba9876543210fedcba9876543210fedcba98");
    env.put("GITHUB_HEAD_REF", "feature/y");
    env.put("GITHUB_REF_NAME", "314/merge");
    env.put("GITHUB_EVENT_NAME", "pull_request");
    env.put("GITHUB_EVENT_PATH", event.toString());
    env.put("GITHUB_TOKEN", "ghs_SECRET");
    Map<String, String> tags = CiContext.tags(env);
    assertThat(tags).containsEntry(CiContext.PROVIDER, "github")
        .containsEntry(CiContext.RUN_URL, "https://github.com/org/churn/actions/runs/9000")
        .containsEntry(CiContext.JOB_NAME, "train")
        .containsEntry(CiContext.BRANCH, "feature/y")
        .containsEntry(CiContext.MERGE_REQUEST, "314")
        .containsEntry(CiContext.MERGE_REQUEST_URL, "https://github.com/org/churn/pull/314");
    assertThat(tags.values()).noneMatch(v -> v.contains("SECRET"));
    assertThat(CiContext.gitlabJobId(env)).isEmpty();
  }

  @Test
  void githubActionsWithoutEventFile_fallsBackToThePullRef() {
    Map<String, String> env = Map.of("GITHUB_ACTIONS", "true", "GITHUB_REPOSITORY", "org/churn",
        "GITHUB_RUN_ID", "1", "GITHUB_REF", "refs/pull/27/merge");
    assertThat(CiContext.tags(env)).containsEntry(CiContext.MERGE_REQUEST, "27");
    assertThat(CiContext.tags(Map.of("GITHUB_ACTIONS", "true", "GITHUB_REF", "refs/heads/main")))
        .doesNotContainKey(CiContext.MERGE_REQUEST);
  }

  @Test
  void jenkinsMultibranch_recordsBuildChangeAndBranch() {
    Map<String, String> env = new HashMap<>();
    env.put("JENKINS_URL", "https://ci.example.com/");
    env.put("JOB_NAME", "churn/PR-5");
    env.put("BUILD_NUMBER", "19");
    env.put("BUILD_URL", "https://ci.example.com/job/churn/job/PR-5/19/");
    env.put("GIT_COMMIT", "abc");
    env.put("BRANCH_NAME", "PR-5");
    env.put("CHANGE_ID", "5");
    env.put("CHANGE_URL", "https://github.com/org/churn/pull/5");
    assertThat(CiContext.tags(env)).containsEntry(CiContext.PROVIDER, "jenkins")
        .containsEntry(CiContext.JOB_ID, "19")
        .containsEntry(CiContext.RUN_URL, "https://ci.example.com/job/churn/job/PR-5/19/")
        .containsEntry(CiContext.MERGE_REQUEST, "5")
        .containsEntry(CiContext.MERGE_REQUEST_URL, "https://github.com/org/churn/pull/5")
        .containsEntry(CiContext.BRANCH, "PR-5");
  }

  @Test
  void outsideCi_noTags() {
    assertThat(CiContext.tags(Map.of("CI", "true", "HOME", "/root"))).isEmpty();
  }

  @Test
  void runContext_inGitlabCi_isAJobWithCiTagsTheJobLinkAndTheCommitFromCi() {
    Map<String, String> tags = RunContext.systemTags(dir, gitlabEnv());
    assertThat(tags).containsEntry(RunContext.SOURCE_TYPE, "JOB")
        .containsEntry(CiContext.GITLAB_JOB_ID_TAG, "4242")
        .containsEntry(RunContext.GIT_COMMIT, "0123456789abcdef0123456789abcdef01234567")
        .containsEntry(RunContext.GIT_BRANCH, "feature/x")
        .containsEntry(CiContext.PIPELINE_ID, "77");
    assertThat(RunContext.systemTags(dir, Map.of())).containsEntry(RunContext.SOURCE_TYPE, "LOCAL")
        .doesNotContainKey(CiContext.GITLAB_JOB_ID_TAG);
  }
}
