package io.mlops.core;

import java.time.Duration;
import java.util.Optional;

/**
 * A backend refused a request. Carries the HTTP status, the backend's error code (MLflow's {@code error_code},
 * e.g. {@code RESOURCE_DOES_NOT_EXIST}), its message and, where the server sent one, the request id.
 *
 * <p>The local store raises the same types with the status MLflow's server would have returned, so code that
 * handles {@link ResourceNotFoundException} works on every backend.
 */
public class MlopsServiceException extends MlopsException {
  private static final long serialVersionUID = 1L;

  private final int statusCode;
  private final String errorCode;
  private final String serviceMessage;
  private final String requestId;
  private final Duration retryAfter;

  /**
   * A service error.
   *
   * @param statusCode HTTP status (or the status the server would have used, for the local store)
   * @param errorCode the backend's error code
   * @param serviceMessage the backend's message
   * @param requestId the request id, or null
   */
  public MlopsServiceException(int statusCode, String errorCode, String serviceMessage, String requestId) {
    this(statusCode, errorCode, serviceMessage, requestId, null);
  }

  /**
   * A service error that says when to try again (a 429 or 503 with {@code Retry-After}).
   *
   * @param retryAfter how long the server asked to wait, or null
   */
  public MlopsServiceException(int statusCode, String errorCode, String serviceMessage, String requestId,
      Duration retryAfter) {
    super(errorCode + " (HTTP " + statusCode + "): " + serviceMessage
        + (requestId == null ? "" : " [request id " + requestId + "]"));
    this.statusCode = statusCode;
    this.errorCode = errorCode;
    this.serviceMessage = serviceMessage;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
  }

  /** The HTTP status. */
  public int statusCode() {
    return statusCode;
  }

  /** The backend's error code, e.g. {@code INVALID_PARAMETER_VALUE}. */
  public String errorCode() {
    return errorCode;
  }

  /** The backend's own message. */
  public String serviceMessage() {
    return serviceMessage;
  }

  /** The request id, when the server sent one. */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /** How long the server asked the client to wait before trying again ({@code Retry-After}), if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** True when the same request may succeed later: 408, 429 and 5xx except 501. */
  public boolean isRetryable() {
    return statusCode == 408 || statusCode == 429 || (statusCode >= 500 && statusCode != 501);
  }
}
