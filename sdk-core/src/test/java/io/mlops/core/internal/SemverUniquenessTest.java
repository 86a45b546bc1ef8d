package io.mlops.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.MlopsConfig;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewModelVersion;
import io.mlops.core.RegistryClient;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.internal.local.LocalBackendProvider;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.RegistryStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Semver uniqueness, enforced once for every backend by {@link RegistryClient#createModelVersion}: here on a real
 * local store, with another creator injected at the moments a race can hit.
 */
class SemverUniquenessTest {
  @TempDir Path temp;
  private MlopsConfig config;
  private Backend local;

  @BeforeEach
  void open() {
    config = MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
        .trackingUri(temp.resolve("mlruns").toString()).build();
    local = new LocalBackendProvider().open(config);
    local.registryStore().createModel("churn", java.util.Optional.empty(), Map.of());
  }

  @AfterEach
  void close() {
    local.close();
  }

  private static NewModelVersion version(String semver) {
    return NewModelVersion.builder().modelName("churn").source("file:///tmp/model")
        .putTag(ModelVersion.SEMVER_TAG, semver).build();
  }

  /** A client whose store runs {@code around} (given the real store and the create) in place of each create. */
  private RegistryClient clientWith(BiConsumer<RegistryStore, Runnable> around) {
    RegistryStore real = local.registryStore();
    List<ModelVersion> created = new ArrayList<>();
    RegistryStore racing = (RegistryStore) Proxy.newProxyInstance(RegistryStore.class.getClassLoader(),
        new Class<?>[] {RegistryStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("createModelVersion")) {
            around.accept(real, () -> created.add(real.createModelVersion((NewModelVersion) args[0])));
            return created.get(created.size() - 1);
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    return RegistryClient.create(config, new SimpleBackend("racing local store", local.capabilities(),
        local.trackingStore(), local.artifactStore(), racing, () -> { }));
  }

  private List<String> versionsWith(String semver) {
    try (RegistryClient plain = RegistryClient.create(config, local)) {
      List<String> out = new ArrayList<>();
      for (ModelVersion v : plain.listModelVersions("churn")) {
        if (v.semver().map(s -> SemverUniqueness.equivalent(s, semver)).orElse(false)) {
          out.add(v.version());
        }
      }
      return out;
    }
  }

  @Test
  void aRacerCommittedJustBeforeUs_wins_andOurVersionIsRemoved() {
    // between our check and our create, another process creates 1.2.0 and gets the lower number
    try (RegistryClient client = clientWith((real, ours) -> {
      real.createModelVersion(version("1.2.0"));
      ours.run();
    })) {
      assertThatThrownBy(() -> client.createModelVersion(version("1.2.0")))
          .isInstanceOfSatisfying(ResourceAlreadyExistsException.class, e -> {
            assertThat(e.getMessage()).contains("another promotion created it first (backend version 1)");
            assertThat(e.statusCode()).isEmpty();
          });
    }
    assertThat(versionsWith("1.2.0")).containsExactly("1");
  }

  @Test
  void aRacerAfterOurCommit_isRefused_andOursIsKept() {
    List<RuntimeException> racerFailures = new ArrayList<>();
    try (RegistryClient client = clientWith((real, ours) -> {
      ours.run();
      try { // the racer runs the same protocol against the same store
        SemverUniqueness.create(real, local.capabilities(), version("1.2.0+build.9"));
      } catch (RuntimeException e) {
        racerFailures.add(e);
      }
    })) {
      assertThat(client.createModelVersion(version("1.2.0")).version()).isEqualTo("1");
    }
    assertThat(racerFailures).singleElement().isInstanceOf(ResourceAlreadyExistsException.class);
    assertThat(versionsWith("1.2.0")).containsExactly("1");
  }

  @Test
  void buildMetadataDoesNotMakeADifferentVersion_butAPreReleaseDoes() {
    try (RegistryClient client = RegistryClient.create(config, local)) {
      client.createModelVersion(version("1.2.0"));
      assertThatThrownBy(() -> client.createModelVersion(version("1.2.0+build.7")))
          .isInstanceOf(ResourceAlreadyExistsException.class).hasMessageContaining("(backend version 1)");
      assertThat(client.createModelVersion(version("1.2.0-rc.1")).version()).isEqualTo("2");
      assertThat(client.createModelVersion(NewModelVersion.builder().modelName("churn").source("file:///m")
          .build()).version()).as("a version without a semver is not checked").isEqualTo("3");
    }
    assertThat(SemverUniqueness.equivalent(" 1.0.0+a", "1.0.0")).isTrue();
    assertThat(SemverUniqueness.equivalent("1.0.0", "1.0.1")).isFalse();
  }

  @Test
  void manyThreadsPromotingTheSameSemver_leaveExactlyOne() throws Exception {
    int threads = 6;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (RegistryClient client = RegistryClient.create(config, local)) {
      for (int round = 0; round < 5; round++) {
        String semver = "2." + round + ".0";
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          Callable<Boolean> promote = () -> {
            start.await();
            try {
              client.createModelVersion(version(semver));
              return true;
            } catch (ResourceAlreadyExistsException lost) {
              return false;
            }
          };
          results.add(pool.submit(promote));
        }
        List<Boolean> won = new ArrayList<>();
        for (Future<Boolean> f : results) {
          won.add(f.get());
        }
        assertThat(won.stream().filter(w -> w).collect(Collectors.toList())).as(semver).hasSize(1);
        assertThat(versionsWith(semver)).as(semver).hasSize(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
