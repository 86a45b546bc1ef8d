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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
 * The cost of one {@code ActiveCandidate.logMetric(key, value, step)} call as training code sees it, from 1 and
 * from 4 threads logging into one candidate, with room in the tracker's queue. The tracker's worker delivers the
 * points in the background, to the {@link NoopBackend} or to a local store in a temporary directory
 * ({@code backend} parameter).
 *
 * <p>Each invocation is a burst of {@value #BURST} calls per thread, reported per call; before each burst,
 * outside the timing, the thread waits on {@code tracker.flush()} so that the worker has caught up and the burst
 * finds room in the ring. Without that wait a benchmark loop logs several times faster than any worker can
 * deliver, and measures the full-queue policy instead of the call: {@link LogMetricSaturationBenchmark} measures
 * exactly that.
 *
 * <p>Allocation: on JDK 14+ {@code -prof gc}'s {@code gc.alloc.rate.norm} counts every thread of the JVM, the
 * worker's batching and delivery included, so it is the pipeline's allocation per point; the
 * {@code caller threads allocated ... B/op} lines printed after each iteration count only the threads that call
 * {@code logMetric}, read inside the timed burst (see {@link CallerAllocation}).
 *
 * <pre>
 * mvn -q -Pbench -DskipTests verify -pl benchmarks -am -Dbench.args="LogMetricBenchmark -prof gc"
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class LogMetricBenchmark {
  /** Calls per thread in one invocation of a {@code logMetric_*} benchmark. */
  public static final int BURST = 10_000;

  /** {@code noop}: the in-memory {@link NoopBackend}; {@code local}: a local store in a temporary directory. */
  @Param({"noop", "local"})
  public String backend;

  /** The tracker's queue capacity in points (the SDK default is {@value Tracker#DEFAULT_QUEUE_CAPACITY}). */
  @Param({"65536"})
  public int queueCapacity;

  private BenchmarkTracker bench;
  private ActiveCandidate candidate;
  private TrackerStats lastStats;
  private CallerAllocation allocation;

  /** Opens the tracker and starts the candidate every thread logs into. */
  @Setup(Level.Trial)
  public void openTracker() {
    bench = BenchmarkTracker.open(BenchmarkTracker.Kind.parse(backend), queueCapacity, FullQueuePolicy.SPILL);
    candidate = bench.tracker().startCandidate("log-metric-benchmark");
    lastStats = bench.tracker().stats();
    allocation = new CallerAllocation("logMetric/" + backend);
  }

  /** Prints what the pipeline did with this iteration's points. */
  @TearDown(Level.Iteration)
  public void printIterationStats() {
    TrackerStats now = bench.tracker().stats();
    System.out.printf("  [logMetric/%s] pipeline this iteration: queued=%d delivered=%d journaled=%d dropped=%d%n",
        backend, now.queued() - lastStats.queued(), now.delivered() - lastStats.delivered(),
        now.journaled() - lastStats.journaled(), now.dropped() - lastStats.dropped());
    lastStats = now;
  }

  /** Flushes, prints the final counters and deletes everything. */
  @TearDown(Level.Trial)
  public void closeTracker() {
    try {
      FlushResult r = bench.tracker().flush().join();
      System.out.printf("  [logMetric/%s] after the final flush: %s%s%n", backend, r.stats(),
          bench.backendMetricCount() >= 0 ? ", noop backend received " + bench.backendMetricCount() + " points" : "");
    } finally {
      bench.close();
    }
  }

  /**
   * A thread logging in bursts: its own metric key instance (validated once, then cached) and step counter; it
   * waits for the worker to catch up before each burst (outside the timing). Its allocation is read inside the
   * timed burst, so the flush does not count.
   */
  @State(Scope.Thread)
  public static class BurstCaller {
    String key;
    long step;
    long allocated;
    private long stepAtStart;
    private int threads;

    /** Picks this thread's key. */
    @Setup(Level.Trial)
    public void pickKey(ThreadParams params) {
      key = "train/metric_" + params.getThreadIndex();
      threads = params.getThreadCount();
    }

    /** Resets the counters before an iteration. */
    @Setup(Level.Iteration)
    public void resetCounters() {
      stepAtStart = step;
      allocated = 0;
    }

    /** Lets the worker deliver everything logged so far, so that the next burst finds room in the ring. */
    @Setup(Level.Invocation)
    public void waitForWorker(LogMetricBenchmark b) {
      b.bench.tracker().flush().join();
    }

    /** Reports the thread's allocation per call (printed once per iteration for all threads). */
    @TearDown(Level.Iteration)
    public void reportAllocation(LogMetricBenchmark b) {
      b.allocation.add(allocated, step - stepAtStart, threads);
    }
  }

  /** One call from a single thread, with room in the queue. */
  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(BURST)
  public ActiveCandidate logMetric_1thread(BurstCaller caller) {
    return burst(caller);
  }

  /** One call, with four threads logging into the same candidate at once, with room in the queue. */
  @Benchmark
  @Threads(4)
  @OperationsPerInvocation(BURST)
  public ActiveCandidate logMetric_4threads(BurstCaller caller) {
    return burst(caller);
  }

  private ActiveCandidate burst(BurstCaller caller) {
    ActiveCandidate c = candidate;
    String key = caller.key;
    long step = caller.step;
    long end = step + BURST;
    long before = CallerAllocation.current();
    for (; step < end; step++) {
      c.logMetric(key, step * 0.001, step);
    }
    caller.allocated += CallerAllocation.current() - before;
    caller.step = step;
    return c;
  }
}
