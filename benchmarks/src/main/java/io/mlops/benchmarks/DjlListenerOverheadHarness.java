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
 * order alternates from pair to pair; warm-up pairs are not counted. On a shared machine the load drifts, so the
 * figures are the medians of the two series and of the per-pair ratios.
 *
 * <pre>
 * mvn -q -Pbench -DskipTests verify -pl benchmarks -am \
 *     -Dbench.main=io.mlops.benchmarks.DjlListenerOverheadHarness -Dbench.args="--pairs=40 --rows=1024"
 * </pre>
 */
public final class DjlListenerOverheadHarness {
  private DjlListenerOverheadHarness() {}

  /** Runs the harness: {@code --pairs=N} (default 40), {@code --warmup=N} (default 5), {@code --rows=N} (1024). */
  public static void main(String[] args) throws Exception {
    int pairs = intArg(args, "--pairs=", 40);
    int warmup = intArg(args, "--warmup=", 5);
    int rows = intArg(args, "--rows=", 1024);
    double[] without = new double[pairs];
    double[] with = new double[pairs];
    double[] ratio = new double[pairs];
    double[] end = new double[pairs];
    try (NDManager manager = NDManager.newBaseManager();
        BenchmarkTracker bench = BenchmarkTracker.open(BenchmarkTracker.Kind.LOCAL, Tracker.DEFAULT_QUEUE_CAPACITY,
            FullQueuePolicy.SPILL)) {
      ArrayDataset train = DjlMlpExample.dataset(manager, rows, 1);
      ArrayDataset validate = DjlMlpExample.dataset(manager, Math.max(DjlMlpExample.BATCH_SIZE, rows / 4), 2);
      for (int i = -warmup; i < pairs; i++) {
        boolean withFirst = (i & 1) == 0;
        double[] first = epoch(bench.tracker(), withFirst, train, validate);
        double[] second = epoch(bench.tracker(), !withFirst, train, validate);
        double[] w = withFirst ? first : second;
        double[] wo = withFirst ? second : first;
        if (i >= 0) {
          with[i] = w[0];
          without[i] = wo[0];
          ratio[i] = w[0] / wo[0];
          end[i] = w[1];
        }
      }
      bench.tracker().flush().join();
    }
    System.out.printf(Locale.ROOT, "DJL listener overhead, %d pairs (+%d warm-up), %d training rows (%d batches of "
        + "%d) per epoch%n", pairs, warmup, rows, rows / DjlMlpExample.BATCH_SIZE, DjlMlpExample.BATCH_SIZE);
    System.out.printf(Locale.ROOT, "  epoch without listener: median %8.2f ms (p25 %.2f, p75 %.2f)%n",
        median(without), quantile(without, 0.25), quantile(without, 0.75));
    System.out.printf(Locale.ROOT, "  epoch with listener:    median %8.2f ms (p25 %.2f, p75 %.2f)%n",
        median(with), quantile(with, 0.25), quantile(with, 0.75));
    System.out.printf(Locale.ROOT, "  ratio of medians: %.4f (overhead %+.2f %%); median of per-pair ratios: %.4f "
        + "(overhead %+.2f %%)%n", median(with) / median(without), (median(with) / median(without) - 1) * 100,
        median(ratio), (median(ratio) - 1) * 100);
    System.out.printf(Locale.ROOT, "  once per training, not per epoch: save + upload + end at trainer.close(), "
        + "median %.2f ms%n", median(end));
  }

  /** Trains one fresh model for one epoch; returns {fit ms, close ms}. */
  private static double[] epoch(Tracker tracker, boolean withListener, ArrayDataset train, ArrayDataset validate)
      throws Exception {
    try (Model model = DjlMlpExample.newModel()) {
      DefaultTrainingConfig config = DjlMlpExample.trainingConfig(0.05f)
          .addTrainingListeners(TrainingListener.Defaults.basic());
      if (withListener) {
        MlopsTrainingListener.builder(tracker).candidateName("overhead").attach(config);
      }
      Trainer trainer = model.newTrainer(config);
      long closeStart;
      long fit;
      try {
        trainer.initialize(new Shape(DjlMlpExample.BATCH_SIZE, DjlMlpExample.FEATURES));
        long t0 = System.nanoTime();
        EasyTrain.fit(trainer, 1, train, validate);
        fit = System.nanoTime() - t0;
      } finally {
        closeStart = System.nanoTime();
        trainer.close();
      }
      return new double[] {fit / 1e6, (System.nanoTime() - closeStart) / 1e6};
    }
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
