package io.mlops.core;

/** The entity to create exists already (MLflow answers this with HTTP 400). */
public class ResourceAlreadyExistsException extends MlopsServiceException {
  private static final long serialVersionUID = 1L;

  /** An error with the backend's status, code, message and request id (may be null). */
  public ResourceAlreadyExistsException(int statusCode, String errorCode, String serviceMessage, String requestId) {
    super(statusCode, errorCode, serviceMessage, requestId);
  }

  /** An error raised locally with the status and code MLflow's server uses (400, {@code RESOURCE_ALREADY_EXISTS}). */
  public ResourceAlreadyExistsException(String serviceMessage) {
    this(400, "RESOURCE_ALREADY_EXISTS", serviceMessage, null);
  }
}
