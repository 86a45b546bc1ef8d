package io.mlops.gitlab.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.MlopsServiceException;
import io.mlops.core.PermissionDeniedException;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;

/**
 * Checks a 200 answer for an {@code error_code}. GitLab answers every success with 200 because "MLflow Client
 * considers any status code different than 200 an error" (reference §1, GitLab
 * {@code lib/api/ml/mlflow/entrypoint.rb}); the transport only maps non-2xx answers, so an error carried in a 200
 * body would otherwise be read as a result.
 */
final class GitlabAnswers {
  private GitlabAnswers() {}

  /**
   * Returns {@code answer} or throws the exception of its {@code error_code}.
   *
   * @param what the call, for the message, e.g. {@code POST runs/create}
   */
  static JsonNode check(JsonNode answer, String what) {
    JsonNode code = answer.get("error_code");
    if (code == null || code.isNull() || code.asText("").isEmpty()) {
      return answer;
    }
    String c = code.asText();
    String message = GitlabCapabilities.NAME + " answered " + what + " with 200 and error_code " + c + ": "
        + answer.path("message").asText("(no message)");
    throw map(c, message);
  }

  /**
   * The exception of an error code in an answer whose HTTP status was 200: it carries no HTTP status (none was
   * sent for the refusal), only GitLab's code (reference §1, GitLab {@code lib/api/ml/mlflow/api_helpers.rb}).
   */
  static MlopsServiceException map(String code, String message) {
    switch (code) {
      case "RESOURCE_DOES_NOT_EXIST":
      case "NOT_FOUND":
      case "ENDPOINT_NOT_FOUND":
        return new ResourceNotFoundException(code, message);
      case "RESOURCE_ALREADY_EXISTS":
      case "ALREADY_EXISTS":
        return new ResourceAlreadyExistsException(code, message);
      case "INVALID_PARAMETER_VALUE":
      case "BAD_REQUEST":
      case "INVALID_STATE":
      case "MALFORMED_REQUEST":
        return new InvalidParameterException(code, message);
      case "PERMISSION_DENIED":
      case "UNAUTHENTICATED":
        return new PermissionDeniedException(code, message);
      default:
        // UPDATE_FAILED (api_helpers.rb) and anything newer: a refused request without a more specific type
        return new MlopsServiceException(code, message);
    }
  }
}
