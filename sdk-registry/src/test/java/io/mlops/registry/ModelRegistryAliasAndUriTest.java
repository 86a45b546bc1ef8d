package io.mlops.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.ValidationException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Aliases (set, move, delete, resolve, naming rules), model URIs, and the resolution cache. */
class ModelRegistryAliasAndUriTest {
  @TempDir Path temp;
  private ModelRegistry registry;
  private String candidate;

  @BeforeEach
  void open() {
    registry = RegistryFixture.localRegistry(temp.resolve("mlruns"));
    candidate = RegistryFixture.candidateWithModel(registry.trackingClient(), temp, "aliases", "best").id();
    for (String v : new String[] {"1.0.0", "1.1.0", "2.0.0-rc.1"}) {
      registry.promote(Promotion.builder().candidateId(candidate).modelName("churn").version(VersionSpec.of(v))
          .artifactPath("model").build());
    }
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void setAlias_pointsTheAliasAtTheVersion_andResolvesByUriAndByName() {
    registry.setAlias("churn", "champion", "1.0.0");
    registry.setAlias("churn", "staging", "2.0.0-rc.1");

    assertThat(registry.resolve("models:/churn@champion").semver()).isEqualTo("1.0.0");
    assertThat(registry.resolveAlias("churn", "staging").semver()).isEqualTo("2.0.0-rc.1");
    assertThat(registry.version("churn", "1.0.0").aliases()).containsExactly("champion");
    assertThat(registry.findModel("churn").get().aliases()).containsEntry("champion", "1").containsEntry("staging", "3");
  }

  @Test
  void setAlias_onAnotherVersion_movesIt() {
    registry.setAlias("churn", "champion", "1.0.0");

    registry.setAlias("churn", "champion", "1.1.0");

    assertThat(registry.resolveAlias("churn", "champion").semver()).isEqualTo("1.1.0");
    assertThat(registry.version("churn", "1.0.0").aliases()).isEmpty();
    assertThat(registry.version("churn", "1.1.0").aliases()).containsExactly("champion");
  }

  @Test
  void deleteAlias_removesIt_andResolvingItIsNotFound() {
    registry.setAlias("churn", "champion", "1.0.0");

    registry.deleteAlias("churn", "champion");

    assertThatThrownBy(() -> registry.resolve("models:/churn@champion"))
        .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("champion");
    assertThat(registry.version("churn", "1.0.0").aliases()).isEmpty();
  }

  @Test
  void setAlias_onAnUnknownVersionOrModel_isNotFound() {
    assertThatThrownBy(() -> registry.setAlias("churn", "champion", "3.0.0"))
        .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("3.0.0");
    assertThatThrownBy(() -> registry.setAlias("nope", "champion", "1.0.0"))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(registry.findModel("churn").get().aliases()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"bad alias", "champ.ion", "prod/eu", "x@y", "é!"})
  void aliasWithIllegalCharacters_isAValidationError_andNothingIsSet(String alias) {
    assertThatThrownBy(() -> registry.setAlias("churn", alias, "1.0.0"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("alias-characters"))
        .hasMessageContaining("'" + alias + "'");
    assertThat(registry.findModel("churn").get().aliases()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"latest", "LATEST", "v3", "V12", "v0"})
  void reservedAlias_isAValidationError_andNothingIsSet(String alias) {
    assertThatThrownBy(() -> registry.setAlias("churn", alias, "1.0.0"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("alias-reserved"))
        .hasMessageContaining("reserved");
    assertThat(registry.findModel("churn").get().aliases()).isEmpty();
  }

  @Test
  void emptyOrOverlongAlias_isAValidationError() {
    assertThatThrownBy(() -> registry.setAlias("churn", "", "1.0.0"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("alias-empty"));
    assertThatThrownBy(() -> registry.setAlias("churn", "a".repeat(256), "1.0.0"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("alias-length"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"champion", "staging-eu", "shadow_2", "v", "v3a", "version", "Ünïcode", "255"})
  void aliasOfLettersDigitsUnderscoreAndHyphen_isAccepted(String name) {
    String alias = name.equals("255") ? "a".repeat(255) : name;
    registry.setAlias("churn", alias, "1.1.0");

    assertThat(registry.resolveAlias("churn", alias).semver()).isEqualTo("1.1.0");
  }

  @Test
  void deleteAlias_withAReservedName_isAValidationError() {
    assertThatThrownBy(() -> registry.deleteAlias("churn", "latest")).isInstanceOf(ValidationException.class);
  }

  // ---------------------------------------------------------------- URIs

  @Test
  void resolve_readsVersionAliasAndLatestUris() {
    registry.setAlias("churn", "champion", "1.0.0");

    assertThat(registry.resolve("models:/churn/1.1.0").backendVersion()).isEqualTo("2");
    assertThat(registry.resolve("models:/churn/2.0.0-rc.1").semver()).isEqualTo("2.0.0-rc.1");
    assertThat(registry.resolve("models:/churn@champion").semver()).isEqualTo("1.0.0");
    assertThat(registry.resolve("models:/churn/latest").semver()).isEqualTo("1.1.0");
    assertThat(registry.resolve(ModelUri.latest("churn")).semver()).isEqualTo("1.1.0");
    assertThat(registry.resolve("models:/churn/1.1.0").uri().toString()).isEqualTo("models:/churn/1.1.0");
  }

  @Test
  void resolve_ofAMalformedUri_isAValidationErrorSayingWhichFormsExist() {
    assertThatThrownBy(() -> registry.resolve("models:/churn/1.2")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("'1.2'");
    assertThatThrownBy(() -> registry.resolve("runs:/abc/model")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("models:/<name>/<semver>");
    assertThatThrownBy(() -> registry.resolve("models:/churn@v2")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("reserved");
  }

  @Test
  void resolve_ofAnUnknownModelVersionOrAlias_isNotFound() {
    assertThatThrownBy(() -> registry.resolve("models:/nope/1.0.0")).isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> registry.resolve("models:/churn/9.0.0")).isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("9.0.0");
    assertThatThrownBy(() -> registry.resolve("models:/churn@ghost")).isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("ghost");
  }

  @Test
  void aliasOnAVersionWithoutSemanticVersion_resolvesToThatNumberedVersion() {
    // a version made with the low-level client (as MLflow makes them), outside the registry's semver bookkeeping
    String source = registry.version("churn", "1.0.0").source();
    String plain = registry.registryClient().createModelVersion(io.mlops.core.NewModelVersion.builder()
        .modelName("churn").source(source).candidateId(candidate).build()).version();
    registry.registryClient().setAlias("churn", "legacy", plain);

    RegisteredVersion legacy = registry.resolve("models:/churn@legacy");
    assertThat(legacy.backendVersion()).isEqualTo(plain);
    assertThat(legacy.semver()).isEmpty();
    assertThat(legacy.aliases()).containsExactly("legacy");
    assertThat(registry.versions("churn", true)).extracting(RegisteredVersion::semver)
        .containsExactly("", "1.0.0", "1.1.0", "2.0.0-rc.1");
    assertThat(registry.latest("churn")).map(RegisteredVersion::semver).hasValue("1.1.0");
  }

  // ---------------------------------------------------------------- cache

  @Test
  void badBuilderSettings_areRefusedNamingTheSetting() {
    assertThatThrownBy(() -> ModelRegistry.builder().cacheTtl(Duration.ofMillis(-1)))
        .isInstanceOf(io.mlops.core.ValidationException.class).hasMessageContaining("cacheTtl");
    assertThatThrownBy(() -> ModelRegistry.builder().cacheSize(-1))
        .isInstanceOf(io.mlops.core.ValidationException.class).hasMessageContaining("cacheSize");
    assertThatThrownBy(() -> ModelRegistry.builder().config(null))
        .isInstanceOf(io.mlops.core.ValidationException.class).hasMessageContaining("config");
  }

  @Test
  void ownWrites_invalidateTheCache_atOnce() {
    registry.setAlias("churn", "champion", "1.0.0");
    assertThat(registry.resolve("models:/churn@champion").semver()).isEqualTo("1.0.0");
    assertThat(registry.resolve("models:/churn/latest").semver()).isEqualTo("1.1.0");

    registry.setAlias("churn", "champion", "1.1.0");
    assertThat(registry.resolve("models:/churn@champion").semver()).isEqualTo("1.1.0");

    registry.promote(Promotion.builder().candidateId(candidate).modelName("churn").version(VersionSpec.bump(Bump.MINOR))
        .build());
    assertThat(registry.resolve("models:/churn/latest").semver()).isEqualTo("1.2.0");

    registry.deleteAlias("churn", "champion");
    assertThatThrownBy(() -> registry.resolve("models:/churn@champion")).isInstanceOf(ResourceNotFoundException.class);

    assertThat(registry.resolve("models:/churn/1.2.0").description()).isEmpty();
    registry.updateDescription("churn", "1.2.0", "recalibrated");
    assertThat(registry.resolve("models:/churn/1.2.0").description()).isEqualTo("recalibrated");

    registry.deleteVersion("churn", "1.2.0");
    assertThatThrownBy(() -> registry.resolve("models:/churn/1.2.0")).isInstanceOf(ResourceNotFoundException.class);
    assertThat(registry.resolve("models:/churn/latest").semver()).isEqualTo("1.1.0");
  }

  @Test
  void writesOfAnotherRegistry_areSeenOnlyAfterTheTtl() {
    Duration ttl = Duration.ofMillis(200);
    try (ModelRegistry reader = RegistryFixture.localRegistry(temp.resolve("mlruns"), ttl);
         ModelRegistry writer = RegistryFixture.localRegistry(temp.resolve("mlruns"))) {
      writer.setAlias("churn", "champion", "1.0.0");
      long cachedAt = System.nanoTime();
      assertThat(reader.resolve("models:/churn@champion").semver()).isEqualTo("1.0.0");

      writer.setAlias("churn", "champion", "1.1.0");

      String seenAtOnce = reader.resolve("models:/churn@champion").semver();
      long elapsed = System.nanoTime() - cachedAt;
      if (elapsed < ttl.toNanos()) { // unless this thread was descheduled past the TTL, the entry is still cached
        assertThat(seenAtOnce).isEqualTo("1.0.0");
      }
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
          .until(() -> reader.resolve("models:/churn@champion").semver().equals("1.1.0"));
      assertThat(System.nanoTime() - cachedAt).isGreaterThanOrEqualTo(ttl.toNanos());
    }
  }

  @Test
  void zeroTtl_turnsTheCacheOff() {
    try (ModelRegistry reader = RegistryFixture.localRegistry(temp.resolve("mlruns"), Duration.ZERO);
         ModelRegistry writer = RegistryFixture.localRegistry(temp.resolve("mlruns"))) {
      writer.setAlias("churn", "champion", "1.0.0");
      assertThat(reader.resolve("models:/churn@champion").semver()).isEqualTo("1.0.0");

      writer.setAlias("churn", "champion", "1.1.0");

      assertThat(reader.resolve("models:/churn@champion").semver()).isEqualTo("1.1.0");
    }
  }
}
