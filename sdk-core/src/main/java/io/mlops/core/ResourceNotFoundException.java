package io.mlops.core;

/** The requested experiment, candidate, model or artifact does not exist. */
public class ResourceNotFoundException extends MlopsServiceException {
  private static final long serialVersionUID = 1L;

  /** An error with the backend's status, code, message and request id (may be null). */
  public ResourceNotFoundException(int statusCode, String errorCode, String serviceMessage, String requestId) {
    super(statusCode, errorCode, serviceMessage, requestId);
  }

  /** An error raised locally with the status and code MLflow's server uses (404, {@code RESOURCE_DOES_NOT_EXIST}). */
  public ResourceNotFoundException(String serviceMessage) {
    this(404, "RESOURCE_DOES_NOT_EXIST", serviceMessage, null);
  }
}
