package io.mlops.gitlab;

import io.mlops.core.ConfigurationException;
import io.mlops.core.MlopsConfig;

/**
 * The GitLab module's own settings. They resolve like every setting (builder &gt; JVM system property &gt;
 * environment variable), by name:
 *
 * <pre>{@code
 * MlopsConfig config = MlopsConfig.builder()
 *     .trackingUri("https://gitlab.example.com/api/v4/projects/42/ml/mlflow")
 *     .set(GitlabSettings.MAX_FILE_SIZE, "10737418240")   // or MLOPS_GITLAB_MAX_FILE_SIZE in the environment
 *     .build();
 * }</pre>
 */
public final class GitlabSettings {
  /**
   * {@code MLOPS_GITLAB_MAX_FILE_SIZE} (system property {@code mlops.gitlab.max.file.size}): bytes one artifact
   * file may have on GitLab; a larger file is refused with a {@code ValidationException} before anything is sent.
   * GitLab documents 5 GB per file (the default); an instance's plan limit {@code ml_model_max_file_size} is 10 GiB
   * by default and an administrator may change it.
   */
  public static final String MAX_FILE_SIZE = "MLOPS_GITLAB_MAX_FILE_SIZE";

  /** The default of {@link #MAX_FILE_SIZE}: the 5 GB per file that GitLab documents. */
  public static final long DEFAULT_MAX_FILE_SIZE = 5_000_000_000L;

  private GitlabSettings() {}

  /**
   * The configuration's {@link #MAX_FILE_SIZE}, or {@link #DEFAULT_MAX_FILE_SIZE}.
   *
   * @throws ConfigurationException when it is not a whole number &gt;= 1
   */
  public static long maxFileSize(MlopsConfig config) {
    String v = config.setting(MAX_FILE_SIZE).map(String::trim).orElse(null);
    if (v == null) {
      return DEFAULT_MAX_FILE_SIZE;
    }
    try {
      long n = Long.parseLong(v);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigurationException(MAX_FILE_SIZE + " must be a whole number >= 1, got '" + v + "'");
  }
}
