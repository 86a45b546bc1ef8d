package io.mlops.core.internal;

import io.mlops.core.Metric;
import io.mlops.core.ValidationException;
import io.mlops.core.spi.Capabilities;

/**
 * MLflow's validation rules (mlflow/utils/validation.py), with the limits of one backend's {@link Capabilities}.
 * Every error names the key and the rule it broke. Lengths are counted in code points, as Python's {@code len()}
 * counts them. No regular expressions: this runs on the logging path.
 */
public final class EntityValidator {
  private final Capabilities capabilities;

  /** A validator for a backend's limits. */
  public EntityValidator(Capabilities capabilities) {
    this.capabilities = capabilities;
  }

  /** The limits in force. */
  public Capabilities capabilities() {
    return capabilities;
  }

  /** Checks a metric's key and timestamp. NaN and ±Infinity are legal values, as in MLflow. */
  public void metric(Metric metric) {
    metricKey(metric.key());
    timestamp(metric.key(), metric.timestamp());
  }

  /** Checks a metric key. */
  public void metricKey(String key) {
    key("Metric", key);
  }

  /** Checks a timestamp: milliseconds since the epoch, not negative. */
  public void timestamp(String key, long timestamp) {
    if (timestamp < 0) {
      throw new ValidationException(key, "timestamp",
          "Metric '" + key + "' has a negative timestamp " + timestamp + "; timestamps are milliseconds since the epoch");
    }
  }

  /** Checks a param's key and value length. */
  public void param(String key, String value) {
    key("Param", key);
    value("Param", key, value, capabilities.maxParamValueLength());
  }

  /** Checks a candidate tag's key and value length. */
  public void tag(String key, String value) {
    key("Tag", key);
    value("Tag", key, value, capabilities.maxTagValueLength());
  }

  /** Checks an experiment tag. */
  public void experimentTag(String key, String value) {
    key("Experiment tag", key);
    value("Experiment tag", key, value, capabilities.maxExperimentTagValueLength());
  }

  /** Checks an experiment name: not blank, not longer than the backend's limit. */
  public void experimentName(String name) {
    if (name == null || name.trim().isEmpty()) {
      throw new ValidationException("name", "experiment-name-empty", "Experiment name must not be empty");
    }
    int max = capabilities.maxExperimentNameLength();
    int length = codePoints(name, max);
    if (length > max) {
      throw new ValidationException(name, "experiment-name-length", "Experiment name '" + abbreviate(name)
          + "' is " + length + " characters long; " + capabilities.backendName() + " allows " + max);
    }
  }

  /** Checks a candidate name's length. */
  public void candidateName(String name) {
    if (name == null) {
      throw new ValidationException("name", "candidate-name-null", "Candidate name must not be null");
    }
    int max = capabilities.maxCandidateNameLength();
    int length = codePoints(name, max);
    if (length > max) {
      throw new ValidationException(name, "candidate-name-length", "Candidate name '" + abbreviate(name) + "' is "
          + length + " characters long; " + capabilities.backendName() + " allows " + max);
    }
  }

