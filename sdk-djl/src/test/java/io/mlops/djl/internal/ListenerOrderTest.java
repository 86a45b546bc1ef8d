package io.mlops.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.training.listener.EpochTrainingListener;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenerOrderTest {
  private final TrainingListener self = new TrainingListenerAdapter() {};

  @Test
  void afterAnEvaluatorListener_reusesItsValues_silently() {
    ListenerOrder o = ListenerOrder.of(List.of(new EpochTrainingListener(), new EvaluatorTrainingListener(), self),
        self);
    assertThat(o.reusesDjlEvaluations()).isTrue();
    assertThat(o.misordered()).isFalse();
    assertThat(o.note()).isNull();
  }

  @Test
  void beforeAnEvaluatorListener_evaluatesItself_andSaysWhereToPutIt() {
    ListenerOrder o = ListenerOrder.of(List.of(self, new EvaluatorTrainingListener()), self);
    assertThat(o.reusesDjlEvaluations()).isFalse();
    assertThat(o.misordered()).isTrue();
    assertThat(o.note()).contains("comes before DJL's EvaluatorTrainingListener")
        .contains("after TrainingListener.Defaults.basic() or logging()");
  }

  @Test
  void withoutAnEvaluatorListener_evaluatesItself() {
    ListenerOrder o = ListenerOrder.of(List.of(new EpochTrainingListener(), self), self);
    assertThat(o.reusesDjlEvaluations()).isFalse();
    assertThat(o.misordered()).isFalse();
    assertThat(o.note()).startsWith("No EvaluatorTrainingListener on this trainer");
  }
}
