package io.mlops.spark.internal;

import io.mlops.core.MlopsConfig;
import io.mlops.core.MlopsSetting;
import io.mlops.core.ValidationException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * The listener's settings, read from the Spark conf's {@code spark.mlops.*} entries. Three keys are the listener's
 * own ({@value #CANDIDATE_NAME}, {@value #ENABLED}, {@value #LOG_CONF}); every other {@code spark.mlops.<name>} is
 * an SDK setting: {@code <name>} in camelCase or dotted form is turned into upper snake case and matched against
 * the {@link MlopsSetting} constants ({@code spark.mlops.trackingUri} and {@code spark.mlops.tracking.uri} are
 * {@link MlopsSetting#TRACKING_URI}, {@code spark.mlops.journalDir} is {@link MlopsSetting#JOURNAL_DIR}); a name
 * that matches none is passed on as the backend-module setting {@code MLOPS_<NAME>} (for example
 * {@code spark.mlops.gitlabMaxFileSize} is {@code MLOPS_GITLAB_MAX_FILE_SIZE}). What the Spark conf does not set
 * resolves as usual through {@link MlopsConfig}: system property, then {@code MLFLOW_*} environment variable, then
 * default.
 */
public final class ListenerSettings {
  /** The prefix of every key read here. */
  public static final String PREFIX = "spark.mlops.";
  /** The candidate's name; default the application's name. */
  public static final String CANDIDATE_NAME = "spark.mlops.candidateName";
  /** {@code false} turns the listener off (it logs nothing); default {@code true}. */
  public static final String ENABLED = "spark.mlops.enabled";
  /**
   * More Spark conf keys to log as params, comma-separated, on top of {@link ConfParams#DEFAULT_KEYS}; an entry
   * ending in {@code *} is a prefix ({@code spark.sql.adaptive.*}).
   */
  public static final String LOG_CONF = "spark.mlops.logConf";

  private final MlopsConfig config;
  private final String candidateName;
  private final boolean enabled;
  private final List<String> logConf;
  private final List<String> refused;

  private ListenerSettings(MlopsConfig config, String candidateName, boolean enabled, List<String> logConf,
      List<String> refused) {
    this.config = config;
    this.candidateName = candidateName;
    this.enabled = enabled;
    this.logConf = logConf;
    this.refused = refused;
  }

  /** Settings from a Spark conf, with the process's system properties and environment behind them. */
  public static ListenerSettings from(SparkConf sparkConf) {
    Map<String, String> entries = new LinkedHashMap<>();
    for (Tuple2<String, String> e : sparkConf.getAll()) {
      entries.put(e._1(), e._2());
    }
    return from(entries);
  }

  /** Settings from the Spark conf's entries, with the process's system properties and environment behind them. */
  public static ListenerSettings from(Map<String, String> sparkConf) {
    return from(sparkConf, System.getenv(), System.getProperties());
  }

  /** Settings from the Spark conf's entries, with this environment and these system properties behind them. */
  public static ListenerSettings from(Map<String, String> sparkConf, Map<String, String> environment,
      Properties systemProperties) {
    MlopsConfig.Builder b = MlopsConfig.builder().environment(environment).systemProperties(systemProperties);
    String name = null;
    boolean enabled = true;
    List<String> logConf = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Map.Entry<String, String> e : sparkConf.entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      if (!key.startsWith(PREFIX) || value == null) {
        continue;
      }
      if (key.equals(CANDIDATE_NAME)) {
        name = value.trim().isEmpty() ? null : value.trim();
      } else if (key.equals(ENABLED)) {
        enabled = !value.trim().equalsIgnoreCase("false");
      } else if (key.equals(LOG_CONF)) {
        for (String k : value.split(",")) {
          if (!k.trim().isEmpty()) {
            logConf.add(k.trim());
          }
        }
      } else if (!value.trim().isEmpty()) {
        String settingName = settingName(key.substring(PREFIX.length()));
        Optional<MlopsSetting> setting = coreSetting(settingName);
        try {
          if (setting.isPresent()) {
            b.set(setting.get(), value);
          } else {
            b.set(settingName.startsWith("MLOPS_") || settingName.startsWith("MLFLOW_") ? settingName
                : "MLOPS_" + settingName, value);
          }
        } catch (ValidationException ex) {
          refused.add(key); // a name no setting can have; the key is safe to show, the value may be a secret
        }
      }
    }
    return new ListenerSettings(b.build(), name, enabled, Collections.unmodifiableList(logConf),
        Collections.unmodifiableList(refused));
  }

  /** {@code trackingUri}, {@code tracking.uri} and {@code tracking-uri} are all {@code TRACKING_URI}. */
  static String settingName(String suffix) {
    StringBuilder out = new StringBuilder(suffix.length() + 8);
    for (int i = 0; i < suffix.length(); i++) {
      char c = suffix.charAt(i);
      if (c == '.' || c == '-') {
        out.append('_');
      } else if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(suffix.charAt(i - 1))
          && suffix.charAt(i - 1) != '.' && suffix.charAt(i - 1) != '-' && suffix.charAt(i - 1) != '_') {
        out.append('_').append(c);
      } else {
        out.append(c);
      }
    }
    return out.toString().toUpperCase(Locale.ROOT);
  }

  private static Optional<MlopsSetting> coreSetting(String settingName) {
    for (MlopsSetting s : MlopsSetting.values()) {
      if (s.name().equals(settingName) || s.environmentVariable().equals(settingName)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The SDK configuration. */
  public MlopsConfig config() {
    return config;
  }

  /** The configured candidate name, if any. */
  public Optional<String> candidateName() {
    return Optional.ofNullable(candidateName);
  }

  /** False when {@value #ENABLED} is {@code false}. */
  public boolean enabled() {
    return enabled;
  }

  /** The extra conf keys (and prefixes ending in {@code *}) to log as params. */
  public List<String> logConf() {
    return logConf;
  }

  /** {@code spark.mlops.*} keys that map to no valid setting name, ignored. */
  public List<String> refusedKeys() {
    return refused;
  }
}
