package io.mlops.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.CandidateInfo;
import io.mlops.testing.InMemoryBackend;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link ModelRegistry} on a named in-memory store ({@code memory://<name>}): promotion, aliases and downloads
 * through the candidate's {@code memory://} artifact URI.
 */
class ModelRegistryInMemoryBackendTest {
  @TempDir Path temp;
  private final String store = "registry-" + UUID.randomUUID();

  @AfterEach
  void discard() {
    InMemoryBackend.discard(store);
  }

  @Test
  void promoteAliasAndDownload_onAMemoryUri() {
    try (ModelRegistry registry = ModelRegistry.builder()
        .config(RegistryFixture.config(InMemoryBackend.trackingUri(store))).build()) {
      CandidateInfo c = RegistryFixture.candidateWithModel(registry.trackingClient(), temp, "memory", "best");
      registry.promote(Promotion.builder().candidateId(c.id()).modelName("churn").version(VersionSpec.of("1.0.0"))
          .artifactPath("model").build());
      registry.setAlias("churn", "champion", "1.0.0");

      Path dir = registry.download("models:/churn@champion", temp.resolve("serving/churn"));

      java.util.Map<String, byte[]> uploaded = RegistryFixture.filesUnder(temp.resolve("upload-" + c.id())
          .resolve("model"));
      assertThat(RegistryFixture.filesUnder(dir)).containsOnlyKeys("weights.bin", "conf/MLmodel")
          .allSatisfy((name, bytes) -> assertThat(bytes).isEqualTo(uploaded.get(name)));
    }
    // a second registry on the same name sees the version
    try (ModelRegistry again = ModelRegistry.builder()
        .config(RegistryFixture.config(InMemoryBackend.trackingUri(store))).build()) {
      assertThat(again.trackingClient().capabilities().backendName()).contains(store);
      assertThat(InMemoryBackend.named(store).registryStore().getModelVersionByAlias("churn", "champion")
          .semver()).hasValue("1.0.0");
    }
  }
}
