package io.mlops.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.mlops.core.CandidateInfo;
import io.mlops.core.MlopsException;
import io.mlops.core.Model;
import io.mlops.core.ModelQuery;
import io.mlops.core.ModelVersion;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.ValidationException;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry against a real MLflow tracking server ({@code -Pmlflow-server -Dmlflow.server.url=...}): promotion
 * from a server candidate with a {@code model/} folder, aliases, model URIs, a byte-exact download, and the race
 * of two callers promoting the same version. Every model name carries a per-test suffix; the models are deleted
 * afterwards.
 */
class ModelRegistryServerIT {
  private static final String URL_PROPERTY = "mlflow.server.url";
  private static String serverUrl;

  @TempDir Path temp;
  private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private ModelRegistry registry;
  private CandidateInfo candidate;
  private Map<String, byte[]> modelFiles;

  @BeforeAll
  static void server() {
    String url = System.getProperty(URL_PROPERTY);
    if (url == null || url.trim().isEmpty()) {
      fail("-D" + URL_PROPERTY + " is not set. ModelRegistryServerIT needs a running MLflow server: start one "
          + "(e.g. bash .ci/mlflow-server.sh start) and run mvn verify -pl sdk-registry -Pmlflow-server "
          + "-DskipUnitTests=true -D" + URL_PROPERTY + "=http://127.0.0.1:<port>");
    }
    serverUrl = url.trim().replaceAll("/+$", "");
    String problem;
    try {
      HttpURLConnection c = (HttpURLConnection) new URL(serverUrl + "/health").openConnection();
      c.setConnectTimeout(3000);
      c.setReadTimeout(5000);
      int status = c.getResponseCode();
      c.disconnect();
      problem = status == 200 ? null : "GET /health answered " + status;
    } catch (IOException e) {
      problem = "GET /health failed: " + e;
    }
    if (problem != null) {
      fail("No MLflow server answers at -D" + URL_PROPERTY + "=" + serverUrl + " (" + problem + "); start it "
          + "before running the *ServerIT tests");
    }
  }

  @BeforeEach
  void open() {
    registry = openRegistry();
    candidate = RegistryFixture.candidateWithModel(registry.trackingClient(), temp, name("registry-it"), "best");
    modelFiles = RegistryFixture.filesUnder(temp.resolve("upload-" + candidate.id()).resolve("model"));
  }

  @AfterEach
  void cleanUp() {
    try {
      for (Model m : registry.registryClient().searchModels(ModelQuery.builder()
          .filter("name LIKE '%" + suffix + "'").build())) {
        try {
          registry.registryClient().deleteModel(m.name());
        } catch (MlopsException e) {
          // best effort: names are unique per test anyway
        }
      }
    } finally {
      registry.close();
    }
  }

  private static ModelRegistry openRegistry() {
    return ModelRegistry.builder().config(RegistryFixture.config(serverUrl)).build();
  }

  private String name(String base) {
    return base + "-" + suffix;
  }

  private RegisteredVersion promote(ModelRegistry r, String model, VersionSpec spec) {
    return r.promote(Promotion.builder().candidateId(candidate.id()).modelName(model).version(spec)
        .artifactPath("model").build());
  }

