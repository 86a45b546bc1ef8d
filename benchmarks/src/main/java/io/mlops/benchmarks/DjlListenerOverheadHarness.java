package io.mlops.benchmarks;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListener;
import io.mlops.djl.MlopsTrainingListener;
import io.mlops.examples.djl.DjlMlpExample;
import io.mlops.tracking.FullQueuePolicy;
import io.mlops.tracking.Tracker;
import java.util.Arrays;
import java.util.Locale;

/**
 * The cost of {@link MlopsTrainingListener} in DJL's training loop (issue 13, target &lt; 1 %): one training epoch
 * of the example's MLP ({@link DjlMlpExample}: 4 → 16 → 16 → 1, batches of 32, SGD with momentum, PyTorch CPU
 * engine) with DJL's {@code TrainingListener.Defaults.basic()} alone ({@code without}) and with the listener added
 * after them ({@code with}: a per-batch point of {@code batch_loss} and {@code batch_mae} every batch, the default,
 * and the epoch's values and flush), into a local store in a temporary directory.
 *
 * <p>Only {@code EasyTrain.fit(trainer, 1, train, validate)} is timed: the candidate's start (in
 * {@code newTrainer}) and the model's save at {@code trainer.close()} happen once per training, not per epoch, and
 * are reported apart ({@code end}). Each pair trains two fresh models with the same seed, one each way, and the
 * order alternates from pair to pair; warm-up pairs are not counted. On a shared machine the load drifts by more
 * than the effect, so besides the medians of the two series and of the per-pair ratios the harness times every
 * call into the listener ({@code TimedListener}): the listener's own cost on the training thread. The tracker's
 * worker, delivering in the background, shows only in the two series.
 *
 * <pre>
 * mvn -q -Pbench -DskipTests verify -pl benchmarks -am \
 *     -Dbench.main=io.mlops.benchmarks.DjlListenerOverheadHarness -Dbench.args="--pairs=60 --warmup=40"
 * </pre>
 */
public final class DjlListenerOverheadHarness {
  private DjlListenerOverheadHarness() {}

  /**
   * Runs the harness: {@code --pairs=N} (default 60), {@code --warmup=N} (default 40), {@code --rows=N} (1024),
   * {@code --backend=local|noop|off} (default local; off: the listener on {@code Tracker.noop()}, which does
   * nothing, as a control).
   */
  public static void main(String[] args) throws Exception {
    int pairs = intArg(args, "--pairs=", 60);
    int warmup = intArg(args, "--warmup=", 40);
    int rows = intArg(args, "--rows=", 1024);
    String backendName = stringArg(args, "--backend=", "local");
    boolean off = backendName.equals("off"); // Tracker.noop(): the listener does nothing, a control of the harness
    BenchmarkTracker.Kind backend = BenchmarkTracker.Kind.parse(off ? "noop" : backendName);
    double[] without = new double[pairs];
    double[] with = new double[pairs];
    double[] ratio = new double[pairs];
    double[] end = new double[pairs];
    double[] inside = new double[pairs];
    double[] inEpoch = new double[pairs];
    double[] inFirstBatch = new double[pairs];
    try (NDManager manager = NDManager.newBaseManager();
        BenchmarkTracker bench = BenchmarkTracker.open(backend, Tracker.DEFAULT_QUEUE_CAPACITY,
            FullQueuePolicy.SPILL)) {
      ArrayDataset train = DjlMlpExample.dataset(manager, rows, 1);
      ArrayDataset validate = DjlMlpExample.dataset(manager, Math.max(DjlMlpExample.BATCH_SIZE, rows / 4), 2);
      for (int i = -warmup; i < pairs; i++) {
        boolean withFirst = (i & 1) == 0;
        Tracker tracker = off ? Tracker.noop() : bench.tracker();
        double[] first = epoch(tracker, withFirst, train, validate);
        double[] second = epoch(tracker, !withFirst, train, validate);
        double[] w = withFirst ? first : second;
        double[] wo = withFirst ? second : first;
        if (i >= 0) {
          with[i] = w[0];
          without[i] = wo[0];
          ratio[i] = w[0] / wo[0];
          end[i] = w[1];
          inside[i] = w[2];
          inEpoch[i] = w[3];
          inFirstBatch[i] = w[4];
        }
      }
      bench.tracker().flush().join();
    }
    System.out.printf(Locale.ROOT, "DJL listener overhead, %d pairs (+%d warm-up), %d training rows (%d batches of "
        + "%d) per epoch, backend %s%n", pairs, warmup, rows, rows / DjlMlpExample.BATCH_SIZE,
        DjlMlpExample.BATCH_SIZE, off ? "off (Tracker.noop())" : backend.name().toLowerCase(Locale.ROOT));
    System.out.printf(Locale.ROOT, "  epoch without listener: median %8.2f ms (p25 %.2f, p75 %.2f)%n",
        median(without), quantile(without, 0.25), quantile(without, 0.75));
    System.out.printf(Locale.ROOT, "  epoch with listener:    median %8.2f ms (p25 %.2f, p75 %.2f)%n",
        median(with), quantile(with, 0.25), quantile(with, 0.75));
    System.out.printf(Locale.ROOT, "  ratio of medians: %.4f (overhead %+.2f %%); median of per-pair ratios: %.4f "
        + "(overhead %+.2f %%)%n", median(with) / median(without), (median(with) / median(without) - 1) * 100,
        median(ratio), (median(ratio) - 1) * 100);
    System.out.printf(Locale.ROOT, "  time inside the listener's hooks during the epoch: median %.3f ms = %.2f %% of "
        + "the epoch without it (median of per-pair shares %.2f %%)%n", median(inside),
        median(inside) / median(without) * 100, median(share(inside, without)) * 100);
    System.out.printf(Locale.ROOT, "    of which onEpoch (epoch values, flush): median %.3f ms; the first batch "
        + "(batch_size, parameter_count): median %.3f ms%n", median(inEpoch), median(inFirstBatch));
    double[] calls = TimedListener.BATCH_CALLS.stream().mapToDouble(Long::doubleValue).toArray();
    System.out.printf(Locale.ROOT, "    one onTrainingBatch call after the first (all runs, warm-up included): "
        + "median %.2f us, p90 %.2f us, p99 %.2f us, mean %.2f us%n", median(calls) / 1e3, quantile(calls, 0.9) / 1e3,
        quantile(calls, 0.99) / 1e3, Arrays.stream(calls).average().orElse(0) / 1e3);
    System.out.printf(Locale.ROOT, "  once per training, not per epoch: save + upload + end at trainer.close(), "
        + "median %.2f ms%n", median(end));
  }

