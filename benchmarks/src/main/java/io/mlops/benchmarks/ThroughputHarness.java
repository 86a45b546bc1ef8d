package io.mlops.benchmarks;

import io.mlops.core.Metric;
import io.mlops.core.TrackingClient;
import io.mlops.core.internal.local.MetricLineEncoder;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.FlushResult;
import io.mlops.tracking.FullQueuePolicy;
import io.mlops.tracking.Tracker;
import io.mlops.tracking.TrackerStats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Sustained metric-logging throughput: points per second from {@code ActiveCandidate.logMetric} through the
 * {@link Tracker}'s pipeline into the local store, then the same kind of workload through MLflow's Python client
 * ({@code MlflowClient.log_metric} per point and {@code log_batch} of 1000) into MLflow's file store and SQLite
 * store, and one table comparing them.
 *
 * <p>The Java workload is {@code candidates × keys × steps} points (default 100 × 10 × 10,000 = 10M), logged
 * candidate by candidate, step by step, key by key; the clock runs from the first log call until
 * {@code tracker.flush().join()} returns and nothing is left in the journal, so every counted point is in the
 * store. Afterwards the metric histories are read back through the client and checked (size and steps) for every
 * candidate and key ({@code --verify=sample}: three candidates). MLflow's per-call logging is too slow for the
 * full workload, so its workloads are scaled down (printed with the results).
 *
 * <pre>
 * mvn -q -Pbench -DskipTests verify -pl benchmarks -am -Dbench.main=io.mlops.benchmarks.ThroughputHarness
 * mvn -q -Pbench -DskipTests verify -pl benchmarks -am -Dbench.main=io.mlops.benchmarks.ThroughputHarness \
 *     -Dbench.args="--quick"
 * </pre>
 *
 * <p>Options, all {@code --name=value}:
 * <ul>
 *   <li>{@code --quick}: everything scaled down for a smoke run (10 × 10 × 2,000; MLflow 1 × 10 × 30 and
 *       1 × 10 × 1,000; one run per policy);
 *   <li>{@code --candidates}, {@code --keys}, {@code --steps}: the Java workload;
 *   <li>{@code --threads}: logging threads, the candidates split between them (default 1);
 *   <li>{@code --queue}: the tracker's queue capacity in points (default {@value #DEFAULT_QUEUE});
 *   <li>{@code --policy}: full-queue policies to run, comma-separated (default {@code SPILL,BLOCK}: SPILL is the
 *       SDK's default; BLOCK shows what the worker delivers when nothing takes the detour through the journal);
 *   <li>{@code --repeat}: timed runs per policy, each into a fresh store; the table shows the median (default 3,
 *       1 with {@code --quick});
 *   <li>{@code --backend=local|noop}: {@code noop} measures the pipeline alone;
 *   <li>{@code --warmup-points}: size of a separate, untimed run first (default 1,000,000);
 *   <li>{@code --verify=all|sample|none}: which histories to read back (default all);
 *   <li>{@code --python=PATH}: MLflow's python (else the {@code mlflow.python} system property, else
 *       {@code .ci/setup-mlflow.sh} is run);
 *   <li>{@code --mlflow-stores=file,sqlite}, {@code --mlflow-per-call=CxKxS} (default 1x10x300),
 *       {@code --mlflow-batch=CxKxS} (default 2x10x10000), {@code --skip-mlflow}.
 * </ul>
 */
public final class ThroughputHarness {
  static final int DEFAULT_QUEUE = 1 << 20;
  private static final String PYTHON_SCRIPT = "benchmarks/src/main/python/mlflow_throughput.py";
  private static final String SETUP_SCRIPT = ".ci/setup-mlflow.sh";

  private ThroughputHarness() {}

