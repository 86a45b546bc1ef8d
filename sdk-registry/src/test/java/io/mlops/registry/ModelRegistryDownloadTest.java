package io.mlops.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.mlops.core.CandidateInfo;
import io.mlops.core.TransferListener;
import io.mlops.core.TransportException;
import io.mlops.core.ValidationException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads: into a directory that does not exist or is empty, through a hidden staging directory beside it,
 * sizes checked; a file or a non-empty directory as target is a typed error; no staging directory is left behind.
 */
class ModelRegistryDownloadTest {
  @TempDir Path temp;
  private ModelRegistry registry;
  private CandidateInfo candidate;
  private Map<String, byte[]> modelFiles;
  private Path serving;

  @BeforeEach
  void open() throws IOException {
    registry = RegistryFixture.localRegistry(temp.resolve("mlruns"));
    candidate = RegistryFixture.candidateWithModel(registry.trackingClient(), temp, "download", "best");
    modelFiles = RegistryFixture.filesUnder(temp.resolve("upload-" + candidate.id()).resolve("model"));
    registry.promote(Promotion.builder().candidateId(candidate.id()).modelName("churn")
        .version(VersionSpec.of("1.0.0")).artifactPath("model").build());
    registry.setAlias("churn", "champion", "1.0.0");
    serving = Files.createDirectories(temp.resolve("serving"));
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void download_byAlias_placesTheModelFolderInTheTarget_andLeavesNoStagingFolder() {
    Path target = serving.resolve("churn");

    Path dir = registry.download("models:/churn@champion", target);

    assertThat(dir).isEqualTo(target.toAbsolutePath().normalize());
    assertThat(RegistryFixture.filesUnder(dir)).containsOnlyKeys("weights.bin", "conf/MLmodel")
        .allSatisfy((name, bytes) -> assertThat(bytes).isEqualTo(modelFiles.get(name)));
    assertThat(RegistryFixture.namesIn(serving)).containsExactly("churn");
  }

  @Test
  void download_intoAnEmptyDirectory_fillsIt() throws IOException {
    Path target = Files.createDirectories(serving.resolve("churn"));

    registry.download("models:/churn/1.0.0", target);

    assertThat(RegistryFixture.filesUnder(target)).containsOnlyKeys("weights.bin", "conf/MLmodel");
    assertThat(RegistryFixture.namesIn(serving)).containsExactly("churn");
  }

  @Test
  void download_createsMissingParentDirectories() {
    Path target = serving.resolve("a/b/churn");

    registry.download("models:/churn/latest", target);

    assertThat(RegistryFixture.filesUnder(target)).containsOnlyKeys("weights.bin", "conf/MLmodel");
    assertThat(RegistryFixture.namesIn(serving.resolve("a/b"))).containsExactly("churn");
  }

  @Test
  void download_ofAVersionOfAllArtifacts_hasEveryFile() {
    registry.promote(candidate.id(), "churn", VersionSpec.of("2.0.0"), null);
    Path target = serving.resolve("all");

    registry.download("models:/churn/2.0.0", target);

    assertThat(RegistryFixture.filesUnder(target)).containsOnlyKeys("model/weights.bin", "model/conf/MLmodel",
        "notes.txt");
    assertThat(RegistryFixture.namesIn(serving)).containsExactly("all");
  }

  @Test
  void download_ofAVersionThatIsOneFile_putsTheFileIntoTheTarget() {
    registry.promote(Promotion.builder().candidateId(candidate.id()).modelName("weights")
        .version(VersionSpec.of("1.0.0")).artifactPath("model/weights.bin").build());
    Path target = serving.resolve("weights");

    registry.download("models:/weights/1.0.0", target);

    assertThat(RegistryFixture.filesUnder(target)).containsOnlyKeys("weights.bin");
    assertThat(RegistryFixture.filesUnder(target).get("weights.bin")).isEqualTo(modelFiles.get("weights.bin"));
    assertThat(RegistryFixture.namesIn(serving)).containsExactly("weights");
  }

  @Test
  void download_toAFile_isAValidationError_andTheFileIsUntouched() throws IOException {
    Path file = Files.write(serving.resolve("churn"), "keep me".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> registry.download("models:/churn@champion", file))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("download-target"))
        .hasMessageContaining("is a file");
    assertThat(file).hasContent("keep me");
    assertThat(RegistryFixture.namesIn(serving)).containsExactly("churn");
  }

  @Test
  void download_toANonEmptyDirectory_isAValidationError_andItsContentsAreUntouched() throws IOException {
    Path target = Files.createDirectories(serving.resolve("churn"));
    Files.write(target.resolve("old.bin"), new byte[] {1, 2, 3});

    assertThatThrownBy(() -> registry.download("models:/churn@champion", target))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("download-target"))
        .hasMessageContaining("not empty");
    assertThat(RegistryFixture.namesIn(target)).containsExactly("old.bin");
    assertThat(RegistryFixture.namesIn(serving)).containsExactly("churn");
  }

  @Test
  void failedDownload_leavesNeitherTargetNorStagingFolder() throws IOException {
    // A file whose size the listing reports as 0 but which reads as more: /proc files do exactly that. It sorts
    // after weights.bin, so the download fails midway with files already in the staging folder.
    Path proc = Paths.get("/proc/self/status");
    assumeThat(Files.isRegularFile(proc)).as("needs Linux /proc").isTrue();
    Path artifacts = Paths.get(URI.create(candidate.artifactUri()));
    Files.createSymbolicLink(artifacts.resolve("model/zz-status"), proc);
    Path target = serving.resolve("churn");

    assertThatThrownBy(() -> registry.download(registry.resolve("models:/churn@champion"), target,
        TransferListener.NONE))
        .isInstanceOf(TransportException.class).hasMessageContaining("zz-status").hasMessageContaining("bytes");
    assertThat(target).doesNotExist();
    assertThat(RegistryFixture.namesIn(serving)).isEmpty();
  }

  @Test
  void failedDownload_intoAnEmptyDirectory_keepsTheEmptyDirectory() throws IOException {
    Path proc = Paths.get("/proc/self/status");
    assumeThat(Files.isRegularFile(proc)).as("needs Linux /proc").isTrue();
    Files.createSymbolicLink(Paths.get(URI.create(candidate.artifactUri())).resolve("model/zz-status"), proc);
    Path target = Files.createDirectories(serving.resolve("churn"));

    assertThatThrownBy(() -> registry.download("models:/churn@champion", target))
        .isInstanceOf(TransportException.class);
    assertThat(target).isEmptyDirectory();
    assertThat(RegistryFixture.namesIn(serving)).containsExactly("churn");
  }

  @Test
  void download_ofAnUnknownVersion_isNotFound_andCreatesNothing() {
    assertThatThrownBy(() -> registry.download("models:/churn/9.9.9", serving.resolve("x")))
        .isInstanceOf(io.mlops.core.ResourceNotFoundException.class);
    assertThat(RegistryFixture.namesIn(serving)).isEmpty();
  }
}
