package io.mlops.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.ArtifactInfo;
import io.mlops.core.TransferListener;
import io.mlops.core.TransportException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default sized download of {@link ArtifactStore}, for stores that cannot check sizes as bytes arrive: a file
 * that differs from its listed size never replaces the target and leaves no temporary file.
 */
class ArtifactStoreSizedDownloadTest {
  @TempDir
  Path tmp;

  /** A store whose every file holds {@code content}, whatever its listing said. */
  private static ArtifactStore storeServing(String content) {
    return new ArtifactStore() {
      @Override
      public void uploadFile(String candidateId, Path localFile, String artifactPath, TransferListener listener) {
        throw new AssertionError("not used");
      }

      @Override
      public List<ArtifactInfo> list(String candidateId, String directory) {
        return List.of();
      }

      @Override
      public void downloadFile(String candidateId, String artifactPath, Path target, TransferListener listener) {
        try {
          Files.write(target, content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }
    };
  }

  @Test
  void sizedDownload_longerThanListed_failsAndKeepsTheOldTarget() throws IOException {
    Path target = Files.write(tmp.resolve("a.txt"), "old".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> storeServing("far too long").downloadFile("c1", "a.txt", target, 3,
        TransferListener.NONE))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("a.txt").hasMessageContaining("12 bytes").hasMessageContaining("says 3");

    assertThat(target).hasContent("old");
    assertThat(entries()).containsExactly("a.txt");
  }

  @Test
  void sizedDownload_shorterThanListed_isTransportExceptionAndLeavesNothing() {
    Path target = tmp.resolve("a.txt");

    assertThatThrownBy(() -> storeServing("ab").downloadFile("c1", "a.txt", target, 3, TransferListener.NONE))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("a.txt");

    assertThat(entries()).isEmpty();
  }

  @Test
  void sizedDownload_ofTheListedSize_replacesTheTarget() throws IOException {
    Path target = Files.write(tmp.resolve("a.txt"), "old content".getBytes(StandardCharsets.UTF_8));

    storeServing("new").downloadFile("c1", "a.txt", target, 3, TransferListener.NONE);

    assertThat(target).hasContent("new");
    assertThat(entries()).containsExactly("a.txt");
  }

  private List<String> entries() {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