  /** Runs the harness; exits with 1 when a point was lost or a verification failed. */
  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    System.out.println("== Throughput harness ==");
    System.out.println("JVM " + System.getProperty("java.vm.version") + ", "
        + Runtime.getRuntime().availableProcessors() + " processors, max heap "
        + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
    List<Row> rows = new ArrayList<>();
    boolean ok = true;

    if (o.warmupPoints > 0) {
      int warmCandidates = Math.max(1, (int) (o.warmupPoints / ((long) o.keys * o.steps)));
      long warmSteps = Math.max(1, Math.min(o.steps, o.warmupPoints / ((long) warmCandidates * o.keys)));
      System.out.printf("%nWarm-up (untimed, separate store): %d x %d x %d points, policy %s%n", warmCandidates,
          o.keys, warmSteps, o.policies.get(0));
      runJava(o, o.policies.get(0), warmCandidates, (int) warmSteps, false);
    }

    int javaRows = 0;
    for (FullQueuePolicy policy : o.policies) {
      List<JavaResult> runs = new ArrayList<>();
      for (int i = 0; i < o.repeat; i++) {
        if (o.repeat > 1) {
          System.out.printf("%n-- %s run %d of %d --", policy, i + 1, o.repeat);
        }
        JavaResult r = runJava(o, policy, o.candidates, o.steps, true);
        ok &= r.ok;
        runs.add(r);
      }
      List<JavaResult> byRate = new ArrayList<>(runs);
      byRate.sort((a, b) -> Double.compare(a.points / a.seconds, b.points / b.seconds));
      JavaResult median = byRate.get((byRate.size() - 1) / 2);
      if (runs.size() > 1) {
        StringBuilder all = new StringBuilder();
        for (JavaResult r : runs) {
          all.append(all.length() == 0 ? "" : ", ").append(String.format("%,.0f", r.points / r.seconds));
        }
        System.out.printf("%n%s: %d runs, points/s %s; median %,.0f (lower median for an even count)%n", policy,
            runs.size(), all, median.points / median.seconds);
      }
      rows.add(new Row(String.format("Java SDK logMetric, %s, queue %,d%s%s", policy, o.queue,
          o.threads > 1 ? ", " + o.threads + " threads" : "", runs.size() > 1 ? ", median of " + runs.size() : ""),
          o.backend == BenchmarkTracker.Kind.LOCAL ? "local store" : "noop backend", median.points,
          median.seconds, median.workload));
      javaRows++;
    }

    Row appendLimit = null;
    Row layoutLimit = null;
    if (o.backend == BenchmarkTracker.Kind.LOCAL) {
      runAppendLimit(Math.min(o.warmupPoints, (long) o.candidates * o.keys * o.steps), o.keys, o.steps, false);
      appendLimit = runAppendLimit((long) o.candidates * o.keys * o.steps, o.keys, o.steps, true);
      rows.add(appendLimit);
      layoutLimit = runLayoutLimit(o.candidates, o.keys, o.steps);
      rows.add(layoutLimit);
    }

    if (!o.skipMlflow) {
      String python = findPython(o);
      Path script = repoRoot().resolve(PYTHON_SCRIPT);
      for (String store : o.mlflowStores) {
        rows.add(runMlflow(python, script, store, "per-call", o.mlflowPerCall));
        rows.add(runMlflow(python, script, store, "batch", o.mlflowBatch));
      }
    }

    printTable(rows, javaRows, o);
    if (appendLimit != null) {
      for (int i = 0; i < javaRows; i++) {
        Row r = rows.get(i);
        double share = r.rate() / appendLimit.rate();
        System.out.printf("Target: >= 80 %% of the append limit (%,.0f points/s), %s: %.0f %% -> %s%n",
            appendLimit.rate(), r.workload, share * 100, share >= 0.8 ? "MET" : "MISSED");
        double layoutShare = r.rate() / layoutLimit.rate();
        System.out.printf("  (share of the store-layout limit, %,.0f points/s: %.0f %%)%n", layoutLimit.rate(),
            layoutShare * 100);
      }
    }
    if (!ok) {
      System.out.println("\nFAILED: points were lost or did not read back; see above.");
      System.exit(1);
    }
  }

  // ------------------------------------------------------------------ the append limit

