package io.mlops.core;

/** Configuration that cannot work: an unknown tracking URI scheme, a malformed setting, a missing backend. */
public class ConfigurationException extends MlopsException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public ConfigurationException(String message) {
    super(message);
  }

  /** An exception with a message and a cause. */
  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
