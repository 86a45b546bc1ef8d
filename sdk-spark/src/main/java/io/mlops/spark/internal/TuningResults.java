package io.mlops.spark.internal;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;

/**
 * What a fitted tuner found: its estimator, its param maps, the evaluator's metric for each map (the average over
 * the folds for a {@code CrossValidatorModel}, the validation metric for a {@code TrainValidationSplitModel}), and
 * the best map, chosen as Spark chooses the best model: the first map with the largest metric, or the smallest when
 * the evaluator's {@code isLargerBetter()} is false. NaN metrics are never the best.
 */
public final class TuningResults {
  /** The metric name used when the evaluator has no {@code metricName} param. */
  public static final String DEFAULT_METRIC_NAME = "metric";

  private final Params tuner;
  private final Estimator<?> estimator;
  private final ParamMap[] paramMaps;
  private final double[] metrics;
  private final String metricName;
  private final boolean largerIsBetter;
  private final int bestIndex;

  private TuningResults(Params tuner, Estimator<?> estimator, Evaluator evaluator, ParamMap[] paramMaps,
      double[] metrics) {
    if (paramMaps == null || metrics == null || paramMaps.length != metrics.length) {
      throw new IllegalArgumentException("The tuner " + tuner.uid() + " has " + length(paramMaps)
          + " param maps but " + length(metrics) + " metrics; was it fitted?");
    }
    this.tuner = tuner;
    this.estimator = estimator;
    this.paramMaps = paramMaps.clone();
    this.metrics = metrics.clone();
    this.metricName = metricName(evaluator);
    this.largerIsBetter = evaluator.isLargerBetter();
    this.bestIndex = best(this.metrics, largerIsBetter);
  }

  /** The results of a fitted {@code CrossValidatorModel}: one average metric over the folds per map. */
  public static TuningResults of(CrossValidatorModel model) {
    return new TuningResults(model, model.getEstimator(), model.getEvaluator(), model.getEstimatorParamMaps(),
        model.avgMetrics());
  }

  /** The results of a fitted {@code TrainValidationSplitModel}: one validation metric per map. */
  public static TuningResults of(TrainValidationSplitModel model) {
    return new TuningResults(model, model.getEstimator(), model.getEvaluator(), model.getEstimatorParamMaps(),
        model.validationMetrics());
  }

  /** The fitted tuner. */
  public Params tuner() {
    return tuner;
  }

  /** The estimator the tuner fitted with each param map. */
  public Estimator<?> estimator() {
    return estimator;
  }

  /** How many param maps were tried. */
  public int size() {
    return paramMaps.length;
  }

  /** The i-th param map. */
  public ParamMap paramMap(int i) {
    return paramMaps[i];
  }

  /** The metric of the i-th param map. */
  public double metric(int i) {
    return metrics[i];
  }

  /** The evaluator's metric name ({@code areaUnderROC}, {@code rmse}, ...), or {@value #DEFAULT_METRIC_NAME}. */
  public String metricName() {
    return metricName;
  }

  /** Whether a larger metric is better (the evaluator's {@code isLargerBetter()}). */
  public boolean largerIsBetter() {
    return largerIsBetter;
  }

  /** The index of the best param map, or -1 when every metric is NaN (or there are no maps). */
  public int bestIndex() {
    return bestIndex;
  }

  static int best(double[] metrics, boolean largerIsBetter) {
    int best = -1;
    for (int i = 0; i < metrics.length; i++) {
      double m = metrics[i];
      if (Double.isNaN(m)) {
        continue;
      }
      if (best < 0 || (largerIsBetter ? m > metrics[best] : m < metrics[best])) {
        best = i;
      }
    }
    return best;
  }

  private static String metricName(Evaluator evaluator) {
    if (evaluator.hasParam("metricName")) {
      Param<Object> p = evaluator.getParam("metricName");
      if (evaluator.isDefined(p)) {
        Object name = evaluator.getOrDefault(p);
        if (name != null && !name.toString().isEmpty()) {
          return name.toString();
        }
      }
    }
    return DEFAULT_METRIC_NAME;
  }

  private static String length(Object array) {
    if (array == null) {
      return "no";
    }
    return Integer.toString(array instanceof double[] ? ((double[]) array).length : ((Object[]) array).length);
  }
}
