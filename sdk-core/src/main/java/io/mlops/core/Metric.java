package io.mlops.core;

import org.immutables.value.Value;

/**
 * One point of a metric's history. NaN and ±Infinity are legal values, as in MLflow.
 */
@Value.Immutable
public interface Metric {
  /** The metric key. */
  @Value.Parameter
  String key();

  /** The value. */
  @Value.Parameter
  double value();

  /** When it was measured, milliseconds since the epoch. */
  @Value.Parameter
  long timestamp();

  /** The training step (0 when not given). */
  @Value.Parameter
  long step();

  /** A metric point. */
  static Metric of(String key, double value, long timestamp, long step) {
    return ImmutableMetric.of(key, value, timestamp, step);
  }
}
