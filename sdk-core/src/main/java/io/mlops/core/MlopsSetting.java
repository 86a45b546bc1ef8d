package io.mlops.core;

import java.util.Locale;

/**
 * Every configuration setting, with its environment variable, JVM system property and default. Resolution order:
 * builder value &gt; system property &gt; environment variable &gt; default.
 *
 * <p>Environment variable names follow MLflow's, so existing setups work unchanged. The system property is the
 * variable's name in lower case with dots, e.g. {@code mlflow.tracking.uri}.
 */
public enum MlopsSetting {
  /**
   * Where candidates are stored: a path or {@code file:} URI (local store), or an {@code http(s)://} server. When it
   * is configured nowhere, an installed backend module may propose one (the GitLab module does in a GitLab CI job
   * with a token, see {@link MlopsConfig}); otherwise the default is {@code ./mlruns}.
   */
  TRACKING_URI("MLFLOW_TRACKING_URI", "./mlruns", false),
  /** Bearer token for a tracking server. Secret. */
  TRACKING_TOKEN("MLFLOW_TRACKING_TOKEN", null, true),
  /** Basic-auth user for a tracking server. */
  TRACKING_USERNAME("MLFLOW_TRACKING_USERNAME", null, false),
  /** Basic-auth password for a tracking server. Secret. */
  TRACKING_PASSWORD("MLFLOW_TRACKING_PASSWORD", null, true),
  /** {@code true} turns TLS certificate verification off. Never the default. */
  TRACKING_INSECURE_TLS("MLFLOW_TRACKING_INSECURE_TLS", "false", false),
  /** The experiment new candidates go to; the Default experiment when unset. */
  EXPERIMENT_NAME("MLFLOW_EXPERIMENT_NAME", null, false),
  /** Attach to an existing candidate instead of creating one (e.g. in Spark executors). */
  RUN_ID("MLFLOW_RUN_ID", null, false),
  /** Where the tracker journals data it cannot deliver; default {@code ~/.mlops/journal/<hash of the URI>}. */
  JOURNAL_DIR("MLOPS_JOURNAL_DIR", null, false),
  /** Seconds a request to a tracking server may take, reading included (MLflow's name and default). */
  HTTP_REQUEST_TIMEOUT("MLFLOW_HTTP_REQUEST_TIMEOUT", "120", false),
  /** Retries of a request that failed in a retryable way (MLflow's name; its default is 7). */
  HTTP_REQUEST_MAX_RETRIES("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "7", false),
  /** Seconds to wait for a connection to a tracking server. */
  HTTP_CONNECT_TIMEOUT("MLOPS_HTTP_CONNECT_TIMEOUT", "10", false),
  /** Seconds one JSON call may take from start to end, retries excluded; 0 for no limit. Artifact transfers,
   * which stream for as long as the file needs, are bounded by the request timeout per read instead. */
  HTTP_CALL_TIMEOUT("MLOPS_HTTP_CALL_TIMEOUT", "300", false),
  /** Extra request headers, {@code Name: value} pairs separated by newlines or {@code ;}. Secret. */
  HTTP_HEADERS("MLOPS_HTTP_HEADERS", null, true),
  /** Bytes one JSON answer of a tracking server may have (256 MiB); a larger one fails with
   * {@link LimitExceededException} instead of filling the heap. */
  HTTP_MAX_RESPONSE_SIZE("MLOPS_HTTP_MAX_RESPONSE_SIZE", "268435456", false),
  /** Bytes per second below which an artifact download is abandoned (measured over
   * {@link #HTTP_MIN_RATE_WINDOW}); 0 turns the check off. Catches a server that trickles bytes just fast enough to
   * beat the per-read timeout. */
  HTTP_MIN_TRANSFER_RATE("MLOPS_HTTP_MIN_TRANSFER_RATE", "1024", false),
  /** Seconds over which {@link #HTTP_MIN_TRANSFER_RATE} is measured. */
  HTTP_MIN_RATE_WINDOW("MLOPS_HTTP_MIN_RATE_WINDOW", "60", false),
  /** Bytes one downloaded artifact file may have when the listing gives no size (100 GB); a file with a listed
   * size must have exactly that size. */
  ARTIFACT_MAX_DOWNLOAD_SIZE("MLOPS_ARTIFACT_MAX_DOWNLOAD_SIZE", "100000000000", false),
  /** Folder levels an artifact tree may have when it is listed recursively. */
  ARTIFACT_MAX_DEPTH("MLOPS_ARTIFACT_MAX_DEPTH", "128", false),
  /** Characters an artifact path may have when an artifact tree is listed recursively. */
  ARTIFACT_MAX_PATH_LENGTH("MLOPS_ARTIFACT_MAX_PATH_LENGTH", "4096", false),
  /** Entries (files and folders) an artifact tree may have when it is listed recursively. */
  ARTIFACT_MAX_ENTRIES("MLOPS_ARTIFACT_MAX_ENTRIES", "1000000", false);

  private final String environmentVariable;
  private final String defaultValue;
  private final boolean secret;

  MlopsSetting(String environmentVariable, String defaultValue, boolean secret) {
    this.environmentVariable = environmentVariable;
    this.defaultValue = defaultValue;
    this.secret = secret;
  }

  /** The environment variable, e.g. {@code MLFLOW_TRACKING_URI}. */
  public String environmentVariable() {
    return environmentVariable;
  }

  /** The JVM system property, e.g. {@code mlflow.tracking.uri}. */
  public String systemProperty() {
    return environmentVariable.toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /** The default, or null when the setting is unset by default. */
  public String defaultValue() {
    return defaultValue;
  }

  /** True for tokens and passwords, which are never printed. */
  public boolean isSecret() {
    return secret;
  }
}
