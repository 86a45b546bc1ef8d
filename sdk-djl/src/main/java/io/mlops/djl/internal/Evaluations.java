package io.mlops.djl.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.training.Trainer;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListener.BatchData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loss and evaluator values of one training, per batch and per epoch: read from DJL's
 * {@link EvaluatorTrainingListener} when one runs first ({@link ListenerOrder}), otherwise accumulated here under
 * accumulator keys of its own. Epoch values are named as DJL's {@code TrainingResult} names them:
 * {@code train_<evaluator>} and {@code validate_<evaluator>}, plus {@code train_loss} and {@code validate_loss} for
 * the loss. Used on the training thread only.
 */
public final class Evaluations {
  static final String OWN_EPOCH = "mlops/train_epoch";
  static final String OWN_BATCH = "mlops/train_batch";
  static final String OWN_VALIDATE = "mlops/validate_epoch";
  private static final String[] EPOCH_AND_BATCH = {OWN_EPOCH, OWN_BATCH};
  private static final String[] EPOCH_ONLY = {OWN_EPOCH};
  private static final String[] VALIDATE = {OWN_VALIDATE};

  private final boolean own;
  private final Evaluator[] evaluators;
  private final Evaluator loss;
  /** The per-batch metric key of each evaluator, computed once: {@code <prefix>loss} or {@code <prefix><name>}. */
  private final String[] batchKeys;
  private long validationBatches;

  /**
   * Evaluations of the trainer's evaluators (the loss among them). With {@code reuseDjl} false, adds this class's
   * accumulators to every evaluator.
   */
  public Evaluations(Trainer trainer, boolean reuseDjl, String batchPrefix) {
    this.own = !reuseDjl;
    List<Evaluator> list = trainer.getEvaluators();
    this.evaluators = list.toArray(new Evaluator[0]);
    this.loss = trainer.getLoss();
    this.batchKeys = new String[evaluators.length];
    for (int i = 0; i < evaluators.length; i++) {
      batchKeys[i] = batchPrefix + (evaluators[i] == loss ? "loss" : MetricKeys.of(evaluators[i].getName()));
      if (own) {
        evaluators[i].addAccumulator(OWN_EPOCH);
        evaluators[i].addAccumulator(OWN_BATCH);
        evaluators[i].addAccumulator(OWN_VALIDATE);
      }
    }
  }

  /** True when the values are accumulated here rather than read from DJL's evaluator listener. */
  public boolean accumulatesOwn() {
    return own;
  }

  /** The evaluators' names, the loss's excluded, comma-separated. */
  public String evaluatorNames() {
    StringBuilder b = new StringBuilder();
    for (Evaluator e : evaluators) {
      if (e != loss) {
        b.append(b.length() == 0 ? "" : ",").append(e.getName());
      }
    }
    return b.toString();
  }

  /** Takes a training batch in; {@code perBatch}: its own values will be read ({@link #batchValue}). */
  public void onTrainingBatch(BatchData data, boolean perBatch) {
    if (!own) {
      return; // DJL's listener has accumulated it, this batch in train/all
    }
    String[] keys = perBatch ? EPOCH_AND_BATCH : EPOCH_ONLY;
    for (Evaluator e : evaluators) {
      if (perBatch) {
        e.resetAccumulator(OWN_BATCH);
      }
      update(e, keys, data);
    }
  }

  /** Takes a validation batch in. */
  public void onValidationBatch(BatchData data) {
    validationBatches++;
    if (own) {
      for (Evaluator e : evaluators) {
        update(e, VALIDATE, data);
      }
    }
  }

  private static void update(Evaluator e, String[] keys, BatchData data) {
    for (Map.Entry<Device, NDList> labels : data.getLabels().entrySet()) {
      e.updateAccumulators(keys, labels.getValue(), data.getPredictions().get(labels.getKey()));
    }
  }

  /** How many per-batch values there are. */
  public int size() {
    return evaluators.length;
  }

  /** The metric key of per-batch value {@code i}. */
  public String batchKey(int i) {
    return batchKeys[i];
  }

  /** Value {@code i} of the last training batch (one taken in with {@code perBatch} when accumulated here). */
  public float batchValue(int i) {
    return evaluators[i].getAccumulator(own ? OWN_BATCH : EvaluatorTrainingListener.TRAIN_ALL);
  }

  /**
   * The epoch's values, to be called once per epoch in {@code onEpoch}: its {@code train_*} values, and its
   * {@code validate_*} values when validation batches were seen during the epoch (without them DJL reports NaN).
   * Resets this class's accumulators.
   */
  public Map<String, Float> endEpoch(Trainer trainer) {
    boolean validated = validationBatches > 0;
    validationBatches = 0;
    Map<String, Float> out = new LinkedHashMap<>();
    if (!own) {
      for (Map.Entry<String, Float> e : trainer.getTrainingResult().getEvaluations().entrySet()) {
        if (validated || !e.getKey().startsWith("validate_")) {
          out.put(MetricKeys.of(e.getKey()), e.getValue());
        }
      }
      return out;
    }
    for (Evaluator e : evaluators) {
      String name = MetricKeys.of(e.getName());
      float train = e.getAccumulator(OWN_EPOCH);
      out.put("train_" + name, train);
      if (e == loss) {
        out.put("train_loss", train);
      }
      if (validated) {
        float validate = e.getAccumulator(OWN_VALIDATE);
        out.put("validate_" + name, validate);
        if (e == loss) {
          out.put("validate_loss", validate);
        }
      }
      e.resetAccumulator(OWN_EPOCH);
      e.resetAccumulator(OWN_BATCH);
      e.resetAccumulator(OWN_VALIDATE);
    }
    return out;
  }
}
