package io.mlops.tracking.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The git commit, branch and origin URL of the work tree a program runs in, read from {@code .git} directly
 * (no {@code git} process): {@code HEAD}, loose refs, {@code packed-refs}, {@code config}; {@code .git} files of
 * worktrees and submodules ({@code gitdir:}) and their {@code commondir} are followed. Credentials in the remote
 * URL are removed.
 */
public final class GitInfo {
  private final String commit;
  private final String branch;
  private final String repoUrl;

  GitInfo(String commit, String branch, String repoUrl) {
    this.commit = commit;
    this.branch = branch;
    this.repoUrl = repoUrl;
  }

  /** The full commit hash of HEAD. */
  public String commit() {
    return commit;
  }

  /** The checked-out branch, unless HEAD is detached. */
  public Optional<String> branch() {
    return Optional.ofNullable(branch);
  }

  /** The URL of the {@code origin} remote (or the first remote), without credentials. */
  public Optional<String> repoUrl() {
    return Optional.ofNullable(repoUrl);
  }

  /** Detects the work tree containing {@code start} (or one of its parents); empty outside git or on any error. */
  public static Optional<GitInfo> detect(Path start) {
    try {
      for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
        Path dotGit = dir.resolve(".git");
        if (Files.isDirectory(dotGit)) {
          return read(dotGit);
        }
        if (Files.isRegularFile(dotGit)) {
          String content = read(dotGit.toString()).trim();
          if (content.startsWith("gitdir:")) {
            return read(dir.resolve(content.substring("gitdir:".length()).trim()).normalize());
          }
          return Optional.empty();
        }
      }
    } catch (IOException | RuntimeException e) {
      // a broken or unreadable repository only means no git tags
    }
    return Optional.empty();
  }

  private static Optional<GitInfo> read(Path gitDir) throws IOException {
    Path commonDir = gitDir;
    Path commonFile = gitDir.resolve("commondir");
    if (Files.isRegularFile(commonFile)) {
      commonDir = gitDir.resolve(read(commonFile.toString()).trim()).normalize();
    }
    Path headFile = gitDir.resolve("HEAD");
    if (!Files.isRegularFile(headFile)) {
      return Optional.empty();
    }
    String head = read(headFile.toString()).trim();
    String branch = null;
    String commit;
    if (head.startsWith("ref:")) {
      String ref = head.substring(4).trim();
      if (ref.startsWith("refs/heads/")) {
        branch = ref.substring("refs/heads/".length());
      }
      commit = resolveRef(gitDir, commonDir, ref);
    } else {
      commit = head;
    }
    if (commit == null || !isHash(commit)) {
      return Optional.empty(); // e.g. a fresh repository without commits
    }
    return Optional.of(new GitInfo(commit, branch, remoteUrl(commonDir.resolve("config"))));
  }

  private static String resolveRef(Path gitDir, Path commonDir, String ref) throws IOException {
    for (Path base : List.of(gitDir, commonDir)) {
      Path loose = base.resolve(ref);
      if (Files.isRegularFile(loose)) {
        return read(loose.toString()).trim();
      }
    }
    Path packed = commonDir.resolve("packed-refs");
    if (Files.isRegularFile(packed)) {
      for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
        if (line.startsWith("#") || line.startsWith("^")) {
          continue;
        }
        int space = line.indexOf(' ');
        if (space > 0 && line.substring(space + 1).trim().equals(ref)) {
          return line.substring(0, space);
        }
      }
    }
    return null;
  }

  /** The url of [remote "origin"], else of the first remote, in a git config file. */
  static String remoteUrl(Path config) throws IOException {
    if (!Files.isRegularFile(config)) {
      return null;
    }
    String section = null;
    String first = null;
    for (String raw : Files.readAllLines(config, StandardCharsets.UTF_8)) {
      String line = raw.trim();
      if (line.startsWith("[")) {
        section = line;
        continue;
      }
      if (section != null && section.startsWith("[remote ") && line.startsWith("url")) {
        int eq = line.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String url = stripCredentials(line.substring(eq + 1).trim());
        if (section.equals("[remote \"origin\"]")) {
          return url;
        }
        if (first == null) {
          first = url;
        }
      }
    }
    return first;
  }

  /** Removes {@code user:token@} from an http(s) URL so that no secret lands in a tag. */
  static String stripCredentials(String url) {
    return io.mlops.core.internal.UriCredentials.strip(url);
  }

  private static boolean isHash(String s) {
    if (s.length() != 40 && s.length() != 64) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static String read(String file) throws IOException {
    return new String(Files.readAllBytes(Path.of(file)), StandardCharsets.UTF_8);
  }
}
