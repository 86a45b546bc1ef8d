package io.mlops.core;

/**
 * A request that never got an answer (connection refused, timeout, reset) or a local store that could not be read
 * or written (an I/O error). Usually worth retrying.
 */
public class TransportException extends MlopsException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message and a cause. */
  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
