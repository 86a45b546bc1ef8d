package io.mlops.core;

/** The credentials lack the right to do this (HTTP 401 or 403). */
public class PermissionDeniedException extends MlopsServiceException {
  private static final long serialVersionUID = 1L;

  /** A server's refusal: its HTTP status, error code, message and request id (may be null). */
  public PermissionDeniedException(int statusCode, String errorCode, String serviceMessage, String requestId) {
    super(statusCode, errorCode, serviceMessage, requestId);
  }

  /** A refusal no server sent (the local store, the SDK's checks), with MLflow's code {@code PERMISSION_DENIED}. */
  public PermissionDeniedException(String serviceMessage) {
    super("PERMISSION_DENIED", serviceMessage);
  }

  /** A refusal no server sent, with its own error code. */
  public PermissionDeniedException(String errorCode, String serviceMessage) {
    super(errorCode, serviceMessage);
  }

  /**
   * A server's refusal told more precisely: {@code answer}'s HTTP status and request id with a clearer code and
   * message; {@code answer} (may be null) becomes the cause.
   */
  public PermissionDeniedException(String errorCode, String serviceMessage, MlopsServiceException answer) {
    super(errorCode, serviceMessage, answer);
  }
}
