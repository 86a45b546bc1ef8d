package io.mlops.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors no server sent carry no HTTP status: the local store's refusals and the SDK's own checks. */
class ClientSideErrorsTest {
  @TempDir Path temp;

  private TrackingClient local() {
    return TrackingClient.create(MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
        .trackingUri(temp.resolve("mlruns").toString()).build());
  }

  @Test
  void theLocalStoresRefusals_haveMlflowsCodesButNoStatus() {
    try (TrackingClient client = local()) {
      assertThatThrownBy(() -> client.getCandidate("0123456789abcdef0123456789abcdef"))
          .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
            assertThat(e.statusCode()).isEmpty();
            assertThat(e.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
            assertThat(e.getMessage()).doesNotContain("HTTP").startsWith("RESOURCE_DOES_NOT_EXIST: ");
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.requestId()).isEmpty();
          });
      Experiment experiment = client.createExperiment("exists");
      assertThatThrownBy(() -> client.createExperiment("exists"))
          .isInstanceOfSatisfying(ResourceAlreadyExistsException.class, e -> assertThat(e.statusCode()).isEmpty());
      assertThat(experiment.name()).isEqualTo("exists");
    }
  }

  @Test
  void aMissingCapability_hasNoStatus() {
    OperationNotSupportedException e = new OperationNotSupportedException("GitLab", "renameExperiment");
    assertThat(e.statusCode()).isEmpty();
    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage()).isEqualTo("NOT_IMPLEMENTED: GitLab does not support renameExperiment");
  }

  @Test
  void aServersRefusal_keepsItsStatus_andATellingBetterKeepsStatusAndRequestId() {
    InvalidParameterException server = new InvalidParameterException(400, "INVALID_PARAMETER_VALUE", "bad", "req-1");
    assertThat(server.statusCode()).hasValue(400);
    assertThat(server.getMessage()).isEqualTo("INVALID_PARAMETER_VALUE (HTTP 400): bad [request id req-1]");

    ResourceAlreadyExistsException better = new ResourceAlreadyExistsException("RESOURCE_ALREADY_EXISTS",
        "version 1.0.0 exists", server);
    assertThat(better.statusCode()).hasValue(400);
    assertThat(better.requestId()).hasValue("req-1");
    assertThat(better.getCause()).isSameAs(server);

    assertThat(new ResourceNotFoundException("RESOURCE_DOES_NOT_EXIST", "gone", null).statusCode()).isEmpty();
    assertThatThrownBy(() -> new MlopsServiceException(0, "X", "no such status", null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
