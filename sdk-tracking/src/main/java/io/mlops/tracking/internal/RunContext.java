package io.mlops.tracking.internal;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The system tags MLflow's clients set on a new run: {@code mlflow.user}, {@code mlflow.source.name},
 * {@code mlflow.source.type} and, inside a git work tree, {@code mlflow.source.git.commit}/{@code branch}/
 * {@code repoURL}; plus, inside a CI job (GitLab CI, GitHub Actions, Jenkins), the {@code mlops.ci.*} tags of
 * {@link CiContext} and, in GitLab CI, {@code gitlab.CI_JOB_ID}. Computed once per tracker.
 */
public final class RunContext {
  public static final String USER = "mlflow.user";
  public static final String SOURCE_NAME = "mlflow.source.name";
  public static final String SOURCE_TYPE = "mlflow.source.type";
  public static final String GIT_COMMIT = "mlflow.source.git.commit";
  public static final String GIT_BRANCH = "mlflow.source.git.branch";
  public static final String GIT_REPO_URL = "mlflow.source.git.repoURL";

  private RunContext() {}

  /** The tags for a program started from {@code workingDirectory} with the process environment. */
  public static Map<String, String> systemTags(Path workingDirectory) {
    return systemTags(workingDirectory, System.getenv());
  }

  /** The tags for a program started from {@code workingDirectory} with an environment. */
  public static Map<String, String> systemTags(Path workingDirectory, Map<String, String> env) {
    Map<String, String> tags = new LinkedHashMap<>();
    Map<String, String> ci = CiContext.tags(env);
    tags.put(USER, userName());
    tags.put(SOURCE_NAME, sourceName());
    // MLflow's SourceType names: JOB for code run by a scheduler or CI, LOCAL for a local process
    tags.put(SOURCE_TYPE, ci.isEmpty() ? "LOCAL" : "JOB");
    Optional<GitInfo> git = GitInfo.detect(workingDirectory);
    git.ifPresent(g -> {
      tags.put(GIT_COMMIT, g.commit());
      g.branch().ifPresent(b -> tags.put(GIT_BRANCH, b));
      g.repoUrl().ifPresent(u -> tags.put(GIT_REPO_URL, u));
    });
    // CI checkouts are often detached (no branch in .git) or absent: the CI's own variables fill the gaps
    if (ci.containsKey(CiContext.COMMIT)) {
      tags.putIfAbsent(GIT_COMMIT, ci.get(CiContext.COMMIT));
    }
    if (ci.containsKey(CiContext.BRANCH)) {
      tags.putIfAbsent(GIT_BRANCH, ci.get(CiContext.BRANCH));
    }
    tags.putAll(ci);
    CiContext.gitlabJobId(env).ifPresent(id -> tags.put(CiContext.GITLAB_JOB_ID_TAG, id));
    return tags;
  }

  /** The tags for the current working directory. */
  public static Map<String, String> systemTags() {
    return systemTags(Paths.get("").toAbsolutePath());
  }

  /** The user MLflow would record: the OS user name. */
  public static String userName() {
    String user = System.getProperty("user.name");
    return user == null || user.isEmpty() ? "unknown" : user;
  }

  /** The program: the main class (or jar) from {@code sun.java.command}, else the main thread's entry point. */
  static String sourceName() {
    String command = System.getProperty("sun.java.command");
    if (command != null && !command.trim().isEmpty()) {
      String first = command.trim().split("\\s+")[0];
      return first;
    }
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      if (e.getKey().getName().equals("main") && e.getValue().length > 0) {
        return e.getValue()[e.getValue().length - 1].getClassName();
      }
    }
    return "unknown";
  }
}
