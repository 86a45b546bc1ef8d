package io.mlops.all;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/** The built all-in-one jar (target/mlops-sdk-all-*.jar, named by the build) and what the tests know about it. */
final class ShadedJar {
  /** Where the third-party packages go. */
  static final String SHADED_ROOT = "io/mlops/shaded/";

  /** The original package roots that must be relocated (slash form), from the module's dependency tree. */
  static final List<String> RELOCATED = List.of(
      "com/fasterxml/jackson/",
      "org/yaml/snakeyaml/",
      "okhttp3/",
      "okio/",
      "kotlin/",
      "org/jetbrains/annotations/",
      "org/intellij/lang/annotations/",
      "com/github/benmanes/caffeine/",
      "com/google/errorprone/",
      "org/checkerframework/",
      "org/semver4j/");

  /** The SDK modules inside the jar (io/mlops/ outside the shaded root). */
  static final List<String> SDK_ROOTS = List.of(
      "io/mlops/core/", "io/mlops/tracking/", "io/mlops/registry/", "io/mlops/mlflow/", "io/mlops/gitlab/",
      "io/mlops/spark/");

  private ShadedJar() {}

  static Path path() {
    String p = System.getProperty("mlops.all.jar");
    if (p == null) {
      throw new IllegalStateException("mlops.all.jar is not set: run these tests through Maven (mvn verify)");
    }
    Path jar = Paths.get(p);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("The shaded jar is not built: " + jar);
    }
    return jar;
  }

  static Path childJars() {
    return Paths.get(System.getProperty("mlops.all.childJars"));
  }

  /** The one jar in the child JVMs' directory whose name starts with the prefix. */
  static Path childJar(String prefix) throws IOException {
    try (java.util.stream.Stream<Path> files = Files.list(childJars())) {
      List<Path> found = files.filter(f -> f.getFileName().toString().startsWith(prefix))
          .collect(java.util.stream.Collectors.toList());
      if (found.size() != 1) {
        throw new IllegalStateException(prefix + "*.jar in " + childJars() + ": " + found);
      }
      return found.get(0);
    }
  }

  /**
   * A Spark runtime classpath, as the never-published modules under {@code spark-runtimes/} write it: the jars a
   * cluster gives a job, Spark's own Jackson among them.
   *
   * @param property the system property (set by the pom) naming the classpath file
   */
  static List<Path> sparkRuntime(String property) throws IOException {
    Path file = Paths.get(System.getProperty(property));
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(property + ": no " + file + " (written by spark-runtimes/ in the build)");
    }
    return java.util.Arrays.stream(Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).trim()
        .split(java.io.File.pathSeparator)).map(Paths::get).collect(java.util.stream.Collectors.toList());
  }

  /** Every file entry of the jar, with its bytes. */
  static Map<String, byte[]> entries() throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (JarFile jar = new JarFile(path().toFile())) {
      for (JarEntry e : java.util.Collections.list(jar.entries())) {
        if (!e.isDirectory()) {
          try (InputStream in = jar.getInputStream(e)) {
            entries.put(e.getName(), in.readAllBytes());
          }
        }
      }
    }
    return entries;
  }
}