  @Test
  void promoteAliasResolveAndDownload_giveTheCandidatesModelBytes() {
    String model = name("churn");

    RegisteredVersion v = registry.promote(Promotion.builder().candidateId(candidate.id()).modelName(model)
        .version(VersionSpec.bump(Bump.MINOR)).artifactPath("model").description("lr=0.5").build());

    assertThat(v.semver()).isEqualTo("0.1.0");
    assertThat(v.backendVersion()).isEqualTo("1");
    assertThat(v.candidateId()).hasValue(candidate.id());
    assertThat(v.source()).isEqualTo(candidate.artifactUri().replaceAll("/+$", "") + "/model");
    assertThat(v.description()).isEqualTo("lr=0.5");
    ModelVersion stored = registry.registryClient().getModelVersion(model, "1");
    assertThat(stored.tags()).containsEntry(ModelVersion.SEMVER_TAG, "0.1.0")
        .containsEntry(ModelRegistry.ARTIFACT_PATH_TAG, "model");

    promote(registry, model, VersionSpec.bump(Bump.MINOR, "rc"));
    assertThat(registry.versions(model, true)).extracting(RegisteredVersion::semver)
        .containsExactly("0.1.0", "0.2.0-rc.1");
    assertThat(registry.latest(model).get().semver()).isEqualTo("0.1.0");

    registry.setAlias(model, "champion", "0.1.0");
    assertThat(registry.resolve("models:/" + model + "@champion").backendVersion()).isEqualTo("1");
    assertThat(registry.resolve("models:/" + model + "/latest").semver()).isEqualTo("0.1.0");
    assertThat(registry.resolve("models:/" + model + "/0.2.0-rc.1").isPrerelease()).isTrue();
    assertThat(registry.candidate(registry.resolve("models:/" + model + "@champion")).data().params())
        .containsEntry("lr", "0.5");
    assertThat(registry.trainingConfiguration(v)).containsEntry("git.commit", RegistryFixture.COMMIT)
        .containsEntry("param.l2", "0");

    Path serving = temp.resolve("serving");
    Path dir = registry.download("models:/" + model + "@champion", serving.resolve("churn"));
    assertThat(RegistryFixture.filesUnder(dir)).containsOnlyKeys(modelFiles.keySet())
        .allSatisfy((file, bytes) -> assertThat(bytes).isEqualTo(modelFiles.get(file)));
    assertThat(RegistryFixture.namesIn(serving)).containsExactly("churn");

    // the alias moves, and this registry's cache follows its own write at once
    promote(registry, model, VersionSpec.bump(Bump.MINOR));
    registry.setAlias(model, "champion", "0.2.0");
    assertThat(registry.resolve("models:/" + model + "@champion").semver()).isEqualTo("0.2.0");
    assertThat(registry.resolve("models:/" + model + "/latest").semver()).isEqualTo("0.2.0");
    registry.deleteAlias(model, "champion");
    assertThatThrownBy(() -> registry.resolve("models:/" + model + "@champion"))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void versionOfAllArtifacts_downloadsEveryFile() {
    String model = name("all");
    registry.promote(candidate.id(), model, VersionSpec.of("1.0.0"), null);

    Path target = registry.download("models:/" + model + "/1.0.0", temp.resolve("all"));

    assertThat(RegistryFixture.filesUnder(target)).containsOnlyKeys("model/weights.bin", "model/conf/MLmodel",
        "notes.txt");
    assertThat(registry.version(model, "1.0.0").artifactPath()).isEmpty();
  }

  @Test
  void failedDownload_leavesNeitherTargetNorStagingFolder() throws IOException {
    String model = name("fail");
    promote(registry, model, VersionSpec.of("1.0.0"));
    Path serving = Files.createDirectories(temp.resolve("serving"));
    AtomicInteger finished = new AtomicInteger();

    assertThatThrownBy(() -> registry.download(registry.resolve("models:/" + model + "/1.0.0"),
        serving.resolve("churn"), (path, done, total) -> {
          if (done == total && finished.incrementAndGet() == 2) {
            throw new IllegalStateException("connection dropped");
          }
        })).hasMessageContaining("connection dropped");

    assertThat(finished).hasValue(2);
    assertThat(RegistryFixture.namesIn(serving)).isEmpty();
  }

  @Test
  void badInput_isATypedError_andCreatesNothing() {
    String model = name("bad");
    promote(registry, model, VersionSpec.of("1.0.0"));

    assertThatThrownBy(() -> promote(registry, model, VersionSpec.of("1.0.0")))
        .isInstanceOf(ResourceAlreadyExistsException.class).hasMessageContaining("1.0.0");
    assertThatThrownBy(() -> registry.promote("0123456789abcdef0123456789abcdef", name("ghost"),
        VersionSpec.of("1.0.0"), null)).isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> registry.promote(Promotion.builder().candidateId(candidate.id())
        .modelName(name("nofiles")).version(VersionSpec.of("1.0.0")).artifactPath("weights").build()))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("artifact-path"));
    assertThatThrownBy(() -> registry.setAlias(model, "v2", "1.0.0"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("alias-reserved"));
    assertThatThrownBy(() -> registry.setAlias(model, "prod.eu", "1.0.0"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("alias-characters"));

    assertThat(registry.findModel(name("ghost"))).isEmpty();
    assertThat(registry.findModel(name("nofiles"))).isEmpty();
    assertThat(registry.versions(model, true)).extracting(RegisteredVersion::semver).containsExactly("1.0.0");
    assertThat(registry.findModel(model).get().aliases()).isEmpty();
  }

  @Test
  void linksAndDeployments_travelWithTheVersion() {
    String model = name("links");
    promote(registry, model, VersionSpec.of("1.0.0"));

    LinkedItem issue = registry.link(model, "1.0.0", "https://gitlab.example.com/t/c/-/issues/1", "issue", "Drift");
    registry.recordDeployment(model, "1.0.0", "staging", null);
    Deployment prod = registry.recordDeployment(model, "1.0.0", "production", "https://ci.example.com/jobs/9");

    assertThat(registry.links(model, "1.0.0")).containsExactly(issue);
    assertThat(registry.deployments(model, "1.0.0")).extracting(Deployment::environment)
        .containsExactly("production", "staging");
    assertThat(registry.versions(model, true).get(0).lastDeployment()).hasValue(prod);
    registry.unlink(model, "1.0.0", issue.id());
    assertThat(registry.links(model, "1.0.0")).isEmpty();
  }

  @Test
  void twoCallersPromotingTheSameVersionOfANewModel_createItOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (ModelRegistry other = openRegistry()) {
      for (int round = 0; round < 10; round++) {
        String model = name("race" + round);
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<RegisteredVersion>> futures = new ArrayList<>();
        for (ModelRegistry r : new ModelRegistry[] {registry, other}) {
          Callable<RegisteredVersion> promote = () -> {
            start.await(30, TimeUnit.SECONDS);
            return promote(r, model, VersionSpec.of("1.0.0"));
          };
          futures.add(pool.submit(promote));
        }
        List<RegisteredVersion> won = new ArrayList<>();
        List<Throwable> lost = new ArrayList<>();
        for (Future<RegisteredVersion> f : futures) {
          try {
            won.add(f.get(60, TimeUnit.SECONDS));
          } catch (ExecutionException e) {
            lost.add(e.getCause());
          }
        }
        assertThat(won).as("winners of round %d", round).hasSize(1);
        assertThat(lost).as("losers of round %d", round).singleElement()
            .isInstanceOf(ResourceAlreadyExistsException.class);
        List<String> stored = registry.registryClient().listModelVersions(model).stream()
            .filter(v -> "1.0.0".equals(v.tags().get(ModelVersion.SEMVER_TAG))).map(ModelVersion::version)
            .collect(Collectors.toList());
        assertThat(stored).as("versions 1.0.0 of %s on the server", model)
            .containsExactly(won.get(0).backendVersion());
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }
}
