package io.mlops.benchmarks;

import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.FlushResult;
import io.mlops.tracking.FullQueuePolicy;
import io.mlops.tracking.Tracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What logging costs a CPU-bound training loop: one step of SGD on a small dense layer (forward, loss,
 * backward, update: about {@value #INPUTS}×{@value #OUTPUTS}×{@value #BATCH}×3 multiply-adds) followed by
 * logging 10 metrics of that step, against the same step whose 10 metrics go to a {@link Blackhole} instead.
 * Overhead = (withLogging − withoutLogging) / withoutLogging; the target is below 2 %.
 *
 * <p>The data set is {@value #BATCHES} mini-batches of {@value #BATCH} random examples, cycled through. Both
 * methods compute the same 10 values; only where they go differs. The tracker's worker runs on another
 * thread, as it does in training, so on a machine with few cores it competes with the loop for CPU.
 *
 * <pre>
 * mvn -q -Pbench -DskipTests verify -pl benchmarks -am -Dbench.args="TrainingLoopBenchmark"
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class TrainingLoopBenchmark {
  static final int INPUTS = 96;
  static final int OUTPUTS = 32;
  static final int BATCH = 8;
  /** Mini-batches in the data set, cycled through; more examples than the layer can fit, so the loss stays up. */
  static final int BATCHES = 64;
  private static final double LEARNING_RATE = 1e-3;
  private static final String[] KEYS = {
      "train/loss", "train/accuracy", "train/grad_norm", "train/weight_norm", "train/mean_activation",
      "train/dead_units", "train/input_grad_norm", "train/bias_mean", "train/output_max", "train/examples_seen"};

  /** Where the logged metrics go when the loop logs: {@code noop} or {@code local} (see {@link BenchmarkTracker}). */
  @Param({"noop", "local"})
  public String backend;

  private final double[] weights = new double[OUTPUTS * INPUTS];
  private final double[] bias = new double[OUTPUTS];
  private final double[][] inputs = new double[BATCHES * BATCH][INPUTS];
  private final double[][] targets = new double[BATCHES * BATCH][OUTPUTS];
  private final double[] preActivation = new double[OUTPUTS];
  private final double[] activation = new double[OUTPUTS];
  private final double[] delta = new double[OUTPUTS];
  private final double[] gradWeights = new double[OUTPUTS * INPUTS];
  private final double[] gradBias = new double[OUTPUTS];
  private final double[] inputGrad = new double[INPUTS];
  private final double[] metrics = new double[KEYS.length];
  private long step;
  private long pairedWithNanos;
  private long pairedWithoutNanos;
  private final List<Double> pairedOverheads = new ArrayList<>();

  private BenchmarkTracker bench;
  private ActiveCandidate candidate;

  /** Initializes the layer and the batch, and opens the tracker. */
  @Setup(Level.Trial)
  public void setUp() {
    Random random = new Random(42);
    double scale = Math.sqrt(2.0 / INPUTS);
    for (int i = 0; i < weights.length; i++) {
      weights[i] = random.nextGaussian() * scale;
    }
    for (int b = 0; b < inputs.length; b++) {
      for (int i = 0; i < INPUTS; i++) {
        inputs[b][i] = random.nextDouble() * 2 - 1;
      }
      for (int o = 0; o < OUTPUTS; o++) {
        targets[b][o] = random.nextDouble();
      }
    }
    bench = BenchmarkTracker.open(BenchmarkTracker.Kind.parse(backend), Tracker.DEFAULT_QUEUE_CAPACITY,
        FullQueuePolicy.SPILL);
    candidate = bench.tracker().startCandidate("training-loop-benchmark");
  }

  /** Prints the overhead the {@link #paired} benchmark measured in this iteration, if it ran. */
  @TearDown(Level.Iteration)
  public void printPairedOverhead() {
    if (pairedWithoutNanos > 0) {
      double overhead = 100.0 * (pairedWithNanos - pairedWithoutNanos) / pairedWithoutNanos;
      pairedOverheads.add(overhead);
      System.out.printf("  [trainingLoop/%s] paired steps this iteration: overhead %+.2f %%%n", backend, overhead);
      pairedWithNanos = 0;
      pairedWithoutNanos = 0;
    }
  }

  /** Flushes, prints the counters and deletes everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      FlushResult r = bench.tracker().flush().join();
      System.out.printf("  [trainingLoop/%s] after the final flush: %s%n", backend, r.stats());
      if (!pairedOverheads.isEmpty()) {
        // the last ones are the measurement iterations; the warmup ones come first
        System.out.printf("  [trainingLoop/%s] paired overhead per iteration (warmup first): %s%n", backend,
            pairedOverheads.stream().map(o -> String.format("%+.2f%%", o)).collect(
                Collectors.joining(" ")));
      }
    } finally {
      bench.close();
    }
  }

  /** One training step; its 10 metrics are consumed by the blackhole. */
  @Benchmark
  public void withoutLogging(Blackhole bh) {
    trainStep();
    for (int i = 0; i < metrics.length; i++) {
      bh.consume(metrics[i]);
    }
  }

  /** One training step; its 10 metrics are logged with {@code logMetric(key, value, step)}. */
  @Benchmark
  public void withLogging() {
    long s = trainStep();
    for (int i = 0; i < metrics.length; i++) {
      candidate.logMetric(KEYS[i], metrics[i], s);
    }
  }

  /**
   * Two steps, one with logging and one without, each timed with {@code System.nanoTime()} (alternating which
   * goes first). Paired measurement within one invocation cancels the drift of a shared machine's load; each
   * iteration prints the overhead it saw. The JMH score is the time of the pair.
   */
  @Benchmark
  public void paired(Blackhole bh) {
    boolean loggedFirst = (step & 2) == 0;
    if (loggedFirst) {
      long t0 = System.nanoTime();
      withLogging();
      long t1 = System.nanoTime();
      withoutLogging(bh);
      long t2 = System.nanoTime();
      pairedWithNanos += t1 - t0;
      pairedWithoutNanos += t2 - t1;
    } else {
      long t0 = System.nanoTime();
      withoutLogging(bh);
      long t1 = System.nanoTime();
      withLogging();
      long t2 = System.nanoTime();
      pairedWithoutNanos += t1 - t0;
      pairedWithNanos += t2 - t1;
    }
  }

  /** Forward, MSE loss, backward and SGD update over one mini-batch; fills {@link #metrics}. Returns the step. */
  private long trainStep() {
    Arrays.fill(gradWeights, 0.0);
    Arrays.fill(gradBias, 0.0);
    double loss = 0;
    double inputGradNorm = 0;
    int correct = 0;
    int dead = 0;
    double activationSum = 0;
    double outputMax = Double.NEGATIVE_INFINITY;
    int first = (int) (step % BATCHES) * BATCH;
    for (int b = 0; b < BATCH; b++) {
      double[] x = inputs[first + b];
      double[] y = targets[first + b];
      // forward: a = relu(W x + b)
      for (int o = 0; o < OUTPUTS; o++) {
        double z = bias[o];
        int row = o * INPUTS;
        for (int i = 0; i < INPUTS; i++) {
          z += weights[row + i] * x[i];
        }
        preActivation[o] = z;
        double a = z > 0 ? z : 0;
        activation[o] = a;
        double err = a - y[o];
        loss += err * err;
        delta[o] = z > 0 ? 2 * err / (BATCH * OUTPUTS) : 0;
        if (Math.abs(err) < 0.25) {
          correct++;
        }
        if (z <= 0) {
          dead++;
        }
        activationSum += a;
        outputMax = Math.max(outputMax, a);
      }
      // backward: dW += delta x^T, db += delta, dx = W^T delta
      Arrays.fill(inputGrad, 0.0);
      for (int o = 0; o < OUTPUTS; o++) {
        double d = delta[o];
        int row = o * INPUTS;
        for (int i = 0; i < INPUTS; i++) {
          gradWeights[row + i] += d * x[i];
          inputGrad[i] += weights[row + i] * d;
        }
        gradBias[o] += d;
      }
      for (int i = 0; i < INPUTS; i++) {
        inputGradNorm += inputGrad[i] * inputGrad[i];
      }
    }
    // update and norms
    double gradNorm = 0;
    double weightNorm = 0;
    for (int i = 0; i < weights.length; i++) {
      double g = gradWeights[i];
      gradNorm += g * g;
      double w = weights[i] - LEARNING_RATE * g;
      weights[i] = w;
      weightNorm += w * w;
    }
    double biasSum = 0;
    for (int o = 0; o < OUTPUTS; o++) {
      bias[o] -= LEARNING_RATE * gradBias[o];
      biasSum += bias[o];
    }
    long s = step++;
    metrics[0] = loss / (BATCH * OUTPUTS);
    metrics[1] = (double) correct / (BATCH * OUTPUTS);
    metrics[2] = Math.sqrt(gradNorm);
    metrics[3] = Math.sqrt(weightNorm);
    metrics[4] = activationSum / (BATCH * OUTPUTS);
    metrics[5] = (double) dead / (BATCH * OUTPUTS);
    metrics[6] = Math.sqrt(inputGradNorm);
    metrics[7] = biasSum / OUTPUTS;
    metrics[8] = outputMax;
    metrics[9] = (double) (s + 1) * BATCH;
    return s;
  }
}
