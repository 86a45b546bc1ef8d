package io.mlops.core;

import java.util.OptionalLong;
import org.immutables.value.Value;

/** An entry of an artifact listing. */
@Value.Immutable
public interface ArtifactInfo {
  /** Path relative to the candidate's artifact root, with {@code /} separators. */
  String path();

  /** True for a directory. */
  boolean isDirectory();

  /** Size in bytes, for files. */
  OptionalLong fileSize();

  /** A file entry. */
  static ArtifactInfo file(String path, long size) {
    return ImmutableArtifactInfo.builder().path(path).isDirectory(false).fileSize(size).build();
  }

  /** A file entry whose size the listing did not give. */
  static ArtifactInfo file(String path) {
    return ImmutableArtifactInfo.builder().path(path).isDirectory(false).build();
  }

  /** A directory entry. */
  static ArtifactInfo directory(String path) {
    return ImmutableArtifactInfo.builder().path(path).isDirectory(true).build();
  }
}
