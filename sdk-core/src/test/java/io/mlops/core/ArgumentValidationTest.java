package io.mlops.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invalid arguments to the public entry points get a {@link ValidationException} whose {@code key()} names the
 * argument, never a bare {@link NullPointerException} or {@link IllegalArgumentException}.
 */
class ArgumentValidationTest {
  @TempDir
  Path dir;

  private TrackingClient client;
  private RegistryClient registry;
  private String candidateId;

  @BeforeEach
  void open() {
    MlopsConfig config = hermetic().trackingUri(dir.resolve("mlruns").toString()).build();
    client = TrackingClient.create(config);
    registry = RegistryClient.create(config);
    candidateId = client.createCandidate(NewCandidate.builder().experimentId("0").startTime(1_700_000_000_000L).build()).id();
  }

  @AfterEach
  void close() {
    client.close();
    registry.close();
  }

  private static MlopsConfig.Builder hermetic() {
    return MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties());
  }

  private static void assertNamesArgument(ThrowingCallable call, String argument) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.key()).isEqualTo(argument))
        .hasMessageContaining(argument);
  }

  @Test
  void trackingUri_blankOrNull_isAValidationErrorNamingIt() {
    assertNamesArgument(() -> hermetic().trackingUri("   "), "trackingUri");
    assertNamesArgument(() -> hermetic().trackingUri(""), "trackingUri");
    assertNamesArgument(() -> hermetic().trackingUri(null), "trackingUri");
    assertNamesArgument(() -> hermetic().set(MlopsSetting.TRACKING_URI, " "), "trackingUri");
  }

  @Test
  void configBuilder_nullArguments_areValidationErrorsNamingThem() {
    assertNamesArgument(() -> hermetic().token(null), "token");
    assertNamesArgument(() -> hermetic().basicAuth("alice", null), "password");
    assertNamesArgument(() -> hermetic().set((MlopsSetting) null, "x"), "setting");
    assertNamesArgument(() -> hermetic().set((String) null, "x"), "environmentVariable");
    assertNamesArgument(() -> hermetic().set("MLOPS_SOMETHING", null), "value");
    assertNamesArgument(() -> hermetic().set(MlopsSetting.JOURNAL_DIR, null), "value");
    assertNamesArgument(() -> hermetic().environment(null), "environment");
  }

  @Test
  void clients_withoutAConfig_areValidationErrors() {
    assertNamesArgument(() -> TrackingClient.create((MlopsConfig) null), "config");
    assertNamesArgument(() -> RegistryClient.create((MlopsConfig) null), "config");
  }

  @Test
  void logCalls_withANullKey_areValidationErrorsNamingTheKey() {
    assertNamesArgument(() -> client.logMetric(candidateId, null, 1.0, 1L, 0L), "key");
    assertNamesArgument(() -> client.logParam(candidateId, null, "v"), "key");
    assertNamesArgument(() -> client.setTag(candidateId, null, "v"), "key");
    assertThatThrownBy(() -> client.logParam(candidateId, "p", null))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("value-null"));
    assertThatThrownBy(() -> client.setTag(candidateId, "t", null)).isInstanceOf(ValidationException.class);
  }

  @Test
  void endCandidate_withANonTerminalOrNullStatus_isAValidationErrorNamingTheStatus() {
    assertNamesArgument(() -> client.endCandidate(candidateId, CandidateStatus.RUNNING), "status");
    assertNamesArgument(() -> client.endCandidate(candidateId, null), "status");
    assertThat(client.getCandidate(candidateId).info().status()).isEqualTo(CandidateStatus.RUNNING);
  }

  @Test
  void clientArguments_thatAreNull_areValidationErrorsNamingThem() {
    assertNamesArgument(() -> client.createExperiment("e", null), "tags");
    assertNamesArgument(() -> client.uploadArtifacts(candidateId, null, ""), "fileOrDirectory");
    assertNamesArgument(() -> client.downloadArtifacts(candidateId, "", null), "targetDirectory");
    assertNamesArgument(() -> client.searchCandidates(null), "query");
    assertNamesArgument(() -> client.createCandidate(null), "candidate");
  }

  @Test
  void registryArguments_thatAreNull_areValidationErrorsNamingThem() {
    registry.createModel("m", null, Map.of());
    assertNamesArgument(() -> registry.updateModelDescription("m", null), "description");
    assertNamesArgument(() -> registry.createModel("m2", null, null), "tags");
    assertNamesArgument(() -> registry.searchModels(null), "query");
  }
}
