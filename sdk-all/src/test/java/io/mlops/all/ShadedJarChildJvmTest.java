package io.mlops.all;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link ShadedJarSmoke} in child JVMs (the build's JDK) on the shaded jar alone: the jar, slf4j-api, a
 * binding and this module's test classes; nothing else of the build's classpath. One run puts an incompatible
 * Jackson (Spark 3.5's 2.15) in front of the jar; a control run shows that the unshaded modules break on that
 * classpath. Runs in integration-test (see the pom).
 */
class ShadedJarChildJvmTest {
  private static final long TIMEOUT_SECONDS = 180;

  @TempDir
  Path tmp;

  @Test
  void theShadedJarAlone_tracksPromotesAndFindsEveryBackend() throws Exception {
    ChildProcess r = runSmoke(List.of(), "none");
    assertThat(r.exitCode).as(r.output).isZero();
    assertThat(r.output).contains("SMOKE OK");
  }

  @Test
  void anIncompatibleJacksonInFrontOfTheShadedJar_changesNothing() throws Exception {
    String version = System.getProperty("mlops.all.foreignJacksonVersion");
    assertThat(version).isNotEqualTo(System.getProperty("mlops.all.jacksonVersion"));
    List<Path> foreign = jars(ShadedJar.childJars().resolve("foreign-jackson"));
    assertThat(foreign).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder(
        "jackson-databind-" + version + ".jar", "jackson-core-" + version + ".jar",
        "jackson-annotations-" + version + ".jar");
    ChildProcess r = runSmoke(foreign, version);
    assertThat(r.exitCode).as(r.output).isZero();
    assertThat(r.output).contains("unrelocated jackson-databind on the classpath: " + version, "SMOKE OK");
  }

  /**
   * The control: the same program on the unshaded modules (this module's test classpath: the module jars and
   * Jackson 2.18) with the same incompatible Jackson in front fails, so the test above proves something.
   */
  @Test
  void control_theUnshadedModules_breakOnTheSameClasspath() throws Exception {
    String version = System.getProperty("mlops.all.foreignJacksonVersion");
    List<Path> classpath = new ArrayList<>(jars(ShadedJar.childJars().resolve("foreign-jackson")));
    String testClasspath = System.getProperty("surefire.test.class.path");
    assertThat(testClasspath).as("surefire.test.class.path").isNotBlank();
    for (String entry : testClasspath.split(File.pathSeparator)) {
      classpath.add(Paths.get(entry));
    }
    assertThat(classpath).anyMatch(p -> p.getFileName().toString().startsWith("mlops-sdk-core-"));
    ChildProcess r = run(classpath, "-", version);
    assertThat(r.exitCode).as(r.output).isNotZero();
    assertThat(r.output).contains("unrelocated jackson-databind on the classpath: " + version)
        .contains("NoSuchMethodError").contains("com.fasterxml.jackson").doesNotContain("SMOKE OK");
  }

  private ChildProcess runSmoke(List<Path> before, String expectedForeignJackson) throws IOException, InterruptedException {
    Path jar = ShadedJar.path();
    List<Path> classpath = new ArrayList<>(before);
    classpath.add(jar);
    classpath.add(single(ShadedJar.childJars(), "slf4j-api-"));
    classpath.add(single(ShadedJar.childJars(), "slf4j-simple-"));
    classpath.add(testClasses());
    return run(classpath, jar.getFileName().toString(), expectedForeignJackson);
  }

  private ChildProcess run(List<Path> classpath, String jarName, String expectedForeignJackson)
      throws IOException, InterruptedException {
    Path store = Files.createDirectories(tmp.resolve("mlruns"));
    Path log = tmp.resolve("child.log");
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    List<String> command = List.of(java.toString(), "-cp",
        classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
        ShadedJarSmoke.class.getName(), store.toString(), jarName, expectedForeignJackson);
    return ChildProcess.run(new ProcessBuilder(command).directory(tmp.toFile()), log, TIMEOUT_SECONDS);
  }

  /** This module's test classes directory, where ShadedJarSmoke is (and nothing of the SDK). */
  private static Path testClasses() {
    try {
      Path dir = Paths.get(ShadedJarSmoke.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      assertThat(dir.resolve("io/mlops/core")).doesNotExist();
      return dir;
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> jars(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().collect(Collectors.toList());
    }
  }

  private static Path single(Path dir, String prefix) throws IOException {
    List<Path> found = jars(dir).stream().filter(f -> f.getFileName().toString().startsWith(prefix))
        .collect(Collectors.toList());
    assertThat(found).as("%s*.jar in %s", prefix, dir).hasSize(1);
    return found.get(0);
  }

}
