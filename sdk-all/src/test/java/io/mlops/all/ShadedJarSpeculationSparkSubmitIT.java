package io.mlops.all;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Executor logging under real speculation: the shaded jar with {@code spark-submit --jars}, client mode, on a
 * standalone cluster ({@link StandaloneCluster}: a master and two one-core workers on the host names
 * {@code 127.0.0.1} and {@code localhost}, so that Spark may run a copy of a task on the other "host"; local mode never
 * runs two attempts of one task). The application is {@link ShadedSparkSpeculation}: for {@code THROUGH_DRIVER} and
 * {@code DIRECT} (into a local store, which every executor of this machine sees), partition 0's first attempt logs
 * its points and then sleeps, a speculative copy on the other worker succeeds and the original is killed. The store
 * must hold each partition's points once, the winning attempt's only.
 *
 * <p>{@code DIRECT}'s documented duplicate (the original also finishing before Spark's kill reaches it) cannot happen
 * here: the original sleeps {@value ShadedSparkSpeculation#SLOW_MILLIS} ms, and the kill interrupts it within
 * milliseconds. So both deliveries must be exact; what this proves for {@code DIRECT} is that a killed attempt's
 * points are discarded.
 *
 * <p>Same distributions and properties as {@link ShadedJarSparkSubmitIT}; run with {@code -Pspark-submit}.
 */
class ShadedJarSpeculationSparkSubmitIT {
  private static final long CLUSTER_TIMEOUT_SECONDS = 60;
  private static final long SUBMIT_TIMEOUT_SECONDS = 180;

  @TempDir
  Path tmp;

  @ParameterizedTest(name = "Spark {0}")
  @ValueSource(strings = {"3.5.9", "4.2.0"})
  void speculativeCopyWins_eachPartitionCountsOnce(String sparkVersion) throws Exception {
    String home = System.getProperty("mlops.spark.home." + sparkVersion, "");
    assertThat(home).as("mlops.spark.home.%s (from .ci/setup-spark.sh %s)", sparkVersion, sparkVersion)
        .isNotBlank();
    Path sparkHome = Paths.get(home);
    assertThat(sparkHome.resolve("bin/spark-submit")).isExecutable();
    try (StandaloneCluster cluster = StandaloneCluster.start(sparkHome, tmp.resolve("cluster"),
        List.of("127.0.0.1", "localhost"), CLUSTER_TIMEOUT_SECONDS)) {
      ChildProcess r = submit(sparkHome, cluster.masterUrl());
      String why = r.output + "\n" + cluster.logs();
      // what happened, in the test's report
      r.output.lines().filter(l -> l.matches("^(Spark |EXECUTORS|TASK_END|JOB|STORE|SPECULATION).*"))
          .forEach(l -> System.out.println("[Spark " + sparkVersion + "] " + l));
      assertThat(r.exitCode).as(why).isZero();
      assertThat(r.output).as(why).contains("Spark " + sparkVersion + ", Scala ", "SPECULATION OK");
      for (String delivery : List.of("THROUGH_DRIVER", "DIRECT")) {
        // the speculative copy won; the original, on the other host, was killed
        assertThat(r.output).as(why)
            .containsPattern("TASK_END delivery=" + delivery
                + " stage=\\d+ partition=0 attempt=1 speculative=true host=\\S+ .* reason=Success")
            .containsPattern("TASK_END delivery=" + delivery
                + " stage=\\d+ partition=0 attempt=0 speculative=false host=\\S+ .* reason=TaskKilled\\(");
        for (int p = 0; p < ShadedSparkSpeculation.PARTITIONS; p++) {
          assertThat(r.output).as(why).contains("STORE delivery=" + delivery + " partition=" + p + " points="
              + ShadedSparkSpeculation.POINTS + " steps=[0, 1, 2, 3, 4] attempts=[" + (p == 0 ? "1.0" : "0.0") + "]");
        }
      }
    }
  }

  private ChildProcess submit(Path sparkHome, String masterUrl) throws IOException, InterruptedException {
    Path jar = ShadedJar.path();
    Path store = Files.createDirectories(tmp.resolve("mlruns"));
    List<String> command = new ArrayList<>(List.of(
        sparkHome.resolve("bin/spark-submit").toString(),
        "--master", masterUrl,
        "--deploy-mode", "client",
        "--jars", jar.toString(),
        "--conf", "spark.speculation=true",
        "--conf", "spark.speculation.interval=100ms",
        "--conf", "spark.speculation.multiplier=1.5",
        "--conf", "spark.speculation.quantile=0.5",
        "--conf", "spark.speculation.minTaskRuntime=100ms",
        // the task-metrics based check (3.4+) would also ask for a slow rate of records read; this job reads none
        "--conf", "spark.speculation.efficiency.enabled=false",
        "--conf", "spark.executor.cores=1",
        "--conf", "spark.executor.memory=512m",
        "--conf", "spark.cores.max=2",
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.mlops.trackingUri=" + store.toUri(),
        "--conf", "spark.mlops.journalDir=" + tmp.resolve("executor-journal"),
        "--class", ShadedSparkSpeculation.class.getName(),
        applicationJar().toString(), store.toString(), jar.getFileName().toString()));
    ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("SPARK_SUBMIT_OPTS", "-Duser.home=" + Files.createDirectories(tmp.resolve("home")));
    pb.environment().remove("SPARK_CONF_DIR");
    return ChildProcess.run(pb, tmp.resolve("spark-submit.log"), SUBMIT_TIMEOUT_SECONDS);
  }

  /** The application's jar: ShadedSparkSpeculation and its nested classes (the SDK comes from the shaded jar). */
  private Path applicationJar() throws IOException {
    Path jar = tmp.resolve("speculation-app.jar");
    String name = ShadedSparkSpeculation.class.getName().replace('.', '/');
    Path classes;
    try {
      classes = Paths.get(ShadedSparkSpeculation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IOException(e);
    }
    List<Path> files;
    Path dir = classes.resolve(name).getParent();
    String simple = ShadedSparkSpeculation.class.getSimpleName();
    try (Stream<Path> all = Files.list(dir)) {
      files = all.filter(f -> f.getFileName().toString().equals(simple + ".class")
          || f.getFileName().toString().startsWith(simple + "$")).sorted().collect(Collectors.toList());
    }
    assertThat(files).as("class files of %s in %s", name, dir).hasSizeGreaterThan(1);
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
      for (Path f : files) {
        j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        try (InputStream in = Files.newInputStream(f)) {
          in.transferTo(j);
        }
        j.closeEntry();
      }
    }
    return jar;
  }
}