  /**
   * What the disk and the JDK allow with no SDK code around the store's own line formatting: the same points as
   * the Java workload ({@code 1/(step+1) + key index}, step by step, key by key) encoded as
   * {@code "<ts> <value> <step>\n"} lines with the store's encoder ({@link MetricLineEncoder}: the same shortest
   * doubles, straight into bytes) into one reused buffer, and appended to one file, 1,000 lines per write on an
   * append-mode channel: how a well-written direct writer appends. The SDK's sustained rate into the local store is
   * quoted as a share of this. A run with {@code report} false is an untimed warm-up (the SDK's runs have one).
   */
  private static Row runAppendLimit(long points, int keys, int steps, boolean report) throws IOException {
    Path dir = java.nio.file.Files.createTempDirectory("mlops-append-limit-");
    try {
      Path file = dir.resolve("loss");
      long t0 = System.nanoTime();
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
          java.nio.file.StandardOpenOption.APPEND)) {
        byte[] lines = new byte[1000 * MetricLineEncoder.MAX_LINE_BYTES];
        java.nio.ByteBuffer view = java.nio.ByteBuffer.wrap(lines);
        int length = 0;
        long ts = System.currentTimeMillis();
        for (long i = 0; i < points; i++) {
          long step = (i / keys) % steps;
          double value = 1.0 / (step + 1) + (i % keys);
          length = MetricLineEncoder.encode(lines, length, ts + i / 1_000_000, value, step);
          if ((i + 1) % 1000 == 0 || i == points - 1) {
            view.clear();
            view.limit(length);
            while (view.hasRemaining()) {
              ch.write(view);
            }
            length = 0;
          }
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (!report) {
        return null; // the untimed warm-up of the JIT
      }
      System.out.printf("%nAppend limit (no SDK): %,d lines formatted and appended to one file in %.3f s = %,.0f "
          + "points/s%n", points, seconds, points / seconds);
      return new Row("append limit: format + append lines, no SDK code", "one file", points, seconds, "-");
    } finally {
      BenchmarkTracker.deleteRecursively(dir);
    }
  }

