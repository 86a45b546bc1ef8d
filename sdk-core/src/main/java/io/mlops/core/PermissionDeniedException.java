package io.mlops.core;

/** The credentials lack the right to do this (HTTP 401 or 403). */
public class PermissionDeniedException extends MlopsServiceException {
  private static final long serialVersionUID = 1L;

  /** An error with the backend's status, code, message and request id (may be null). */
  public PermissionDeniedException(int statusCode, String errorCode, String serviceMessage, String requestId) {
    super(statusCode, errorCode, serviceMessage, requestId);
  }

  /** An error raised locally with the status and code MLflow's server uses (403, {@code PERMISSION_DENIED}). */
  public PermissionDeniedException(String serviceMessage) {
    this(403, "PERMISSION_DENIED", serviceMessage, null);
  }
}
