package io.mlops.examples.djl;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.L1Loss;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.NoopTranslator;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateQuery;
import io.mlops.core.MlopsConfig;
import io.mlops.djl.DjlModelLoader;
import io.mlops.djl.MlopsTrainingListener;
import io.mlops.registry.Bump;
import io.mlops.registry.ModelRegistry;
import io.mlops.registry.Promotion;
import io.mlops.registry.RegisteredVersion;
import io.mlops.registry.VersionSpec;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The DJL example: trains a small MLP (4 → 16 → 16 → 1) on generated data with DJL's PyTorch engine, once per
 * learning rate, each training tracked as a candidate by {@link MlopsTrainingListener}; promotes the candidate with
 * the lowest validation loss into the registry (1.0.0, or a minor bump when the model exists), points the
 * {@code champion} alias at it, loads {@code models:/djl-mlp@champion} back into DJL with {@link DjlModelLoader} and
 * checks that it predicts exactly what the trained model predicted. No network: DJL runs offline.
 *
 * <p>With no configuration it writes the local store {@code ./mlruns}; {@code MLFLOW_TRACKING_URI} points it
 * elsewhere.
 */
public final class DjlMlpExample {
  /** The experiment the candidates go to. */
  public static final String EXPERIMENT = "djl-mlp";
  /** The registered model. */
  public static final String MODEL = "djl-mlp";
  /** Features per row. */
  public static final int FEATURES = 4;
  /** Rows per batch. */
  public static final int BATCH_SIZE = 32;
  static final int TRAIN_ROWS = 1024;
  static final int VALIDATE_ROWS = 256;
  static final int EPOCHS = 4;
  static final float[] LEARNING_RATES = {0.01f, 0.05f, 0.2f};

  private DjlMlpExample() {}

  /** Runs the example on the store the environment names ({@code ./mlruns} by default). */
  public static void main(String[] args) throws Exception {
    Result r = run(MlopsConfig.fromEnvironment(), null);
    System.out.printf(Locale.ROOT, "Champion %s (candidate %s, validate_loss %.5f) reproduces its predictions: %s%n",
        r.version.uri(), r.bestCandidateId, r.bestValidateLoss, Arrays.toString(r.servedPredictions));
  }

  /** What a run did: the promoted version, the best candidate and the champion's predictions on the probe rows. */
  public static final class Result {
    /** The promoted version. */
    public final RegisteredVersion version;
    /** The candidate it was promoted from. */
    public final String bestCandidateId;
    /** That candidate's final validation loss. */
    public final double bestValidateLoss;
    /** The loaded champion's predictions on the probe rows. */
    public final float[] servedPredictions;

    Result(RegisteredVersion version, String bestCandidateId, double bestValidateLoss, float[] servedPredictions) {
      this.version = version;
      this.bestCandidateId = bestCandidateId;
      this.bestValidateLoss = bestValidateLoss;
      this.servedPredictions = servedPredictions;
    }
  }

