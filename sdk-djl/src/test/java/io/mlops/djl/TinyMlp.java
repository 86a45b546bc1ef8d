package io.mlops.djl;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.L1Loss;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.NoopTranslator;
import java.nio.file.Path;
import java.util.Random;

/**
 * The tests' model and data: an MLP 2 → 8 → 1 (33 parameters) learning y = 3·x0 − 2·x1 + 0.5 from generated
 * rows, trained with SGD in batches of 32.
 */
final class TinyMlp {
  static final String NAME = "tiny-mlp";
  static final int ROWS = 256;
  static final int BATCH = 32;
  static final int BATCHES_PER_EPOCH = ROWS / BATCH;
  static final long PARAMETERS = 2 * 8 + 8 + 8 + 1;

  private TinyMlp() {}

  static Block block() {
    return new SequentialBlock()
        .add(Linear.builder().setUnits(8).build())
        .add(Activation::relu)
        .add(Linear.builder().setUnits(1).build());
  }

  /** A model with a fresh block, its random initialization seeded. */
  static Model model() {
    Engine.getInstance().setRandomSeed(7);
    Model model = Model.newInstance(NAME);
    model.setBlock(block());
    return model;
  }

  /** Features in [-1, 1] and their target, the same for the same seed. */
  static NDArray[] rows(NDManager manager, long seed, int rows) {
    Random random = new Random(seed);
    float[] x = new float[rows * 2];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      float a = random.nextFloat() * 2 - 1;
      float b = random.nextFloat() * 2 - 1;
      x[2 * i] = a;
      x[2 * i + 1] = b;
      y[i] = 3 * a - 2 * b + 0.5f;
    }
    return new NDArray[] {manager.create(x, new Shape(rows, 2)), manager.create(y, new Shape(rows, 1))};
  }

  static ArrayDataset dataset(NDManager manager, long seed) {
    NDArray[] xy = rows(manager, seed, ROWS);
    return new ArrayDataset.Builder().setData(xy[0]).optLabels(xy[1]).setSampling(BATCH, false).build();
  }

  /** L2 loss, an L1 evaluator named "mae", SGD (lr 0.1, weight decay 0.001, clip 5), Xavier weights. */
  static DefaultTrainingConfig config() {
    return new DefaultTrainingConfig(Loss.l2Loss())
        .addEvaluator(new L1Loss("mae"))
        .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).optWeightDecays(0.001f)
            .optClipGrad(5f).build())
        .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
  }

  /**
   * Trains {@code model} for {@code epochs} with DJL's basic listeners and then the listener {@code builder} makes,
   * through {@link MlopsTrainingListener#fit}; returns the listener and what the trainer reported at the end.
   */
  static Trained fit(MlopsTrainingListener.Builder builder, Model model, int epochs, ai.djl.training.dataset.Dataset
      train, ai.djl.training.dataset.Dataset validate) {
    DefaultTrainingConfig config = config().addTrainingListeners(ai.djl.training.listener.TrainingListener.Defaults
        .basic());
    MlopsTrainingListener listener = builder.attach(config);
    try (ai.djl.training.Trainer trainer = model.newTrainer(config)) {
      trainer.initialize(new Shape(BATCH, 2));
      listener.fit(trainer, epochs, train, validate);
      return new Trained(listener, trainer.getTrainingResult());
    }
  }

  /** A listener after its training, and the trainer's last result. */
  static final class Trained {
    final MlopsTrainingListener listener;
    final ai.djl.training.TrainingResult result;

    Trained(MlopsTrainingListener listener, ai.djl.training.TrainingResult result) {
      this.listener = listener;
      this.result = result;
    }
  }

  /** The model's predictions for {@code x}. */
  static float[] predict(Model model, NDArray x) throws Exception {
    try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator())) {
      return p.predict(new NDList(x)).singletonOrThrow().toFloatArray();
    }
  }

  /** A tracker writing a local store under {@code dir}. */
  static io.mlops.tracking.Tracker tracker(Path dir) {
    return io.mlops.tracking.Tracker.builder().trackingUri(dir.resolve("mlruns").toString()).experimentName("djl")
        .journalDirectory(dir.resolve("journal")).shutdownHook(false).build();
  }
}
