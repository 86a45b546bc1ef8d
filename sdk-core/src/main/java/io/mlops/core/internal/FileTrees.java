package io.mlops.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Deleting a directory tree: the one recursive delete of the SDK. Links are removed, never followed. */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Deletes {@code root} and everything under it, deepest first; a missing root is fine.
   *
   * @throws IOException when a file cannot be deleted
   */
  public static void delete(Path root) throws IOException {
    if (root == null || !Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList());
    }
    for (Path p : paths) {
      Files.deleteIfExists(p);
    }
  }

  /** Like {@link #delete(Path)}, for temporary trees whose leftovers are harmless: failures are ignored. */
  public static void deleteQuietly(Path root) {
    try {
      delete(root);
    } catch (IOException | RuntimeException ignored) {
      // best effort: a leftover temporary folder is harmless
    }
  }
}
