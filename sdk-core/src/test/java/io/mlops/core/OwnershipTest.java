package io.mlops.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.internal.BackendResolver;
import io.mlops.core.internal.ClosingProbeBackendProvider;
import io.mlops.core.spi.Backend;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One ownership rule for both clients: what the caller passes in, the caller closes; what a client opens, it closes. */
class OwnershipTest {
  @TempDir Path temp;
  private MlopsConfig config;

  @BeforeEach
  void probe() {
    config = MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
        .trackingUri(ClosingProbeBackendProvider.SCHEME + temp.resolve("mlruns")).build();
  }

  private static int closes(Runnable r) {
    int before = ClosingProbeBackendProvider.CLOSED.get();
    r.run();
    return ClosingProbeBackendProvider.CLOSED.get() - before;
  }

  @Test
  void trackingClient_closesTheBackendItOpened_once() {
    assertThat(closes(() -> {
      TrackingClient client = TrackingClient.create(config);
      client.createExperiment("owned");
      client.close();
      client.close();
    })).isEqualTo(1);
  }

  @Test
  void registryClient_closesTheBackendItOpened_once() {
    assertThat(closes(() -> {
      RegistryClient client = RegistryClient.create(config);
      client.close();
      client.close();
    })).isEqualTo(1);
  }

  @Test
  void bothClients_leaveAPassedInBackendOpen_forTheCallerToClose() {
    Backend backend = BackendResolver.open(config);
    assertThat(closes(() -> {
      TrackingClient tracking = TrackingClient.create(config, backend);
      RegistryClient registry = RegistryClient.create(config, backend);
      tracking.close();
      registry.close();
    })).isZero();
    // still usable after both clients are closed: it is the caller's
    try (TrackingClient again = TrackingClient.create(config, backend)) {
      assertThat(again.createExperiment("still-open").name()).isEqualTo("still-open");
    }
    assertThat(closes(backend::close)).isEqualTo(1);
  }
}
