package io.mlops.core.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The official backend modules, by the tracking URIs they serve, so that a URI whose module is missing fails with
 * the Maven artifact to add instead of "no backend understands". The patterns repeat the modules' own
 * {@code score} rules (a module test checks that each module's provider accepts its URIs).
 */
public enum BackendModule {
  /** {@code <gitlab>/api/v4/projects/<id>/ml/mlflow}: GitLab's MLflow API (scores above plain MLflow). */
  GITLAB("GitLab", "GitLab", "mlops-sdk-gitlab", 10,
      Pattern.compile("^https?://[^/?#]+(/[^?#]*)?/api/v4/projects/[^/?#]+/ml/mlflow/?(\\?.*)?$")),
  /** Any other {@code http(s)://} URL: an MLflow tracking server. */
  MLFLOW("MLflow", "MLflow", "mlops-sdk-mlflow", 5, Pattern.compile("^https?://.*"));

  private final String displayName;
  private final String providerName;
  private final String artifactId;
  private final int score;
  private final Pattern uris;

  BackendModule(String displayName, String providerName, String artifactId, int score, Pattern uris) {
    this.displayName = displayName;
    this.providerName = providerName;
    this.artifactId = artifactId;
    this.score = score;
    this.uris = uris;
  }

  /** The module that serves {@code trackingUri} best, or null when no official remote module does. */
  public static BackendModule serving(String trackingUri) {
    String lower = trackingUri.trim().toLowerCase(Locale.ROOT);
    for (BackendModule m : values()) { // most specific first
      if (m.uris.matcher(lower).matches()) {
        return m;
      }
    }
    return null;
  }

  /** The backend's name in messages. */
  public String displayName() {
    return displayName;
  }

  /** The name its {@link io.mlops.core.spi.BackendProvider#name()} returns. */
  public String providerName() {
    return providerName;
  }

  /** Its Maven coordinates without the version, {@code io.mlops:mlops-sdk-gitlab}. */
  public String coordinates() {
    return "io.mlops:" + artifactId;
  }

  /** The score its provider gives the URIs it serves. */
  public int score() {
    return score;
  }
}
