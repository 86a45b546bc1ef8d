package io.mlops.djl;

import ai.djl.Model;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.listener.TrainingListener;
import io.mlops.core.CandidateStatus;
import io.mlops.djl.internal.Evaluations;
import io.mlops.djl.internal.ListenerOrder;
import io.mlops.djl.internal.ModelArtifacts;
import io.mlops.djl.internal.TrainingParams;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DJL {@link TrainingListener} that tracks one training as a candidate: the setup as params, DJL and the engine
 * as tags, the loss and evaluators per batch and per epoch as metrics, and the trained model ({@code Model.save})
 * as the candidate's artifacts.
 *
 * <pre>{@code
 * try (Tracker tracker = Tracker.builder().experimentName("mlp").build();
 *      Model model = Model.newInstance("mlp")) {
 *   model.setBlock(block);
 *   DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
 *       .addTrainingListeners(TrainingListener.Defaults.basic());   // optional, see below
 *   MlopsTrainingListener listener = MlopsTrainingListener.builder(tracker).candidateName("mlp-lr0.1")
 *       .attach(config);                                           // after the defaults
 *   try (Trainer trainer = model.newTrainer(config)) {             // the candidate starts here
 *     trainer.initialize(new Shape(1, 2));
 *     listener.fit(trainer, 10, train, validate);                  // FAILED if it throws
 *   }                                                              // saves the model, FINISHED
 * }
 * }</pre>
 *
 * <p><b>What is logged.</b> At {@code onTrainingBegin} (inside {@code model.newTrainer(config)}): params
 * {@code model_name}, {@code data_type}, {@code loss}, {@code evaluators}, {@code devices} and, when the listener
 * knows the configuration ({@link Builder#attach} or {@link Builder#trainingConfig}), {@code optimizer} with its
 * settings ({@code optimizer.learning_rate_tracker}, {@code optimizer.learning_rate}, {@code optimizer.weight_decays},
 * {@code optimizer.clip_grad}, {@code optimizer.rescale_grad}, {@code optimizer.momentum}, ...) and
 * {@code initializer}; tags {@value #DJL_VERSION_TAG}, {@value #ENGINE_TAG}, {@value #ENGINE_VERSION_TAG}. At the
 * first batch: {@code batch_size} and {@code parameter_count} (the block is initialized by then); {@code epochs}
 * from {@link #fit}. Every {@link Builder#logEveryNBatches N} training batches: {@value #BATCH_PREFIX}{@code loss}
 * and {@value #BATCH_PREFIX}{@code <evaluator>} of that batch, the step being the global batch index (0, N, 2N, ...)
 * counted by the listener. At each epoch's end: {@code train_*} and {@code validate_*} as DJL's
 * {@code getTrainingResult()} names them ({@code validate_*} only when the epoch had validation batches), the step
 * being the epoch index from 0, followed by a flush that is not waited for. At the end ({@code trainer.close()}):
 * the model is saved under {@link Builder#modelArtifactPath} and the candidate ends FINISHED.
 *
 * <p><b>Listener order.</b> DJL's {@code EvaluatorTrainingListener} (in {@code TrainingListener.Defaults.basic()} and
 * {@code logging()}) resets the evaluators at each epoch's end. After it, this listener reads its values at no extra
 * cost. Without one, or before one, it evaluates the loss and evaluators itself, with accumulators of its own, and
 * says so at {@code onTrainingBegin} (a warning when it comes before one: add it after the defaults).
 *
 * <p><b>Failures.</b> {@code onTrainingEnd} runs on {@code trainer.close()}, also when training threw, and cannot
 * tell. Train inside {@link #run(TrainingBody)} or {@link #fit}: an exception marks the candidate FAILED (with the
 * error in the {@value ActiveCandidate#ERROR_TAG} tag) and is rethrown unchanged, and the model is then not saved.
 *
 * <p><b>Never in the way.</b> The listener never throws into DJL's training loop: an error in it is logged once
 * (later ones at debug level), counted in {@link #errorCount()}, and training goes on. Log calls queue for the
 * {@link Tracker}'s worker and return at once; only starting the candidate (in {@code newTrainer}), a best
 * checkpoint's local save and the end (model save and upload, end of the candidate) do I/O. With
 * {@link Tracker#noop()} it does nothing at all. One listener tracks one training.
 */
public final class MlopsTrainingListener implements TrainingListener {
  /** The tag holding DJL's version. */
  public static final String DJL_VERSION_TAG = "djl.version";
  /** The tag holding the engine's name (PyTorch, MXNet, OnnxRuntime, ...). */
  public static final String ENGINE_TAG = "djl.engine";
  /** The tag holding the engine's version. */
  public static final String ENGINE_VERSION_TAG = "djl.engine.version";
  /** The tag holding the epoch (from 0) whose checkpoint was saved, in best-checkpoint mode. */
  public static final String BEST_EPOCH_TAG = "djl.best_epoch";
  /** Prefix of the per-batch metrics: {@code batch_loss}, {@code batch_<evaluator>}. */
  public static final String BATCH_PREFIX = "batch_";
  /** Default artifact directory of the saved model. */
  public static final String DEFAULT_MODEL_ARTIFACT_PATH = "model";
  /** Default: a per-batch point every batch. */
  public static final int DEFAULT_LOG_EVERY_N_BATCHES = 1;

  private static final Logger LOG = LoggerFactory.getLogger(MlopsTrainingListener.class);

  private final Tracker tracker;
  private final String candidateName;
  private final ActiveCandidate callersCandidate;
  private final int logEveryNBatches;
  private final String modelArtifactPath;
  private final boolean saveModel;
  private final String bestEvaluation;
  private final boolean largerIsBetter;
  private final TrainingConfig config;
  private final AtomicLong errors = new AtomicLong();

  private volatile ActiveCandidate candidate;
  private volatile Throwable failure;
  private volatile boolean ended;
  private volatile String orderNote;
  private Evaluations evaluations;
  private ModelArtifacts artifacts;
  private long batchIndex;
  private int epochIndex;
  private boolean bestMissingWarned;

  private MlopsTrainingListener(Builder b, TrainingConfig config) {
    this.tracker = b.tracker;
    this.candidateName = b.candidateName;
    this.callersCandidate = b.candidate;
    this.logEveryNBatches = b.logEveryNBatches;
    this.modelArtifactPath = b.modelArtifactPath;
    this.saveModel = b.saveModel;
    this.bestEvaluation = b.bestEvaluation;
    this.largerIsBetter = b.largerIsBetter;
    this.config = config;
  }

  /** A builder of a listener that logs through {@code tracker} ({@link Tracker#noop()}: tracking off). */
  public static Builder builder(Tracker tracker) {
    if (tracker == null) {
      throw new IllegalArgumentException("tracker is required (Tracker.noop() turns tracking off)");
    }
    return new Builder(tracker);
  }

  /** The candidate being logged into; null before {@code onTrainingBegin}, and always with tracking off. */
  public ActiveCandidate candidate() {
    return candidate;
  }

  /** Errors the listener caught (and so kept from DJL's training loop) so far. */
  public long errorCount() {
    return errors.get();
  }

  /** What {@code onTrainingBegin} said about the listener order, or null (the expected order, or not begun). */
  String orderNote() {
    return orderNote;
  }

  /**
   * Runs training code, typically {@code () -> EasyTrain.fit(trainer, epochs, train, validate)} inside the
   * trainer's try-with-resources block: when it throws, the candidate (if the listener started it) ends FAILED with
   * the error, the model is not saved at {@code trainer.close()}, and the exception is rethrown unchanged (checked
   * ones too). A candidate the caller gave is not ended: its owner ends it (e.g. {@link Tracker#run}).
   */
  public void run(TrainingBody body) {
    if (body == null) {
      throw new IllegalArgumentException("body is required");
    }
    try {
      body.run();
    } catch (Throwable t) {
      failure = t;
      ActiveCandidate c = candidate;
      if (c != null && callersCandidate == null) {
        try {
          c.fail(t);
        } catch (RuntimeException e) {
          t.addSuppressed(e);
        }
      }
      throw MlopsTrainingListener.<RuntimeException>sneakyThrow(t);
    }
  }

  /**
   * {@code EasyTrain.fit(trainer, epochs, train, validate)} inside {@link #run}, logging {@code epochs} as a param
   * first. {@code validate} may be null.
   *
   * @throws IllegalArgumentException when {@code trainer} or {@code train} is null, or {@code epochs} is negative
   * @throws IllegalStateException when this listener is not on the trainer (tracking on, and no
   *     {@code onTrainingBegin} seen): add it to the configuration before {@code model.newTrainer(config)}
   */
  public void fit(Trainer trainer, int epochs, Dataset train, Dataset validate) {
    if (trainer == null || train == null) {
      throw new IllegalArgumentException("trainer and train are required");
    }
    if (epochs < 0) {
      throw new IllegalArgumentException("epochs must be 0 or more, not " + epochs);
    }
    if (!tracker.isNoop() && candidate == null && errors.get() == 0) {
      throw new IllegalStateException("This MlopsTrainingListener has not seen onTrainingBegin: add it to the "
          + "DefaultTrainingConfig (Builder.attach(config)) before model.newTrainer(config)");
    }
    ActiveCandidate c = candidate;
    if (c != null) {
      try {
        c.logParam("epochs", Integer.toString(epochs));
      } catch (RuntimeException e) {
        recordError("logging epochs", e);
      }
    }
    run(() -> EasyTrain.fit(trainer, epochs, train, validate));
  }

  @Override
  public void onTrainingBegin(Trainer trainer) {
    if (tracker.isNoop()) {
      return;
    }
    if (candidate != null || ended) {
      recordError("onTrainingBegin", new IllegalStateException("One MlopsTrainingListener tracks one training; "
          + "this one has begun already. Build a new one for each trainer."));
      return;
    }
    try {
      ListenerOrder order = ListenerOrder.of(trainer, this);
      orderNote = order.note();
      if (order.misordered()) {
        LOG.warn(orderNote);
      } else if (orderNote != null) {
        LOG.info(orderNote);
      }
      Evaluations e = new Evaluations(trainer, order.reusesDjlEvaluations(), BATCH_PREFIX);
      Model model = trainer.getModel();
      ActiveCandidate c = callersCandidate != null ? callersCandidate
          : tracker.startCandidate(candidateName != null ? candidateName : model.getName());
      evaluations = e;
      artifacts = new ModelArtifacts(largerIsBetter);
      candidate = c;
      c.setTags(TrainingParams.tags(trainer, DJL_VERSION_TAG, ENGINE_TAG, ENGINE_VERSION_TAG));
      c.logParams(TrainingParams.atStart(trainer, config, e.evaluatorNames()));
    } catch (RuntimeException | LinkageError e) {
      recordError("onTrainingBegin", e);
    }
  }

  @Override
  public void onTrainingBatch(Trainer trainer, BatchData batchData) {
    if (!active()) {
      return;
    }
    try {
      long step = batchIndex++;
      if (step == 0) {
        logFirstBatch(trainer, batchData);
      }
      boolean perBatch = step % logEveryNBatches == 0;
      evaluations.onTrainingBatch(batchData, perBatch);
      if (perBatch) {
        ActiveCandidate c = candidate;
        for (int i = 0, n = evaluations.size(); i < n; i++) {
          c.logMetric(evaluations.batchKey(i), evaluations.batchValue(i), step);
        }
      }
    } catch (RuntimeException | LinkageError e) {
      recordError("onTrainingBatch", e);
    }
  }

  private void logFirstBatch(Trainer trainer, BatchData batchData) {
    candidate.logParam("batch_size", Integer.toString(batchData.getBatch().getSize()));
    long parameters = TrainingParams.parameterCount(trainer.getModel().getBlock());
    if (parameters >= 0) {
      candidate.logParam("parameter_count", Long.toString(parameters));
    }
  }

  @Override
  public void onValidationBatch(Trainer trainer, BatchData batchData) {
    if (!active()) {
      return;
    }
    try {
      evaluations.onValidationBatch(batchData);
    } catch (RuntimeException | LinkageError e) {
      recordError("onValidationBatch", e);
    }
  }

  @Override
  public void onEpoch(Trainer trainer) {
    if (!active()) {
      return;
    }
    int epoch = epochIndex++;
    try {
      Map<String, Float> values = evaluations.endEpoch(trainer);
      ActiveCandidate c = candidate;
      for (Map.Entry<String, Float> v : values.entrySet()) {
        c.logMetric(v.getKey(), v.getValue(), epoch);
      }
      if (saveModel && bestEvaluation != null) {
        offerCheckpoint(trainer.getModel(), epoch, values.get(bestEvaluation), values);
      }
      tracker.flush(); // durable soon, without waiting for the worker's interval; never waited for here
    } catch (RuntimeException | LinkageError e) {
      recordError("onEpoch", e);
    }
  }

  private void offerCheckpoint(Model model, int epoch, Float value, Map<String, Float> values) {
    if (value == null) {
      if (!bestMissingWarned) {
        bestMissingWarned = true;
        LOG.warn("MlopsTrainingListener: best checkpoint by '{}', which epoch {} did not report (it had {}); "
            + "without it the final model is saved", bestEvaluation, epoch, values.keySet());
      }
      return;
    }
    try {
      if (artifacts.offerCheckpoint(model, epoch, value)) {
        candidate.setTag(BEST_EPOCH_TAG, Integer.toString(epoch));
      }
    } catch (java.io.IOException e) {
      recordError("saving the best checkpoint", e);
    }
  }

  @Override
  public void onTrainingEnd(Trainer trainer) {
    if (!active()) {
      return;
    }
    ended = true;
    ActiveCandidate c = candidate;
    try {
      if (failure == null && saveModel && c.endStatus().isEmpty()) {
        Path dir = artifacts.checkpoint() != null ? artifacts.checkpoint() : artifacts.saveFinal(trainer.getModel());
        c.logArtifact(dir, modelArtifactPath);
      }
    } catch (java.io.IOException | RuntimeException | LinkageError e) {
      recordError("saving the model", e);
    } finally {
      try {
        artifacts.close();
      } catch (RuntimeException e) {
        recordError("deleting the saved model's temporary copy", e);
      }
      if (callersCandidate == null && c.endStatus().isEmpty()) {
        try {
          c.end(CandidateStatus.FINISHED);
        } catch (RuntimeException e) {
          recordError("ending the candidate", e);
        }
      }
    }
  }

  private boolean active() {
    return candidate != null && evaluations != null && !ended;
  }

  private void recordError(String where, Throwable e) {
    long n = errors.incrementAndGet();
    if (n == 1) {
      LOG.warn("MlopsTrainingListener: {} failed; training goes on, tracking may be incomplete (later errors are "
          + "logged at debug level and counted)", where, e);
    } else {
      LOG.debug("MlopsTrainingListener: {} failed (error {})", where, n, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneakyThrow(Throwable t) throws E {
    throw (E) t;
  }

  /** Builds a {@link MlopsTrainingListener}; each setter checks its argument at once. */
  public static final class Builder {
    private final Tracker tracker;
    private String candidateName;
    private ActiveCandidate candidate;
    private int logEveryNBatches = DEFAULT_LOG_EVERY_N_BATCHES;
    private String modelArtifactPath = DEFAULT_MODEL_ARTIFACT_PATH;
    private boolean saveModel = true;
    private String bestEvaluation;
    private boolean largerIsBetter;
    private TrainingConfig trainingConfig;

    private Builder(Tracker tracker) {
      this.tracker = tracker;
    }

    /** The name of the candidate the listener starts at {@code onTrainingBegin}; default: the model's name. */
    public Builder candidateName(String name) {
      if (name == null || name.trim().isEmpty()) {
        throw new IllegalArgumentException("candidateName must not be blank");
      }
      this.candidateName = name;
      return this;
    }

    /**
     * Logs into a candidate the caller started and ends (the listener never ends it), instead of starting one. It
     * must belong to the builder's tracker, whose flush the listener calls at each epoch.
     */
    public Builder candidate(ActiveCandidate candidate) {
      if (candidate == null) {
        throw new IllegalArgumentException("candidate must not be null");
      }
      this.candidate = candidate;
      return this;
    }

    /**
     * A per-batch point every {@code n} training batches (at global batch 0, n, 2n, ...); default
     * {@value MlopsTrainingListener#DEFAULT_LOG_EVERY_N_BATCHES}.
     */
    public Builder logEveryNBatches(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("logEveryNBatches must be at least 1, not " + n);
      }
      this.logEveryNBatches = n;
      return this;
    }

    /**
     * The artifact directory the model is saved under; default
     * {@value MlopsTrainingListener#DEFAULT_MODEL_ARTIFACT_PATH}.
     */
    public Builder modelArtifactPath(String path) {
      if (path == null || path.startsWith("/") || path.contains("..") || path.contains("\\")) {
        throw new IllegalArgumentException("modelArtifactPath must be a relative path without '..' or '\\', not '"
            + path + "'");
      }
      this.modelArtifactPath = path;
      return this;
    }

    /** Whether the model is saved as the candidate's artifacts at the end; default true. */
    public Builder saveModel(boolean save) {
      this.saveModel = save;
      return this;
    }

    /**
     * Saves the best epoch's model instead of the final one: at each epoch whose {@code evaluation} (a
     * {@code getTrainingResult()} name such as {@code validate_loss} or {@code validate_Accuracy}) beats the best so
     * far, the model is saved to a local temporary directory, replacing the previous best; at the end that one is
     * uploaded and its epoch is in the {@value MlopsTrainingListener#BEST_EPOCH_TAG} tag. When no epoch reports the
     * evaluation, the final model is saved (with a warning).
     */
    public Builder bestCheckpointOnly(String evaluation, boolean largerIsBetter) {
      if (evaluation == null || evaluation.trim().isEmpty()) {
        throw new IllegalArgumentException("evaluation must not be blank (e.g. \"validate_loss\")");
      }
      this.bestEvaluation = evaluation;
      this.largerIsBetter = largerIsBetter;
      return this;
    }

    /** The configuration the trainer is made from, so that the optimizer and initializers are logged. */
    public Builder trainingConfig(TrainingConfig config) {
      if (config == null) {
        throw new IllegalArgumentException("config must not be null");
      }
      this.trainingConfig = config;
      return this;
    }

    /** The listener, to add to a configuration yourself ({@code config.addTrainingListeners(listener)}). */
    public MlopsTrainingListener build() {
      return new MlopsTrainingListener(this, trainingConfig);
    }

    /**
     * Builds the listener, adds it to {@code config} (last, so after DJL's default listeners added before) and reads
     * the optimizer and initializers from it.
     *
     * @return the listener, for {@link MlopsTrainingListener#fit} or {@link MlopsTrainingListener#run}
     */
    public MlopsTrainingListener attach(DefaultTrainingConfig config) {
      if (config == null) {
        throw new IllegalArgumentException("config must not be null");
      }
      MlopsTrainingListener listener = new MlopsTrainingListener(this, config);
      config.addTrainingListeners(listener);
      return listener;
    }
  }
}