  /** Trains one fresh model for one epoch; returns {fit ms, close ms, ms inside the listener during fit}. */
  private static double[] epoch(Tracker tracker, boolean withListener, ArrayDataset train, ArrayDataset validate)
      throws Exception {
    try (Model model = DjlMlpExample.newModel()) {
      DefaultTrainingConfig config = DjlMlpExample.trainingConfig(0.05f)
          .addTrainingListeners(TrainingListener.Defaults.basic());
      TimedListener timed = null;
      if (withListener) {
        timed = new TimedListener(MlopsTrainingListener.builder(tracker).candidateName("overhead").build());
        config.addTrainingListeners(timed);
      }
      Trainer trainer = model.newTrainer(config);
      long closeStart;
      long fit;
      long insideFit;
      try {
        trainer.initialize(new Shape(DjlMlpExample.BATCH_SIZE, DjlMlpExample.FEATURES));
        long before = timed == null ? 0 : timed.nanos;
        long t0 = System.nanoTime();
        EasyTrain.fit(trainer, 1, train, validate);
        fit = System.nanoTime() - t0;
        insideFit = timed == null ? 0 : timed.nanos - before;
      } finally {
        closeStart = System.nanoTime();
        trainer.close();
      }
      return new double[] {fit / 1e6, (System.nanoTime() - closeStart) / 1e6, insideFit / 1e6,
          timed == null ? 0 : timed.epochNanos / 1e6, timed == null ? 0 : timed.firstBatchNanos / 1e6};
    }
  }

  /**
   * Times every call into the listener with {@link System#nanoTime()}: the direct measure of what the listener
   * adds to the loop, free of the load drift between two runs. It stands after DJL's defaults, where the listener
   * would be.
   */
  private static final class TimedListener implements TrainingListener {
    private final TrainingListener delegate;
    long nanos;
    long epochNanos;
    long firstBatchNanos;
    static final java.util.List<Long> BATCH_CALLS = new java.util.ArrayList<>();
    private boolean firstSeen;

    TimedListener(TrainingListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onEpoch(ai.djl.training.Trainer trainer) {
      long t = System.nanoTime();
      delegate.onEpoch(trainer);
      long d = System.nanoTime() - t;
      nanos += d;
      epochNanos += d;
    }

    @Override
    public void onTrainingBatch(ai.djl.training.Trainer trainer, BatchData batchData) {
      long t = System.nanoTime();
      delegate.onTrainingBatch(trainer, batchData);
      long d = System.nanoTime() - t;
      nanos += d;
      if (!firstSeen) {
        firstSeen = true;
        firstBatchNanos = d;
      } else {
        BATCH_CALLS.add(d);
      }
    }

    @Override
    public void onValidationBatch(ai.djl.training.Trainer trainer, BatchData batchData) {
      long t = System.nanoTime();
      delegate.onValidationBatch(trainer, batchData);
      nanos += System.nanoTime() - t;
    }

    @Override
    public void onTrainingBegin(ai.djl.training.Trainer trainer) {
      delegate.onTrainingBegin(trainer);
    }

    @Override
    public void onTrainingEnd(ai.djl.training.Trainer trainer) {
      delegate.onTrainingEnd(trainer);
    }
  }

  private static double[] share(double[] part, double[] whole) {
    double[] out = new double[part.length];
    for (int i = 0; i < part.length; i++) {
      out[i] = part[i] / whole[i];
    }
    return out;
  }

  private static String stringArg(String[] args, String prefix, String fallback) {
    for (String a : args) {
      if (a.startsWith(prefix)) {
        return a.substring(prefix.length());
      }
    }
    return fallback;
  }

  private static int intArg(String[] args, String prefix, int fallback) {
    for (String a : args) {
      if (a.startsWith(prefix)) {
        return Integer.parseInt(a.substring(prefix.length()));
      }
    }
    return fallback;
  }

  private static double median(double[] v) {
    return quantile(v, 0.5);
  }

  private static double quantile(double[] v, double q) {
    double[] s = v.clone();
    Arrays.sort(s);
    double pos = q * (s.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(s.length - 1, lo + 1);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
  }
}
