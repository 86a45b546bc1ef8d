package io.mlops.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.listener.TrainingListener;
import io.mlops.core.ArtifactInfo;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateStatus;
import io.mlops.core.Metric;
import io.mlops.core.TrackingClient;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real DJL training (PyTorch CPU engine) tracked into a real local store. */
class MlopsTrainingListenerTest {
  @TempDir
  Path dir;

  private NDManager manager;
  private ArrayDataset train;
  private ArrayDataset validate;

  @BeforeEach
  void data() {
    manager = NDManager.newBaseManager();
    train = TinyMlp.dataset(manager, 1);
    validate = TinyMlp.dataset(manager, 2);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private static List<Metric> history(TrackingClient client, String id, String key) {
    return client.getMetricHistory(id, key);
  }

  private static List<Long> steps(List<Metric> points) {
    return points.stream().map(Metric::step).collect(Collectors.toList());
  }

  @Test
  void afterDjlsDefaults_logsSetupPerBatchPerEpoch_andSavesTheModel() throws Exception {
    try (Tracker tracker = TinyMlp.tracker(dir); Model model = TinyMlp.model()) {
      TinyMlp.Trained t = TinyMlp.fit(MlopsTrainingListener.builder(tracker).candidateName("defaults"), model, 2,
          train, validate);
      MlopsTrainingListener listener = t.listener;
      TrainingResult djl = t.result;
      String id = listener.candidate().id();
      assertThat(listener.orderNote()).isNull();
      assertThat(listener.errorCount()).isZero();
      tracker.flush().join();

      TrackingClient client = tracker.client();
      Candidate c = client.getCandidate(id);
      assertThat(c.info().status()).isEqualTo(CandidateStatus.FINISHED);
      assertThat(c.name()).isEqualTo("defaults");
      assertThat(c.data().params()).containsEntry("model_name", TinyMlp.NAME)
          .containsEntry("loss", "L2Loss")
          .containsEntry("evaluators", "mae")
          .containsEntry("devices", "cpu()")
          .containsEntry("optimizer", "Sgd")
          .containsEntry("optimizer.learning_rate_tracker", "FixedTracker")
          .containsEntry("optimizer.learning_rate", "0.1")
          .containsEntry("optimizer.weight_decays", "0.001")
          .containsEntry("optimizer.clip_grad", "5.0")
          .containsEntry("optimizer.momentum", "0.0")
          .containsEntry("initializer", "XavierInitializer")
          .containsEntry("initializer.magnitude", "6.0")
          .containsEntry("batch_size", "32")
          .containsEntry("parameter_count", Long.toString(TinyMlp.PARAMETERS))
          .containsEntry("epochs", "2");
      assertThat(c.data().tags()).containsEntry(MlopsTrainingListener.DJL_VERSION_TAG, "0.36.0")
          .containsEntry(MlopsTrainingListener.ENGINE_TAG, "PyTorch")
          .containsEntry(MlopsTrainingListener.ENGINE_VERSION_TAG, "2.7.1");

      List<Metric> batchLoss = history(client, id, "batch_loss");
      assertThat(steps(batchLoss)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L,
          15L);
      assertThat(history(client, id, "batch_mae")).hasSize(2 * TinyMlp.BATCHES_PER_EPOCH);

      // the epoch values are DJL's own: the last epoch's equal what the trainer reports at the end
      for (String key : new String[] {"train_loss", "validate_loss", "train_mae", "validate_mae", "train_L2Loss"}) {
        List<Metric> points = history(client, id, key);
        assertThat(steps(points)).as(key).containsExactly(0L, 1L);
        assertThat(points.get(1).value()).as(key).isEqualTo((double) djl.getEvaluations().get(key));
      }
      // an epoch's training loss is the mean of its (equal-sized) batches' losses
      double firstEpochMean = batchLoss.subList(0, TinyMlp.BATCHES_PER_EPOCH).stream()
          .mapToDouble(Metric::value).average().orElseThrow();
      assertThat(history(client, id, "train_loss").get(0).value()).isCloseTo(firstEpochMean, within(1e-4));

      List<ArtifactInfo> files = client.listArtifactsRecursively(id, "model");
      assertThat(files).extracting(ArtifactInfo::path).containsExactly("model/" + TinyMlp.NAME + "-0002.params");
    }
  }

  @Test
  void withoutDjlsDefaults_evaluatesItself_andSaysSo() throws Exception {
    try (Tracker tracker = TinyMlp.tracker(dir); Model model = TinyMlp.model()) {
      DefaultTrainingConfig config = TinyMlp.config();
      MlopsTrainingListener listener = MlopsTrainingListener.builder(tracker).attach(config);
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(TinyMlp.BATCH, 2));
        listener.fit(trainer, 2, train, validate);
        assertThat(trainer.getTrainingResult().getEvaluations()).isEmpty(); // what DJL alone would give
      }
      assertThat(listener.orderNote()).startsWith("No EvaluatorTrainingListener on this trainer")
          .contains("TrainingListener.Defaults.basic() or logging()");
      assertThat(listener.errorCount()).isZero();
      tracker.flush().join();

      String id = listener.candidate().id();
      TrackingClient client = tracker.client();
      assertThat(client.getCandidate(id).name()).isEqualTo(TinyMlp.NAME); // the model's name by default
      List<Metric> batchLoss = history(client, id, "batch_loss");
      assertThat(batchLoss).hasSize(16);
      for (String key : new String[] {"train_loss", "validate_loss", "train_mae", "validate_mae"}) {
        assertThat(steps(history(client, id, key))).as(key).containsExactly(0L, 1L);
      }
      for (int epoch = 0; epoch < 2; epoch++) {
        double mean = batchLoss.subList(epoch * 8, epoch * 8 + 8).stream().mapToDouble(Metric::value).average()
            .orElseThrow();
        assertThat(history(client, id, "train_loss").get(epoch).value()).isCloseTo(mean, within(1e-4));
      }
      assertThat(client.listArtifactsRecursively(id, "model")).hasSize(1);
    }
  }

  @Test
  void beforeDjlsEvaluatorListener_warnsAboutTheOrder_andStillLogsDjlsValues() throws Exception {
    try (Tracker tracker = TinyMlp.tracker(dir); Model model = TinyMlp.model()) {
      DefaultTrainingConfig config = TinyMlp.config();
      MlopsTrainingListener listener = MlopsTrainingListener.builder(tracker).attach(config);
      config.addTrainingListeners(TrainingListener.Defaults.basic()); // after ours: the wrong order
      TrainingResult djl;
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(TinyMlp.BATCH, 2));
        listener.fit(trainer, 2, train, validate);
        djl = trainer.getTrainingResult();
      }
      assertThat(listener.orderNote()).startsWith("MlopsTrainingListener comes before DJL's "
          + "EvaluatorTrainingListener").contains("Add it after TrainingListener.Defaults.basic() or logging()");
      tracker.flush().join();
      String id = listener.candidate().id();
      for (String key : new String[] {"train_loss", "validate_loss", "train_mae", "validate_mae"}) {
        List<Metric> points = history(tracker.client(), id, key);
        assertThat(points).as(key).hasSize(2);
        assertThat(points.get(1).value()).as(key).isCloseTo(djl.getEvaluations().get(key), within(1e-6));
      }
    }
  }

  @Test
  void logEveryThreeBatches_stepsAreTheGlobalBatchIndex() throws Exception {
    try (Tracker tracker = TinyMlp.tracker(dir); Model model = TinyMlp.model()) {
      MlopsTrainingListener listener = TinyMlp.fit(MlopsTrainingListener.builder(tracker).logEveryNBatches(3)
          .saveModel(false), model, 2, train, null).listener;
      tracker.flush().join();
      String id = listener.candidate().id();
      assertThat(steps(history(tracker.client(), id, "batch_loss"))).containsExactly(0L, 3L, 6L, 9L, 12L, 15L);
      assertThat(steps(history(tracker.client(), id, "batch_mae"))).containsExactly(0L, 3L, 6L, 9L, 12L, 15L);
      // no validation set: no validate_* values (DJL would report NaN)
      assertThat(tracker.client().getCandidate(id).data().metrics()).containsKeys("train_loss", "train_mae")
          .doesNotContainKeys("validate_loss", "validate_mae");
      assertThat(tracker.client().listArtifacts(id, "")).isEmpty(); // saveModel(false)
    }
  }

  @Test
  void trainingThatThrowsInsideRun_endsFailed_rethrowsTheSameError_andSavesNoModel() throws Exception {
    try (Tracker tracker = TinyMlp.tracker(dir); Model model = TinyMlp.model()) {
      DefaultTrainingConfig config = TinyMlp.config().addTrainingListeners(TrainingListener.Defaults.basic());
      MlopsTrainingListener listener = MlopsTrainingListener.builder(tracker).attach(config);
      IllegalStateException diverged = new IllegalStateException("loss diverged at epoch 1");
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(TinyMlp.BATCH, 2));
        assertThatThrownBy(() -> listener.run(() -> {
          EasyTrain.fit(trainer, 1, train, null);
          throw diverged;
        })).isSameAs(diverged);
      } // onTrainingEnd: the candidate has failed already
      tracker.flush().join();
      String id = listener.candidate().id();
      Candidate c = tracker.client().getCandidate(id);
      assertThat(c.info().status()).isEqualTo(CandidateStatus.FAILED);
      assertThat(c.data().tags()).containsEntry(ActiveCandidate.ERROR_TAG,
          "java.lang.IllegalStateException: loss diverged at epoch 1");
      assertThat(history(tracker.client(), id, "train_loss")).hasSize(1); // what was trained is still there
      assertThat(tracker.client().listArtifacts(id, "")).isEmpty();
    }
  }

  @Test
  void aCheckedExceptionFromTheLoop_isRethrownUnchanged_andEndsFailed() throws Exception {
    try (Tracker tracker = TinyMlp.tracker(dir); Model model = TinyMlp.model()) {
      DefaultTrainingConfig config = TinyMlp.config().addTrainingListeners(TrainingListener.Defaults.basic());
      MlopsTrainingListener listener = MlopsTrainingListener.builder(tracker).attach(config);
      java.io.IOException gone = new java.io.IOException("training data gone");
      Dataset unreadable = new Dataset() {
        @Override
        public Iterable<ai.djl.training.dataset.Batch> getData(NDManager m) throws java.io.IOException {
          throw gone;
        }

        @Override
        public void prepare(ai.djl.util.Progress progress) {}
      };
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(TinyMlp.BATCH, 2));
        assertThatThrownBy(() -> listener.fit(trainer, 1, unreadable, null)).isSameAs(gone);
      }
      tracker.flush().join();
      Candidate c = tracker.client().getCandidate(listener.candidate().id());
      assertThat(c.info().status()).isEqualTo(CandidateStatus.FAILED);
      assertThat(c.data().tags()).containsEntry(ActiveCandidate.ERROR_TAG,
          "java.io.IOException: training data gone");
    }
  }

  @Test
  void anEngineErrorInTheLoop_endsFailed() throws Exception {
    try (Tracker tracker = TinyMlp.tracker(dir); Model model = TinyMlp.model()) {
      DefaultTrainingConfig config = TinyMlp.config().addTrainingListeners(TrainingListener.Defaults.basic());
      MlopsTrainingListener listener = MlopsTrainingListener.builder(tracker).attach(config);
      // three features for a block initialized with two: PyTorch refuses the matrix product
      ArrayDataset wrongShape = new ArrayDataset.Builder().setData(manager.ones(new Shape(64, 3)))
          .optLabels(manager.ones(new Shape(64, 1))).setSampling(TinyMlp.BATCH, false).build();
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(TinyMlp.BATCH, 2));
        assertThatThrownBy(() -> listener.fit(trainer, 1, wrongShape, null))
            .isInstanceOf(ai.djl.engine.EngineException.class);
      }
      tracker.flush().join();
      Candidate c = tracker.client().getCandidate(listener.candidate().id());
      assertThat(c.info().status()).isEqualTo(CandidateStatus.FAILED);
      assertThat(c.data().tags().get(ActiveCandidate.ERROR_TAG)).startsWith("ai.djl.engine.EngineException");
      assertThat(tracker.client().listArtifacts(c.id(), "")).isEmpty();
    }
  }

  @Test
  void trackingOff_logsNothing_andTrainingRunsAsUsual() throws Exception {
    try (Tracker tracker = Tracker.noop(); Model model = TinyMlp.model()) {
      // no DJL defaults: with tracking on, the listener would add accumulators of its own to every evaluator
      DefaultTrainingConfig config = TinyMlp.config();
      MlopsTrainingListener listener = MlopsTrainingListener.builder(tracker).attach(config);
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(TinyMlp.BATCH, 2));
        listener.fit(trainer, 1, train, validate);
        for (ai.djl.training.evaluator.Evaluator e : trainer.getEvaluators()) {
          assertThatThrownBy(() -> e.getAccumulator("mlops/train_epoch")).as(e.getName())
              .isInstanceOf(IllegalArgumentException.class); // untouched
        }
      }
      assertThat(listener.candidate()).isNull();
      assertThat(listener.orderNote()).isNull(); // it did not even look
      assertThat(listener.errorCount()).isZero();
      assertThat(tracker.stats().queued()).isZero();
    }
  }

  @Test
  void bestCheckpointOnly_uploadsTheBestEpochsModel_notTheLast() throws Exception {
    try (Tracker tracker = TinyMlp.tracker(dir); Model model = TinyMlp.model()) {
      // "largest validate_loss is best": the worst epoch, so that the checkpoint cannot be the final model
      MlopsTrainingListener listener = TinyMlp.fit(MlopsTrainingListener.builder(tracker)
          .bestCheckpointOnly("validate_loss", true), model, 3, train, validate).listener;
      tracker.flush().join();
      String id = listener.candidate().id();
      List<Metric> losses = history(tracker.client(), id, "validate_loss");
      assertThat(losses).hasSize(3);
      Metric worst = losses.stream().max((a, b) -> Double.compare(a.value(), b.value())).orElseThrow();
      assertThat(worst.step()).isNotEqualTo(2L); // the loss went down: the checkpoint is not the final model
      assertThat(tracker.client().getCandidate(id).data().tags())
          .containsEntry(MlopsTrainingListener.BEST_EPOCH_TAG, Long.toString(worst.step()));

      Path downloaded = tracker.client().downloadArtifacts(id, "model", dir.resolve("best"));
      try (Model best = Model.newInstance(TinyMlp.NAME)) {
        best.setBlock(TinyMlp.block());
        best.load(downloaded, TinyMlp.NAME);
        // the checkpoint's validation loss is the one logged for its epoch
        NDArray[] xy = TinyMlp.rows(manager, 2, TinyMlp.ROWS);
        float[] predicted = TinyMlp.predict(best, xy[0]);
        float[] labels = xy[1].toFloatArray();
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
          double d = predicted[i] - labels[i];
          sum += d * d / 2; // DJL's L2Loss: half the squared error
        }
        assertThat(sum / labels.length).isCloseTo(worst.value(), within(1e-4));
      }
    }
  }

  @Test
  void anErrorInsideTheListener_neverReachesTraining_andIsCounted() throws Exception {
    try (Tracker tracker = TinyMlp.tracker(dir); Model model = TinyMlp.model()) {
      ActiveCandidate ended = tracker.startCandidate("ended-already");
      ended.end(CandidateStatus.KILLED);
      DefaultTrainingConfig config = TinyMlp.config().addTrainingListeners(TrainingListener.Defaults.basic());
      MlopsTrainingListener listener = MlopsTrainingListener.builder(tracker).candidate(ended).attach(config);
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(TinyMlp.BATCH, 2));
        EasyTrain.fit(trainer, 1, train, validate); // every log call into the ended candidate throws; none escapes
        assertThat(trainer.getTrainingResult().getTrainLoss()).isNotNull();
      }
      assertThat(listener.errorCount()).isPositive();
    }
  }

  @Test
  void fit_onATrainerWithoutTheListener_saysHowToAddIt() throws Exception {
    try (Tracker tracker = TinyMlp.tracker(dir); Model model = TinyMlp.model()) {
      MlopsTrainingListener listener = MlopsTrainingListener.builder(tracker).build();
      try (Trainer trainer = model.newTrainer(TinyMlp.config())) {
        assertThatThrownBy(() -> listener.fit(trainer, 1, train, null)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("before model.newTrainer(config)");
      }
    }
  }

  @Test
  void builder_refusesBadSettingsAtOnce() {
    Tracker tracker = Tracker.noop();
    MlopsTrainingListener.Builder b = MlopsTrainingListener.builder(tracker);
    assertThatThrownBy(() -> MlopsTrainingListener.builder(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.logEveryNBatches(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> b.modelArtifactPath("../model")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.modelArtifactPath("/abs")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.candidateName(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.bestCheckpointOnly("", true)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.attach(null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Map.of("ok", b.modelArtifactPath("models/mlp").logEveryNBatches(10).build())).hasSize(1);
  }
}