  /**
   * Trains, tracks, promotes and loads back on the store {@code config} names; downloads go to
   * {@code modelCache} (null: the loader's default).
   *
   * @throws IllegalStateException when the loaded champion does not reproduce the trained model's predictions
   */
  public static Result run(MlopsConfig config, Path modelCache) throws Exception {
    String session = UUID.randomUUID().toString().substring(0, 8);
    Map<String, float[]> probePredictions = new HashMap<>();
    try (NDManager manager = NDManager.newBaseManager();
        io.mlops.tracking.Tracker tracker = io.mlops.tracking.Tracker.builder().config(config)
            .experimentName(EXPERIMENT).build()) {
      ArrayDataset train = dataset(manager, TRAIN_ROWS, 1);
      ArrayDataset validate = dataset(manager, VALIDATE_ROWS, 2);
      NDArray probe = features(manager, 8, 3);

      for (float lr : LEARNING_RATES) {
        try (Model model = newModel()) {
          DefaultTrainingConfig training = trainingConfig(lr)
              .addTrainingListeners(TrainingListener.Defaults.basic()); // DJL's own first, then ours
          MlopsTrainingListener listener = MlopsTrainingListener.builder(tracker)
              .candidateName(String.format(Locale.ROOT, "mlp-lr=%s", lr))
              .attach(training);
          try (Trainer trainer = model.newTrainer(training)) {        // the candidate starts here
            trainer.initialize(new Shape(BATCH_SIZE, FEATURES));
            listener.candidate().setTag("session", session);
            listener.fit(trainer, EPOCHS, train, validate);           // FAILED if training throws
          }                                                           // model saved, FINISHED
          probePredictions.put(listener.candidate().id(), predict(model, probe));
        }
      }
      tracker.flush().join();

      List<Candidate> ranked = tracker.client().searchCandidates(CandidateQuery.builder()
              .addExperimentId(tracker.experiment().id())
              .filter("tags.session = '" + session + "'")
              .addOrderBy("metrics.validate_loss ASC")
              .build())
          .stream().collect(Collectors.toList());
      for (Candidate c : ranked) {
        System.out.printf(Locale.ROOT, "%-14s validate_loss %.5f  train_loss %.5f%n", c.name(),
            c.data().metrics().get("validate_loss").value(), c.data().metrics().get("train_loss").value());
      }
      Candidate best = ranked.get(0);

      try (ModelRegistry registry = ModelRegistry.create(tracker.client().config())) {
        VersionSpec next = registry.findModel(MODEL).isPresent() ? VersionSpec.bump(Bump.MINOR)
            : VersionSpec.of("1.0.0");
        RegisteredVersion version = registry.promote(Promotion.builder().candidateId(best.id()).modelName(MODEL)
            .version(next).artifactPath(MlopsTrainingListener.DEFAULT_MODEL_ARTIFACT_PATH)
            .description("Lowest validation loss of the DJL example: " + best.name()).build());
        registry.setAlias(MODEL, "champion", version.semver());
        System.out.printf("Promoted %s to %s, alias 'champion'%n", best.name(), version.uri());

        DjlModelLoader.Builder loader = DjlModelLoader.builder(registry);
        if (modelCache != null) {
          loader.cacheDirectory(modelCache);
        }
        float[] served;
        try (Model champion = loader.build().load("models:/" + MODEL + "@champion", block())) {
          served = predict(champion, probe);
        }
        if (!Arrays.equals(served, probePredictions.get(best.id()))) {
          throw new IllegalStateException("The champion loaded from the registry does not reproduce the trained "
              + "model: " + Arrays.toString(served) + " vs " + Arrays.toString(probePredictions.get(best.id())));
        }
        return new Result(version, best.id(), best.data().metrics().get("validate_loss").value(), served);
      }
    }
  }

  /** The network: 4 → 16 → 16 → 1 with ReLU. A loaded model needs the same block. */
  public static Block block() {
    return new SequentialBlock()
        .add(Linear.builder().setUnits(16).build())
        .add(Activation::relu)
        .add(Linear.builder().setUnits(16).build())
        .add(Activation::relu)
        .add(Linear.builder().setUnits(1).build());
  }

  /** A model named {@value #MODEL} with a new {@link #block()}, its initialization seeded. */
  public static Model newModel() {
    Engine.getInstance().setRandomSeed(42);
    Model model = Model.newInstance(MODEL);
    model.setBlock(block());
    return model;
  }

  /** L2 loss with an L1 ("mae") evaluator, SGD with momentum at learning rate {@code lr}. */
  public static DefaultTrainingConfig trainingConfig(float lr) {
    return new DefaultTrainingConfig(Loss.l2Loss())
        .addEvaluator(new L1Loss("mae"))
        .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(lr)).optMomentum(0.9f).build());
  }

  /** {@code rows} generated rows, the target y = sin(2·x0) + x1·x2 − 0.5·x3, in shuffled batches. */
  public static ArrayDataset dataset(NDManager manager, int rows, long seed) {
    NDArray x = features(manager, rows, seed);
    float[] f = x.toFloatArray();
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      int o = i * FEATURES;
      y[i] = (float) Math.sin(2 * f[o]) + f[o + 1] * f[o + 2] - 0.5f * f[o + 3];
    }
    return new ArrayDataset.Builder().setData(x).optLabels(manager.create(y, new Shape(rows, 1)))
        .setSampling(BATCH_SIZE, true).build();
  }

  private static NDArray features(NDManager manager, int rows, long seed) {
    Random random = new Random(seed);
    float[] x = new float[rows * FEATURES];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextFloat() * 2 - 1;
    }
    return manager.create(x, new Shape(rows, FEATURES));
  }

  private static float[] predict(Model model, NDArray x) throws Exception {
    try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator())) {
      return p.predict(new NDList(x)).singletonOrThrow().toFloatArray();
    }
  }
}
