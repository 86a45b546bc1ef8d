package io.mlops.spark;

import io.mlops.spark.internal.SavedModel;
import io.mlops.spark.internal.StageParams;
import io.mlops.spark.internal.TuningResults;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.ml.util.MLWritable;

/**
 * Tracks Spark ML: a stage's or pipeline's params, a fitted {@code CrossValidatorModel} or
 * {@code TrainValidationSplitModel} as one child candidate per param map, and a fitted model (a
 * {@code PipelineModel}, or any {@code MLWritable}) as the candidate's artifacts.
 *
 * <pre>{@code
 * try (Tracker tracker = Tracker.create(); ActiveCandidate parent = tracker.startCandidate("churn-cv")) {
 *   SparkMlTracking ml = SparkMlTracking.of(tracker);
 *   CrossValidatorModel cv = crossValidator.fit(train);
 *   ml.logTuning(parent, cv);                                      // 4 children, best map and metric on the parent
 *   ml.logModel(parent, (PipelineModel) cv.bestModel(), "model");  // loads back with PipelineModel.load
 * }
 * }</pre>
 *
 * <p><b>Param keys</b> are positional, so that every run of the same pipeline gets the same keys (Spark's uids are
 * random): a stage's params are {@code <StageClass>.<param>} ({@code LogisticRegression.regParam}); a pipeline's
 * stages are prefixed by their index ({@code 0.VectorAssembler.inputCols}, {@code 1.LogisticRegression.regParam});
 * a param whose value is a stage (a tuner's {@code estimator}, {@code evaluator}) has the stage's class name as its
 * value and the stage's own params under it ({@code CrossValidatorModel.estimator.1.LogisticRegression.maxIter}).
 * Each param's value is the one set, else its default. A value longer than the backend's limit (6000 characters on
 * MLflow, 250 on GitLab) is cut to it. See {@code docs/spark.md}.
 *
 * <p>Everything runs on the driver. The calls are synchronous where the tracker is: child candidates are created
 * and ended one after the other, and {@link #logModel} returns when the upload is done. Thread-safe.
 */
public final class SparkMlTracking {
  /** The tag on a child candidate naming its parent (MLflow's convention; its UI nests the children). */
  public static final String PARENT_TAG = "mlflow.parentRunId";
  /** The tag on a child candidate holding the index of its param map in the tuner's grid. */
  public static final String PARAM_MAP_INDEX_TAG = "mlops.spark.tuning.paramMapIndex";
  /** The tag on the parent holding the id of the best child candidate. */
  public static final String BEST_CHILD_TAG = "mlops.spark.tuning.bestCandidateId";
  /** The prefix of the parent's params that hold the best param map ({@code best.1.LogisticRegression.regParam}). */
  public static final String BEST_PARAM_PREFIX = "best.";

  private final Tracker tracker;

  private SparkMlTracking(Tracker tracker) {
    this.tracker = tracker;
  }

  /**
   * Spark ML tracking through {@code tracker}: child candidates are created by it, in the parent's experiment, and
   * param values are cut to its backend's limit.
   */
  public static SparkMlTracking of(Tracker tracker) {
    return new SparkMlTracking(required(tracker, "tracker"));
  }

  /**
   * Logs the params of a stage: an estimator, a transformer, a fitted model, an evaluator, a {@code Pipeline} (each
   * stage's params) or a {@code PipelineModel}, with the keys described above.
   *
   * @return the params logged, key to value, in pipeline order
   * @throws io.mlops.core.InvalidParameterException when the candidate has one of these params with another value
   */
  public Map<String, String> logParams(ActiveCandidate candidate, Params stage) {
    required(candidate, "candidate");
    required(stage, "stage");
    Map<String, String> params = StageParams.asMap(StageParams.of(stage, maxValueLength()));
    candidate.logParams(params);
    return params;
  }

  /**
   * Logs a fitted {@code CrossValidatorModel}: one child candidate per param map with the evaluator's metric
   * averaged over the folds (see {@link #logTuning(ActiveCandidate, TrainValidationSplitModel)} for the rest).
   */
  public TuningSummary logTuning(ActiveCandidate parent, CrossValidatorModel model) {
    required(model, "model");
    return logTuning(parent, TuningResults.of(model));
  }

