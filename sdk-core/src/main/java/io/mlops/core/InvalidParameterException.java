package io.mlops.core;

/** The backend rejected a value, e.g. a param re-logged with a different value. */
public class InvalidParameterException extends MlopsServiceException {
  private static final long serialVersionUID = 1L;

  /** An error with the backend's status, code, message and request id (may be null). */
  public InvalidParameterException(int statusCode, String errorCode, String serviceMessage, String requestId) {
    super(statusCode, errorCode, serviceMessage, requestId);
  }

  /** An error raised locally with the status and code MLflow's server uses (400, {@code INVALID_PARAMETER_VALUE}). */
  public InvalidParameterException(String serviceMessage) {
    this(400, "INVALID_PARAMETER_VALUE", serviceMessage, null);
  }
}
