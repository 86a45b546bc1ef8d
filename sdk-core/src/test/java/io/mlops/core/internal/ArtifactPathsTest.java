package io.mlops.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.ValidationException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactPathsTest {
  @TempDir Path root;

  @Test
  void normalize_dropsEmptyAndDotParts() {
    assertThat(ArtifactPaths.normalize("a//b/./c/")).isEqualTo("a/b/c");
    assertThat(ArtifactPaths.normalize("")).isEmpty();
    assertThat(ArtifactPaths.normalize(null)).isEmpty();
    assertThat(ArtifactPaths.join("model", "w.bin")).isEqualTo("model/w.bin");
    assertThat(ArtifactPaths.join("", "w.bin")).isEqualTo("w.bin");
    assertThat(ArtifactPaths.fileName("a/b/c.txt")).isEqualTo("c.txt");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "a/../../x", "/etc/passwd", "a\\..\\b", "C:/x", "a\0b", ".."})
  void normalize_rejectsPathsThatCouldEscape(String path) {
    assertThatThrownBy(() -> ArtifactPaths.normalize(path)).isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(((ValidationException) e).rule()).isEqualTo("artifact-path"));
  }

  @Test
  void resolveUnder_staysInsideRoot() {
    assertThat(ArtifactPaths.resolveUnder(root, "a/b")).isEqualTo(root.toAbsolutePath().resolve("a/b"));
    assertThat(ArtifactPaths.resolveUnder(root, "")).isEqualTo(root.toAbsolutePath());
    assertThatThrownBy(() -> ArtifactPaths.resolveUnder(root, "a/../../b")).isInstanceOf(ValidationException.class);
  }
}
