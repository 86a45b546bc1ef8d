package io.mlops.core.internal;

import io.mlops.core.Metric;

/**
 * Picks the latest point of a metric history, the one a candidate's data shows, as MLflow's stores pick it
 * ({@code FileStore._get_metric_from_file}: {@code max(points, key=lambda m: (m.step, m.timestamp, m.value))}).
 * Every store of the SDK that keeps whole histories picks it here, so that they agree on ties and NaN.
 */
public final class LatestMetric {
  private LatestMetric() {}

  /**
   * The latest point of a history in logging order. Python's {@code max} keeps the first of equal keys and
   * replaces it only by a strictly greater key, and the tuples compare with Python's float operators, so on a tie
   * of step and timestamp the earlier point stays when the values are equal ({@code -0.0} and {@code 0.0}
   * included) and whenever either value is NaN (NaN is neither greater nor smaller than anything). Hence
   * {@code 0.5, NaN} keeps 0.5, {@code NaN, 0.5} keeps NaN, and {@code NaN, 1.0, 2.0} keeps NaN although 2.0 &gt;
   * 1.0. Returns null for an empty history.
   */
  public static Metric of(Iterable<Metric> points) {
    Metric best = null;
    for (Metric m : points) {
      best = after(best, m);
    }
    return best;
  }

  /**
   * The latest point once {@code next} is logged after a history whose latest point is {@code best} (null for an
   * empty history): what {@link #of} gives for the history with {@code next} appended.
   */
  public static Metric after(Metric best, Metric next) {
    return best == null || isGreater(next, best) ? next : best;
  }

  /** Python's {@code (a.step, a.timestamp, a.value) > (b.step, b.timestamp, b.value)}. */
  private static boolean isGreater(Metric a, Metric b) {
    if (a.step() != b.step()) {
      return a.step() > b.step();
    }
    if (a.timestamp() != b.timestamp()) {
      return a.timestamp() > b.timestamp();
    }
    // Python compares the first elements that are not ==; NaN is never == (nor >), -0.0 == 0.0. The primitive
    // operator has exactly these semantics, where Double.compare would rank NaN highest and -0.0 below 0.0.
    return a.value() > b.value();
  }
}
