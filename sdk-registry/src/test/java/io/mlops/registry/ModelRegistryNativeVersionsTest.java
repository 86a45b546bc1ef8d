package io.mlops.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.CandidateInfo;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewModelVersion;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.RegistryClient;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.ValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry that MLflow created: versions numbered 1, 2, 3 without the semver tag, sources in MLflow's forms
 * ({@code runs:/<id>/model}, the run's {@code file:} artifact URI, a {@code file:} folder outside every run), aliases on
 * such versions, and semver promotions into the same model.
 */
class ModelRegistryNativeVersionsTest {
  @TempDir Path temp;
  private ModelRegistry registry;
  private RegistryClient client;
  private CandidateInfo candidate;
  private Map<String, byte[]> modelFiles;

  @BeforeEach
  void open() {
    registry = RegistryFixture.localRegistry(temp.resolve("mlruns"));
    client = registry.registryClient();
    candidate = RegistryFixture.candidateWithModel(registry.trackingClient(), temp, "native", "best");
    modelFiles = RegistryFixture.filesUnder(temp.resolve("upload-" + candidate.id()).resolve("model"));
  }

  @AfterEach
  void close() {
    registry.close();
  }

  /** A version as MLflow's {@code create_model_version} makes it: no semver tag, the source as given. */
  private ModelVersion nativeVersion(String model, String source, boolean withRun) {
    if (!client.findModel(model).isPresent()) {
      client.createModel(model, null, Map.of());
    }
    NewModelVersion.Builder b = NewModelVersion.builder().modelName(model).source(source);
    if (withRun) {
      b.candidateId(candidate.id());
    }
    return client.createModelVersion(b.build());
  }

  private String root() {
    return candidate.artifactUri().replaceAll("/+$", "");
  }

  @Test
  void versions_listsIntegerOnlyVersions_withAnEmptySemver() {
    nativeVersion("churn", "runs:/" + candidate.id() + "/model", true);
    nativeVersion("churn", root() + "/model", true);

    assertThat(registry.versions("churn", false)).extracting(RegisteredVersion::backendVersion)
        .containsExactly("1", "2");
    RegisteredVersion first = registry.versions("churn", true).get(0);
    assertThat(first.semver()).isEmpty();
    assertThat(first.isPrerelease()).isFalse();
    assertThat(first.uri().toString()).isEqualTo("models:/churn/1");
    assertThat(first.candidateId()).hasValue(candidate.id());
    assertThat(first.source()).isEqualTo("runs:/" + candidate.id() + "/model");
  }

  @Test
  void resolve_mlflowsOwnVersionNumberUri() {
    nativeVersion("churn", "runs:/" + candidate.id() + "/model", true);
    nativeVersion("churn", root() + "/model", true);

    assertThat(registry.resolve("models:/churn/2").backendVersion()).isEqualTo("2");
    assertThat(registry.resolve("models:/churn/1").semver()).isEmpty();
    assertThat(registry.version("churn", "2").backendVersion()).isEqualTo("2");
    assertThatThrownBy(() -> registry.resolve("models:/churn/3")).isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("3");
  }

  @Test
  void numberedVersions_takeLinksDeploymentsAndTheTrainingConfiguration_byNumber() {
    nativeVersion("churn", "runs:/" + candidate.id() + "/model", true);

    registry.link("churn", "1", "https://gitlab.example.com/t/c/-/issues/7", "issue", null);
    registry.recordDeployment("churn", "1", "production", null);

    assertThat(registry.links("churn", "1")).extracting(LinkedItem::relation).containsExactly("issue");
    assertThat(registry.resolve("models:/churn/1").lastDeployment()).map(Deployment::environment)
        .hasValue("production");
    assertThat(registry.trainingConfiguration(registry.resolve("models:/churn/1")))
        .containsEntry("model.version", "1").containsEntry("param.lr", "0.5");
  }

  @Test
  void versionNumbers_nameSemverVersionsToo_andStayApartFromSemvers() {
    nativeVersion("churn", root() + "/model", true);
    registry.promote(Promotion.builder().candidateId(candidate.id()).modelName("churn")
        .version(VersionSpec.of("2.0.0")).artifactPath("model").build());

    assertThat(registry.resolve("models:/churn/2").semver()).isEqualTo("2.0.0");
    assertThat(registry.resolve("models:/churn/1").semver()).isEmpty();
    assertThatThrownBy(() -> registry.resolve("models:/churn/1.0.0")).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void alias_onAnIntegerOnlyVersion_resolves_andCanBeSetByNumber() {
    ModelVersion v = nativeVersion("churn", "runs:/" + candidate.id() + "/model", true);
    client.setAlias("churn", "champion", v.version()); // as MLflow's client sets it

    assertThat(registry.resolve("models:/churn@champion").backendVersion()).isEqualTo("1");
    assertThat(registry.resolve("models:/churn@champion").semver()).isEmpty();

    nativeVersion("churn", root() + "/model", true);
    registry.setAlias("churn", "champion", "2");
    assertThat(registry.resolve("models:/churn@champion").backendVersion()).isEqualTo("2");
  }

  @Test
  void latest_ofAModelWithOnlyIntegerVersions_isTheHighestNumber_asInMlflow() {
    nativeVersion("churn", root() + "/model", true);
    nativeVersion("churn", root() + "/model", true);
    nativeVersion("churn", root() + "/model", true);
    client.deleteModelVersion("churn", "3");

    assertThat(registry.latest("churn")).map(RegisteredVersion::backendVersion).hasValue("2");
    assertThat(registry.resolve("models:/churn/latest").backendVersion()).isEqualTo("2");
  }

  @Test
  void latest_ofAMixedModel_isTheHighestRelease_evenWhenAnIntegerVersionIsNewer() {
    nativeVersion("churn", root() + "/model", true);
    registry.promote(Promotion.builder().candidateId(candidate.id()).modelName("churn")
        .version(VersionSpec.of("1.2.0")).artifactPath("model").build());
    nativeVersion("churn", root() + "/model", true);
    registry.promote(Promotion.builder().candidateId(candidate.id()).modelName("churn")
        .version(VersionSpec.of("2.0.0-rc.1")).artifactPath("model").build());

    assertThat(registry.latest("churn")).map(RegisteredVersion::semver).hasValue("1.2.0");
    assertThat(registry.latest("churn", true)).map(RegisteredVersion::semver).hasValue("2.0.0-rc.1");
    assertThat(registry.versions("churn", true)).extracting(RegisteredVersion::backendVersion)
        .as("integer-only versions first, by number, then the semver ones in semver order")
        .containsExactly("1", "3", "2", "4");
    assertThat(registry.versions("churn", false)).extracting(RegisteredVersion::backendVersion)
        .containsExactly("1", "3", "2");
  }

  @Test
  void latest_withOnlyPrereleasesBesideIntegerVersions_fallsBackToTheHighestNumber() {
    nativeVersion("churn", root() + "/model", true);
    nativeVersion("churn", root() + "/model", true);
    registry.promote(Promotion.builder().candidateId(candidate.id()).modelName("churn")
        .version(VersionSpec.of("1.0.0-rc.1")).artifactPath("model").build());

    assertThat(registry.latest("churn")).map(RegisteredVersion::backendVersion).hasValue("2");
    assertThat(registry.latest("churn", true)).map(RegisteredVersion::semver).hasValue("1.0.0-rc.1");
  }

  @Test
  void promote_intoAModelHoldingIntegerOnlyVersions_addsTheSemverVersion() {
    nativeVersion("churn", root() + "/model", true);
    nativeVersion("churn", "runs:/" + candidate.id() + "/model", true);

    RegisteredVersion bumped = registry.promote(Promotion.builder().candidateId(candidate.id()).modelName("churn")
        .version(VersionSpec.bump(Bump.MINOR)).artifactPath("model").build());
    RegisteredVersion exact = registry.promote(Promotion.builder().candidateId(candidate.id()).modelName("churn")
        .version(VersionSpec.of("2.0.0")).artifactPath("model").build());

    assertThat(bumped.semver()).as("integer numbers are not semver releases to bump").isEqualTo("0.1.0");
    assertThat(bumped.backendVersion()).isEqualTo("3");
    assertThat(exact.backendVersion()).isEqualTo("4");
    assertThat(registry.latest("churn")).map(RegisteredVersion::semver).hasValue("2.0.0");
    assertThat(registry.versions("churn", true)).extracting(RegisteredVersion::backendVersion)
        .containsExactly("1", "2", "3", "4");
  }

  @Test
  void download_ofARunsSource_copiesOnlyThatSubpath() {
    nativeVersion("churn", "runs:/" + candidate.id() + "/model", true);

    Path dir = registry.download("models:/churn/1", temp.resolve("serving/churn"));

    assertThat(RegistryFixture.filesUnder(dir)).containsOnlyKeys(modelFiles.keySet())
        .allSatisfy((name, bytes) -> assertThat(bytes).isEqualTo(modelFiles.get(name)));
  }

  @Test
  void download_ofARunsSourceWithoutRunId_stillFindsTheRun() {
    nativeVersion("churn", "runs:/" + candidate.id() + "/model/conf", false);

    Path dir = registry.download("models:/churn/1", temp.resolve("serving/conf"));

    assertThat(RegistryFixture.filesUnder(dir)).containsOnlyKeys("MLmodel");
  }

  @Test
  void download_ofTheRunsArtifactUriPlusPath_copiesOnlyThatSubpath() {
    nativeVersion("churn", root() + "/model", true);

    Path dir = registry.download("models:/churn/1", temp.resolve("serving/churn"));

    assertThat(RegistryFixture.filesUnder(dir)).containsOnlyKeys(modelFiles.keySet());
  }

  @Test
  void download_ofAFileSourceOutsideEveryRun_copiesThatFolder() {
    Path elsewhere = RegistryFixture.writeModelFiles(temp.resolve("shared-drive/churn-model"), 42);
    nativeVersion("churn", elsewhere.toUri().toString(), false);
    nativeVersion("churn", elsewhere.toString(), false); // a plain local path, as MLflow accepts it too

    Path one = registry.download("models:/churn/1", temp.resolve("serving/one"));
    Path two = registry.download("models:/churn/2", temp.resolve("serving/two"));

    assertThat(RegistryFixture.filesUnder(one)).containsOnlyKeys("weights.bin", "conf/MLmodel")
        .allSatisfy((name, bytes) -> assertThat(bytes).isEqualTo(RegistryFixture.filesUnder(elsewhere).get(name)));
    assertThat(RegistryFixture.filesUnder(two)).containsOnlyKeys("weights.bin", "conf/MLmodel");
    assertThat(RegistryFixture.namesIn(temp.resolve("serving"))).containsExactly("one", "two");
  }

  @Test
  void download_ofAFileSource_refusesALinkLeavingTheSourceFolder_andCreatesNothing() throws IOException {
    Path elsewhere = RegistryFixture.writeModelFiles(temp.resolve("shared-drive/churn-model"), 42);
    Path secret = Files.write(temp.resolve("secret.txt"), new byte[] {1, 2, 3});
    Files.createSymbolicLink(elsewhere.resolve("zz-link"), secret);
    nativeVersion("churn", elsewhere.toUri().toString(), false);
    Path serving = Files.createDirectories(temp.resolve("serving"));

    assertThatThrownBy(() -> registry.download("models:/churn/1", serving.resolve("churn")))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("source-escapes"))
        .hasMessageContaining("zz-link");
    assertThat(RegistryFixture.namesIn(serving)).isEmpty();
  }

  @Test
  void download_ofAFileSourceThatIsNotOnThisMachine_isATypedError_andCreatesNothing() throws IOException {
    nativeVersion("churn", "file:///srv/mlflow/elsewhere/" + candidate.id() + "/model", false);
    Path serving = Files.createDirectories(temp.resolve("serving"));

    assertThatThrownBy(() -> registry.download("models:/churn/1", serving.resolve("churn")))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("/srv/mlflow/elsewhere")
        .hasMessageContaining("this machine");
    assertThat(RegistryFixture.namesIn(serving)).isEmpty();
  }

  @Test
  void download_ofALoggedModelSource_isNotSupported_withAClearMessage() {
    nativeVersion("churn", "models:/m-0123456789abcdef0123456789abcdef", false);

    assertThatThrownBy(() -> registry.download("models:/churn/1", temp.resolve("serving/churn")))
        .isInstanceOf(OperationNotSupportedException.class).hasMessageContaining("m-0123456789abcdef");
  }

  @Test
  void download_ofASourceNamingAnotherRegisteredVersion_followsIt() {
    nativeVersion("churn", "runs:/" + candidate.id() + "/model", true);
    nativeVersion("copy", "models:/churn/1", false);

    Path dir = registry.download("models:/copy/1", temp.resolve("serving/copy"));

    assertThat(RegistryFixture.filesUnder(dir)).containsOnlyKeys(modelFiles.keySet());
  }

  @Test
  void download_ofAnUnsupportedScheme_namesTheScheme() {
    nativeVersion("churn", "s3://bucket/models/churn", false);

    assertThatThrownBy(() -> registry.download("models:/churn/1", temp.resolve("serving/churn")))
        .isInstanceOf(OperationNotSupportedException.class).hasMessageContaining("s3://bucket/models/churn");
  }

  @Test
  void versionReference_thatIsNeitherSemverNorNumber_isAValidationError() {
    nativeVersion("churn", root() + "/model", true);

    assertThatThrownBy(() -> registry.version("churn", "v1"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("version-reference"));
    assertThatThrownBy(() -> registry.resolve("models:/churn/1.2"))
        .isInstanceOf(ValidationException.class);
  }
}
