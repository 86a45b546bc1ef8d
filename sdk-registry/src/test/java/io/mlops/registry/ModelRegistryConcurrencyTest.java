package io.mlops.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.ModelVersion;
import io.mlops.core.ResourceAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two callers promote the same explicit version of the same model at the same moment: exactly one version per
 * semver exists afterwards, one caller gets it and the other a {@link ResourceAlreadyExistsException}.
 */
class ModelRegistryConcurrencyTest {
  private static final int ROUNDS = 20;

  @TempDir Path temp;
  private ModelRegistry first;
  private ModelRegistry second;
  private String candidate;
  private ExecutorService pool;

  @BeforeEach
  void open() {
    first = RegistryFixture.localRegistry(temp.resolve("mlruns"));
    second = RegistryFixture.localRegistry(temp.resolve("mlruns")); // as a second process would
    candidate = RegistryFixture.candidateWithModel(first.trackingClient(), temp, "race", "best").id();
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void close() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    first.close();
    second.close();
  }

  @Test
  void twoThreadsOnOneRegistry_promotingTheSameVersion_createItOnce() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      race(first, first, "churn", "1.0." + round);
    }
    assertThat(first.versions("churn", true)).hasSize(ROUNDS);
  }

  @Test
  void twoRegistries_promotingTheSameVersionOfANewModel_createItOnce_andKeepTheModel() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      race(first, second, "fresh-" + round, "1.0.0");
    }
  }

  @Test
  void versionsDifferingOnlyInBuildMetadata_areTheSameVersion_alsoWhenPromotedAtTheSameMoment() throws Exception {
    // 1.0.0 and 1.0.0+build.7 have the same precedence: one-after-the-other the second is refused, so at the same
    // moment too
    first.promote(candidate, "churn", VersionSpec.of("0.1.0"), null);
    assertThatThrownBy(() -> first.promote(candidate, "churn", VersionSpec.of("0.1.0+build.7"), null))
        .isInstanceOf(ResourceAlreadyExistsException.class);
    for (int round = 0; round < ROUNDS / 2; round++) {
      String release = "1.0." + round;
      Outcome o = race(first, second, "churn", release, release + "+build.7");
      List<String> stored = first.versions("churn", true).stream().map(RegisteredVersion::semver)
          .filter(v -> v.startsWith(release)).collect(Collectors.toList());
      assertThat(stored).as("versions equivalent to %s", release).containsExactly(o.won.semver());
    }
  }

  /** The result of one race. */
  private static final class Outcome {
    final RegisteredVersion won;

    Outcome(RegisteredVersion won) {
      this.won = won;
    }
  }

  /** One race: both callers meet at a barrier, then promote; checks the outcome and the store afterwards. */
  private void race(ModelRegistry a, ModelRegistry b, String model, String semver) throws Exception {
    Outcome o = race(a, b, model, semver, semver);
    String where = model + " " + semver;
    List<ModelVersion> stored = a.registryClient().listModelVersions(model).stream()
        .filter(v -> semver.equals(v.tags().get(ModelVersion.SEMVER_TAG))).collect(Collectors.toList());
    assertThat(stored).as("versions %s in the store", where).singleElement()
        .satisfies(v -> assertThat(v.version()).isEqualTo(o.won.backendVersion()));
    assertThat(b.version(model, semver).backendVersion()).isEqualTo(o.won.backendVersion());
  }

  /** Both callers meet at a barrier, then promote one version each; exactly one must win. */
  private Outcome race(ModelRegistry a, ModelRegistry b, String model, String semverA, String semverB)
      throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    List<Future<RegisteredVersion>> futures = new ArrayList<>();
    String[] semvers = {semverA, semverB};
    ModelRegistry[] registries = {a, b};
    for (int i = 0; i < 2; i++) {
      ModelRegistry r = registries[i];
      String semver = semvers[i];
      Callable<RegisteredVersion> promote = () -> {
        start.await(10, TimeUnit.SECONDS);
        return r.promote(Promotion.builder().candidateId(candidate).modelName(model)
            .version(VersionSpec.of(semver)).artifactPath("model").build());
      };
      futures.add(pool.submit(promote));
    }
    List<RegisteredVersion> won = new ArrayList<>();
    List<Throwable> lost = new ArrayList<>();
    for (Future<RegisteredVersion> f : futures) {
      try {
        won.add(f.get(30, TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        lost.add(e.getCause());
      }
    }
    String where = model + " " + semverA + " / " + semverB;
    assertThat(won).as("winners of %s", where).hasSize(1);
    assertThat(lost).as("losers of %s", where).singleElement()
        .isInstanceOf(ResourceAlreadyExistsException.class);
    assertThat(lost.get(0)).hasMessageContaining(semverA.equals(won.get(0).semver()) ? semverB : semverA);
    return new Outcome(won.get(0));
  }
}
