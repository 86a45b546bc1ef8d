package io.mlops.spark;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link SparkMlTracking#logTuning} logged: one child candidate per param map, in the tuner's order, and the
 * best one.
 */
public final class TuningSummary {
  private final String parentId;
  private final List<String> childIds;
  private final String metricName;
  private final boolean largerIsBetter;
  private final int bestIndex;
  private final double bestMetric;
  private final Map<String, String> bestParams;

  TuningSummary(String parentId, List<String> childIds, String metricName, boolean largerIsBetter, int bestIndex,
      double bestMetric, Map<String, String> bestParams) {
    this.parentId = parentId;
    this.childIds = Collections.unmodifiableList(childIds);
    this.metricName = metricName;
    this.largerIsBetter = largerIsBetter;
    this.bestIndex = bestIndex;
    this.bestMetric = bestMetric;
    this.bestParams = Collections.unmodifiableMap(bestParams);
  }

  /** The parent candidate's id. */
  public String parentId() {
    return parentId;
  }

  /** The child candidates' ids; the i-th child holds the tuner's i-th param map. */
  public List<String> childIds() {
    return childIds;
  }

  /** The evaluator's metric name, the key of the metric on the children and the parent. */
  public String metricName() {
    return metricName;
  }

  /** Whether a larger metric is better (the evaluator's {@code isLargerBetter()}). */
  public boolean largerIsBetter() {
    return largerIsBetter;
  }

  /** The index of the best param map; empty when every metric was NaN. */
  public Optional<Integer> bestIndex() {
    return bestIndex < 0 ? Optional.empty() : Optional.of(bestIndex);
  }

  /** The best child's id; empty when every metric was NaN. */
  public Optional<String> bestChildId() {
    return bestIndex < 0 ? Optional.empty() : Optional.of(childIds.get(bestIndex));
  }

  /** The best metric; NaN when every metric was NaN. */
  public double bestMetric() {
    return bestMetric;
  }

  /**
   * The best param map as param keys and values, without the {@value SparkMlTracking#BEST_PARAM_PREFIX} prefix the
   * parent's params have; empty when every metric was NaN.
   */
  public Map<String, String> bestParams() {
    return bestParams;
  }

  @Override
  public String toString() {
    return "TuningSummary{parentId=" + parentId + ", children=" + childIds.size() + ", " + metricName + "="
        + bestMetric + " at " + bestIndex + ", bestParams=" + bestParams + "}";
  }
}
