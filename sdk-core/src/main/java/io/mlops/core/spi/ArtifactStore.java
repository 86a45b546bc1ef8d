package io.mlops.core.spi;

import io.mlops.core.ArtifactInfo;
import java.nio.file.Path;
import java.util.List;

/**
 * Files attached to a candidate. Paths are relative to the candidate's artifact root, use {@code /} and have been
 * checked by the caller: no absolute paths, no {@code ..} segments. Directory trees are walked by the caller.
 */
public interface ArtifactStore {
  /** Stores one local file at {@code artifactPath} (the file's path inside the candidate's artifacts). */
  void uploadFile(String candidateId, Path localFile, String artifactPath);

  /** Lists one directory ({@code ""} for the root); entries carry paths relative to the root. */
  List<ArtifactInfo> list(String candidateId, String directory);

  /** Writes the file at {@code artifactPath} to {@code target}, replacing it. */
  void downloadFile(String candidateId, String artifactPath, Path target);
}
