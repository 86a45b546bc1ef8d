package io.mlops.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricKeysTest {
  @Test
  void keepsWhatMlflowAccepts_replacesTheRest() {
    assertThat(MetricKeys.of("train_Accuracy")).isEqualTo("train_Accuracy");
    assertThat(MetricKeys.of("a-b.c/d:e f")).isEqualTo("a-b.c/d:e f");
    assertThat(MetricKeys.of("top@5(acc)")).isEqualTo("top_5_acc_");
    assertThat(MetricKeys.of("")).isEqualTo("_");
  }
}
