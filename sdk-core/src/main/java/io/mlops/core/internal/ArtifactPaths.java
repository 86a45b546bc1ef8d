package io.mlops.core.internal;

import io.mlops.core.ValidationException;
import java.nio.file.Path;

/**
 * Artifact paths: relative, {@code /}-separated, never escaping the artifact root. Used for paths from users and
 * from servers alike.
 */
public final class ArtifactPaths {
  private ArtifactPaths() {}

  /**
   * Normalizes a relative artifact path: drops empty and {@code .} parts, rejects {@code ..}, absolute paths,
   * backslashes and NUL characters. Returns {@code ""} for the root.
   *
   * @throws ValidationException for a path that could escape its root
   */
  public static String normalize(String path) {
    if (path == null || path.isEmpty()) {
      return "";
    }
    if (path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0) {
      throw escape(path, "contains a backslash or NUL character");
    }
    if (path.startsWith("/") || (path.length() > 1 && path.charAt(1) == ':')) {
      throw escape(path, "is absolute; artifact paths are relative to the candidate's artifact root");
    }
    StringBuilder out = new StringBuilder(path.length());
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw escape(path, "contains '..'");
      }
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(part);
    }
    return out.toString();
  }

  /** Joins two relative paths and normalizes the result. */
  public static String join(String parent, String child) {
    String p = normalize(parent);
    String c = normalize(child);
    return p.isEmpty() ? c : c.isEmpty() ? p : p + "/" + c;
  }

  /** The last part of a path. */
  public static String fileName(String path) {
    String n = normalize(path);
    int slash = n.lastIndexOf('/');
    return slash < 0 ? n : n.substring(slash + 1);
  }

  /**
   * Resolves a relative path under a root directory and checks that the result stays inside it.
   *
   * @throws ValidationException when the path would leave {@code root}
   */
  public static Path resolveUnder(Path root, String relativePath) {
    Path base = root.toAbsolutePath().normalize();
    String normalized = normalize(relativePath);
    Path resolved = normalized.isEmpty() ? base : base.resolve(normalized).normalize();
    if (!resolved.startsWith(base)) {
      throw escape(relativePath, "resolves outside " + base);
    }
    return resolved;
  }

  private static ValidationException escape(String path, String why) {
    return new ValidationException(path, "artifact-path", "Artifact path '" + path + "' " + why);
  }
}
