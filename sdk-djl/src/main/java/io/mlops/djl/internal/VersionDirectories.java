package io.mlops.djl.internal;

import io.mlops.core.internal.Sha256;
import io.mlops.registry.RegisteredVersion;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a model version's files are kept on this machine, and what DJL model they hold.
 *
 * <p>A version is immutable, so a complete download of it can be reused: its directory is named after the store,
 * the model, the version and where its files come from (a version deleted and created again from another candidate
 * gets another directory). {@code ModelRegistry.download} moves a finished download into place, so a directory
 * that exists is complete.
 */
public final class VersionDirectories {
  private static final Pattern PARAMS = Pattern.compile("(.+)-\\d{4}\\.params");

  private VersionDirectories() {}

  /** The directory of {@code version} of the store at {@code trackingUri}, under {@code root}. */
  public static Path of(Path root, String trackingUri, RegisteredVersion version) {
    return of(root, trackingUri, version.modelName(), version.semver(), version.backendVersion(), version.source(),
        version.candidateId().orElse(""));
  }

  static Path of(Path root, String trackingUri, String modelName, String semver, String backendVersion,
      String source, String candidateId) {
    String identity = trackingUri + "\n" + modelName + "\n" + backendVersion + "\n" + source + "\n" + candidateId;
    String label = semver.isEmpty() ? "v" + backendVersion : semver;
    return root.resolve(safe(modelName)).resolve(safe(label) + "-" + Sha256.hex(identity, 8));
  }

  /**
   * The name {@code Model.save} gave the parameters in {@code dir} ({@code <name>-0002.params} gives
   * {@code <name>}), or null when there are none (a TorchScript, ONNX or other engine file).
   *
   * @throws IllegalArgumentException when the directory holds the parameters of several models
   */
  public static String savedModelName(Path dir) throws IOException {
    TreeSet<String> names = new TreeSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.params")) {
      for (Path f : files) {
        Matcher m = PARAMS.matcher(f.getFileName().toString());
        if (m.matches()) {
          names.add(m.group(1));
        }
      }
    }
    if (names.size() > 1) {
      throw new IllegalArgumentException("The model version's files hold the parameters of several models " + names
          + " in " + dir + "; name the one to load (Criteria.optModelName)");
    }
    return names.isEmpty() ? null : names.first();
  }

  /** A path segment from any name: letters, digits, {@code . _ -}; the rest becomes {@code _}. */
  static String safe(String name) {
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      b.append(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
          || c == '-' ? c : '_');
    }
    String s = b.toString();
    return s.isEmpty() || s.equals(".") || s.equals("..") ? "_" + s.toLowerCase(Locale.ROOT) : s;
  }
}
