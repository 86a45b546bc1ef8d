package io.mlops.core;

/**
 * Progress of an artifact upload or download. Called from the transferring thread, at most every few hundred
 * kilobytes, and once at the end with {@code bytesDone == bytesTotal}.
 */
@FunctionalInterface
public interface TransferListener {
  /** Does nothing. */
  TransferListener NONE = (path, done, total) -> { };

  /**
   * Reports progress.
   *
   * @param artifactPath the artifact's path relative to the candidate's artifact root
   * @param bytesDone bytes transferred so far
   * @param bytesTotal the file's size, or -1 when unknown
   */
  void onProgress(String artifactPath, long bytesDone, long bytesTotal);
}
