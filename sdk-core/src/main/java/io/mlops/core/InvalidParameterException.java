package io.mlops.core;

/** The backend rejected a value, e.g. a param re-logged with a different value. */
public class InvalidParameterException extends MlopsServiceException {
  private static final long serialVersionUID = 1L;

  /** A server's refusal: its HTTP status, error code, message and request id (may be null). */
  public InvalidParameterException(int statusCode, String errorCode, String serviceMessage, String requestId) {
    super(statusCode, errorCode, serviceMessage, requestId);
  }

  /** A refusal no server sent (the local store, the SDK's checks), with MLflow's code {@code INVALID_PARAMETER_VALUE}. */
  public InvalidParameterException(String serviceMessage) {
    super("INVALID_PARAMETER_VALUE", serviceMessage);
  }

  /** A refusal no server sent, with its own error code. */
  public InvalidParameterException(String errorCode, String serviceMessage) {
    super(errorCode, serviceMessage);
  }

  /**
   * A server's refusal told more precisely: {@code answer}'s HTTP status and request id with a clearer code and
   * message; {@code answer} (may be null) becomes the cause.
   */
  public InvalidParameterException(String errorCode, String serviceMessage, MlopsServiceException answer) {
    super(errorCode, serviceMessage, answer);
  }
}
