package io.mlops.all;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar is what makes the SDK work inside Spark: {@link ShadedSparkSmoke} (a zero-code tracked Spark
 * application) in child JVMs on the classpath a Spark cluster gives a job.
 *
 * <ul>
 *   <li>the control: Spark 3.5.9 with the plain SDK modules and their own dependencies ahead of Spark's (as a fat
 *       jar or {@code spark.driver.userClassPathFirst} puts them: the SDK's Jackson 2.18.2 before Spark's 2.15.2)
 *       fails at the first DataFrame action with jackson-module-scala's version check;
 *   <li>Spark 3.5.9's own runtime classpath (its Jackson 2.15.2) plus the shaded jar runs the action and logs the
 *       candidate;
 *   <li>the same shaded jar on Spark 4.2.0 (Scala 2.13, Jackson 2.21) as well.
 * </ul>
 *
 * <p>The Spark runtime classpaths are written by the never-published modules under {@code spark-runtimes/}. Spark
 * 3.5 does not start on JDK 23+ (Hadoop's {@code Subject.getSubject}), so its two runs are skipped there.
 */
class ShadedJarOnSparkTest {
  private static final long TIMEOUT_SECONDS = 240;
  private static final String JACKSON_ERROR =
      "Scala module 2.15.2 requires Jackson Databind version >= 2.15.0 and < 2.16.0";

  @TempDir
  Path tmp;

  @Test
  void control_spark35WithThePlainModulesAhead_failsWithTheJacksonConflict() throws Exception {
    assumeSpark35RunsOnThisJdk();
    List<Path> spark = ShadedJar.sparkRuntime("mlops.all.spark35Classpath");
    List<Path> classpath = new ArrayList<>(plainSdk(spark));
    assertThat(classpath).extracting(p -> p.getFileName().toString())
        .anyMatch(n -> n.startsWith("mlops-sdk-spark_2.12-")).anyMatch(n -> n.startsWith("mlops-sdk-core-"))
        .contains("jackson-databind-" + System.getProperty("mlops.all.jacksonVersion") + ".jar")
        .noneMatch(n -> n.startsWith("mlops-sdk-all-")).noneMatch(n -> n.startsWith("spark-"));
    classpath.addAll(spark);
    ChildProcess r = run(classpath, "-");
    assertThat(r.exitCode).as(r.output).isNotZero();
    assertThat(r.output).contains(JACKSON_ERROR).doesNotContain("DataFrame action OK", "executor logging OK", "SPARK SMOKE OK");
  }

  /**
   * The unshaded SDK with its own dependencies, as a job's fat jar or {@code spark.driver.userClassPathFirst} puts
   * them ahead of Spark's: this module's test classpath (the reactor's module jars, and the libraries Maven resolved
   * for them, Jackson 2.18 among them), without what Spark's runtime brings anyway, except the Jackson artifacts
   * the SDK needs newer. A library's group and artifact are read from its path in the local Maven repository.
   */
  private static List<Path> plainSdk(List<Path> spark) {
    java.util.Set<String> sparkArtifacts = spark.stream().map(ShadedJarOnSparkTest::groupAndArtifact)
        .collect(Collectors.toSet());
    java.util.Set<String> sdkJackson = java.util.Set.of("com/fasterxml/jackson/core/jackson-core",
        "com/fasterxml/jackson/core/jackson-databind", "com/fasterxml/jackson/core/jackson-annotations");
    List<Path> out = new ArrayList<>();
    for (String entry : System.getProperty("surefire.test.class.path").split(File.pathSeparator)) {
      Path p = Paths.get(entry);
      String ga = groupAndArtifact(p);
      if (ga.isEmpty() || sdkJackson.contains(ga) || !sparkArtifacts.contains(ga)) {
        out.add(p);
      }
    }
    return out;
  }

  /** "group/path/artifact" of a jar in a Maven repository (…/group/path/artifact/version/x.jar), else "". */
  private static String groupAndArtifact(Path jar) {
    String s = jar.toString().replace(File.separatorChar, '/');
    int repo = s.indexOf("/repository/");
    if (repo < 0 || jar.getParent() == null || jar.getParent().getParent() == null) {
      return ""; // a reactor module's jar or classes directory
    }
    String artifactDir = jar.getParent().getParent().toString().replace(File.separatorChar, '/');
    return artifactDir.substring(repo + "/repository/".length());
  }

  @Test
  void spark35_withTheShadedJar_runsTheJobAndTracksIt() throws Exception {
    assumeSpark35RunsOnThisJdk();
    ChildProcess r = runShaded("mlops.all.spark35Classpath");
    assertThat(r.exitCode).as(r.output).isZero();
    assertThat(r.output).contains("Spark 3.5.9, Scala 2.12", "DataFrame action OK", "executor logging OK", "SPARK SMOKE OK")
        .doesNotContain("MlopsSparkListener: ");
  }

  @Test
  void spark4_withTheShadedJar_runsTheJobAndTracksIt() throws Exception {
    ChildProcess r = runShaded("mlops.all.spark4Classpath");
    assertThat(r.exitCode).as(r.output).isZero();
    // no "MlopsSparkListener: ... failed" warning: the 2.12-built classes link on Scala 2.13
    assertThat(r.output).contains("Spark 4.2.0, Scala 2.13", "DataFrame action OK", "executor logging OK", "SPARK SMOKE OK")
        .doesNotContain("MlopsSparkListener: ");
  }

  private ChildProcess runShaded(String classpathProperty) throws IOException, InterruptedException {
    List<Path> classpath = new ArrayList<>(ShadedJar.sparkRuntime(classpathProperty));
    assertThat(classpath).extracting(p -> p.getFileName().toString())
        .noneMatch(n -> n.startsWith("mlops-sdk-")).anyMatch(n -> n.startsWith("spark-sql_"));
    classpath.add(ShadedJar.path());
    classpath.add(testClasses());
    return run(classpath, ShadedJar.path().getFileName().toString());
  }

  private ChildProcess run(List<Path> classpath, String jarName) throws IOException, InterruptedException {
    Path store = Files.createDirectories(tmp.resolve("mlruns"));
    Path log = tmp.resolve("child.log");
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("mlops.all.sparkJvmFlags").trim().split("\\s+")));
    command.add("-cp");
    command.add(classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
    command.add(ShadedSparkSmoke.class.getName());
    command.add(store.toString());
    command.add(jarName);
    ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return ChildProcess.run(pb, log, TIMEOUT_SECONDS);
  }

  private static void assumeSpark35RunsOnThisJdk() {
    assumeTrue(Runtime.version().feature() < 23,
        "Spark 3.5 cannot start on JDK 23+ (Hadoop 3.3.4 calls Subject.getSubject); Spark 4 runs here");
  }

  /** This module's test classes directory, where ShadedSparkSmoke is (and nothing of the SDK). */
  private static Path testClasses() {
    try {
      return Paths.get(ShadedSparkSmoke.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

}