  /**
   * Checks a model name: not blank, at most 256 characters, and no {@code /}, {@code \}, {@code %} or control
   * character (the file store keeps a model in a folder of that name, mlflow/store/model_registry/file_store.py).
   */
  public static void modelName(String name) {
    if (name == null || name.trim().isEmpty()) {
      throw new ValidationException(String.valueOf(name), "model-name-empty", "Model name must not be empty");
    }
    int length = codePoints(name, 256);
    if (length > 256) {
      throw new ValidationException(name, "model-name-length",
          "Model name '" + abbreviate(name) + "' is " + length + " characters long; at most 256 are allowed");
    }
    if (name.equals(".") || name.equals("..")) {
      throw new ValidationException(name, "model-name-characters", "Model name '" + name + "' is not allowed");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c == '\\' || c == '%' || c < 32) {
        throw new ValidationException(name, "model-name-characters", "Model name '" + name + "' contains '"
            + (c < 32 ? "\\u" + String.format("%04x", (int) c) : String.valueOf(c))
            + "' at position " + i + "; model names may not contain '/', '\\', '%' or control characters");
      }
    }
  }

  /**
   * Checks an alias with MLflow's rules (protocol notes §3): {@code ^[\w\-]+$}, at most 255 characters, and not
   * a reserved name ({@code latest}, or {@code v} followed by digits, which would read as a version).
   */
  public static void alias(String alias) {
    if (alias == null || alias.isEmpty()) {
      throw new ValidationException(String.valueOf(alias), "alias-empty", "An alias must not be empty");
    }
    int length = codePoints(alias, 255);
    if (length > 255) {
      throw new ValidationException(alias, "alias-length", "Alias '" + abbreviate(alias) + "' is " + length
          + " characters long; at most 255 are allowed");
    }
    for (int i = 0; i < alias.length(); ) {
      int cp = alias.codePointAt(i);
      if (!(Character.isLetterOrDigit(cp) || cp == '_' || cp == '-')) {
        throw new ValidationException(alias, "alias-characters", "Alias '" + alias + "' contains '"
            + new String(Character.toChars(cp)) + "' at position " + i
            + "; aliases may contain only letters, digits, '_' and '-'");
      }
      i += Character.charCount(cp);
    }
    boolean versionLike = alias.length() > 1 && (alias.charAt(0) == 'v' || alias.charAt(0) == 'V');
    for (int i = 1; versionLike && i < alias.length(); i++) {
      versionLike = alias.charAt(i) >= '0' && alias.charAt(i) <= '9';
    }
    if (alias.equalsIgnoreCase("latest") || versionLike) {
      throw new ValidationException(alias, "alias-reserved", "Alias '" + alias
          + "' is reserved: 'latest' and 'v<digits>' would be read as a version reference");
    }
  }

  /** Checks a model or model-version tag: a valid key, a value of at most 5000 characters (MLflow's limit). */
  public void registryTag(String key, String value) {
    key("Registry tag", key);
    value("Registry tag", key, value, capabilities.maxExperimentTagValueLength());
  }

  /** Checks a candidate id: MLflow's {@code ^[a-zA-Z0-9][\w\-]{0,255}$}. */
  public static void candidateId(String id) {
    identifier("candidate id", id, 256);
  }

  /** Checks an experiment id: MLflow's {@code ^[a-zA-Z0-9][\w\-]{0,63}$}. */
  public static void experimentId(String id) {
    identifier("experiment id", id, 64);
  }

  private static void identifier(String what, String id, int maxLength) {
    boolean ok = id != null && !id.isEmpty() && id.length() <= maxLength && isAsciiAlnum(id.charAt(0));
    for (int i = 1; ok && i < id.length(); i++) {
      char c = id.charAt(i);
      ok = isAsciiAlnum(c) || c == '_' || c == '-';
    }
    if (!ok) {
      throw new ValidationException(String.valueOf(id), what.replace(' ', '-'), "Invalid " + what + " '" + id
          + "': it must start with a letter or digit and contain only letters, digits, '_' and '-', at most "
          + maxLength + " characters");
    }
  }

  private void key(String kind, String key) {
    if (key == null || key.isEmpty()) {
      throw new ValidationException(String.valueOf(key), "key-empty", kind + " key must not be empty");
    }
    int max = capabilities.maxKeyLength();
    int length = codePoints(key, max);
    if (length > max) {
      throw new ValidationException(key, "key-length", kind + " key '" + abbreviate(key) + "' is " + length
          + " characters long; " + capabilities.backendName() + " allows " + max);
    }
    for (int i = 0; i < key.length(); ) {
      int cp = key.codePointAt(i);
      if (!isKeyCharacter(cp)) {
        throw new ValidationException(key, "key-characters", kind + " key '" + key + "' contains '"
            + new String(Character.toChars(cp)) + "' at position " + i
            + "; keys may contain only letters, digits, '_', '-', '.', ' ', ':' and '/'");
      }
      i += Character.charCount(cp);
    }
    // MLflow's path_not_unique(): a key is a relative path that normalizes to itself (keys with '/' become
    // folders in the file store, so "a/../b" or "/a" must not be accepted).
    int start = 0;
    while (start <= key.length()) {
      int end = key.indexOf('/', start);
      if (end < 0) {
        end = key.length();
      }
      int n = end - start; // no substring: this runs for every entry of every batch
      if (n == 0 || key.charAt(start) == '.' && (n == 1 || n == 2 && key.charAt(start + 1) == '.')) {
        throw new ValidationException(key, "key-path", kind + " key '" + key
            + "' is not a normalized relative path: no leading, trailing or double '/', and no '.' or '..' parts");
      }
      segmentBytes(kind, key, start, end);
      start = end + 1;
    }
  }

  /** A store that keeps keys as file names cannot take a part longer than its name limit (Capabilities). */
  private void segmentBytes(String kind, String key, int start, int end) {
    int max = capabilities.maxKeySegmentBytes();
    if (end - start <= max / 3) {
      return; // at most 3 UTF-8 bytes per UTF-16 unit: no need to count
    }
    String segment = key.substring(start, end);
    int bytes = BatchSplitter.utf8Length(segment);
    if (bytes > max) {
      throw new ValidationException(key, "key-bytes", kind + " key '" + abbreviate(key) + "' has a part of "
          + bytes + " bytes in UTF-8 ('" + abbreviate(segment) + "'); " + capabilities.backendName()
          + " keeps each part of a key as a file name and allows " + max + " bytes");
    }
  }

  /**
   * The length of {@code s} in Unicode code points, as MLflow's Python {@code len()} counts it; only counted when
   * the UTF-16 length is over {@code max}, since the code-point count is never larger.
   */
  static int codePoints(String s, int max) {
    return s.length() <= max ? s.length() : s.codePointCount(0, s.length());
  }

  private void value(String kind, String key, String value, int max) {
    if (value == null) {
      throw new ValidationException(key, "value-null", kind + " '" + key + "' has a null value");
    }
    int length = codePoints(value, max);
    if (length > max) {
      throw new ValidationException(key, "value-length", kind + " '" + key + "' has a value of " + length
          + " characters; " + capabilities.backendName() + " allows " + max);
    }
  }

  /** Python's {@code \w} (Unicode word characters) plus MLflow's {@code / . - space :}. */
  static boolean isKeyCharacter(int cp) {
    if (cp < 128) {
      return isAsciiAlnum((char) cp) || cp == '_' || cp == '/' || cp == '.' || cp == '-' || cp == ' ' || cp == ':';
    }
    if (Character.isLetterOrDigit(cp)) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER
        || type == Character.CONNECTOR_PUNCTUATION && cp == '_';
  }

  private static boolean isAsciiAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static String abbreviate(String s) {
    if (s.length() <= 60) {
      return s;
    }
    int end = Character.isHighSurrogate(s.charAt(56)) ? 56 : 57; // never cut a surrogate pair in two
    return s.substring(0, end) + "...";
  }
}
