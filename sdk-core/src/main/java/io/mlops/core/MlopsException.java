package io.mlops.core;

/**
 * The root of every exception the SDK throws. It is unchecked.
 *
 * <p>Client-side problems (bad input, bad configuration, an unreachable server, an unreadable response) are
 * {@link ValidationException}, {@link ConfigurationException}, {@link TransportException} and
 * {@link SerializationException}; what a backend refused is a {@link MlopsServiceException}.
 */
public class MlopsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public MlopsException(String message) {
    super(message);
  }

  /** An exception with a message and a cause. */
  public MlopsException(String message, Throwable cause) {
    super(message, cause);
  }
}
