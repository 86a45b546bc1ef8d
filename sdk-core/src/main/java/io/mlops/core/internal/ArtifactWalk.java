package io.mlops.core.internal;

import io.mlops.core.ArtifactInfo;
import io.mlops.core.LimitExceededException;
import io.mlops.core.MlopsConfig;
import io.mlops.core.MlopsSetting;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * Walks an artifact tree one listing at a time, bounded so that a broken or hostile server cannot make it run
 * forever or exhaust the stack (a server answering {@code a}, then {@code a/a}, ...): an explicit stack instead of
 * recursion, and limits on path depth ({@link MlopsSetting#ARTIFACT_MAX_DEPTH}), path length
 * ({@link MlopsSetting#ARTIFACT_MAX_PATH_LENGTH}) and entries ({@link MlopsSetting#ARTIFACT_MAX_ENTRIES}). Every
 * recursive listing should go through it.
 */
public final class ArtifactWalk {
  private final int maxDepth;
  private final int maxPathLength;
  private final int maxEntries;

  /** A walk with the configuration's limits. */
  public ArtifactWalk(MlopsConfig config) {
    this(config.artifactMaxDepth(), config.artifactMaxPathLength(), config.artifactMaxEntries());
  }

  ArtifactWalk(int maxDepth, int maxPathLength, int maxEntries) {
    this.maxDepth = maxDepth;
    this.maxPathLength = maxPathLength;
    this.maxEntries = maxEntries;
  }

  /**
   * Every file under {@code directory}, in listing order (a folder's files where the folder is listed).
   *
   * @param what the tree, for messages, e.g. {@code artifact tree of candidate 0a1b...}
   * @param list lists one directory; entries carry paths relative to the artifact root
   * @throws LimitExceededException when the tree goes past one of the limits
   */
  public List<ArtifactInfo> files(String what, String directory, Function<String, List<ArtifactInfo>> list) {
    List<ArtifactInfo> files = new ArrayList<>();
    Deque<Iterator<ArtifactInfo>> open = new ArrayDeque<>();
    open.push(list.apply(directory).iterator());
    long entries = 0;
    while (!open.isEmpty()) {
      Iterator<ArtifactInfo> level = open.peek();
      if (!level.hasNext()) {
        open.pop();
        continue;
      }
      ArtifactInfo info = level.next();
      String path = info.path();
      if (++entries > maxEntries) {
        throw limit(what, directory, "more than " + maxEntries + " entries", maxEntries,
            MlopsSetting.ARTIFACT_MAX_ENTRIES);
      }
      if (path.length() > maxPathLength) {
        throw limit(what, directory, "a path of " + path.length() + " characters ('" + abbreviate(path)
            + "'), more than " + maxPathLength, maxPathLength, MlopsSetting.ARTIFACT_MAX_PATH_LENGTH);
      }
      int depth = 1;
      for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
        depth++;
      }
      if (depth > maxDepth) {
        throw limit(what, directory, "a path " + depth + " levels deep ('" + abbreviate(path) + "'), more than "
            + maxDepth, maxDepth, MlopsSetting.ARTIFACT_MAX_DEPTH);
      }
      if (info.isDirectory()) {
        open.push(list.apply(path).iterator());
      } else {
        files.add(info);
      }
    }
    return files;
  }

  private static LimitExceededException limit(String what, String directory, String detail, long limit,
      MlopsSetting setting) {
    return new LimitExceededException("The " + what + " under '" + directory + "' has " + detail + " ("
        + setting.environmentVariable() + "=" + limit + "); the listing was abandoned", limit, setting);
  }

  private static String abbreviate(String path) {
    return path.length() <= 120 ? path : path.substring(0, 60) + "..." + path.substring(path.length() - 57);
  }
}
