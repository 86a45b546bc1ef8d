package io.mlops.core.spi;

import io.mlops.core.ArtifactInfo;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.TransferListener;
import io.mlops.core.TransportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;

/**
 * Files attached to a candidate. Paths are relative to the candidate's artifact root, use {@code /} and have been
 * checked by the caller: no absolute paths, no {@code ..} segments. Directory trees are walked by the caller.
 */
public interface ArtifactStore {
  /** Stores one local file at {@code artifactPath} (the file's path inside the candidate's artifacts). */
  default void uploadFile(String candidateId, Path localFile, String artifactPath) {
    uploadFile(candidateId, localFile, artifactPath, TransferListener.NONE);
  }

  /** Like {@link #uploadFile(String, Path, String)}, reporting progress to {@code listener}. */
  void uploadFile(String candidateId, Path localFile, String artifactPath, TransferListener listener);

  /** Lists one directory ({@code ""} for the root); entries carry paths relative to the root. */
  List<ArtifactInfo> list(String candidateId, String directory);

  /**
   * Like {@link #downloadFile(String, String, Path, TransferListener)}, for a file whose listing announced
   * {@code expectedSize} bytes (negative when it gave none). The file must have exactly that size; on a mismatch the
   * download fails and {@code target} is left as it was.
   *
   * <p>Stores that stream from a server override this to stop at the first byte past {@code expectedSize}
   * ({@link io.mlops.core.LimitExceededException}). This default, for stores that cannot (the local store reads a
   * local file), downloads into a temporary file beside the target, checks its size, and only then moves it into
   * place. The overloads without a size download a file of unknown size, which a store that reads from a server
   * bounds by its own maximum.
   *
   * @throws io.mlops.core.LimitExceededException when a store streaming from a server is sent more than announced
   * @throws TransportException when the size differs (in this default), or the transfer fails
   */
  default void downloadFile(String candidateId, String artifactPath, Path target, long expectedSize,
      TransferListener listener) {
    if (expectedSize < 0) {
      downloadFile(candidateId, artifactPath, target, listener);
      return;
    }
    Path parent = target.toAbsolutePath().getParent();
    Path tmp = parent.resolve(".mlops-download-" + UUID.randomUUID());
    try {
      Files.createDirectories(parent);
      downloadFile(candidateId, artifactPath, tmp, listener);
      long actual = Files.size(tmp);
      if (actual != expectedSize) { // read whole already: a mismatch, not a bound reached mid-stream
        throw new TransportException("Downloaded " + artifactPath + " has " + actual + " bytes but its listing says "
            + expectedSize + "; nothing was kept", null);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new TransportException("Downloading " + artifactPath + " failed: " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort: a temporary file
      }
    }
  }

  /** Writes the file at {@code artifactPath} to {@code target}, replacing it. */
  default void downloadFile(String candidateId, String artifactPath, Path target) {
    downloadFile(candidateId, artifactPath, target, TransferListener.NONE);
  }

  /** Like {@link #downloadFile(String, String, Path)}, reporting progress to {@code listener}. */
  void downloadFile(String candidateId, String artifactPath, Path target, TransferListener listener);

  /**
   * Lists one directory ({@code ""} for the top) under an artifact URI that this backend serves but that is no
   * candidate's artifact root, such as a registered version's storage location or an MLflow 3 logged model's
   * {@code mlflow-artifacts:/<exp>/models/m-<id>/artifacts}; entries carry paths relative to that URI. The default
   * supports no such URI.
   *
   * @throws OperationNotSupportedException when this backend cannot read {@code artifactUri}
   */
  default List<ArtifactInfo> listAt(String artifactUri, String directory) {
    throw new OperationNotSupportedException("This backend", "reading the artifacts at '" + artifactUri + "'");
  }

  /**
   * Writes the file at {@code artifactPath} under an artifact URI (see {@link #listAt}) to {@code target}, replacing
   * it. As with {@link #downloadFile(String, String, Path, long, TransferListener)}, the file must have the
   * {@code expectedSize} its listing announced (negative when unknown): a store streaming from a server stops at the
   * first byte past it, and {@code target} is left as it was on any failure. The default supports no such URI.
   *
   * @throws OperationNotSupportedException when this backend cannot read {@code artifactUri}
   */
  default void downloadFileAt(String artifactUri, String artifactPath, Path target, long expectedSize,
      TransferListener listener) {
    throw new OperationNotSupportedException("This backend", "reading the artifacts at '" + artifactUri + "'");
  }
}
