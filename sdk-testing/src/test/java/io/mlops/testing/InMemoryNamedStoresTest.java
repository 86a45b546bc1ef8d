package io.mlops.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.CandidateInfo;
import io.mlops.core.ConfigurationException;
import io.mlops.core.Experiment;
import io.mlops.core.ExperimentQuery;
import io.mlops.core.MlopsConfig;
import io.mlops.core.NewCandidate;
import io.mlops.core.RegistryClient;
import io.mlops.core.TrackingClient;
import io.mlops.core.internal.BackendProviders;
import io.mlops.testing.internal.MemoryBackendProvider;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Named in-memory stores: {@code memory://<name>} gives the same store in one JVM, other names other stores. */
class InMemoryNamedStoresTest {
  private final String a = "named-a-" + UUID.randomUUID();
  private final String b = "named-b-" + UUID.randomUUID();

  @AfterEach
  void discard() {
    InMemoryBackend.discard(a);
    InMemoryBackend.discard(b);
  }

  private static MlopsConfig config(String uri) {
    return MlopsConfig.builder().trackingUri(uri).build();
  }

  private static List<String> experimentNames(TrackingClient client) {
    return client.searchExperiments(ExperimentQuery.builder().build()).stream().map(Experiment::name).sorted()
        .collect(Collectors.toList());
  }

  @Test
  void provider_isFoundByServiceLoader() {
    assertThat(BackendProviders.installed()).hasAtLeastOneElementOfType(MemoryBackendProvider.class);
  }

  @Test
  void sameName_givesTheSameData_acrossClientsAndTheJavaHandle() {
    try (TrackingClient first = TrackingClient.create(config("memory://" + a))) {
      Experiment e = first.createExperiment("shared");
      CandidateInfo c = first.createCandidate(NewCandidate.builder().experimentId(e.id()).name("r").startTime(1)
          .build());
      first.logMetric(c.id(), "loss", 0.5, 1, 0);
    }
    try (TrackingClient second = TrackingClient.create(config("memory:" + a + "/"))) {
      Experiment e = second.getExperimentByName("shared");
      assertThat(second.searchCandidates(io.mlops.core.CandidateQuery.builder().addExperimentId(e.id()).build())
          .stream().map(x -> x.data().metrics().get("loss").value())).containsExactly(0.5);
    }
    InMemoryBackend handle = InMemoryBackend.named(a);
    assertThat(handle.isNamed()).isTrue();
    assertThat(handle.trackingUri()).isEqualTo("memory://" + a);
    try (TrackingClient third = TrackingClient.create(config(handle.trackingUri()), handle)) {
      assertThat(third.findExperimentByName("shared")).isPresent();
    }
  }

  @Test
  void sameName_sharesTheRegistry() {
    try (RegistryClient first = RegistryClient.create(config("memory://" + a))) {
      first.createModel("churn", "d", Map.of());
    }
    try (RegistryClient second = RegistryClient.create(config("MEMORY://" + a))) {
      assertThat(second.getModel("churn").description()).isEqualTo("d");
    }
  }

  @Test
  void differentNames_areIsolated() {
    try (TrackingClient ca = TrackingClient.create(config("memory://" + a));
        TrackingClient cb = TrackingClient.create(config("memory://" + b));
        RegistryClient ra = RegistryClient.create(config("memory://" + a));
        RegistryClient rb = RegistryClient.create(config("memory://" + b))) {
      ca.createExperiment("only-in-a");
      ra.createModel("only-in-a", null, Map.of());

      assertThat(cb.findExperimentByName("only-in-a")).isEmpty();
      assertThat(experimentNames(cb)).containsExactly("Default");
      assertThat(rb.findModel("only-in-a")).isEmpty();
      assertThat(ca.findExperimentByName("only-in-a")).isPresent();
    }
  }

  @Test
  void storesOfTheirOwn_areIsolatedFromEachOtherAndFromNamedOnes() {
    InMemoryBackend one = InMemoryBackend.create();
    InMemoryBackend two = InMemoryBackend.create();
    assertThat(one.name()).isNotEqualTo(two.name()).startsWith("anonymous-");
    assertThat(one.isNamed()).isFalse();
    one.trackingStore().createExperiment("x", java.util.Optional.empty(), Map.of());

    assertThat(two.trackingStore().findExperimentByName("x")).isEmpty();
    // the URI of a store of its own names no store: it is refused, not opened as a new empty one
    assertThatThrownBy(() -> TrackingClient.create(config(one.trackingUri())))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("anonymous-");
  }

  @Test
  void reset_emptiesTheStoreForEveryBackendOnIt() {
    try (TrackingClient client = TrackingClient.create(config("memory://" + a));
        RegistryClient registry = RegistryClient.create(config("memory://" + a))) {
      client.createExperiment("before-reset");
      registry.createModel("before-reset", null, Map.of());

      InMemoryBackend.named(a).reset();

      assertThat(experimentNames(client)).containsExactly("Default");
      assertThat(client.getExperiment("0").name()).isEqualTo("Default");
      assertThat(registry.findModel("before-reset")).isEmpty();
      client.createExperiment("before-reset"); // the name is free again
    }
  }

  @Test
  void discard_forgetsTheName_theNextOpenIsEmpty() {
    try (TrackingClient client = TrackingClient.create(config("memory://" + a))) {
      client.createExperiment("kept?");
    }

    assertThat(InMemoryBackend.discard(a)).isTrue();
    assertThat(InMemoryBackend.discard(a)).isFalse();

    try (TrackingClient client = TrackingClient.create(config("memory://" + a))) {
      assertThat(client.findExperimentByName("kept?")).isEmpty();
    }
  }

  @Test
  void closingABackend_keepsTheData() {
    InMemoryBackend backend = InMemoryBackend.create();
    MlopsConfig config = config(backend.trackingUri());
    try (TrackingClient client = TrackingClient.create(config, backend)) { // closes the backend
      client.createExperiment("survives");
    }
    try (TrackingClient client = TrackingClient.create(config, backend)) {
      assertThat(client.findExperimentByName("survives")).isPresent();
    }
  }

  @Test
  void bareScheme_isTheDefaultStore() {
    try {
      try (TrackingClient client = TrackingClient.create(config("memory:"))) {
        client.createExperiment("in-default-" + a);
      }
      try (TrackingClient client = TrackingClient.create(config("memory://"))) {
        assertThat(client.findExperimentByName("in-default-" + a)).isPresent();
      }
      assertThat(InMemoryBackend.named(InMemoryBackend.DEFAULT_NAME).trackingStore()
          .findExperimentByName("in-default-" + a)).isPresent();
    } finally {
      InMemoryBackend.discard(InMemoryBackend.DEFAULT_NAME);
    }
  }

  @Test
  void invalidNames_areAConfigurationErrorNamingTheUri() {
    for (String uri : List.of("memory://a/b", "memory://a b", "memory://x?y=1", "memory://" + "n".repeat(201))) {
      assertThatThrownBy(() -> TrackingClient.create(config(uri)), uri)
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("memory://");
    }
    assertThatThrownBy(() -> InMemoryBackend.named("a/b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InMemoryBackend.trackingUri("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void artifactLimit_isTakenFromTheSettingWhenTheStoreIsFirstOpened() {
    MlopsConfig limited = MlopsConfig.builder().trackingUri("memory://" + a)
        .set(InMemoryBackend.MAX_ARTIFACT_BYTES_SETTING, "1234").build();
    TrackingClient.create(limited).close();

    assertThat(InMemoryBackend.named(a).maxArtifactBytes()).isEqualTo(1234);
    java.util.Properties props = new java.util.Properties();
    props.setProperty("mlops.memory.max.artifact.bytes", "99");
    String c = "named-c-" + UUID.randomUUID();
    try {
      TrackingClient.create(MlopsConfig.builder().trackingUri("memory://" + c).systemProperties(props).build())
          .close();
      assertThat(InMemoryBackend.named(c).maxArtifactBytes()).isEqualTo(99);
    } finally {
      InMemoryBackend.discard(c);
    }
    assertThat(InMemoryBackend.named(b).maxArtifactBytes()).isEqualTo(InMemoryBackend.DEFAULT_MAX_ARTIFACT_BYTES);
    MlopsConfig bad = MlopsConfig.builder().trackingUri("memory://" + b)
        .set(InMemoryBackend.MAX_ARTIFACT_BYTES_SETTING, "lots").build();
    assertThatThrownBy(() -> TrackingClient.create(bad)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(InMemoryBackend.MAX_ARTIFACT_BYTES_SETTING);
  }

  @Test
  void capabilities_supportEveryOperation() {
    assertThat(InMemoryBackend.create().capabilities().operations())
        .containsExactlyInAnyOrder(io.mlops.core.spi.Operation.values());
  }
}
