package io.mlops.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.ArtifactInfo;
import io.mlops.core.CandidateInfo;
import io.mlops.core.Experiment;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.LimitExceededException;
import io.mlops.core.MlopsConfig;
import io.mlops.core.NewCandidate;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.TrackingClient;
import io.mlops.core.ValidationException;
import io.mlops.core.spi.ArtifactStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Artifacts of the in-memory backend: bounded in size, confined to the candidate's root. */
class InMemoryArtifactsTest {
  @TempDir Path temp;
  private InMemoryBackend backend;
  private TrackingClient client;
  private CandidateInfo candidate;

  @BeforeEach
  void open() {
    backend = InMemoryBackend.builder().maxArtifactBytes(1000).build();
    client = TrackingClient.create(MlopsConfig.builder().trackingUri(backend.trackingUri()).build(), backend);
    Experiment e = client.createExperiment("art");
    candidate = client.createCandidate(NewCandidate.builder().experimentId(e.id()).name("r").startTime(1).build());
  }

  @AfterEach
  void close() {
    client.close();
  }

  private Path file(String name, int bytes) throws Exception {
    return Files.write(temp.resolve(name), new byte[bytes]);
  }

  @Test
  void upload_withinTheLimitIsStoredAndCounted() throws Exception {
    client.uploadArtifacts(candidate.id(), file("a.bin", 600), "");
    client.uploadArtifacts(candidate.id(), file("b.bin", 400), "sub");

    assertThat(backend.artifactBytes()).isEqualTo(1000);
    assertThat(client.listArtifactsRecursively(candidate.id(), ""))
        .containsExactlyInAnyOrder(ArtifactInfo.file("a.bin", 600), ArtifactInfo.file("sub/b.bin", 400));
  }

  @Test
  void upload_pastTheLimitFailsAndStoresNothing() throws Exception {
    client.uploadArtifacts(candidate.id(), file("a.bin", 600), "");

    assertThatThrownBy(() -> client.uploadArtifacts(candidate.id(), file("b.bin", 401), ""))
        .isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("1000 bytes").hasMessageContaining(InMemoryBackend.MAX_ARTIFACT_BYTES_SETTING)
        .satisfies(e -> assertThat(((LimitExceededException) e).limit()).isEqualTo(1000));
    assertThatThrownBy(() -> client.uploadArtifacts(candidate.id(), file("huge.bin", 5000), ""))
        .isInstanceOf(LimitExceededException.class);

    assertThat(backend.artifactBytes()).isEqualTo(600);
    assertThat(client.listArtifacts(candidate.id(), "")).extracting(ArtifactInfo::path).containsExactly("a.bin");
  }

  @Test
  void upload_replacingAFileCountsOnlyTheNewContent() throws Exception {
    client.uploadArtifacts(candidate.id(), file("a.bin", 900), "");
    client.uploadArtifacts(candidate.id(), file("a.bin", 950), ""); // replaces: 950 held, not 1850

    assertThat(backend.artifactBytes()).isEqualTo(950);
    assertThat(client.listArtifacts(candidate.id(), "")).containsExactly(ArtifactInfo.file("a.bin", 950));
  }

  @Test
  void reset_givesTheBytesBack() throws Exception {
    client.uploadArtifacts(candidate.id(), file("a.bin", 1000), "");

    backend.reset();

    assertThat(backend.artifactBytes()).isZero();
    Experiment e = client.createExperiment("again");
    CandidateInfo c = client.createCandidate(NewCandidate.builder().experimentId(e.id()).name("r").startTime(1)
        .build());
    client.uploadArtifacts(c.id(), file("b.bin", 1000), "");
    assertThat(backend.artifactBytes()).isEqualTo(1000);
  }

  @Test
  void paths_cannotLeaveTheCandidatesRoot() throws Exception {
    ArtifactStore store = backend.artifactStore();
    Path f = file("x.bin", 1);
    for (String bad : List.of("../x.bin", "a/../../x.bin", "/etc/x.bin", "a\\x.bin", "C:/x.bin")) {
      assertThatThrownBy(() -> store.uploadFile(candidate.id(), f, bad), bad).isInstanceOf(ValidationException.class);
    }
    assertThatThrownBy(() -> store.uploadFile(candidate.id(), f, "")).isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> store.downloadFile(candidate.id(), "../x.bin", temp.resolve("out")))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.list(candidate.id(), "..")).isInstanceOf(ValidationException.class);
    assertThat(backend.artifactBytes()).isZero();
  }

  @Test
  void aPathCannotBeAFileAndAFolder() throws Exception {
    Path f = file("x.bin", 1);
    client.uploadArtifacts(candidate.id(), f, "a"); // a/x.bin
    ArtifactStore store = backend.artifactStore();

    assertThatThrownBy(() -> store.uploadFile(candidate.id(), f, "a")).isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("folder");
    assertThatThrownBy(() -> store.uploadFile(candidate.id(), f, "a/x.bin/y"))
        .isInstanceOf(InvalidParameterException.class).hasMessageContaining("is a file");
  }

  @Test
  void download_writesTheBytesAndReportsProgress() throws Exception {
    byte[] content = {1, 2, 3, 4, 5};
    client.uploadArtifacts(candidate.id(), Files.write(temp.resolve("w.bin"), content), "model");
    List<long[]> progress = new ArrayList<>();

    backend.artifactStore().downloadFile(candidate.id(), "./model//w.bin", temp.resolve("dl/w.bin"),
        (path, done, total) -> progress.add(new long[] {done, total}));

    assertThat(Files.readAllBytes(temp.resolve("dl/w.bin"))).containsExactly(content);
    assertThat(progress).last().satisfies(p -> assertThat(p).containsExactly(5, 5));
    assertThatThrownBy(() -> backend.artifactStore().downloadFile(candidate.id(), "model", temp.resolve("dir")))
        .isInstanceOf(ResourceNotFoundException.class); // a folder is no file
    assertThat(backend.artifactStore().list(candidate.id(), "model/w.bin")).isEmpty(); // a file is no folder
  }

  @Test
  void upload_toAnUnknownCandidateIsNotFound() throws Exception {
    assertThatThrownBy(() -> backend.artifactStore().uploadFile("0123456789abcdef0123456789abcdef",
        file("x.bin", 1), "x.bin")).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void builder_refusesANegativeLimit() {
    assertThatThrownBy(() -> InMemoryBackend.builder().maxArtifactBytes(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(InMemoryBackend.create().maxArtifactBytes()).isEqualTo(InMemoryBackend.DEFAULT_MAX_ARTIFACT_BYTES);
  }
}
