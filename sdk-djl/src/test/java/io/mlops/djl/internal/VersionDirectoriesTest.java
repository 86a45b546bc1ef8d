package io.mlops.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionDirectoriesTest {
  @TempDir
  Path dir;

  private Path version(String store, String semver, String number, String source) {
    return VersionDirectories.of(dir, store, "churn/mlp", semver, number, source, "c1");
  }

  @Test
  void oneDirectoryPerStoreModelVersionAndSource() {
    Path a = version("file:/a", "1.0.0", "1", "runs:/c1/model");
    assertThat(a.getParent()).isEqualTo(dir.resolve("churn_mlp"));
    assertThat(a.getFileName().toString()).startsWith("1.0.0-");
    assertThat(version("file:/a", "1.0.0", "1", "runs:/c1/model")).isEqualTo(a);
    assertThat(version("file:/b", "1.0.0", "1", "runs:/c1/model")).isNotEqualTo(a);
    assertThat(version("file:/a", "1.0.0", "1", "runs:/c2/model")).isNotEqualTo(a);
    assertThat(version("file:/a", "", "3", "runs:/c1/model").getFileName().toString())
        .startsWith("v3-");
  }

  @Test
  void savedModelName_isTheParamsFilesPrefix() throws Exception {
    assertThat(VersionDirectories.savedModelName(dir)).isNull();
    Files.createFile(dir.resolve("my-mlp-0002.params"));
    Files.createFile(dir.resolve("notes.txt"));
    assertThat(VersionDirectories.savedModelName(dir)).isEqualTo("my-mlp");
    Files.createFile(dir.resolve("my-mlp-0003.params"));
    assertThat(VersionDirectories.savedModelName(dir)).isEqualTo("my-mlp");
    Files.createFile(dir.resolve("other-0001.params"));
    assertThatThrownBy(() -> VersionDirectories.savedModelName(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[my-mlp, other]");
  }
}
