package io.mlops.core;

/** The requested experiment, candidate, model or artifact does not exist. */
public class ResourceNotFoundException extends MlopsServiceException {
  private static final long serialVersionUID = 1L;

  /** A server's refusal: its HTTP status, error code, message and request id (may be null). */
  public ResourceNotFoundException(int statusCode, String errorCode, String serviceMessage, String requestId) {
    super(statusCode, errorCode, serviceMessage, requestId);
  }

  /** A refusal no server sent (the local store, the SDK's checks), with MLflow's code {@code RESOURCE_DOES_NOT_EXIST}. */
  public ResourceNotFoundException(String serviceMessage) {
    super("RESOURCE_DOES_NOT_EXIST", serviceMessage);
  }

  /** A refusal no server sent, with its own error code. */
  public ResourceNotFoundException(String errorCode, String serviceMessage) {
    super(errorCode, serviceMessage);
  }

  /**
   * A server's refusal told more precisely: {@code answer}'s HTTP status and request id with a clearer code and
   * message; {@code answer} (may be null) becomes the cause.
   */
  public ResourceNotFoundException(String errorCode, String serviceMessage, MlopsServiceException answer) {
    super(errorCode, serviceMessage, answer);
  }
}
