package io.mlops.all;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on loopback, from a Spark distribution's {@code bin/spark-class}: one Master on
 * 127.0.0.1 and one Worker per host name given, each with one core. Host names that all resolve to loopback
 * ({@code 127.0.0.1}, {@code localhost}) are different hosts to Spark's scheduler, which is what speculation needs (it
 * never runs two attempts of one task on one host). Everything lives under one directory; {@link #close()} ends every
 * process it started and their children (the executors), forcibly after a bound.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final Pattern ALIVE_WORKERS = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

  private final Path sparkHome;
  private final Path dir;
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();
  private String masterUrl;

  private StandaloneCluster(Path sparkHome, Path dir) {
    this.sparkHome = sparkHome;
    this.dir = dir;
  }

  /**
   * Starts the master, then the workers, and waits until the master counts every worker alive.
   *
   * @throws AssertionError when that takes longer than {@code timeoutSeconds} or a process exits (logs included)
   */
  static StandaloneCluster start(Path sparkHome, Path dir, List<String> workerHosts, long timeoutSeconds)
      throws IOException, InterruptedException {
    StandaloneCluster c = new StandaloneCluster(sparkHome, Files.createDirectories(dir));
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      int port = freePort();
      int webUi = freePort();
      c.launch("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
          Integer.toString(port), "--webui-port", Integer.toString(webUi)), c.dir.resolve("master-work"));
      c.masterUrl = "spark://127.0.0.1:" + port;
      c.awaitAliveWorkers(webUi, 0, deadline);
      for (int i = 0; i < workerHosts.size(); i++) {
        Path work = Files.createDirectories(c.dir.resolve("worker-" + i));
        c.launch("worker-" + i, List.of("org.apache.spark.deploy.worker.Worker", "--host", workerHosts.get(i),
            "--cores", "1", "--memory", "1g", "--webui-port", Integer.toString(freePort()),
            "--work-dir", work.toString(), c.masterUrl), work);
      }
      c.awaitAliveWorkers(webUi, workerHosts.size(), deadline);
      return c;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  /** {@code spark://127.0.0.1:<port>}. */
  String masterUrl() {
    return masterUrl;
  }

  /** The last lines of every daemon's log and of every executor's stderr, for a failure message. */
  String logs() {
    StringBuilder b = new StringBuilder();
    List<Path> files = new ArrayList<>(logs);
    try (Stream<Path> all = Files.walk(dir)) {
      files.addAll(all.filter(p -> p.getFileName().toString().equals("stderr")).sorted()
          .collect(Collectors.toList()));
    } catch (IOException e) {
      b.append("(cannot list ").append(dir).append(": ").append(e).append(")\n");
    }
    for (Path f : files) {
      b.append("----- ").append(dir.relativize(f)).append('\n');
      try {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(l -> b.append(l).append('\n'));
      } catch (IOException e) {
        b.append("(cannot read: ").append(e).append(")\n");
      }
    }
    return b.toString();
  }

  private void launch(String name, List<String> classAndArgs, Path workDir) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(sparkHome.resolve("bin").resolve("spark-class").toString());
    command.addAll(classAndArgs);
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_WORKER_DIR", workDir.toString());
    env.put("SPARK_LOCAL_DIRS", Files.createDirectories(dir.resolve("local")).toString());
    env.put("SPARK_LOG_DIR", dir.resolve("logs").toString());
    env.put("SPARK_PID_DIR", dir.toString());
    env.put("SPARK_DAEMON_MEMORY", "512m");
    env.remove("SPARK_CONF_DIR");
    env.remove("SPARK_MASTER_HOST");
    env.remove("SPARK_WORKER_OPTS");
    Process p = pb.start();
    p.getOutputStream().close();
    processes.add(p);
    logs.add(log);
  }

  private void awaitAliveWorkers(int webUi, int expected, long deadline) throws InterruptedException {
    String last = "";
    while (System.nanoTime() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new AssertionError("a Spark daemon exited (" + p.exitValue() + ") while waiting for " + expected
              + " workers:\n" + logs());
        }
      }
      last = masterState(webUi);
      Matcher m = ALIVE_WORKERS.matcher(last);
      if (m.find() && Integer.parseInt(m.group(1)) >= expected) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the master did not count " + expected + " alive workers in time; its state: " + last
        + "\n" + logs());
  }

  /** The master web UI's {@code /json/} page, or the error reading it. */
  private static String masterState(int webUi) {
    try {
      HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + webUi + "/json/").openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      try (InputStream in = c.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Ends the workers (and their executors), then the master: SIGTERM, then SIGKILL after 10 s. */
  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> all = new ArrayList<>();
    for (int i = processes.size() - 1; i >= 0; i--) {
      ProcessHandle h = processes.get(i).toHandle();
      h.descendants().forEach(all::add);
      all.add(h);
    }
    all.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (ProcessHandle h : all) {
      long left = deadline - System.nanoTime();
      try {
        h.onExit().get(Math.max(0, left), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        h.destroyForcibly();
      }
    }
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new AssertionError("Spark process " + h.pid() + " did not exit after SIGKILL", e);
      }
    }
    processes.clear();
  }
}
