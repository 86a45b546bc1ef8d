package io.mlops.examples.spark;

import io.mlops.core.Candidate;
import io.mlops.core.MlopsConfig;
import io.mlops.registry.Bump;
import io.mlops.registry.ModelRegistry;
import io.mlops.registry.Promotion;
import io.mlops.registry.RegisteredVersion;
import io.mlops.registry.VersionSpec;
import io.mlops.spark.SparkMlTracking;
import io.mlops.spark.TuningSummary;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark example: a Spark ML pipeline (assembler, scaler, logistic regression) cross-validated over a 2x2 grid on
 * generated churn data, tracked with {@link SparkMlTracking} (one child candidate per param map, the best map and
 * metric on the parent, the best {@code PipelineModel} as the parent's {@code model} artifacts); the parent is
 * promoted into the registry (1.0.0, or a minor bump when the model exists), the {@code champion} alias points at
 * it, and {@code models:/spark-churn@champion} is downloaded, loaded with {@code PipelineModel.load} and checked to
 * predict exactly what the trained model predicts.
 *
 * <p>With no configuration it writes the local store {@code ./mlruns}; set {@code MLFLOW_TRACKING_URI} to use
 * another store. It runs Spark in {@code local[2]} unless {@code spark.master} is set (as {@code spark-submit}
 * does).
 */
public final class SparkPipelineExample {
  static final String EXPERIMENT = "spark-pipeline-example";
  static final String MODEL = "spark-churn";
  static final String CANDIDATE = "churn-cv";
  static final int ROWS = 600;
  static final int FOLDS = 3;
  static final long SEED = 42;

  private SparkPipelineExample() {}

  /** Runs the example against the store the environment configures ({@code ./mlruns} by default). */
  public static void main(String[] args) throws IOException {
    run(MlopsConfig.fromEnvironment(), System.out);
  }

  /** Runs the example against {@code config}'s store, printing what it does to {@code out}. */
  static void run(MlopsConfig config, PrintStream out) throws IOException {
    SparkSession spark = session();
    try {
      run(spark, config, out);
    } finally {
      spark.stop();
    }
  }

  private static SparkSession session() {
    SparkSession.Builder builder = SparkSession.builder().appName("mlops-spark-example");
    if (System.getProperty("spark.master") == null) {
      builder.master("local[2]")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "2");
    }
    return builder.getOrCreate();
  }

  private static void run(SparkSession spark, MlopsConfig config, PrintStream out) throws IOException {
    Dataset<Row>[] split = churn(spark).randomSplit(new double[] {0.8, 0.2}, SEED);
    Dataset<Row> train = split[0].cache();
    Dataset<Row> test = split[1].cache();

    LogisticRegression lr = new LogisticRegression().setFeaturesCol("scaled").setMaxIter(10);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(new String[] {"tenure", "monthly_charges", "support_calls"})
            .setOutputCol("features"),
        new StandardScaler().setInputCol("features").setOutputCol("scaled"),
        lr});
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(lr.regParam(), new double[] {0.01, 0.3})
        .addGrid(lr.elasticNetParam(), new double[] {0.0, 1.0})
        .build();
    BinaryClassificationEvaluator auc = new BinaryClassificationEvaluator(); // areaUnderROC
    CrossValidator cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid).setEvaluator(auc)
        .setNumFolds(FOLDS).setSeed(SEED);

    try (Tracker tracker = Tracker.builder().config(config).experimentName(EXPERIMENT).build()) {
      SparkMlTracking ml = SparkMlTracking.of(tracker);
      out.printf("Experiment '%s' (id %s)%n", tracker.experiment().name(), tracker.experiment().id());
      CrossValidatorModel fitted = cv.fit(train);
      PipelineModel best = (PipelineModel) fitted.bestModel();
      TuningSummary summary;
      String parentId;
      double testAuc;
      try (ActiveCandidate parent = tracker.startCandidate(CANDIDATE)) {
        parentId = parent.id();
        try {
          summary = ml.logTuning(parent, fitted);
          testAuc = auc.evaluate(best.transform(test));
          parent.logMetric("test_areaUnderROC", testAuc);
          parent.setTag("dataset", "synthetic-churn");
          ml.logModel(parent, best, "model");
        } catch (RuntimeException e) {
          parent.fail(e);
          throw e;
        }
      }
      printChildren(out, tracker, summary);
      out.printf(Locale.ROOT, "%nBest: param map %d, %s; cross-validated areaUnderROC %.4f, on the test set "
          + "%.4f%n", summary.bestIndex().get(), summary.bestParams(), summary.bestMetric(), testAuc);
      tracker.flush().join();
      promoteAndLoad(out, tracker.client().config(), parentId, best, test);
    }
  }

  /** Promotes the parent (which holds the best model), aliases it, loads it back and compares its predictions. */
  private static void promoteAndLoad(PrintStream out, MlopsConfig config, String candidateId,
      PipelineModel trained, Dataset<Row> test) throws IOException {
    try (ModelRegistry registry = ModelRegistry.create(config)) {
      VersionSpec version = registry.findModel(MODEL).isPresent() ? VersionSpec.bump(Bump.MINOR)
          : VersionSpec.of("1.0.0");
      RegisteredVersion promoted = registry.promote(Promotion.builder()
          .candidateId(candidateId)
          .modelName(MODEL)
          .version(version)
          .artifactPath("model")
          .description("Best of a 2x2 cross-validated grid (Spark ML pipeline)")
          .build());
      registry.setAlias(MODEL, "champion", promoted.semver());
      out.printf("Promoted %s to %s, alias 'champion' set%n", CANDIDATE, promoted.uri());

      String uri = "models:/" + MODEL + "@champion";
      Path tmp = Files.createTempDirectory("spark-example-serve");
      try {
        Path dir = registry.download(uri, tmp.resolve("champion"));
        PipelineModel loaded = PipelineModel.load(dir.toString());
        List<Row> expected = predictions(trained, test);
        List<Row> actual = predictions(loaded, test);
        long same = 0;
        for (int i = 0; i < expected.size(); i++) {
          same += expected.get(i).equals(actual.get(i)) ? 1 : 0;
        }
        out.printf("Loaded %s (version %s) with PipelineModel.load: %d of %d test predictions equal the "
            + "trained model's%n", uri, registry.resolve(uri).semver(), same, expected.size());
        if (same != expected.size() || actual.size() != expected.size()) {
          throw new IllegalStateException("The model loaded from the registry does not predict as the trained one");
        }
      } finally {
        try (Stream<Path> files = Files.walk(tmp)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private static List<Row> predictions(PipelineModel model, Dataset<Row> data) {
    return model.transform(data).select("id", "prediction", "probability").orderBy("id").collectAsList();
  }

  private static void printChildren(PrintStream out, Tracker tracker, TuningSummary summary) {
    out.printf("%n%-4s %-10s %-9s %9s %15s %13s%n", "map", "candidate", "status", "regParam",
        "elasticNetParam", summary.metricName());
    for (int i = 0; i < summary.childIds().size(); i++) {
      Candidate c = tracker.client().getCandidate(summary.childIds().get(i));
      out.printf(Locale.ROOT, "%-4d %-10s %-9s %9s %15s %13.4f%s%n", i, c.name(), c.info().status(),
          c.data().params().get("2.LogisticRegression.regParam"),
          c.data().params().get("2.LogisticRegression.elasticNetParam"),
          c.data().metrics().get(summary.metricName()).value(),
          summary.bestIndex().get() == i ? "  <- best" : "");
    }
  }

  /** Generated churn data: customers with short tenure, high charges and many support calls churn more. */
  static Dataset<Row> churn(SparkSession spark) {
    Random r = new Random(SEED);
    List<Row> rows = new ArrayList<>(ROWS);
    for (int i = 0; i < ROWS; i++) {
      double tenure = 1 + r.nextInt(72);
      double charges = 20 + 100 * r.nextDouble();
      double calls = r.nextInt(7);
      double logit = -0.5 - 0.06 * (tenure - 36) + 0.04 * (charges - 70) + 0.6 * (calls - 3);
      double label = r.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1.0 : 0.0;
      rows.add(RowFactory.create(i, tenure, charges, calls, label));
    }
    return spark.createDataFrame(rows, new StructType()
        .add("id", DataTypes.IntegerType)
        .add("tenure", DataTypes.DoubleType)
        .add("monthly_charges", DataTypes.DoubleType)
        .add("support_calls", DataTypes.DoubleType)
        .add("label", DataTypes.DoubleType));
  }
}
