package io.mlops.core;

/**
 * Input that breaks one of the rules of the tracking model (key characters, length limits, ...), found before
 * anything was sent or written. The message names the offending key and the rule.
 */
public class ValidationException extends MlopsException {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final String rule;

  /**
   * An exception for a key that broke a rule.
   *
   * @param key the offending key or field name
   * @param rule a short name of the rule, e.g. {@code key-characters}
   * @param message the full explanation
   */
  public ValidationException(String key, String rule, String message) {
    super(message);
    this.key = key;
    this.rule = rule;
  }

  /** The offending key or field. */
  public String key() {
    return key;
  }

  /** The rule that was broken, e.g. {@code key-length}. */
  public String rule() {
    return rule;
  }
}
