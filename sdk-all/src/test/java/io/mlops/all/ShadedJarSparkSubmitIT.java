package io.mlops.all;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shaded jar with a real {@code spark-submit} (client mode, {@code local[2]}), the way docs/spark.md tells users
 * to add it: {@code --jars mlops-sdk-all.jar}, and {@code --packages io.mlops:mlops-sdk-all:<version>} resolved by
 * Spark's Ivy from a Maven repository (a file repository holding the jar and its published pom, with the local
 * Maven repository behind it for the parent's imports). The application is {@link ShadedSparkSmoke}; the listener
 * and its settings come from {@code --conf}.
 *
 * <p>The Spark distributions come from {@code .ci/setup-spark.sh} (run by {@code .ci/run}); the system properties
 * {@code mlops.spark.home.3.5.9} and {@code mlops.spark.home.4.2.0} name them. Run with {@code -Pspark-submit}; the
 * test fails (not skips) when a distribution is missing.
 */
class ShadedJarSparkSubmitIT {
  private static final long TIMEOUT_SECONDS = 300;

  @TempDir
  Path tmp;

  @ParameterizedTest(name = "Spark {0}")
  @ValueSource(strings = {"3.5.9", "4.2.0"})
  void sparkSubmitJars_tracksTheApplication(String sparkVersion) throws Exception {
    Path jar = ShadedJar.path();
    ChildProcess r = submit(sparkVersion, List.of("--jars", jar.toString()), jar.getFileName().toString());
    assertThat(r.exitCode).as(r.output).isZero();
    assertThat(r.output).contains("Spark " + sparkVersion + ", Scala ", "DataFrame action OK", "executor logging OK", "SPARK SMOKE OK")
        .doesNotContain("MlopsSparkListener: ");
  }

  @ParameterizedTest(name = "Spark {0}")
  @ValueSource(strings = {"3.5.9", "4.2.0"})
  void sparkSubmitPackages_resolvesThePublishedPom_andTracksTheApplication(String sparkVersion) throws Exception {
    String version = System.getProperty("mlops.all.version");
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Path allDir = Files.createDirectories(repo.resolve("io/mlops/mlops-sdk-all/" + version));
    Files.copy(ShadedJar.path(), allDir.resolve("mlops-sdk-all-" + version + ".jar"));
    Files.copy(Paths.get(System.getProperty("mlops.all.publishedPom")), allDir.resolve("mlops-sdk-all-" + version
        + ".pom"));
    Path parentDir = Files.createDirectories(repo.resolve("io/mlops/mlops-sdk-parent/" + version));
    Files.copy(Paths.get(System.getProperty("mlops.all.parentPom")),
        parentDir.resolve("mlops-sdk-parent-" + version + ".pom"));
    Path localMaven = Paths.get(System.getProperty("mlops.all.localRepository"));
    List<String> args = List.of(
        "--repositories", repo.toUri() + "," + localMaven.toUri(),
        "--packages", "io.mlops:mlops-sdk-all:" + version,
        // Spark has slf4j-api; the published pom's only dependency
        "--exclude-packages", "org.slf4j:slf4j-api");
    // Ivy names the jar it fetched group_artifact-version.jar
    ChildProcess r = submit(sparkVersion, args, "io.mlops_mlops-sdk-all-" + version + ".jar");
    assertThat(r.exitCode).as(r.output).isZero();
    assertThat(r.output).contains("found io.mlops#mlops-sdk-all;" + version, "SPARK SMOKE OK")
        .doesNotContain("MlopsSparkListener: ");
  }

  private ChildProcess submit(String sparkVersion, List<String> jarArgs, String expectedJar)
      throws IOException, InterruptedException {
    String home = System.getProperty("mlops.spark.home." + sparkVersion, "");
    assertThat(home).as("mlops.spark.home.%s (from .ci/setup-spark.sh %s)", sparkVersion, sparkVersion)
        .isNotBlank();
    Path submit = Paths.get(home, "bin", "spark-submit");
    assertThat(submit).isExecutable();
    Path store = Files.createDirectories(tmp.resolve("mlruns"));
    List<String> command = new ArrayList<>();
    command.add(submit.toString());
    command.add("--master");
    command.add("local[2]");
    command.addAll(jarArgs);
    command.addAll(List.of(
        "--conf", "spark.extraListeners=io.mlops.spark.MlopsSparkListener",
        "--conf", "spark.sql.queryExecutionListeners=io.mlops.spark.MlopsQueryListener",
        "--conf", "spark.mlops.trackingUri=" + store.toUri(),
        "--conf", "spark.mlops.experimentName=shaded-spark",
        "--class", ShadedSparkSmoke.class.getName(),
        applicationJar().toString(), store.toString(), expectedJar, "submitted"));
    Path log = tmp.resolve("spark-submit-" + sparkVersion + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("SPARK_HOME", home);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    // Ivy's caches and Spark's look at ~/.m2 in a fresh home: only the repositories given above are used
    Path userHome = Files.createDirectories(tmp.resolve("home"));
    pb.environment().put("SPARK_SUBMIT_OPTS", "-Duser.home=" + userHome);
    pb.environment().remove("SPARK_CONF_DIR");
    return ChildProcess.run(pb, log, TIMEOUT_SECONDS);
  }

  /** The application's jar: ShadedSparkSmoke alone (the SDK comes from the shaded jar). */
  private Path applicationJar() throws IOException {
    Path jar = tmp.resolve("smoke-app.jar");
    if (Files.exists(jar)) {
      return jar;
    }
    String entry = ShadedSparkSmoke.class.getName().replace('.', '/') + ".class";
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
        java.io.InputStream in = ShadedSparkSmoke.class.getClassLoader().getResourceAsStream(entry)) {
      assertThat(in).as(entry).isNotNull();
      j.putNextEntry(new JarEntry(entry));
      in.transferTo(j);
      j.closeEntry();
    }
    return jar;
  }

}
