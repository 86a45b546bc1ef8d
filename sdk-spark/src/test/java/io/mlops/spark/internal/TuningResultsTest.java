package io.mlops.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TuningResultsTest {
  @Test
  void best_isTheFirstLargest_whenLargerIsBetter() {
    assertThat(TuningResults.best(new double[] {0.7, 0.9, 0.9, 0.1}, true)).isEqualTo(1);
  }

  @Test
  void best_isTheFirstSmallest_whenSmallerIsBetter() {
    assertThat(TuningResults.best(new double[] {3.0, 1.0, 2.0, 1.0}, false)).isEqualTo(1);
  }

  @Test
  void best_skipsNaN_andIsMinusOneWhenEveryMetricIsNaN() {
    assertThat(TuningResults.best(new double[] {Double.NaN, 0.2, Double.NaN}, true)).isEqualTo(1);
    assertThat(TuningResults.best(new double[] {Double.NaN, 5.0}, false)).isEqualTo(1);
    assertThat(TuningResults.best(new double[] {Double.NaN, Double.NaN}, true)).isEqualTo(-1);
    assertThat(TuningResults.best(new double[0], true)).isEqualTo(-1);
  }
}
