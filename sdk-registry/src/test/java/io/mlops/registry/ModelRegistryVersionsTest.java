package io.mlops.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.ValidationException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Semantic versions: explicit and bumped, unique per model, listed in semver order, latest, deletion. */
class ModelRegistryVersionsTest {
  @TempDir Path temp;
  private ModelRegistry registry;
  private String candidate;

  @BeforeEach
  void open() {
    registry = RegistryFixture.localRegistry(temp.resolve("mlruns"));
    candidate = RegistryFixture.candidateWithModel(registry.trackingClient(), temp, "versions", "best").id();
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private RegisteredVersion promote(String model, VersionSpec spec) {
    return registry.promote(Promotion.builder().candidateId(candidate).modelName(model).version(spec)
        .artifactPath("model").build());
  }

  private List<String> semvers(String model, boolean prereleases) {
    return registry.versions(model, prereleases).stream().map(RegisteredVersion::semver).collect(Collectors.toList());
  }

  @Test
  void explicitVersion_isCreatedAsGiven() {
    RegisteredVersion v = promote("churn", VersionSpec.of("1.4.0"));

    assertThat(v.semver()).isEqualTo("1.4.0");
    assertThat(v.modelName()).isEqualTo("churn");
    assertThat(v.backendVersion()).isEqualTo("1");
    assertThat(v.isPrerelease()).isFalse();
    assertThat(v.uri().toString()).isEqualTo("models:/churn/1.4.0");
    assertThat(registry.version("churn", "1.4.0").backendVersion()).isEqualTo("1");
  }

  @Test
  void explicitPrerelease_isCreatedAsGivenAndMarkedPrerelease() {
    RegisteredVersion v = promote("churn", VersionSpec.of("2.0.0-rc.1"));

    assertThat(v.semver()).isEqualTo("2.0.0-rc.1");
    assertThat(v.isPrerelease()).isTrue();
    assertThat(registry.version("churn", "2.0.0-rc.1").isPrerelease()).isTrue();
  }

  @ParameterizedTest(name = "{0} on a model without releases gives {1}")
  @CsvSource({"MAJOR, 1.0.0", "MINOR, 0.1.0", "PATCH, 0.0.1"})
  void bump_onAModelWithoutReleases_startsFromZero(Bump bump, String expected) {
    assertThat(promote("fresh", VersionSpec.bump(bump)).semver()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} after 1.4.2 gives {1}")
  @CsvSource({"MAJOR, 2.0.0", "MINOR, 1.5.0", "PATCH, 1.4.3"})
  void bump_incrementsTheLatestRelease(Bump bump, String expected) {
    promote("churn", VersionSpec.of("1.0.0"));
    promote("churn", VersionSpec.of("1.4.2"));
    promote("churn", VersionSpec.of("1.3.9"));

    assertThat(promote("churn", VersionSpec.bump(bump)).semver()).isEqualTo(expected);
  }

  @Test
  void bump_ignoresPrereleasesWhenFindingTheLatestRelease() {
    promote("churn", VersionSpec.of("1.4.0"));
    promote("churn", VersionSpec.of("2.0.0-rc.1"));

    assertThat(promote("churn", VersionSpec.bump(Bump.PATCH)).semver()).isEqualTo("1.4.1");
    assertThat(promote("churn", VersionSpec.bump(Bump.MAJOR)).semver()).isEqualTo("2.0.0");
  }

  @Test
  void bumpWithLabel_givesTheNextNumberedPrerelease() {
    promote("churn", VersionSpec.of("1.4.0"));

    assertThat(promote("churn", VersionSpec.bump(Bump.MINOR, "rc")).semver()).isEqualTo("1.5.0-rc.1");
    assertThat(promote("churn", VersionSpec.bump(Bump.MINOR, "rc")).semver()).isEqualTo("1.5.0-rc.2");
    assertThat(promote("churn", VersionSpec.bump(Bump.MINOR, "beta")).semver()).isEqualTo("1.5.0-beta.1");
    // the release itself, then the next cycle starts again at rc.1
    assertThat(promote("churn", VersionSpec.bump(Bump.MINOR)).semver()).isEqualTo("1.5.0");
    assertThat(promote("churn", VersionSpec.bump(Bump.MINOR, "rc")).semver()).isEqualTo("1.6.0-rc.1");
    assertThat(promote("churn", VersionSpec.bump(Bump.MAJOR, "rc")).semver()).isEqualTo("2.0.0-rc.1");
  }

  @Test
  void bumpWithLabel_countsPastNine() {
    promote("churn", VersionSpec.of("1.0.0"));
    promote("churn", VersionSpec.of("1.0.1-rc.9"));

    assertThat(promote("churn", VersionSpec.bump(Bump.PATCH, "rc")).semver()).isEqualTo("1.0.1-rc.10");
    assertThat(registry.latest("churn", true).get().semver()).isEqualTo("1.0.1-rc.10");
  }

  @Test
  void existingVersion_isRefusedWithResourceAlreadyExists_andNothingIsAdded() {
    promote("churn", VersionSpec.of("1.4.0"));

    assertThatThrownBy(() -> promote("churn", VersionSpec.of("1.4.0")))
        .isInstanceOf(ResourceAlreadyExistsException.class)
        .hasMessageContaining("1.4.0").hasMessageContaining("churn").hasMessageContaining("already exists");
    assertThat(registry.registryClient().listModelVersions("churn").stream().count()).isEqualTo(1);
  }

  @Test
  void sameVersionInAnotherModel_isAllowed() {
    promote("churn", VersionSpec.of("1.4.0"));

    assertThat(promote("fraud", VersionSpec.of("1.4.0")).semver()).isEqualTo("1.4.0");
  }

  @Test
  void versions_areListedInSemverOrder_notInCreationOrder() {
    for (String v : new String[] {"1.10.0", "1.2.0", "2.0.0-alpha.1", "1.2.0-rc.1", "0.9.0", "2.0.0-alpha",
        "1.0.0-rc.10", "1.0.0-rc.2", "1.0.0"}) {
      promote("churn", VersionSpec.of(v));
    }

    assertThat(semvers("churn", true)).containsExactly("0.9.0", "1.0.0-rc.2", "1.0.0-rc.10", "1.0.0", "1.2.0-rc.1",
        "1.2.0", "1.10.0", "2.0.0-alpha", "2.0.0-alpha.1");
    assertThat(semvers("churn", false)).containsExactly("0.9.0", "1.0.0", "1.2.0", "1.10.0");
  }

  @Test
  void latest_isTheHighestRelease_unlessPrereleasesAreAskedFor() {
    promote("churn", VersionSpec.of("1.10.0"));
    promote("churn", VersionSpec.of("1.9.0"));
    promote("churn", VersionSpec.of("2.0.0-rc.1"));

    assertThat(registry.latest("churn").get().semver()).isEqualTo("1.10.0");
    assertThat(registry.latest("churn", false).get().semver()).isEqualTo("1.10.0");
    assertThat(registry.latest("churn", true).get().semver()).isEqualTo("2.0.0-rc.1");
    assertThat(registry.resolve("models:/churn/latest").semver()).isEqualTo("1.10.0");
  }

  @Test
  void latest_ofAModelWithOnlyPrereleases_isEmpty_andItsLatestUriIsNotFound() {
    promote("churn", VersionSpec.of("1.0.0-rc.1"));

    assertThat(registry.latest("churn")).isEmpty();
    assertThat(registry.latest("churn", true).get().semver()).isEqualTo("1.0.0-rc.1");
    assertThatThrownBy(() -> registry.resolve("models:/churn/latest"))
        .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("churn");
  }

  @Test
  void buildMetadataWithAHyphen_isNotAPrerelease() {
    // semver.org: 1.0.0+build-5 is a release; only a '-' before any '+' starts a pre-release
    RegisteredVersion v = promote("churn", VersionSpec.of("1.0.0+build-5"));

    assertThat(v.isPrerelease()).isFalse();
    assertThat(semvers("churn", false)).containsExactly("1.0.0+build-5");
    assertThat(registry.latest("churn").map(RegisteredVersion::semver)).hasValue("1.0.0+build-5");
  }

  @Test
  void deleteVersion_removesTheVersionAndTheAliasesOnIt() {
    promote("churn", VersionSpec.of("1.0.0"));
    promote("churn", VersionSpec.of("1.1.0"));
    registry.setAlias("churn", "champion", "1.1.0");

    registry.deleteVersion("churn", "1.1.0");

    assertThat(semvers("churn", true)).containsExactly("1.0.0");
    assertThat(registry.latest("churn").get().semver()).isEqualTo("1.0.0");
    assertThatThrownBy(() -> registry.version("churn", "1.1.0")).isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("1.1.0");
    assertThatThrownBy(() -> registry.resolve("models:/churn@champion")).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void deletedVersion_canBePromotedAgain_underANewBackendNumber() {
    promote("churn", VersionSpec.of("1.0.0"));
    registry.deleteVersion("churn", "1.0.0");

    RegisteredVersion again = promote("churn", VersionSpec.of("1.0.0"));

    assertThat(again.backendVersion()).isEqualTo("2");
    assertThat(semvers("churn", true)).containsExactly("1.0.0");
  }

  @Test
  void deleteVersion_ofAnUnknownVersion_isNotFound_andAnInvalidOneIsAValidationError() {
    promote("churn", VersionSpec.of("1.0.0"));

    assertThatThrownBy(() -> registry.deleteVersion("churn", "9.9.9")).isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("9.9.9");
    assertThatThrownBy(() -> registry.deleteVersion("churn", "1.0")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("'1.0'");
    assertThat(semvers("churn", true)).containsExactly("1.0.0");
  }

  @Test
  void versions_ofAnUnknownModel_isNotFound() {
    assertThatThrownBy(() -> registry.versions("nope", true)).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void onlyDescriptionAndMetadataChange_registryTagsAreProtected() {
    promote("churn", VersionSpec.of("1.0.0"));

    assertThat(registry.updateDescription("churn", "1.0.0", "recalibrated").description()).isEqualTo("recalibrated");
    registry.setVersionTag("churn", "1.0.0", "reviewed_by", "ana");
    assertThat(registry.version("churn", "1.0.0").tags()).containsEntry("reviewed_by", "ana");
    assertThatThrownBy(() -> registry.setVersionTag("churn", "1.0.0", "mlops.semver", "2.0.0"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("reserved-tag"));
    assertThat(registry.version("churn", "1.0.0").semver()).isEqualTo("1.0.0");
  }
}
