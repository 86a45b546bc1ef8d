package io.mlops.spark;

import static io.mlops.spark.SparkTestSessions.candidates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.ArtifactInfo;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateStatus;
import io.mlops.core.TrackingClient;
import io.mlops.registry.ModelRegistry;
import io.mlops.registry.Promotion;
import io.mlops.registry.RegisteredVersion;
import io.mlops.registry.VersionSpec;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.CandidateEndedException;
import io.mlops.tracking.Tracker;
import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark ML on a real local session: a pipeline's params, a cross-validation and a train-validation split as child
 * candidates, and a fitted {@code PipelineModel} saved, promoted, resolved through {@code models:/name@champion} and
 * loaded back. One session for the class; 300 generated rows, 2x2 grids.
 */
class SparkMlTrackingTest {
  private static final String EXPERIMENT = "spark-ml";

  @TempDir
  static Path dir;
  private static SparkSession spark;
  private static Tracker tracker;
  private static TrackingClient client;
  private static SparkMlTracking ml;
  private static Dataset<Row> data;
  private static LogisticRegression lr;
  private static ParamMap[] grid;
  private static CrossValidatorModel cv;

  @BeforeAll
  static void start() {
    spark = SparkTestSessions.localSession("spark-ml", dir).getOrCreate();
    tracker = Tracker.builder().trackingUri(dir.resolve("mlruns").toString()).experimentName(EXPERIMENT)
        .journalDirectory(dir.resolve("journal")).shutdownHook(false).build();
    client = tracker.client();
    ml = SparkMlTracking.of(tracker);
    data = spark.createDataFrame(rows(300, 7), new StructType()
        .add("id", DataTypes.IntegerType).add("x1", DataTypes.DoubleType).add("x2", DataTypes.DoubleType)
        .add("label", DataTypes.DoubleType).add("y", DataTypes.DoubleType)).cache();
    // one cross-validation for the tests that log it; regParam 5 with the L1 penalty zeroes every coefficient
    // (AUC 0.5), so the metrics differ and "best" means something
    lr = new LogisticRegression().setMaxIter(5);
    grid = new ParamGridBuilder().addGrid(lr.regParam(), new double[] {0.01, 5.0})
        .addGrid(lr.elasticNetParam(), new double[] {0.0, 1.0}).build();
    cv = new CrossValidator().setEstimator(new Pipeline().setStages(new PipelineStage[] {assembler(), lr}))
        .setEstimatorParamMaps(grid).setEvaluator(new BinaryClassificationEvaluator()).setNumFolds(2).setSeed(3L)
        .fit(data);
  }

  @AfterAll
  static void stop() {
    if (tracker != null) {
      tracker.close();
    }
    if (spark != null) {
      spark.stop();
    }
  }