  /**
   * The append limit for the store's own file layout: the same points written as a direct writer with no SDK code
   * would write MLflow's file store, one file per candidate and key ({@code c<n>/metrics/<key>}, created on the
   * first write), each key's lines encoded with the store's encoder into a buffer of its own and appended 1,000
   * lines per write, in the Java workload's logging order (candidate by candidate, step by step, key by key).
   * Unlike {@link #runAppendLimit} it pays for creating the files, which the SDK's local store must create too.
   */
  private static Row runLayoutLimit(int candidates, int keys, int steps) throws IOException {
    Path dir = java.nio.file.Files.createTempDirectory("mlops-layout-limit-");
    long points = (long) candidates * keys * steps;
    try {
      byte[][] lines = new byte[keys][1000 * MetricLineEncoder.MAX_LINE_BYTES];
      int[] length = new int[keys];
      int[] count = new int[keys];
      java.nio.ByteBuffer[] views = new java.nio.ByteBuffer[keys];
      for (int k = 0; k < keys; k++) {
        views[k] = java.nio.ByteBuffer.wrap(lines[k]);
      }
      java.nio.channels.FileChannel[] channels = new java.nio.channels.FileChannel[keys];
      long ts = System.currentTimeMillis();
      long t0 = System.nanoTime();
      for (int c = 0; c < candidates; c++) {
        Path metrics = dir.resolve("c" + c).resolve("metrics");
        java.nio.file.Files.createDirectories(metrics);
        for (int s = 0; s < steps; s++) {
          double base = 1.0 / (s + 1);
          for (int k = 0; k < keys; k++) {
            length[k] = MetricLineEncoder.encode(lines[k], length[k], ts, base + k, s);
            if (++count[k] == 1000 || s == steps - 1) {
              if (channels[k] == null) {
                channels[k] = java.nio.channels.FileChannel.open(metrics.resolve("metric_" + k),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.APPEND);
              }
              views[k].clear();
              views[k].limit(length[k]);
              while (views[k].hasRemaining()) {
                channels[k].write(views[k]);
              }
              length[k] = 0;
              count[k] = 0;
            }
          }
        }
        for (int k = 0; k < keys; k++) {
          channels[k].close();
          channels[k] = null;
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("Append limit in the store's layout (no SDK): %,d lines into %,d files in %.3f s = %,.0f "
          + "points/s%n", points, candidates * keys, seconds, points / seconds);
      return new Row("append limit: store layout, " + candidates * keys + " files, no SDK code", "local files",
          points, seconds, "-");
    } finally {
      BenchmarkTracker.deleteRecursively(dir);
    }
  }

  // ------------------------------------------------------------------ the Java SDK

  /** The outcome of one Java run. */
  private static final class JavaResult {
    long points;
    double seconds;
    boolean ok = true;
    String workload;
  }

  private static JavaResult runJava(Options o, FullQueuePolicy policy, int candidates, int steps, boolean timed)
      throws InterruptedException {
    JavaResult result = new JavaResult();
    long total = (long) candidates * o.keys * steps;
    result.workload = candidates + " x " + o.keys + " x " + steps;
    String[] keys = new String[o.keys];
    for (int k = 0; k < keys.length; k++) {
      keys[k] = "metric_" + k;
    }
    try (BenchmarkTracker bench = BenchmarkTracker.open(o.backend, o.queue, policy)) {
      Tracker tracker = bench.tracker();
      ActiveCandidate[] cands = new ActiveCandidate[candidates];
      for (int c = 0; c < candidates; c++) {
        cands[c] = tracker.startCandidate("throughput-" + c);
      }
      if (timed) {
        System.out.printf("%nJava SDK: %d candidates x %d keys x %d steps = %,d points into the %s (%s), "
            + "queue %,d, policy %s, %d logging thread(s)%n", candidates, o.keys, steps, total,
            o.backend == BenchmarkTracker.Kind.LOCAL ? "local store" : "noop backend", bench.directory(), o.queue,
            policy, o.threads);
      }
      Progress progress = timed ? new Progress(tracker) : null;
      long t0 = System.nanoTime();
      if (progress != null) {
        progress.start(t0);
      }
      Thread[] loggers = new Thread[o.threads];
      for (int t = 0; t < loggers.length; t++) {
        int first = t;
        loggers[t] = new Thread(() -> {
          for (int c = first; c < cands.length; c += loggers.length) {
            ActiveCandidate candidate = cands[c];
            for (int s = 0; s < steps; s++) {
              double base = 1.0 / (s + 1);
              for (int k = 0; k < keys.length; k++) {
                candidate.logMetric(keys[k], base + k, s);
              }
            }
          }
        }, "logger-" + t);
        loggers[t].start();
      }
      for (Thread t : loggers) {
        t.join();
      }
      long tLogged = System.nanoTime();
      FlushResult flushed = tracker.flush().join();
      long tFlushed = System.nanoTime();
      FlushResult r = flushed;
      int replays = 0;
      while (r.journaled() > 0 && replays < 1000) { // spilled points count only once they are in the store
        r = tracker.replayJournal().join();
        replays++;
      }
      long tDelivered = System.nanoTime();
      if (progress != null) {
        progress.stop();
      }
      result.points = total;
      result.seconds = (tDelivered - t0) / 1e9;
      TrackerStats stats = tracker.stats();
      if (timed) {
        System.out.printf("  log calls returned after   %8.3f s (%,.0f calls/s)%n", (tLogged - t0) / 1e9,
            total / ((tLogged - t0) / 1e9));
        System.out.printf("  flush().join() returned    %8.3f s: %s%n", (tFlushed - t0) / 1e9, flushed);
        if (replays > 0) {
          System.out.printf("  journal replayed (%d calls) %7.3f s: %s%n", replays, (tDelivered - t0) / 1e9, r);
        }
        System.out.printf("  stats: %s%n", stats);
        System.out.printf("  through the on-disk journal (spilled, then replayed): %,d of %,d points (%.1f %%)%n",
            stats.journaled(), total, 100.0 * stats.journaled() / total);
        System.out.printf("  sustained: %,d points in %.3f s = %,.0f points/s%n", total, result.seconds,
            total / result.seconds);
      }
      long accounted = r.delivered() + r.journaled() + r.dropped() + r.rejected();
      if (r.dropped() != 0 || r.rejected() != 0 || r.journaled() != 0 || r.delivered() < total) {
        System.out.printf("  LOSS: delivered=%d journaled=%d dropped=%d rejected=%d (of %d logged, %d accounted)%n",
            r.delivered(), r.journaled(), r.dropped(), r.rejected(), total, accounted);
        result.ok = false;
      }
      for (ActiveCandidate c : cands) {
        c.close();
      }
      if (timed && o.backend == BenchmarkTracker.Kind.LOCAL && !"none".equals(o.verify)) {
        result.ok &= verify(bench.client(), cands, keys, steps, "all".equals(o.verify));
      } else if (timed && o.backend == BenchmarkTracker.Kind.NOOP) {
        System.out.printf("  noop backend received %,d points%n", bench.backendMetricCount());
        result.ok &= bench.backendMetricCount() == total;
      }
    }
    return result;
  }

  /** Reads histories back and checks that each holds every step exactly once. */
  private static boolean verify(TrackingClient client, ActiveCandidate[] cands, String[] keys, int steps,
      boolean all) {
    long t0 = System.nanoTime();
    List<Integer> which = new ArrayList<>();
    if (all) {
      for (int c = 0; c < cands.length; c++) {
        which.add(c);
      }
    } else {
      which.add(0);
      if (cands.length > 2) {
        which.add(cands.length / 2);
      }
      if (cands.length > 1) {
        which.add(cands.length - 1);
      }
    }
    long read = 0;
    int bad = 0;
    for (int c : which) {
      for (String key : keys) {
        List<Metric> history = client.getMetricHistory(cands[c].id(), key);
        read += history.size();
        boolean[] seen = new boolean[steps];
        int distinct = 0;
        for (Metric m : history) {
          if (m.step() >= 0 && m.step() < steps && !seen[(int) m.step()]) {
            seen[(int) m.step()] = true;
            distinct++;
          }
        }
        if (history.size() != steps || distinct != steps) {
          if (bad++ < 10) {
            System.out.printf("  VERIFY: candidate %s key %s has %d points, %d distinct steps (expected %d)%n",
                cands[c].id(), key, history.size(), distinct, steps);
          }
        }
      }
    }
    long expected = (long) which.size() * keys.length * steps;
    System.out.printf("  verified %s: %d candidates x %d keys, read back %,d points (expected %,d), %d bad "
        + "histories, in %.1f s%n", all ? "all" : "a sample", which.size(), keys.length, read, expected, bad,
        (System.nanoTime() - t0) / 1e9);
    return bad == 0 && read == expected;
  }

  /** Prints the pipeline's counters once a second while a run is timed. */
  private static final class Progress {
    private final Tracker tracker;
    private Thread thread;
    private volatile boolean running = true;

    Progress(Tracker tracker) {
      this.tracker = tracker;
    }

    void start(long t0) {
      thread = new Thread(() -> {
        long lastDelivered = 0;
        long lastQueued = 0;
        while (running) {
          try {
            TimeUnit.SECONDS.sleep(1);
          } catch (InterruptedException e) {
            return;
          }
          TrackerStats s = tracker.stats();
          System.out.printf("    %5.1f s: queued %,d (+%,d/s), delivered %,d (+%,d/s), journaled %,d, replayed %,d,"
              + " dropped %,d%n", (System.nanoTime() - t0) / 1e9, s.queued(), s.queued() - lastQueued,
              s.delivered(), s.delivered() - lastDelivered, s.journaled(), s.replayed(), s.dropped());
          lastDelivered = s.delivered();
          lastQueued = s.queued();
        }
      }, "throughput-progress");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join();
    }
  }

  // ------------------------------------------------------------------ MLflow's Python client

  private static Row runMlflow(String python, Path script, String store, String mode, int[] size)
      throws IOException, InterruptedException {
    Path root = Files.createTempDirectory("mlops-bench-mlflow-" + store + "-");
    List<String> cmd = new ArrayList<>();
    cmd.add(python);
    cmd.add(script.toString());
    cmd.add("--store=" + store);
    cmd.add("--mode=" + mode);
    cmd.add("--candidates=" + size[0]);
    cmd.add("--keys=" + size[1]);
    cmd.add("--steps=" + size[2]);
    cmd.add("--root=" + root);
    System.out.printf("%nMLflow %s, %s: %d x %d x %d = %,d points (%s)%n", store, mode, size[0], size[1], size[2],
        (long) size[0] * size[1] * size[2], String.join(" ", cmd));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("MLFLOW_ALLOW_FILE_STORE", "true");
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process p = pb.start();
    String json = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("{")) {
          json = line;
        } else {
          System.out.println("  " + line);
        }
      }
    }
    int exit = p.waitFor();
    BenchmarkTracker.deleteRecursively(root);
    if (json == null) {
      throw new IllegalStateException("mlflow_throughput.py printed no result (exit " + exit + ")");
    }
    System.out.println("  " + json);
    long points = (long) jsonNumber(json, "points");
    double seconds = jsonNumber(json, "seconds");
    double verified = jsonNumber(json, "verified_points");
    if (exit != 0 || (long) verified != points) {
      System.out.printf("  WARNING: exit %d, verified %s of %d points%n", exit, verified, points);
    }
    String workload = "MLflow MlflowClient." + ("per-call".equals(mode) ? "log_metric per point"
        : "log_batch of 1000");
    return new Row(workload, store.equals("file") ? "file store" : "SQLite store", points, seconds,
        size[0] + " x " + size[1] + " x " + size[2]);
  }

  /** A number field of the script's flat JSON line; NaN when absent or null. */
  static double jsonNumber(String json, String field) {
    String marker = "\"" + field + "\":";
    int i = json.indexOf(marker);
    if (i < 0) {
      return Double.NaN;
    }
    i += marker.length();
    int end = i;
    while (end < json.length() && json.charAt(end) != ',' && json.charAt(end) != '}') {
      end++;
    }
    String value = json.substring(i, end).trim();
    return "null".equals(value) ? Double.NaN : Double.parseDouble(value);
  }

  private static String findPython(Options o) throws IOException, InterruptedException {
    if (o.python != null) {
      return o.python;
    }
    String configured = System.getProperty("mlflow.python");
    if (configured != null && !configured.trim().isEmpty()) {
      return configured.trim();
    }
    Path setup = repoRoot().resolve(SETUP_SCRIPT);
    System.out.printf("%nNo --python and no -Dmlflow.python: running %s%n", setup);
    Process p = new ProcessBuilder("bash", setup.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String last = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (!line.trim().isEmpty()) {
          last = line.trim();
        }
      }
    }
    if (p.waitFor() != 0 || last == null) {
      throw new IllegalStateException(setup + " failed (exit " + p.exitValue() + "); pass --python=PATH");
    }
    return last;
  }

  /** The repository root: the working directory or the nearest parent holding {@value #SETUP_SCRIPT}. */
  private static Path repoRoot() {
    Path dir = Paths.get("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve(SETUP_SCRIPT))) {
        return d;
      }
    }
    throw new UncheckedIOException(new IOException("No " + SETUP_SCRIPT + " in " + dir + " or its parents; run "
        + "from the repository"));
  }

  // ------------------------------------------------------------------ the table

  /** One line of the results table. */
  private static final class Row {
    final String workload;
    final String store;
    final long points;
    final double seconds;
    final String size;

    Row(String workload, String store, long points, double seconds, String size) {
      this.workload = workload;
      this.store = store;
      this.points = points;
      this.seconds = seconds;
      this.size = size;
    }

    double rate() {
      return points / seconds;
    }
  }

  private static void printTable(List<Row> rows, int javaRows, Options o) {
    Row ours = rows.get(0);
    System.out.println();
    System.out.println("== Results (ratio = our sustained rate in the first row / this row's rate) ==");
    String fmt = "%-62s %-13s %-19s %12s %9s %12s %9s%n";
    System.out.printf(fmt, "workload", "store", "cands x keys x steps", "points", "seconds", "points/s", "ratio");
    for (Row r : rows) {
      System.out.printf(fmt, r.workload, r.store, r.size, String.format("%,d", r.points),
          String.format("%.3f", r.seconds), String.format("%,.0f", r.rate()),
          String.format("%,.1fx", ours.rate() / r.rate()));
    }
    System.out.println();
    if (!o.skipMlflow) {
      System.out.printf("Scaled down: MLflow per-call log_metric ran %s and log_batch ran %s (candidates x keys x "
          + "steps) instead of the Java workload's %d x %d x %d, because MLflow's Python client takes 0.3 to 3 ms "
          + "per log_metric call. Rates are per second, so the ratios compare like with like.%n", sizeText(o.mlflowPerCall), sizeText(o.mlflowBatch), o.candidates, o.keys, o.steps);
    }
    if (o.quick) {
      System.out.println("--quick: every workload is scaled down; the figures are a smoke test, not results.");
    }
    System.out.println();
    for (int i = 0; i < javaRows; i++) {
      Row r = rows.get(i);
      System.out.printf("Target: >= 1,000,000 points/s sustained into the local store (%s): %,.0f -> %s%n",
          r.workload, r.rate(), !r.store.equals("local store") ? "n/a (" + r.store + ")"
              : r.rate() >= 1_000_000 ? "MET" : "MISSED");
    }
    double perCall = 0;
    double batch = 0;
    for (Row r : rows) {
      if (r.workload.contains("log_metric per point")) {
        perCall = Math.max(perCall, r.rate());
      } else if (r.workload.contains("log_batch")) {
        batch = Math.max(batch, r.rate());
      }
    }
    for (int i = 0; i < javaRows; i++) {
      Row r = rows.get(i);
      if (perCall > 0) {
        System.out.printf("Target: >= 100x MLflow per-call log_metric (its fastest store, %,.0f points/s), %s: "
            + "%,.1fx -> %s%n", perCall, r.workload, r.rate() / perCall, r.rate() / perCall >= 100 ? "MET" : "MISSED");
      }
      if (batch > 0) {
        System.out.printf("Target: >= 10x MLflow log_batch of 1000 (its fastest store, %,.0f points/s), %s: "
            + "%,.1fx -> %s%n", batch, r.workload, r.rate() / batch, r.rate() / batch >= 10 ? "MET" : "MISSED");
      }
    }
  }

  private static String sizeText(int[] s) {
    return s[0] + " x " + s[1] + " x " + s[2] + " (" + String.format("%,d", (long) s[0] * s[1] * s[2]) + " points)";
  }

  // ------------------------------------------------------------------ options

  /** Command-line options. */
  static final class Options {
    boolean quick;
    int candidates = 100;
    int keys = 10;
    int steps = 10_000;
    int threads = 1;
    int repeat = 3;
    int queue = DEFAULT_QUEUE;
    List<FullQueuePolicy> policies = new ArrayList<>(List.of(FullQueuePolicy.SPILL, FullQueuePolicy.BLOCK));
    BenchmarkTracker.Kind backend = BenchmarkTracker.Kind.LOCAL;
    long warmupPoints = 1_000_000;
    String verify = "all";
    String python;
    List<String> mlflowStores = List.of("file", "sqlite");
    int[] mlflowPerCall = {1, 10, 300};
    int[] mlflowBatch = {2, 10, 10_000};
    boolean skipMlflow;

    static Options parse(String[] args) {
      Options o = new Options();
      for (String a : args) {
        if (a.equals("--quick")) {
          o.quick = true;
          o.candidates = 10;
          o.steps = 2_000;
          o.warmupPoints = 100_000;
          o.repeat = 1;
          o.mlflowPerCall = new int[] {1, 10, 30};
          o.mlflowBatch = new int[] {1, 10, 1_000};
        }
      }
      for (String a : args) {
        if (a.equals("--quick")) {
          continue;
        }
        if (a.equals("--skip-mlflow")) {
          o.skipMlflow = true;
          continue;
        }
        int eq = a.indexOf('=');
        if (!a.startsWith("--") || eq < 0) {
          throw new IllegalArgumentException("Unknown argument '" + a + "'; options are --name=value (see the "
              + "class documentation)");
        }
        String name = a.substring(2, eq);
        String value = a.substring(eq + 1);
        switch (name) {
          case "candidates":
            o.candidates = positive(name, value);
            break;
          case "keys":
            o.keys = positive(name, value);
            break;
          case "steps":
            o.steps = positive(name, value);
            break;
          case "threads":
            o.threads = positive(name, value);
            break;
          case "repeat":
            o.repeat = positive(name, value);
            break;
          case "queue":
            o.queue = positive(name, value);
            break;
          case "policy":
            o.policies = new ArrayList<>();
            for (String p : value.split(",")) {
              o.policies.add(FullQueuePolicy.valueOf(p.trim().toUpperCase(Locale.ROOT)));
            }
            break;
          case "backend":
            o.backend = BenchmarkTracker.Kind.parse(value);
            break;
          case "warmup-points":
            o.warmupPoints = Long.parseLong(value);
            break;
          case "verify":
            if (!value.equals("all") && !value.equals("sample") && !value.equals("none")) {
              throw new IllegalArgumentException("--verify must be all, sample or none");
            }
            o.verify = value;
            break;
          case "python":
            o.python = value;
            break;
          case "mlflow-stores":
            o.mlflowStores = List.of(value.split(","));
            break;
          case "mlflow-per-call":
            o.mlflowPerCall = size(name, value);
            break;
          case "mlflow-batch":
            o.mlflowBatch = size(name, value);
            break;
          default:
            throw new IllegalArgumentException("Unknown option --" + name);
        }
      }
      return o;
    }

    private static int positive(String name, String value) {
      int n = Integer.parseInt(value.replace("_", "").replace(",", ""));
      if (n < 1) {
        throw new IllegalArgumentException("--" + name + " must be positive");
      }
      return n;
    }

    private static int[] size(String name, String value) {
      String[] parts = value.toLowerCase(Locale.ROOT).split("x");
      if (parts.length != 3) {
        throw new IllegalArgumentException("--" + name + " is CANDIDATESxKEYSxSTEPS, e.g. 1x10x300");
      }
      return new int[] {positive(name, parts[0]), positive(name, parts[1]), positive(name, parts[2])};
    }
  }
}
