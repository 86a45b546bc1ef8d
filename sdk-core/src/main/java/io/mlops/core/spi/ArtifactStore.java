package io.mlops.core.spi;

import io.mlops.core.ArtifactInfo;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.TransferListener;
import java.nio.file.Path;
import java.util.List;

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
   * it. The default supports no such URI.
   *
   * @throws OperationNotSupportedException when this backend cannot read {@code artifactUri}
   */
  default void downloadFileAt(String artifactUri, String artifactPath, Path target, TransferListener listener) {
    throw new OperationNotSupportedException("This backend", "reading the artifacts at '" + artifactUri + "'");
  }
}
