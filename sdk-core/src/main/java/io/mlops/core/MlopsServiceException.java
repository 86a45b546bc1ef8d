package io.mlops.core;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A backend refused a request. Carries the backend's error code (MLflow's {@code error_code}, e.g.
 * {@code RESOURCE_DOES_NOT_EXIST}), its message and, when a server answered, the HTTP status and the request id.
 *
 * <p>The local store and the SDK's own checks raise the same types with MLflow's error codes, so code that handles
 * {@link ResourceNotFoundException} works on every backend; they carry no HTTP status, because no server sent one
 * ({@link #statusCode()} is empty).
 */
public class MlopsServiceException extends MlopsException {
  private static final long serialVersionUID = 1L;

  /** 0 when no server answered. */
  private final int statusCode;
  private final String errorCode;
  private final String serviceMessage;
  private final String requestId;
  private final Duration retryAfter;

  /**
   * A server's refusal.
   *
   * @param statusCode the HTTP status the server answered with
   * @param errorCode the backend's error code
   * @param serviceMessage the backend's message
   * @param requestId the request id, or null
   */
  public MlopsServiceException(int statusCode, String errorCode, String serviceMessage, String requestId) {
    this(statusCode, errorCode, serviceMessage, requestId, null);
  }

  /**
   * A server's refusal that says when to try again (a 429 or 503 with {@code Retry-After}).
   *
   * @param statusCode the HTTP status the server answered with
   * @param errorCode the backend's error code
   * @param serviceMessage the backend's message
   * @param requestId the request id, or null
   * @param retryAfter how long the server asked to wait, or null
   */
  public MlopsServiceException(int statusCode, String errorCode, String serviceMessage, String requestId,
      Duration retryAfter) {
    super(message(statusCode, errorCode, serviceMessage, requestId));
    if (statusCode < 100 || statusCode > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + statusCode);
    }
    this.statusCode = statusCode;
    this.errorCode = errorCode;
    this.serviceMessage = serviceMessage;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
  }

  /**
   * A refusal no server sent: raised by a server-less backend (the local store) or by the SDK itself. It has no
   * HTTP status.
   *
   * @param errorCode the error code, one of MLflow's where one fits
   * @param serviceMessage the message
   */
  public MlopsServiceException(String errorCode, String serviceMessage) {
    this(errorCode, serviceMessage, null);
  }

  /**
   * A server's refusal told more precisely: the {@code answer}'s HTTP status and request id (if it has them) with
   * a clearer error code and message; {@code answer} becomes the cause.
   *
   * @param errorCode the error code
   * @param serviceMessage the message
   * @param answer the refusal as the backend first reported it, or null for none
   */
  public MlopsServiceException(String errorCode, String serviceMessage, MlopsServiceException answer) {
    super(message(answer == null ? 0 : answer.statusCode, errorCode, serviceMessage,
        answer == null ? null : answer.requestId), answer);
    this.statusCode = answer == null ? 0 : answer.statusCode;
    this.errorCode = errorCode;
    this.serviceMessage = serviceMessage;
    this.requestId = answer == null ? null : answer.requestId;
    this.retryAfter = answer == null ? null : answer.retryAfter;
  }

  private static String message(int statusCode, String errorCode, String serviceMessage, String requestId) {
    return errorCode + (statusCode == 0 ? "" : " (HTTP " + statusCode + ")") + ": " + serviceMessage
        + (requestId == null ? "" : " [request id " + requestId + "]");
  }

  /** The HTTP status the server answered with; empty when no server answered (the local store, the SDK's checks). */
  public OptionalInt statusCode() {
    return statusCode == 0 ? OptionalInt.empty() : OptionalInt.of(statusCode);
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

  /** True when the same request may succeed later: a server's 408, 429 and 5xx except 501. */
  public boolean isRetryable() {
    return statusCode == 408 || statusCode == 429 || (statusCode >= 500 && statusCode != 501);
  }
}
