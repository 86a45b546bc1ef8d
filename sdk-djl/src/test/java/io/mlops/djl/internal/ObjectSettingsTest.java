package io.mlops.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectSettingsTest {
  @Test
  void adam_givesItsTrackerItsInitialRateAndEveryScalarSetting_butNoState() {
    Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.003f)).optBeta1(0.8f)
        .optWeightDecays(0.01f).optClipGrad(1f).build();
    Map<String, String> s = ObjectSettings.of(adam, "optimizer.");
    assertThat(s).containsEntry("optimizer.learning_rate_tracker", "FixedTracker")
        .containsEntry("optimizer.learning_rate", "0.003")
        .containsEntry("optimizer.beta1", "0.8")
        .containsEntry("optimizer.beta2", "0.999")
        .containsEntry("optimizer.weight_decays", "0.01")
        .containsEntry("optimizer.clip_grad", "1.0")
        .containsEntry("optimizer.rescale_grad", "1.0")
        .doesNotContainKeys("optimizer.num_update", "optimizer.update_counts", "optimizer.means");
  }

  @Test
  void initializer_enumsAndNumbers() {
    Map<String, String> s = ObjectSettings.of(new XavierInitializer(), "initializer.");
    assertThat(s).containsEntry("initializer.random_type", "UNIFORM").containsEntry("initializer.factor_type", "AVG")
        .containsEntry("initializer.magnitude", "6.0");
  }

  @Test
  void nothingToRead_isEmpty() {
    assertThat(ObjectSettings.of(null, "x.")).isEmpty();
    assertThat(ObjectSettings.of(new Object(), "x.")).isEmpty();
  }

  @Test
  void snakeCase() {
    assertThat(ObjectSettings.snakeCase("learningRateTracker")).isEqualTo("learning_rate_tracker");
    assertThat(ObjectSettings.snakeCase("beta1")).isEqualTo("beta1");
  }
}
