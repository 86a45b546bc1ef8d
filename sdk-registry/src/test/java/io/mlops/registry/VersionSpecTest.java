package io.mlops.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionSpecTest {
  @ParameterizedTest
  @ValueSource(strings = {"1.2", "v1.2.0", "01.2.3", "1.02.3", "1.2.3-rc.01", " 1.2.3", "1.2.3 ", "1.2.3.4", "",
      "latest", "1.2.3-", "1.2.3+"})
  void of_rejectsWhatIsNotStrictSemver(String version) {
    assertThatThrownBy(() -> VersionSpec.of(version)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("'" + version + "'")
        .satisfies(e -> assertThat(((ValidationException) e).rule()).isEqualTo("semver"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.1", "1.4.0", "2.0.0-rc.1", "1.0.0-alpha-2.3", "1.0.0+build.5", "10.20.30"})
  void of_acceptsStrictSemver(String version) {
    assertThat(VersionSpec.of(version).toString()).isEqualTo(version);
  }

  @Test
  void bump_checksThePrereleaseLabel() {
    assertThat(VersionSpec.bump(Bump.MINOR, "rc").toString()).isEqualTo("MINOR-rc");
    assertThatThrownBy(() -> VersionSpec.bump(Bump.MINOR, "r.c")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> VersionSpec.bump(Bump.MINOR, "12")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> VersionSpec.bump(Bump.MINOR, "")).isInstanceOf(ValidationException.class);
  }
}
