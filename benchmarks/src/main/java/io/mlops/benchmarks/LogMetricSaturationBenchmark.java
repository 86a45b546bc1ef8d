package io.mlops.benchmarks;

import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.FlushResult;
import io.mlops.tracking.FullQueuePolicy;
import io.mlops.tracking.Tracker;
import io.mlops.tracking.TrackerStats;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * {@code logMetric} called back to back for seconds, from 1 and 4 threads: faster than the tracker's worker can
 * deliver, so the ring fills and the calls pay the full-queue policy ({@code policy} parameter; SPILL is the SDK's
 * default). Each iteration prints how many points were delivered, journaled or dropped meanwhile, and the calling
 * threads' own allocation. This is not the hot-path cost ({@link LogMetricBenchmark} is); it shows how the
 * pipeline behaves when a loop logs faster than it drains.
 *
 * <pre>
 * mvn -q -Pbench -DskipTests verify -pl benchmarks -am -Dbench.args="LogMetricSaturationBenchmark -prof gc"
 * mvn -q -Pbench -DskipTests verify -pl benchmarks -am \
 *     -Dbench.args="LogMetricSaturationBenchmark -p policy=SPILL,BLOCK -p backend=noop,local"
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class LogMetricSaturationBenchmark {
  /** {@code noop} or {@code local} (see {@link BenchmarkTracker}); the local store writes gigabytes here. */
  @Param({"noop"})
  public String backend;

  /** The full-queue policy: {@code SPILL} (the SDK's default), {@code BLOCK} or {@code DROP}. */
  @Param({"SPILL"})
  public String policy;

  /** The tracker's queue capacity in points. */
  @Param({"" + Tracker.DEFAULT_QUEUE_CAPACITY})
  public int queueCapacity;

  private BenchmarkTracker bench;
  private ActiveCandidate candidate;
  private TrackerStats lastStats;
  private CallerAllocation allocation;

  /** Opens the tracker and starts the candidate every thread logs into. */
  @Setup(Level.Trial)
  public void openTracker() {
    bench = BenchmarkTracker.open(BenchmarkTracker.Kind.parse(backend), queueCapacity,
        FullQueuePolicy.valueOf(policy));
    candidate = bench.tracker().startCandidate("saturation-benchmark");
    lastStats = bench.tracker().stats();
    allocation = new CallerAllocation("saturated/" + backend + "/" + policy);
  }

  /** Prints what the pipeline did with this iteration's points. */
  @TearDown(Level.Iteration)
  public void printIterationStats() {
    TrackerStats now = bench.tracker().stats();
    System.out.printf("  [saturated/%s/%s] pipeline this iteration: queued=%d delivered=%d journaled=%d "
        + "replayed=%d dropped=%d%n", backend, policy, now.queued() - lastStats.queued(),
        now.delivered() - lastStats.delivered(), now.journaled() - lastStats.journaled(),
        now.replayed() - lastStats.replayed(), now.dropped() - lastStats.dropped());
    lastStats = now;
  }

  /** Flushes, prints the final counters and deletes everything (a journal not yet replayed included). */
  @TearDown(Level.Trial)
  public void closeTracker() {
    try {
      FlushResult r = bench.tracker().flush().join();
      System.out.printf("  [saturated/%s/%s] after the final flush: %s%n", backend, policy, r);
    } finally {
      bench.close();
    }
  }

  /** A thread calling back to back: its own metric key instance (validated once, then cached) and step counter. */
  @State(Scope.Thread)
  public static class Caller {
    String key;
    long step;
    private long mark;
    private long stepAtStart;
    private int threads;

    /** Picks this thread's key. */
    @Setup(Level.Trial)
    public void pickKey(ThreadParams params) {
      key = "train/metric_" + params.getThreadIndex();
      threads = params.getThreadCount();
    }

    /** Remembers the thread's allocation and step before an iteration. */
    @Setup(Level.Iteration)
    public void markAllocation() {
      stepAtStart = step;
      mark = CallerAllocation.current();
    }

    /** Reports the thread's allocation per call (printed once per iteration for all threads). */
    @TearDown(Level.Iteration)
    public void reportAllocation(LogMetricSaturationBenchmark b) {
      b.allocation.add(CallerAllocation.current() - mark, step - stepAtStart, threads);
    }
  }

  /** One call from a single thread logging back to back. */
  @Benchmark
  @Threads(1)
  public ActiveCandidate saturated_1thread(Caller caller) {
    long step = caller.step++;
    return candidate.logMetric(caller.key, step * 0.001, step);
  }

  /** One call, four threads logging back to back into the same candidate. */
  @Benchmark
  @Threads(4)
  public ActiveCandidate saturated_4threads(Caller caller) {
    long step = caller.step++;
    return candidate.logMetric(caller.key, step * 0.001, step);
  }
}
