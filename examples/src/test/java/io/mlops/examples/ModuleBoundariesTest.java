package io.mlops.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module rules of docs/architecture.md, read from the sources of every module: a public type imports no
 * backend's internal class, no internal class calls back into the public clients, and sdk-core, sdk-tracking and
 * sdk-registry import no backend module.
 */
class ModuleBoundariesTest {
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+);", Pattern.MULTILINE);
  /** Packages of the backends' internals: the local store's, and every backend module's. */
  private static final Pattern BACKEND_INTERNAL = Pattern.compile(
      "io\\.mlops\\.(core\\.internal\\.local|mlflow\\.internal|gitlab\\.internal|testing\\.internal)\\..*");
  private static final Pattern PUBLIC_CLIENT = Pattern.compile(
      "io\\.mlops\\.(core\\.(TrackingClient|RegistryClient|CandidateSync)|tracking\\.Tracker|registry\\.ModelRegistry)");

  private static Path root() {
    Path p = Paths.get("").toAbsolutePath();
    return Files.exists(p.resolve("sdk-bom")) ? p : p.getParent();
  }

  private static List<Path> sources(String module) throws IOException {
    Path dir = root().resolve(module).resolve("src/main/java");
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList());
    }
  }

  private static List<String> imports(Path file) throws IOException {
    Matcher m = IMPORT.matcher(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static String packageOf(Path file) throws IOException {
    Matcher m = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE)
        .matcher(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    return m.find() ? m.group(1) : "";
  }

  @Test
  void noPublicTypeImportsABackendsInternals_andNoInternalClassCallsThePublicClients() throws IOException {
    List<String> violations = new ArrayList<>();
    for (String module : new String[] {"sdk-core", "sdk-mlflow", "sdk-gitlab", "sdk-testing", "sdk-tracking",
        "sdk-registry", "sdk-djl"}) {
      for (Path f : sources(module)) {
        String pkg = packageOf(f);
        boolean internal = pkg.contains(".internal");
        for (String imp : imports(f)) {
          String owner = imp.replaceAll("\\.[A-Z].*$", "");
          boolean ownModule = module.equals("sdk-mlflow") && owner.startsWith("io.mlops.mlflow")
              || module.equals("sdk-gitlab") && owner.startsWith("io.mlops.gitlab")
              || module.equals("sdk-testing") && owner.startsWith("io.mlops.testing");
          if (!internal && BACKEND_INTERNAL.matcher(imp).matches() && !ownModule) {
            violations.add(module + ": public " + f.getFileName() + " imports " + imp);
          }
          // ClientBackends is the one accessor that hands the SDK's modules a client's backend; it calls nothing
          boolean accessor = f.getFileName().toString().equals("ClientBackends.java");
          if (internal && PUBLIC_CLIENT.matcher(imp).matches() && !accessor) {
            violations.add(module + ": internal " + f.getFileName() + " imports " + imp);
          }
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void coreTrackingAndRegistry_importNoBackendModule() throws IOException {
    List<String> violations = new ArrayList<>();
    for (String module : new String[] {"sdk-core", "sdk-tracking", "sdk-registry"}) {
      for (Path f : sources(module)) {
        for (String imp : imports(f)) {
          if (imp.startsWith("io.mlops.mlflow") || imp.startsWith("io.mlops.gitlab") || imp.startsWith("okhttp3")
              || imp.startsWith("kotlin") || imp.startsWith("okio")) {
            violations.add(module + ": " + f.getFileName() + " imports " + imp);
          }
        }
      }
    }
    assertThat(violations).isEmpty();
  }
}
