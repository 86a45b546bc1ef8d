package io.mlops.core;

/**
 * The backend does not implement an operation; the message names the backend and the operation. Raised by the SDK
 * before anything is sent, from the backend's {@link io.mlops.core.spi.Capabilities}, so it carries no HTTP status.
 */
public class OperationNotSupportedException extends MlopsServiceException {
  private static final long serialVersionUID = 1L;

  private final String backend;
  private final String operation;

  /**
   * An unsupported operation.
   *
   * @param backend the backend's name, e.g. {@code GitLab}
   * @param operation the operation, e.g. {@code renameExperiment}
   */
  public OperationNotSupportedException(String backend, String operation) {
    super("NOT_IMPLEMENTED", backend + " does not support " + operation);
    this.backend = backend;
    this.operation = operation;
  }

  /** The backend's name. */
  public String backend() {
    return backend;
  }

  /** The operation. */
  public String operation() {
    return operation;
  }
}
