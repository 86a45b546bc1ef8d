package io.mlops.core;

/** The entity to create exists already (MLflow answers this with HTTP 400). */
public class ResourceAlreadyExistsException extends MlopsServiceException {
  private static final long serialVersionUID = 1L;

  /** A server's refusal: its HTTP status, error code, message and request id (may be null). */
  public ResourceAlreadyExistsException(int statusCode, String errorCode, String serviceMessage, String requestId) {
    super(statusCode, errorCode, serviceMessage, requestId);
  }

  /** A refusal no server sent (the local store, the SDK's checks), with MLflow's code {@code RESOURCE_ALREADY_EXISTS}. */
  public ResourceAlreadyExistsException(String serviceMessage) {
    super("RESOURCE_ALREADY_EXISTS", serviceMessage);
  }

  /** A refusal no server sent, with its own error code. */
  public ResourceAlreadyExistsException(String errorCode, String serviceMessage) {
    super(errorCode, serviceMessage);
  }

  /**
   * A server's refusal told more precisely: {@code answer}'s HTTP status and request id with a clearer code and
   * message; {@code answer} (may be null) becomes the cause.
   */
  public ResourceAlreadyExistsException(String errorCode, String serviceMessage, MlopsServiceException answer) {
    super(errorCode, serviceMessage, answer);
  }
}
