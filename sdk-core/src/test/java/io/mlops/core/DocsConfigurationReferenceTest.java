package io.mlops.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/configuration.md} in step with {@link MlopsSetting}: every setting must have a row in the
 * reference table naming its environment variable, its system property and its default. Surefire runs with the
 * module directory ({@code sdk-core}) as working directory, so the file is {@code ../docs/configuration.md}.
 */
class DocsConfigurationReferenceTest {
  private static final Path REFERENCE = Paths.get("..", "docs", "configuration.md");

  private static List<String> referenceLines() throws IOException {
    assertThat(REFERENCE).as("the configuration reference, relative to %s", Paths.get("").toAbsolutePath())
        .isRegularFile();
    return Files.readAllLines(REFERENCE, StandardCharsets.UTF_8);
  }

  private static Optional<String> rowOf(List<String> lines, MlopsSetting setting) {
    String start = "| `" + setting.name() + "` |";
    return lines.stream().filter(l -> l.startsWith(start)).findFirst();
  }

  @Test
  void configurationReference_namesEveryEnvironmentVariableAndSystemProperty() throws IOException {
    String doc = String.join("\n", referenceLines());
    SoftAssertions softly = new SoftAssertions();
    for (MlopsSetting s : MlopsSetting.values()) {
      softly.assertThat(doc).as("environment variable of %s", s).contains("`" + s.environmentVariable() + "`");
      softly.assertThat(doc).as("system property of %s", s).contains("`" + s.systemProperty() + "`");
    }
    softly.assertAll();
  }

  @Test
  void configurationReference_hasOneTableRowPerSettingWithItsNamesAndDefault() throws IOException {
    List<String> lines = referenceLines();
    SoftAssertions softly = new SoftAssertions();
    for (MlopsSetting s : MlopsSetting.values()) {
      Optional<String> row = rowOf(lines, s);
      softly.assertThat(row).as("a row for %s in the settings table", s).isPresent();
      if (row.isPresent()) {
        String[] cells = row.get().split("\\|");
        // cells[0] is empty (before the first '|'): setting, env var, system property, default, meaning
        softly.assertThat(cells.length).as("cells in the row of %s", s).isGreaterThanOrEqualTo(6);
        if (cells.length >= 6) {
          softly.assertThat(cells[2].trim()).as("environment variable of %s", s)
              .isEqualTo("`" + s.environmentVariable() + "`");
          softly.assertThat(cells[3].trim()).as("system property of %s", s)
              .isEqualTo("`" + s.systemProperty() + "`");
          softly.assertThat(cells[4].trim()).as("default of %s", s)
              .isEqualTo(s.defaultValue() == null ? "unset" : "`" + s.defaultValue() + "`");
        }
      }
    }
    softly.assertAll();
  }

  @Test
  void configurationReference_marksEverySecretAsSecret() throws IOException {
    List<String> lines = referenceLines();
    SoftAssertions softly = new SoftAssertions();
    for (MlopsSetting s : MlopsSetting.values()) {
      if (s.isSecret()) {
        softly.assertThat(rowOf(lines, s)).as("row of secret %s", s).hasValueSatisfying(
            row -> assertThat(row).contains("**Secret**"));
      }
    }
    softly.assertAll();
  }
}