  /** label: a noisy linear boundary in (x1, x2); y: a noisy linear target. */
  private static List<Row> rows(int n, long seed) {
    Random r = new Random(seed);
    List<Row> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double x1 = r.nextGaussian();
      double x2 = r.nextGaussian();
      double label = x1 + 0.5 * x2 + 0.5 * r.nextGaussian() > 0 ? 1.0 : 0.0;
      double y = 2 * x1 - x2 + 0.3 * r.nextGaussian();
      out.add(RowFactory.create(i, x1, x2, label, y));
    }
    return out;
  }

  private static VectorAssembler assembler() {
    return new VectorAssembler().setInputCols(new String[] {"x1", "x2"}).setOutputCol("features");
  }

  private static Candidate read(String id) throws Exception {
    tracker.flush().get(30, TimeUnit.SECONDS);
    return client.getCandidate(id);
  }

  /** Logs a tuning into a new parent candidate, which ends when it returns. */
  private static TuningSummary logTuningInto(String name, Function<ActiveCandidate, TuningSummary> log) {
    try (ActiveCandidate parent = tracker.startCandidate(name)) {
      TuningSummary summary = log.apply(parent);
      assertThat(summary.parentId()).isEqualTo(parent.id());
      return summary;
    }
  }

  private static List<Candidate> children(String parentId) {
    return candidates(client, EXPERIMENT).stream()
        .filter(c -> parentId.equals(c.data().tags().get(SparkMlTracking.PARENT_TAG)))
        .sorted(Comparator.comparing(c -> Integer.parseInt(c.data().tags().get(SparkMlTracking.PARAM_MAP_INDEX_TAG))))
        .collect(Collectors.toList());
  }

  @Test
  void logParams_ofAPipeline_logsEveryStagesSetAndDefaultParams_underItsIndex() throws Exception {
    LogisticRegression lr12 = new LogisticRegression().setMaxIter(12).setRegParam(0.1);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler(), lr12});
    Map<String, String> logged;
    String id;
    try (ActiveCandidate c = tracker.startCandidate("pipeline-params")) {
      id = c.id();
      logged = ml.logParams(c, pipeline);
    }
    Map<String, String> stored = read(id).data().params();
    assertThat(stored).containsAllEntriesOf(logged)
        .containsEntry("0.VectorAssembler.inputCols", "[x1, x2]")
        .containsEntry("0.VectorAssembler.outputCol", "features")
        .containsEntry("1.LogisticRegression.maxIter", "12")
        .containsEntry("1.LogisticRegression.regParam", "0.1")
        .containsEntry("1.LogisticRegression.elasticNetParam", "0.0")
        .containsEntry("1.LogisticRegression.labelCol", "label");
    long lrDefined = Arrays.stream(lr12.params()).filter(lr12::isDefined).count();
    assertThat(logged.keySet().stream().filter(k -> k.startsWith("1.LogisticRegression."))).hasSize((int) lrDefined);
  }

  @Test
  void logTuning_ofACrossValidatorModel_logsOneFinishedChildPerParamMap_andTheBestOnTheParent() throws Exception {
    TuningSummary summary = logTuningInto("cv", parent -> ml.logTuning(parent, cv));
    String parentId = summary.parentId();
    double[] avg = cv.avgMetrics();
    assertThat(new TreeSet<>(Arrays.stream(avg).boxed().collect(Collectors.toList()))).hasSizeGreaterThan(1);

    List<Candidate> children = children(parentId);
    assertThat(children).hasSize(4);
    assertThat(children).extracting(Candidate::id).containsExactlyElementsOf(summary.childIds());
    for (int i = 0; i < 4; i++) {
      Candidate child = children.get(i);
      assertThat(child.name()).isEqualTo("cv-" + i);
      assertThat(child.info().status()).isEqualTo(CandidateStatus.FINISHED);
      assertThat(child.data().params())
          .containsEntry("1.LogisticRegression.regParam", String.valueOf(grid[i].apply(lr.regParam())))
          .containsEntry("1.LogisticRegression.elasticNetParam", String.valueOf(grid[i].apply(lr.elasticNetParam())))
          .containsEntry("1.LogisticRegression.maxIter", "5") // the fixed params too
          .containsEntry("0.VectorAssembler.outputCol", "features");
      assertThat(child.data().metrics().get("areaUnderROC").value()).isEqualTo(avg[i]);
    }

    int best = 0;
    for (int i = 1; i < avg.length; i++) {
      best = avg[i] > avg[best] ? i : best;
    }
    LogisticRegressionModel bestLr = (LogisticRegressionModel) ((PipelineModel) cv.bestModel()).stages()[1];
    Candidate parent = read(parentId);
    assertThat(summary.bestIndex()).contains(best);
    assertThat(summary.largerIsBetter()).isTrue();
    assertThat(parent.data().metrics().get("areaUnderROC").value()).isEqualTo(avg[best]);
    assertThat(parent.data().params())
        .containsEntry("best.1.LogisticRegression.regParam", String.valueOf(bestLr.getRegParam()))
        .containsEntry("best.1.LogisticRegression.elasticNetParam", String.valueOf(bestLr.getElasticNetParam()))
        .doesNotContainKey("best.1.LogisticRegression.maxIter") // not in the grid
        .containsEntry("CrossValidatorModel.numFolds", "2")
        .containsEntry("CrossValidatorModel.estimator", "Pipeline")
        .containsEntry("CrossValidatorModel.estimator.1.LogisticRegression.maxIter", "5")
        .containsEntry("CrossValidatorModel.evaluator.BinaryClassificationEvaluator.metricName", "areaUnderROC");
    assertThat(parent.data().tags()).containsEntry(SparkMlTracking.BEST_CHILD_TAG, children.get(best).id());
    assertThat(summary.bestParams()).containsOnlyKeys("1.LogisticRegression.regParam",
        "1.LogisticRegression.elasticNetParam");
  }

  @Test
  void logTuning_ofATrainValidationSplitModel_picksTheSmallestMetric_whenSmallerIsBetter() throws Exception {
    LinearRegression linear = new LinearRegression().setLabelCol("y").setMaxIter(5);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler(), linear});
    ParamMap[] grid = new ParamGridBuilder().addGrid(linear.regParam(), new double[] {0.0, 3.0})
        .addGrid(linear.fitIntercept()).build();
    RegressionEvaluator rmse = new RegressionEvaluator().setLabelCol("y").setMetricName("rmse");
    TrainValidationSplitModel tvs = new TrainValidationSplit().setEstimator(pipeline).setEstimatorParamMaps(grid)
        .setEvaluator(rmse).setTrainRatio(0.7).setSeed(11L).fit(data);
    TuningSummary summary = logTuningInto("tvs", parent -> ml.logTuning(parent, tvs));
    String parentId = summary.parentId();
    double[] metrics = tvs.validationMetrics();
    List<Candidate> children = children(parentId);
    assertThat(children).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(children.get(i).data().metrics().get("rmse").value()).isEqualTo(metrics[i]);
      assertThat(children.get(i).data().params()).containsEntry("1.LinearRegression.fitIntercept",
          String.valueOf(grid[i].apply(linear.fitIntercept())));
    }
    double min = Arrays.stream(metrics).min().getAsDouble();
    assertThat(Arrays.stream(metrics).max().getAsDouble()).isGreaterThan(min);
    LinearRegressionModel bestLinear = (LinearRegressionModel) ((PipelineModel) tvs.bestModel()).stages()[1];
    Candidate parent = read(parentId);
    assertThat(summary.largerIsBetter()).isFalse();
    assertThat(summary.bestMetric()).isEqualTo(min);
    assertThat(parent.data().metrics().get("rmse").value()).isEqualTo(min);
    assertThat(parent.data().params())
        .containsEntry("best.1.LinearRegression.regParam", String.valueOf(bestLinear.getRegParam()))
        .containsEntry("best.1.LinearRegression.fitIntercept", String.valueOf(bestLinear.getFitIntercept()))
        .containsEntry("TrainValidationSplitModel.trainRatio", "0.7");
    assertThat(parent.data().tags().get(SparkMlTracking.BEST_CHILD_TAG)).isEqualTo(summary.bestChildId().get());
  }

  @Test
  void logTuning_intoAnEndedParent_throws_andCreatesNoChild() {
    ActiveCandidate parent = tracker.startCandidate("ended-parent");
    parent.close();
    assertThatThrownBy(() -> ml.logTuning(parent, cv)).isInstanceOf(CandidateEndedException.class);
    assertThat(children(parent.id())).isEmpty();
  }

  @Test
  void missingArguments_areRefused_namingTheArgument() {
    assertThatThrownBy(() -> SparkMlTracking.of(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tracker");
    assertThatThrownBy(() -> ml.logParams(null, new LogisticRegression()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("candidate");
    assertThatThrownBy(() -> ml.logTuning(null, cv)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parent");
    try (ActiveCandidate c = tracker.startCandidate("missing-arguments")) {
      assertThatThrownBy(() -> ml.logModel(c, (PipelineModel) cv.bestModel(), null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("artifactPath");
    }
  }

  @Test
  void logModel_intoAnEndedCandidate_throws_beforeSaving() {
    ActiveCandidate ended = tracker.startCandidate("ended-model");
    ended.close();
    AtomicInteger writes = new AtomicInteger();
    MLWritable model = () -> {
      writes.incrementAndGet();
      throw new AssertionError("logModel saved a model for an ended candidate");
    };
    Set<String> tempsBefore = modelTemps();
    assertThatThrownBy(() -> ml.logModel(ended, model, "model")).isInstanceOf(CandidateEndedException.class);
    assertThat(writes).hasValue(0);
    assertThat(modelTemps()).isEqualTo(tempsBefore);
  }

  @Test
  void aSavedPipelineModel_promotedAsChampion_resolvesAndLoadsBack_andPredictsTheSame() throws Exception {
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler(),
        new LogisticRegression().setMaxIter(10).setRegParam(0.01)});
    PipelineModel model = pipeline.fit(data);
    Set<String> tempsBefore = modelTemps();
    String candidateId;
    try (ActiveCandidate c = tracker.startCandidate("pipeline-model")) {
      candidateId = c.id();
      ml.logParams(c, model);
      ml.logModel(c, model, "model");
    }
    assertThat(modelTemps()).isEqualTo(tempsBefore); // the temporary save is gone
    assertThat(client.listArtifacts(candidateId, "model")).extracting(ArtifactInfo::path)
        .contains("model/metadata", "model/stages");

    RegisteredVersion champion;
    Path served = dir.resolve("served");
    try (ModelRegistry registry = ModelRegistry.create(client.config())) {
      RegisteredVersion v = registry.promote(Promotion.builder().candidateId(candidateId).modelName("spark-churn")
          .version(VersionSpec.of("1.0.0")).artifactPath("model").build());
      registry.setAlias("spark-churn", "champion", v.semver());
      champion = registry.resolve("models:/spark-churn@champion");
      registry.download("models:/spark-churn@champion", served);
    }
    assertThat(champion.semver()).isEqualTo("1.0.0");
    assertThat(champion.candidateId()).contains(candidateId);

    PipelineModel loaded = PipelineModel.load(served.toString());
    assertThat(loaded.stages()).hasSize(2);
    List<Row> before = model.transform(data).select("id", "prediction", "probability").orderBy("id").collectAsList();
    List<Row> after = loaded.transform(data).select("id", "prediction", "probability").orderBy("id").collectAsList();
    assertThat(after).hasSize(300).isEqualTo(before);
    // not a constant model: both classes are predicted
    assertThat(before.stream().map(r -> r.getDouble(1)).distinct()).containsExactlyInAnyOrder(0.0, 1.0);
  }

  private static Set<String> modelTemps() {
    File[] files = Paths.get(System.getProperty("java.io.tmpdir")).toFile()
        .listFiles((d, name) -> name.startsWith("mlops-spark-model"));
    Set<String> out = new TreeSet<>();
    if (files != null) {
      for (File f : files) {
        out.add(f.getName());
      }
    }
    return out;
  }
}