  /**
   * Logs a fitted {@code TrainValidationSplitModel}: one child candidate per param map with the evaluator's metric
   * on the validation split.
   *
   * <p>On the parent: the tuner's params ({@code TrainValidationSplitModel.trainRatio}, the estimator's and the
   * evaluator's under {@code .estimator.} and {@code .evaluator.}, the values before the grid is applied), the best
   * param map as {@value #BEST_PARAM_PREFIX}{@code <key>} params, the best metric under the evaluator's metric name
   * ({@code areaUnderROC}, {@code rmse}, ...: the largest, or the smallest when the evaluator's
   * {@code isLargerBetter()} is false; the first on a tie, as Spark picks its best model), and the
   * {@value #BEST_CHILD_TAG} tag.
   *
   * <p>Each child is named {@code <parent name>-<i>}, has the tags {@value #PARENT_TAG} and
   * {@value #PARAM_MAP_INDEX_TAG}, the estimator's params with the i-th param map applied (the same keys as
   * {@link #logParams} gives the estimator), and the metric under the evaluator's metric name; it ends FINISHED. The
   * parent stays open: the caller ends it, typically after {@link #logModel} of the best model.
   *
   * @throws io.mlops.tracking.CandidateEndedException when the parent has ended (nothing is logged)
   * @throws io.mlops.core.InvalidParameterException when the parent has one of the tuner's params with another
   *     value (a second tuning logged into the same parent), before any child is created
   */
  public TuningSummary logTuning(ActiveCandidate parent, TrainValidationSplitModel model) {
    required(model, "model");
    return logTuning(parent, TuningResults.of(model));
  }

  private TuningSummary logTuning(ActiveCandidate parent, TuningResults results) {
    required(parent, "parent");
    logParams(parent, results.tuner());
    String experimentName = tracker.client().getExperiment(parent.experimentId()).name();
    int max = maxValueLength();
    List<String> childIds = new ArrayList<>(results.size());
    for (int i = 0; i < results.size(); i++) {
      childIds.add(logChild(parent, experimentName, results, i, max));
    }
    int best = results.bestIndex();
    Map<String, String> bestParams = new LinkedHashMap<>();
    double bestMetric = Double.NaN;
    if (best >= 0) {
      ParamMap bestMap = results.paramMap(best);
      for (StageParams.Entry e : StageParams.of(applied(results.estimator(), bestMap), max)) {
        if (bestMap.contains(e.param())) {
          bestParams.put(e.key(), e.value());
        }
      }
      Map<String, String> prefixed = new LinkedHashMap<>();
      bestParams.forEach((k, v) -> prefixed.put(BEST_PARAM_PREFIX + k, v));
      bestMetric = results.metric(best);
      parent.logParams(prefixed);
      parent.logMetric(results.metricName(), bestMetric);
      parent.setTag(BEST_CHILD_TAG, childIds.get(best));
    }
    return new TuningSummary(parent.id(), childIds, results.metricName(), results.largerIsBetter(), best, bestMetric,
        bestParams);
  }

  private String logChild(ActiveCandidate parent, String experimentName, TuningResults results, int i, int max) {
    ActiveCandidate child = tracker.startCandidate(experimentName, parent.name() + "-" + i);
    try {
      Map<String, String> tags = new LinkedHashMap<>();
      tags.put(PARENT_TAG, parent.id());
      tags.put(PARAM_MAP_INDEX_TAG, Integer.toString(i));
      child.setTags(tags);
      child.logParams(StageParams.asMap(StageParams.of(applied(results.estimator(), results.paramMap(i)), max)));
      child.logMetric(results.metricName(), results.metric(i));
    } catch (RuntimeException e) {
      child.fail(e);
      throw e;
    }
    child.close();
    return child.id();
  }

  /** The estimator with a param map applied, as the tuner fitted it ({@code Pipeline.copy} applies it per stage). */
  private static Params applied(Estimator<?> estimator, ParamMap map) {
    return estimator.copy(map);
  }

  /**
   * Saves a fitted model with Spark's writer ({@code model.write().overwrite().save}) into a local temporary
   * directory and uploads that directory as the candidate's artifacts under {@code artifactPath} (for example
   * {@code "model"}, the artifact path to promote). The temporary directory is deleted afterwards. Load it back
   * from a downloaded copy with the model class's {@code load}, e.g. {@code PipelineModel.load(dir.toString())}.
   *
   * <p>The model is written to a {@code file:} URI on the driver, whatever the cluster's default file system. In
   * local mode that always works; on a cluster, a model whose writer runs a Spark job (most do: their data is
   * written as Parquet by an executor) needs executors that see the driver's temporary directory. Otherwise save
   * it to shared storage yourself and log a local copy with {@link ActiveCandidate#logArtifact(Path, String)}.
   *
   * @throws io.mlops.tracking.CandidateEndedException when the candidate has ended (nothing is saved)
   * @throws UncheckedIOException when the temporary directory cannot be created or Spark's writer fails with an
   *     {@code IOException}
   */
  public void logModel(ActiveCandidate candidate, MLWritable model, String artifactPath) {
    required(candidate, "candidate");
    required(model, "model");
    required(artifactPath, "artifactPath");
    // logs nothing, but throws CandidateEndedException for an ended candidate before Spark spends a save on it
    candidate.logParams(Collections.emptyMap());
    try (SavedModel saved = SavedModel.save(model)) {
      candidate.logArtifact(saved.directory(), artifactPath);
    }
  }

  private static <T> T required(T value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " is required");
    }
    return value;
  }

  private int maxValueLength() {
    return tracker.client().capabilities().maxParamValueLength();
  }
}
