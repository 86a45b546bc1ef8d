package io.mlops.tracking.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Locale;
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

  /** The user MLflow records when it finds none. */
  static final String UNKNOWN_USER = "unknown";
  /** MLflow's credentials file, under the home directory ({@code mlflow/utils/credentials.py}). */
  static final String CREDENTIALS_FILE = ".mlflow/credentials";
  /** The environment variable (and, lower-cased, the credentials file's key) of the tracking user. */
  static final String TRACKING_USERNAME = "MLFLOW_TRACKING_USERNAME";
  /** The variables Python's {@code getpass.getuser()} reads, in its order. */
  private static final String[] USER_VARIABLES = {"LOGNAME", "USER", "LNAME", "USERNAME"};
  /** A credentials file larger than this is not MLflow's and is not read. */
  private static final long MAX_CREDENTIALS_BYTES = 64 * 1024;

  private RunContext() {}

  /** The tags for a program started from {@code workingDirectory} with the process environment. */
  public static Map<String, String> systemTags(Path workingDirectory) {
    return systemTags(workingDirectory, System.getenv());
  }

  /** The tags for a program started from {@code workingDirectory} with an environment. */
  public static Map<String, String> systemTags(Path workingDirectory, Map<String, String> env) {
    return systemTags(workingDirectory, env, userName(env, Optional.empty()));
  }

  /** The tags for a program started from {@code workingDirectory} with an environment, run by {@code user}. */
  public static Map<String, String> systemTags(Path workingDirectory, Map<String, String> env, String user) {
    Map<String, String> tags = new LinkedHashMap<>();
    Map<String, String> ci = CiContext.tags(env);
    tags.put(USER, user);
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

  /** The user MLflow's Python client would record for this process: {@link #userName(Map, Optional)}. */
  public static String userName() {
    return userName(System.getenv(), Optional.empty());
  }

  /**
   * The user MLflow's Python client records in {@code mlflow.user} in this environment
   * ({@code DefaultRunContext.tags}: {@code read_mlflow_creds().username or getpass.getuser()}): the tracking
   * username the SDK is configured with (builder or system property), else {@code MLFLOW_TRACKING_USERNAME},
   * else {@code mlflow_tracking_username} in the {@code [mlflow]} section of {@code ~/.mlflow/credentials}
   * ({@code ~} is {@code HOME}, else the account's home directory), else the first of {@code LOGNAME},
   * {@code USER}, {@code LNAME} and {@code USERNAME}, else the account's name in the password database (the JVM's
   * {@code user.name}), else {@value #UNKNOWN_USER}. Empty values are skipped, as Python's {@code or} skips them.
   * Only the username is taken from the credentials file; its password is never kept.
   *
   * @param env the process environment
   * @param configuredUsername the tracking username of the SDK's configuration, if any
   */
  public static String userName(Map<String, String> env, Optional<String> configuredUsername) {
    String home = nonEmpty(env.get("HOME"));
    // os.path.expanduser("~"): HOME, else the account's home directory (which the JVM's user.home is)
    Path credentials = Paths.get(home != null ? home : System.getProperty("user.home", ""))
        .resolve(CREDENTIALS_FILE);
    return userName(env, configuredUsername, credentials, System.getProperty("user.name"));
  }

  /** {@link #userName(Map, Optional)} with the credentials file and the password database's name given. */
  static String userName(Map<String, String> env, Optional<String> configuredUsername, Path credentials,
      String accountName) {
    String configured = nonEmpty(configuredUsername.orElse(null));
    if (configured != null) {
      return configured;
    }
    String fromEnv = nonEmpty(env.get(TRACKING_USERNAME));
    if (fromEnv != null) {
      return fromEnv;
    }
    String fromFile = nonEmpty(credentialsUsername(credentials));
    if (fromFile != null) {
      return fromFile;
    }
    for (String name : USER_VARIABLES) {
      String user = nonEmpty(env.get(name));
      if (user != null) {
        return user;
      }
    }
    String account = nonEmpty(accountName);
    return account != null ? account : UNKNOWN_USER;
  }

  /**
   * {@code mlflow_tracking_username} of the {@code [mlflow]} section (or of {@code [DEFAULT]}, which every section
   * inherits), read as Python's {@code configparser} reads it: keys case-insensitive, {@code =} or {@code :}
   * between key and value, whole-line {@code #} and {@code ;} comments, {@code %%} for {@code %}. Null when the
   * file is missing, unreadable, too large or has no {@code [mlflow]} section ({@code ConfigParser.read} skips a
   * file it cannot open, and MLflow then falls back to the OS user). Values of other keys are not kept.
   */
  static String credentialsUsername(Path file) {
    try {
      if (!Files.isRegularFile(file) || Files.size(file) > MAX_CREDENTIALS_BYTES) {
        return null;
      }
      String key = TRACKING_USERNAME.toLowerCase(Locale.ROOT);
      String section = null;
      boolean hasMlflow = false;
      StringBuilder inMlflow = null;
      StringBuilder inDefault = null;
      StringBuilder current = null; // the username value being read, for continuation lines
      int optionIndent = -1; // indentation of the last option line; -1 after a section header
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line;
        while ((line = in.readLine()) != null) {
          String t = line.trim();
          if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) {
            continue;
          }
          int indent = line.indexOf(t.charAt(0));
          if (optionIndent >= 0 && indent > optionIndent) {
            if (current != null) {
              current.append('\n').append(t); // a multi-line value, as configparser joins it
            }
            continue;
          }
          current = null;
          if (t.startsWith("[") && t.lastIndexOf(']') > 0) {
            section = t.substring(1, t.lastIndexOf(']'));
            hasMlflow |= section.equals("mlflow");
            optionIndent = -1;
            continue;
          }
          int eq = t.indexOf('=');
          int colon = t.indexOf(':');
          int at = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
          if (at <= 0 || section == null) {
            continue;
          }
          optionIndent = indent;
          if (!t.substring(0, at).trim().toLowerCase(Locale.ROOT).equals(key)) {
            continue; // another key (the password among them): its value is not kept
          }
          current = new StringBuilder(t.substring(at + 1).trim());
          if (section.equals("mlflow")) {
            inMlflow = current;
          } else if (section.equals("DEFAULT")) {
            inDefault = current;
          } else {
            current = null;
          }
        }
      }
      StringBuilder value = !hasMlflow ? null : inMlflow != null ? inMlflow : inDefault;
      return value == null ? null : value.toString().replace("%%", "%");
    } catch (IOException | RuntimeException e) {
      return null; // unreadable or not text: MLflow's client would not find a username there either
    }
  }

  private static String nonEmpty(String s) {
    return s == null || s.isEmpty() ? null : s;
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
