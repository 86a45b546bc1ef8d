package io.mlops.core;

/** A response or a stored file that could not be parsed, or a value that could not be encoded. */
public class SerializationException extends MlopsException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public SerializationException(String message) {
    super(message);
  }

  /** An exception with a message and a cause. */
  public SerializationException(String message, Throwable cause) {
    super(message, cause);
  }
}
