package io.mlops.mlflow.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.mlops.mlflow.internal.MlflowStubs.API;
import static io.mlops.mlflow.internal.MlflowStubs.EXP_ID;
import static io.mlops.mlflow.internal.MlflowStubs.RUN_ID;
import static io.mlops.mlflow.internal.MlflowStubs.T0;
import static io.mlops.mlflow.internal.MlflowStubs.experiment;
import static io.mlops.mlflow.internal.MlflowStubs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.CandidateQuery;
import io.mlops.core.Experiment;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.MlopsServiceException;
import io.mlops.core.PermissionDeniedException;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.SerializationException;
import io.mlops.core.TrackingClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How error answers map to the SDK's exceptions: on MLflow's {@code error_code} first, the HTTP status second. */
class MlflowErrorMappingContractTest {
  @RegisterExtension
  static WireMockExtension wm = MlflowStubs.server();

  private final List<Long> sleeps = MlflowStubs.sleeps();
  private TrackingClient client;

  @BeforeEach
  void open() {
    client = MlflowStubs.client(MlflowStubs.config(wm).build(), sleeps);
  }

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void resourceDoesNotExist404_isResourceNotFoundWithTheServersMessage() {
    // RESOURCE_DOES_NOT_EXIST → 404 (protocol notes §1 error table, mlflow/exceptions.py)
    wm.stubFor(get(urlPathEqualTo(API + "runs/get")).willReturn(MlflowStubs.error(404, "RESOURCE_DOES_NOT_EXIST",
        "Run '" + RUN_ID + "' not found")));

    assertThatThrownBy(() -> client.getCandidate(RUN_ID))
        .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
          assertThat(e.statusCode()).hasValue(404);
          assertThat(e.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
          assertThat(e.serviceMessage()).isEqualTo("Run '" + RUN_ID + "' not found");
          assertThat(e.isRetryable()).isFalse();
        });
    wm.verify(1, getRequestedFor(urlPathEqualTo(API + "runs/get")));
  }

  @Test
  void findExperimentByName_whenTheEndpointIsMissing_failsInsteadOfReportingNoExperiment() {
    // Flask's default 404 page, as a server answers for a path it does not serve (a tracking URI missing its
    // reverse-proxy prefix, or a partial implementation such as GitLab's, protocol notes "Implications")
    wm.stubFor(get(urlPathEqualTo(API + "experiments/get-by-name")).willReturn(aResponse().withStatus(404)
        .withHeader("Content-Type", "text/html")
        .withBody("<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
            + "<p>The requested URL was not found on the server.</p>\n")));

    assertThatThrownBy(() -> client.findExperimentByName("churn"))
        .isInstanceOfSatisfying(MlopsServiceException.class, e -> assertThat(e.statusCode()).hasValue(404))
        .hasMessageContaining("/api/2.0/mlflow/experiments/get-by-name");
  }

  @Test
  void resourceAlreadyExistsWithHttp400_isResourceAlreadyExists() {
    // RESOURCE_ALREADY_EXISTS comes with HTTP 400, not 409 (protocol notes §1, ERROR_CODE_TO_HTTP_STATUS)
    wm.stubFor(post(urlEqualTo(API + "experiments/create")).willReturn(MlflowStubs.error(400,
        "RESOURCE_ALREADY_EXISTS", "Experiment 'churn' already exists.")));

    assertThatThrownBy(() -> client.createExperiment("churn"))
        .isInstanceOfSatisfying(ResourceAlreadyExistsException.class, e -> {
          assertThat(e.statusCode()).hasValue(400);
          assertThat(e.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");
          assertThat(e.serviceMessage()).isEqualTo("Experiment 'churn' already exists.");
        });
    wm.verify(1, postRequestedFor(urlEqualTo(API + "experiments/create")));
  }

  @Test
  void getOrCreateExperiment_thatLosesACreateRace_returnsTheExperimentTheOtherProcessCreated() {
    // get-by-name 404 when none (protocol notes §1 Experiments table); create answers RESOURCE_ALREADY_EXISTS/400
    MlflowStubs.sequence(wm, "race", () -> get(urlPathEqualTo(API + "experiments/get-by-name"))
            .withQueryParam("experiment_name", equalTo("churn")),
        MlflowStubs.error(404, "RESOURCE_DOES_NOT_EXIST", "Could not find experiment with name 'churn'"),
        json("{\"experiment\":" + experiment(EXP_ID, "churn") + "}"));
    wm.stubFor(post(urlEqualTo(API + "experiments/create")).willReturn(MlflowStubs.error(400,
        "RESOURCE_ALREADY_EXISTS", "Experiment 'churn' already exists.")));

    Experiment e = client.getOrCreateExperiment("churn");

    assertThat(e.id()).isEqualTo(EXP_ID);
    wm.verify(2, getRequestedFor(urlPathEqualTo(API + "experiments/get-by-name")));
  }

  @Test
  void changedParamValue400_isInvalidParameterWithTheServersMessage() {
    // INVALID_PARAMETER_VALUE/400 "Changing param values is not allowed" (protocol notes §3, sqlalchemy_store)
    String message = "Changing param values is not allowed. Param with key='lr' was already logged with value="
        + "'0.1' for run ID='" + RUN_ID + "'. Attempted logging new value '0.2'.";
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch")).willReturn(MlflowStubs.error(400,
        "INVALID_PARAMETER_VALUE", message)));

    assertThatThrownBy(() -> client.logParam(RUN_ID, "lr", "0.2"))
        .isInstanceOfSatisfying(InvalidParameterException.class, e -> {
          assertThat(e.statusCode()).hasValue(400);
          assertThat(e.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
          assertThat(e.serviceMessage()).isEqualTo(message);
          assertThat(e.getMessage()).contains(message);
        });
    wm.verify(1, postRequestedFor(urlEqualTo(API + "runs/log-batch")));
    assertThat(sleeps).isEmpty();
  }

  @Test
  void permissionDenied403_isPermissionDenied() {
    // PERMISSION_DENIED → 403 (protocol notes §1; mlflow/server/auth answers this shape)
    wm.stubFor(get(urlPathEqualTo(API + "experiments/get")).willReturn(MlflowStubs.error(403, "PERMISSION_DENIED",
        "Permission denied")));

    assertThatThrownBy(() -> client.getExperiment(EXP_ID))
        .isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
          assertThat(e.statusCode()).hasValue(403);
          assertThat(e.errorCode()).isEqualTo("PERMISSION_DENIED");
        });
    wm.verify(1, getRequestedFor(urlPathEqualTo(API + "experiments/get")));
  }

  @Test
  void unauthenticated401WithPlainTextBody_isPermissionDenied() {
    // mlflow/server/auth answers 401 with a plain-text body and WWW-Authenticate (not the JSON error shape)
    wm.stubFor(get(urlPathEqualTo(API + "experiments/get")).willReturn(aResponse().withStatus(401)
        .withHeader("WWW-Authenticate", "Basic realm=\"mlflow\"")
        .withBody("You are not authenticated. Please see the documentation for details.")));

    assertThatThrownBy(() -> client.getExperiment(EXP_ID))
        .isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
          assertThat(e.statusCode()).hasValue(401);
          assertThat(e.errorCode()).isEqualTo("HTTP_401");
          assertThat(e.serviceMessage()).contains("You are not authenticated");
        });
    wm.verify(1, getRequestedFor(urlPathEqualTo(API + "experiments/get")));
  }

  @Test
  void unauthenticated401WithJsonBody_isPermissionDenied() {
    // UNAUTHENTICATED → 401 (protocol notes §1 error table)
    wm.stubFor(get(urlPathEqualTo(API + "experiments/get")).willReturn(MlflowStubs.error(401, "UNAUTHENTICATED",
        "Token expired")));

    assertThatThrownBy(() -> client.getExperiment(EXP_ID))
        .isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
          assertThat(e.statusCode()).hasValue(401);
          assertThat(e.errorCode()).isEqualTo("UNAUTHENTICATED");
          assertThat(e.serviceMessage()).isEqualTo("Token expired");
        });
  }

  @Test
  void htmlBadGatewayPage_isServiceExceptionWithStatusEndpointAndShortExcerpt() {
    // a reverse proxy's HTML error page (nginx default 502 page), not MLflow's JSON error shape (protocol notes §1)
    String padding = "<!-- " + "x".repeat(400) + " -->";
    wm.stubFor(post(urlEqualTo(API + "experiments/create")).willReturn(aResponse().withStatus(502)
        .withHeader("Content-Type", "text/html")
        .withBody("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\n<center><h1>502 Bad "
            + "Gateway</h1></center>\n<hr><center>nginx</center>\n" + padding + "</body>\n</html>\n")));

    assertThatThrownBy(() -> client.createExperiment("churn"))
        .isInstanceOfSatisfying(MlopsServiceException.class, e -> {
          assertThat(e).isExactlyInstanceOf(MlopsServiceException.class);
          assertThat(e.statusCode()).hasValue(502);
          assertThat(e.errorCode()).isEqualTo("HTTP_502");
          assertThat(e.isRetryable()).isTrue();
          assertThat(e.serviceMessage())
              .contains("POST", "/api/2.0/mlflow/experiments/create", "502", "<title>502 Bad Gateway</title>")
              .doesNotContain("\n", "\r")
              .doesNotContain("x".repeat(400))
              .endsWith("...");
          assertThat(e.serviceMessage().length()).isLessThan(400);
        });
    wm.verify(1, postRequestedFor(urlEqualTo(API + "experiments/create")));
  }

  @Test
  void requestIdHeader_isExposedOnTheException() {
    // X-Request-Id set by proxies and MLflow deployments; body in MLflow's error shape (protocol notes §1)
    wm.stubFor(get(urlPathEqualTo(API + "runs/get")).willReturn(MlflowStubs.error(404, "RESOURCE_DOES_NOT_EXIST",
        "Run not found").withHeader("X-Request-Id", "req-7f3a")));

    assertThatThrownBy(() -> client.getCandidate(RUN_ID))
        .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
          assertThat(e.requestId()).contains("req-7f3a");
          assertThat(e.getMessage()).contains("req-7f3a");
        });
  }

  @ParameterizedTest
  @CsvSource({
      "400, BAD_REQUEST",
      "404, ENDPOINT_NOT_FOUND",
      "409, RESOURCE_CONFLICT",
      "413, REQUEST_TOO_LARGE",
      "422, UNPROCESSABLE",
  })
  void otherClientErrors_onASafeRequest_areNotRetried(int status, String code) {
    // 4xx codes from the error table (protocol notes §1); log-batch is the retry-safe POST
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch")).willReturn(MlflowStubs.error(status, code, "no")));

    assertThatThrownBy(() -> client.logMetric(RUN_ID, "loss", 1.0, T0, 0))
        .isInstanceOfSatisfying(MlopsServiceException.class, e -> {
          assertThat(e.statusCode()).hasValue(status);
          assertThat(e.errorCode()).isEqualTo(code);
          assertThat(e.isRetryable()).isFalse();
        });
    wm.verify(1, anyRequestedFor(anyUrl()));
    assertThat(sleeps).isEmpty();
  }

  @Test
  void malformedJsonIn200_isSerializationExceptionNamingTheEndpoint() {
    // experiments/get → {experiment} (protocol notes §1), cut off mid-object
    wm.stubFor(get(urlPathEqualTo(API + "experiments/get")).willReturn(json("{\"experiment\": {\"experiment_id\": "
        + "\"1\", \"name\": ")));

    assertThatThrownBy(() -> client.getExperiment(EXP_ID))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("GET")
        .hasMessageContaining("/api/2.0/mlflow/experiments/get");
    wm.verify(1, getRequestedFor(urlPathEqualTo(API + "experiments/get")));
  }

  @Test
  void htmlLoginPageIn200_isSerializationExceptionNamingTheEndpoint() {
    // an SSO proxy answering 200 with its login page instead of MLflow's JSON (runs/search, protocol notes §1)
    wm.stubFor(post(urlEqualTo(API + "runs/search")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/html").withBody("<html><body>Please sign in</body></html>")));

    assertThatThrownBy(() -> client.searchCandidates(CandidateQuery.builder().addExperimentId(EXP_ID)
        .build()).firstPage())
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("/api/2.0/mlflow/runs/search");
  }
}
