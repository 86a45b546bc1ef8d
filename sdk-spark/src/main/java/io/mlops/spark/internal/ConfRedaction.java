package io.mlops.spark.internal;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Redacts Spark conf entries the way Spark's own {@code Utils.redact} does for the UI and event logs: when the
 * redaction regex ({@code spark.redaction.regex}, default {@value #DEFAULT_REGEX}) is found in the key <em>or</em>
 * in the value, the value is replaced by {@value #REPLACEMENT}. The key stays, so one can see that it was set.
 */
public final class ConfRedaction {
  /** The conf key of the regex. */
  public static final String REGEX_KEY = "spark.redaction.regex";
  /** Spark 3.5's default of {@code spark.redaction.regex}. */
  public static final String DEFAULT_REGEX = "(?i)secret|password|token|access[.]key";
  /** Spark's replacement text ({@code Utils.REDACTION_REPLACEMENT_TEXT}). */
  public static final String REPLACEMENT = "*********(redacted)";

  private final Pattern pattern;

  private ConfRedaction(Pattern pattern) {
    this.pattern = pattern;
  }

  /**
   * The redaction for a configured regex: {@code null} or blank gives Spark's default; a regex that does not
   * compile gives the default too (and redacts at least as much as Spark's default would), never none.
   */
  public static ConfRedaction of(String configuredRegex) {
    if (configuredRegex == null || configuredRegex.trim().isEmpty()) {
      return new ConfRedaction(Pattern.compile(DEFAULT_REGEX));
    }
    try {
      return new ConfRedaction(Pattern.compile(configuredRegex));
    } catch (PatternSyntaxException e) {
      return new ConfRedaction(Pattern.compile(DEFAULT_REGEX));
    }
  }

  /** True when the key or the value matches: the value must not be shown. */
  public boolean isSensitive(String key, String value) {
    return pattern.matcher(key).find() || value != null && pattern.matcher(value).find();
  }

  /** The value to show for this entry: the value itself, or {@value #REPLACEMENT}. */
  public String redact(String key, String value) {
    return isSensitive(key, value) ? REPLACEMENT : value;
  }

  /** The regex in use. */
  public String regex() {
    return pattern.pattern();
  }
}
