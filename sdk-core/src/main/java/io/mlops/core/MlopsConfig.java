package io.mlops.core;

import io.mlops.core.internal.Arguments;
import io.mlops.core.internal.BackendProviders;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The SDK's immutable configuration. Each {@link MlopsSetting} resolves as: builder value &gt; JVM system
 * property &gt; environment variable &gt; default. The default tracking URI is {@code ./mlruns}: a local store,
 * no server.
 *
 * <p>When no tracking URI is configured at any level, an installed backend module may propose one from the
 * environment ({@link io.mlops.core.spi.BackendProvider#defaultTrackingUri}): the GitLab module does inside a GitLab
 * CI job with a token (the job's project). Otherwise the default is {@code ./mlruns}.
 *
 * <p>A backend module's own settings (such as the GitLab module's {@code MLOPS_GITLAB_MAX_FILE_SIZE}) resolve the
 * same way, by their environment variable's name: {@link #setting(String)} and {@link Builder#set(String, String)}.
 *
 * <pre>{@code
 * MlopsConfig config = MlopsConfig.builder()
 *     .trackingUri("/data/mlruns")
 *     .experimentName("churn")
 *     .build();
 * }</pre>
 *
 * <p>{@link #toString()} never shows the token or the password.
 */
public final class MlopsConfig {
  /** The largest {@link MlopsSetting#HTTP_MAX_RESPONSE_SIZE}: a JSON answer is held in one array. */
  static final long MAX_RESPONSE_SIZE_LIMIT = Integer.MAX_VALUE - 8;

  /** Prefixes of the environment variables a backend module's settings may have. */
  private static final String[] MODULE_SETTING_PREFIXES = {"MLOPS_", "MLFLOW_"};

  private final Map<MlopsSetting, String> values;
  /** Resolved values of settings that are not {@link MlopsSetting}s, by environment variable name. */
  private final Map<String, String> moduleSettings;

  private MlopsConfig(Map<MlopsSetting, String> values, Map<String, String> moduleSettings) {
    this.values = values;
    this.moduleSettings = moduleSettings;
  }

  /** The configuration from system properties, the environment and defaults. */
  public static MlopsConfig fromEnvironment() {
    return builder().build();
  }

  /** A builder whose unset values resolve from system properties, the environment and defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The tracking URI (never null; {@code ./mlruns} by default, the project's MLflow API in a GitLab CI job with a
   * token).
   */
  public String trackingUri() {
    return values.get(MlopsSetting.TRACKING_URI);
  }

  /** The bearer token, if set. */
  public Optional<String> token() {
    return get(MlopsSetting.TRACKING_TOKEN);
  }

  /** The basic-auth user, if set. */
  public Optional<String> username() {
    return get(MlopsSetting.TRACKING_USERNAME);
  }

  /** The basic-auth password, if set. */
  public Optional<String> password() {
    return get(MlopsSetting.TRACKING_PASSWORD);
  }

  /** True when TLS verification was explicitly turned off. */
  public boolean insecureTls() {
    return Boolean.parseBoolean(values.get(MlopsSetting.TRACKING_INSECURE_TLS));
  }

  /** The experiment name new candidates go to, if set. */
  public Optional<String> experimentName() {
    return get(MlopsSetting.EXPERIMENT_NAME);
  }

  /** An existing candidate to attach to, if set. */
  public Optional<String> candidateId() {
    return get(MlopsSetting.RUN_ID);
  }

  /** How long a request may take, reading included ({@code MLFLOW_HTTP_REQUEST_TIMEOUT}, seconds). */
  public java.time.Duration requestTimeout() {
    return java.time.Duration.ofSeconds(Long.parseLong(values.get(MlopsSetting.HTTP_REQUEST_TIMEOUT)));
  }

  /** How long to wait for a connection ({@code MLOPS_HTTP_CONNECT_TIMEOUT}, seconds). */
  public java.time.Duration connectTimeout() {
    return java.time.Duration.ofSeconds(Long.parseLong(values.get(MlopsSetting.HTTP_CONNECT_TIMEOUT)));
  }

  /** How long one JSON call may take end to end ({@code MLOPS_HTTP_CALL_TIMEOUT}, seconds; zero: no limit). */
  public java.time.Duration callTimeout() {
    return java.time.Duration.ofSeconds(Long.parseLong(values.get(MlopsSetting.HTTP_CALL_TIMEOUT)));
  }

  /** Bytes one JSON answer may have ({@code MLOPS_HTTP_MAX_RESPONSE_SIZE}; 256 MiB by default). */
  public long maxResponseSize() {
    return Long.parseLong(values.get(MlopsSetting.HTTP_MAX_RESPONSE_SIZE));
  }

  /**
   * Bytes per second below which a download is abandoned ({@code MLOPS_HTTP_MIN_TRANSFER_RATE}; 1024 by default,
   * 0 for no check), measured over {@link #minRateWindow()}.
   */
  public long minTransferRate() {
    return Long.parseLong(values.get(MlopsSetting.HTTP_MIN_TRANSFER_RATE));
  }

  /** The window over which {@link #minTransferRate()} is measured ({@code MLOPS_HTTP_MIN_RATE_WINDOW}, seconds). */
  public java.time.Duration minRateWindow() {
    return java.time.Duration.ofSeconds(Long.parseLong(values.get(MlopsSetting.HTTP_MIN_RATE_WINDOW)));
  }

  /**
   * Bytes a downloaded artifact file may have when its listing gives no size ({@code MLOPS_ARTIFACT_MAX_DOWNLOAD_SIZE};
   * 100 GB by default).
   */
  public long maxDownloadSize() {
    return Long.parseLong(values.get(MlopsSetting.ARTIFACT_MAX_DOWNLOAD_SIZE));
  }

  /** Folder levels a recursive artifact listing may reach ({@code MLOPS_ARTIFACT_MAX_DEPTH}; 128 by default). */
  public int artifactMaxDepth() {
    return Integer.parseInt(values.get(MlopsSetting.ARTIFACT_MAX_DEPTH));
  }

  /** Characters an artifact path may have in a recursive listing ({@code MLOPS_ARTIFACT_MAX_PATH_LENGTH}; 4096). */
  public int artifactMaxPathLength() {
    return Integer.parseInt(values.get(MlopsSetting.ARTIFACT_MAX_PATH_LENGTH));
  }

  /** Entries a recursive artifact listing may have ({@code MLOPS_ARTIFACT_MAX_ENTRIES}; 1,000,000 by default). */
  public int artifactMaxEntries() {
    return Integer.parseInt(values.get(MlopsSetting.ARTIFACT_MAX_ENTRIES));
  }

  /** Retries of a retryable request ({@code MLFLOW_HTTP_REQUEST_MAX_RETRIES}). */
  public int maxRetries() {
    return Integer.parseInt(values.get(MlopsSetting.HTTP_REQUEST_MAX_RETRIES));
  }

  /** Extra request headers ({@code MLOPS_HTTP_HEADERS}), in order. */
  public Map<String, String> extraHeaders() {
    return parseHeaders(values.get(MlopsSetting.HTTP_HEADERS));
  }

  static Map<String, String> parseHeaders(String text) {
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    if (text == null) {
      return headers;
    }
    for (String part : text.split("[;\\n]")) {
      if (part.trim().isEmpty()) {
        continue;
      }
      int colon = part.indexOf(':');
      String name = colon < 0 ? "" : part.substring(0, colon).trim();
      if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
        // the value may be a secret: never echo it
        throw new ConfigurationException(MlopsSetting.HTTP_HEADERS.environmentVariable()
            + " must hold 'Name: value' pairs separated by ';' or newlines; an entry has no valid header name");
      }
      headers.put(name, part.substring(colon + 1).trim());
    }
    return headers;
  }

  /** The resolved value of any setting. */
  public Optional<String> get(MlopsSetting setting) {
    return Optional.ofNullable(values.get(setting));
  }

  /**
   * The resolved value of a backend module's setting, by its environment variable's name (for example the GitLab
   * module's {@code MLOPS_GITLAB_MAX_FILE_SIZE}): the builder's value ({@link Builder#set(String, String)}), else
   * the system property (the name in lower case with dots, {@code mlops.gitlab.max.file.size}), else the
   * environment variable. The module that owns the setting validates it and supplies its default. Names of
   * {@link MlopsSetting}s resolve too.
   *
   * @throws ValidationException when {@code environmentVariable} is null or blank
   */
  public Optional<String> setting(String environmentVariable) {
    Arguments.requireNonBlank(environmentVariable, "environmentVariable");
    for (MlopsSetting s : MlopsSetting.values()) {
      if (s.environmentVariable().equals(environmentVariable)) {
        return get(s);
      }
    }
    return Optional.ofNullable(moduleSettings.get(environmentVariable));
  }

  /** A builder starting from this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.explicit.putAll(values);
    b.explicitModuleSettings.putAll(moduleSettings);
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MlopsConfig && ((MlopsConfig) o).values.equals(values)
        && ((MlopsConfig) o).moduleSettings.equals(moduleSettings);
  }

  @Override
  public int hashCode() {
    return values.hashCode() * 31 + moduleSettings.hashCode();
  }

  /** Shows every setting; secrets appear as {@code ****}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("MlopsConfig{");
    String sep = "";
    for (Map.Entry<MlopsSetting, String> e : values.entrySet()) {
      b.append(sep).append(e.getKey().name().toLowerCase(Locale.ROOT)).append('=');
      String v = e.getValue();
      if (e.getKey() == MlopsSetting.TRACKING_URI) {
        v = io.mlops.core.internal.UriCredentials.mask(v); // http://user:password@host, a form MLflow users write
      }
      b.append(e.getKey().isSecret() ? "****" : v);
      sep = ", ";
    }
    return b.append('}').toString();
  }

  /** Builds a {@link MlopsConfig}; every setter overrides system properties and the environment. */
  public static final class Builder {
    private final Map<MlopsSetting, String> explicit = new EnumMap<>(MlopsSetting.class);
    private final Map<String, String> explicitModuleSettings = new TreeMap<>();
    private Map<String, String> environment = System.getenv();
    private Properties systemProperties = System.getProperties();

    private Builder() {}

    /** Sets the tracking URI: a path, a {@code file:} URI or an {@code http(s)://} URL. */
    public Builder trackingUri(String trackingUri) {
      return set(MlopsSetting.TRACKING_URI, Arguments.requireNonBlank(trackingUri, "trackingUri"));
    }

    /** Sets the bearer token. */
    public Builder token(String token) {
      return set(MlopsSetting.TRACKING_TOKEN, requireNonBlank(token, "token"));
    }

    /** Sets basic-auth credentials. */
    public Builder basicAuth(String username, String password) {
      set(MlopsSetting.TRACKING_USERNAME, requireNonBlank(username, "username"));
      return set(MlopsSetting.TRACKING_PASSWORD, Arguments.requireNonNull(password, "password"));
    }

    /** Turns TLS certificate verification off (explicitly; it is on by default). */
    public Builder insecureTls(boolean insecure) {
      return set(MlopsSetting.TRACKING_INSECURE_TLS, Boolean.toString(insecure));
    }

    /** Sets the experiment new candidates go to. */
    public Builder experimentName(String name) {
      return set(MlopsSetting.EXPERIMENT_NAME, requireNonBlank(name, "experimentName"));
    }

    /** Attaches to an existing candidate. */
    public Builder candidateId(String candidateId) {
      return set(MlopsSetting.RUN_ID, requireNonBlank(candidateId, "candidateId"));
    }

    /**
     * Sets any setting by its enum constant.
     *
     * @throws ValidationException when either is null, or the tracking URI is blank
     */
    public Builder set(MlopsSetting setting, String value) {
      Arguments.requireNonNull(setting, "setting");
      Arguments.requireNonNull(value, "value");
      if (setting == MlopsSetting.TRACKING_URI) {
        Arguments.requireNonBlank(value, "trackingUri"); // a blank URI would read as a local store in the working dir
      }
      explicit.put(setting, value);
      return this;
    }

    /**
     * Sets a setting by its environment variable's name: one of {@link MlopsSetting}, or a backend module's own
     * setting such as {@code MLOPS_GITLAB_MAX_FILE_SIZE} (read back with {@link MlopsConfig#setting(String)}).
     *
     * @throws ValidationException when either is null, or the name does not start with {@code MLOPS_} or
     *     {@code MLFLOW_}
     */
    public Builder set(String environmentVariable, String value) {
      Arguments.requireNonBlank(environmentVariable, "environmentVariable");
      Arguments.requireNonNull(value, "value");
      for (MlopsSetting s : MlopsSetting.values()) {
        if (s.environmentVariable().equals(environmentVariable)) {
          return set(s, value);
        }
      }
      if (!isModuleSettingName(environmentVariable)) {
        throw new ValidationException("environmentVariable", "setting-name", "A setting's name starts with MLOPS_ "
            + "or MLFLOW_ and has only capital letters, digits and '_', got '" + environmentVariable + "'");
      }
      explicitModuleSettings.put(environmentVariable, value);
      return this;
    }

    /** Replaces the environment read for unset values (for tests and embedding); default {@link System#getenv()}. */
    public Builder environment(Map<String, String> environment) {
      this.environment = Arguments.requireNonNull(environment, "environment");
      return this;
    }

    /** Replaces the system properties read for unset values; default {@link System#getProperties()}. */
    public Builder systemProperties(Properties properties) {
      this.systemProperties = Arguments.requireNonNull(properties, "properties");
      return this;
    }

    /**
     * Resolves every setting.
     *
     * @throws ConfigurationException when a boolean setting is neither {@code true} nor {@code false}, or a
     *     numeric setting is not a whole number in its range
     */
    public MlopsConfig build() {
      Map<MlopsSetting, String> resolved = new EnumMap<>(MlopsSetting.class);
      boolean trackingUriConfigured = true;
      for (MlopsSetting s : MlopsSetting.values()) {
        String v = explicit.get(s);
        if (v == null) {
          v = blankToNull(systemProperties.getProperty(s.systemProperty()));
        }
        if (v == null) {
          v = blankToNull(environment.get(s.environmentVariable()));
        }
        if (v == null && s == MlopsSetting.TRACKING_URI) {
          trackingUriConfigured = false; // its default depends on the token, which this loop resolves after it
        }
        if (v == null) {
          v = s.defaultValue();
        }
        if (v != null) {
          resolved.put(s, v);
        }
      }
      if (!trackingUriConfigured) {
        resolved.put(MlopsSetting.TRACKING_URI, BackendProviders.defaultTrackingUri(environment,
            resolved.containsKey(MlopsSetting.TRACKING_TOKEN)).orElse(MlopsSetting.TRACKING_URI.defaultValue()));
      }
      String tls = resolved.get(MlopsSetting.TRACKING_INSECURE_TLS).trim().toLowerCase(Locale.ROOT);
      if (!tls.equals("true") && !tls.equals("false")) {
        throw new ConfigurationException(MlopsSetting.TRACKING_INSECURE_TLS.environmentVariable()
            + " must be 'true' or 'false', got '" + tls + "'");
      }
      resolved.put(MlopsSetting.TRACKING_INSECURE_TLS, tls);
      requireNonNegativeInt(resolved, MlopsSetting.HTTP_REQUEST_TIMEOUT, 1);
      requireNonNegativeInt(resolved, MlopsSetting.HTTP_CONNECT_TIMEOUT, 1);
      requireNonNegativeInt(resolved, MlopsSetting.HTTP_REQUEST_MAX_RETRIES, 0);
      requireNonNegativeInt(resolved, MlopsSetting.HTTP_CALL_TIMEOUT, 0);
      requireLong(resolved, MlopsSetting.HTTP_MAX_RESPONSE_SIZE, 1, MAX_RESPONSE_SIZE_LIMIT); // one byte array
      requirePositiveLong(resolved, MlopsSetting.ARTIFACT_MAX_DOWNLOAD_SIZE);
      requireNonNegativeLong(resolved, MlopsSetting.HTTP_MIN_TRANSFER_RATE);
      requireNonNegativeInt(resolved, MlopsSetting.HTTP_MIN_RATE_WINDOW, 1);
      requireNonNegativeInt(resolved, MlopsSetting.ARTIFACT_MAX_DEPTH, 1);
      requireNonNegativeInt(resolved, MlopsSetting.ARTIFACT_MAX_PATH_LENGTH, 1);
      requireNonNegativeInt(resolved, MlopsSetting.ARTIFACT_MAX_ENTRIES, 1);
      parseHeaders(resolved.get(MlopsSetting.HTTP_HEADERS));
      return new MlopsConfig(resolved, resolveModuleSettings());
    }

    /** Every {@code MLOPS_*}/{@code MLFLOW_*} name that is no {@link MlopsSetting}: builder &gt; property &gt; env. */
    private Map<String, String> resolveModuleSettings() {
      Map<String, String> out = new TreeMap<>();
      for (Map.Entry<String, String> e : environment.entrySet()) {
        putModuleSetting(out, e.getKey(), e.getValue());
      }
      for (String name : systemProperties.stringPropertyNames()) {
        putModuleSetting(out, name.toUpperCase(Locale.ROOT).replace('.', '_'), systemProperties.getProperty(name));
      }
      out.putAll(explicitModuleSettings);
      return Collections.unmodifiableMap(out);
    }

    private static void putModuleSetting(Map<String, String> out, String name, String value) {
      if (value != null && !value.trim().isEmpty() && isModuleSettingName(name) && !isCoreSetting(name)) {
        out.put(name, value);
      }
    }

    private static boolean isCoreSetting(String environmentVariable) {
      for (MlopsSetting s : MlopsSetting.values()) {
        if (s.environmentVariable().equals(environmentVariable)) {
          return true;
        }
      }
      return false;
    }

    private static boolean isModuleSettingName(String name) {
      boolean prefixed = false;
      for (String prefix : MODULE_SETTING_PREFIXES) {
        prefixed |= name.startsWith(prefix) && name.length() > prefix.length();
      }
      return prefixed && name.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_');
    }

    private static void requireNonNegativeInt(Map<MlopsSetting, String> resolved, MlopsSetting s, int min) {
      String v = resolved.get(s).trim();
      try {
        if (Integer.parseInt(v) >= min) {
          resolved.put(s, v);
          return;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new ConfigurationException(s.environmentVariable() + " must be a whole number >= " + min + ", got '"
          + v + "'");
    }

    private static void requirePositiveLong(Map<MlopsSetting, String> resolved, MlopsSetting s) {
      requireLong(resolved, s, 1, Long.MAX_VALUE);
    }

    private static void requireNonNegativeLong(Map<MlopsSetting, String> resolved, MlopsSetting s) {
      requireLong(resolved, s, 0, Long.MAX_VALUE);
    }

    private static void requireLong(Map<MlopsSetting, String> resolved, MlopsSetting s, long min, long max) {
      String v = resolved.get(s).trim();
      try {
        long n = Long.parseLong(v);
        if (n >= min && n <= max) {
          resolved.put(s, v);
          return;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new ConfigurationException(s.environmentVariable() + " must be a whole number >= " + min
          + (max == Long.MAX_VALUE ? "" : " and <= " + max) + ", got '" + v + "'");
    }

    private static String blankToNull(String s) {
      return s == null || s.trim().isEmpty() ? null : s;
    }

    private static String requireNonBlank(String value, String name) {
      return Arguments.requireNonBlank(value, name);
    }
  }
}
