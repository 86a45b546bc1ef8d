package io.mlops.djl.internal;

import ai.djl.training.Trainer;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListener;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a listener stands among a trainer's listeners, and so where its evaluations come from.
 *
 * <p>DJL's {@link EvaluatorTrainingListener} accumulates the evaluators and resets them in its {@code onEpoch}: a
 * listener after it reads this batch's values and the epoch's {@code getTrainingResult()}; a listener before it would
 * read the previous epoch's. So a tracking listener reuses DJL's values when it comes after one, and accumulates its
 * own otherwise (its own accumulator keys, so that the two never interfere). The trainer does not expose its
 * listeners; {@link Trainer#notifyListeners} (public) walks them in order, and the consumer here only collects them.
 */
public final class ListenerOrder {
  private final boolean reusesDjlEvaluations;
  private final boolean misordered;
  private final String note;

  private ListenerOrder(boolean reusesDjlEvaluations, boolean misordered, String note) {
    this.reusesDjlEvaluations = reusesDjlEvaluations;
    this.misordered = misordered;
    this.note = note;
  }

  /** The order of {@code self} among the trainer's listeners. */
  public static ListenerOrder of(Trainer trainer, TrainingListener self) {
    List<TrainingListener> all = new ArrayList<>();
    trainer.notifyListeners(all::add);
    return of(all, self);
  }

  /** The order of {@code self} in {@code listeners}, as the trainer calls them. */
  public static ListenerOrder of(List<TrainingListener> listeners, TrainingListener self) {
    int selfAt = -1;
    int evaluatorAt = -1;
    for (int i = 0; i < listeners.size(); i++) {
      TrainingListener l = listeners.get(i);
      if (l == self && selfAt < 0) {
        selfAt = i;
      } else if (l instanceof EvaluatorTrainingListener && evaluatorAt < 0) {
        evaluatorAt = i;
      }
    }
    String name = self.getClass().getSimpleName();
    if (evaluatorAt >= 0 && (selfAt < 0 || evaluatorAt < selfAt)) {
      return new ListenerOrder(true, false, null);
    }
    if (evaluatorAt >= 0) {
      return new ListenerOrder(false, true, name + " comes before DJL's EvaluatorTrainingListener, which resets the "
          + "evaluators at each epoch's end: it evaluates the loss and evaluators itself (the same values, computed "
          + "twice). Add it after TrainingListener.Defaults.basic() or logging(), e.g. config.addTrainingListeners("
          + "TrainingListener.Defaults.logging()) first, to reuse DJL's evaluations.");
    }
    return new ListenerOrder(false, false, "No EvaluatorTrainingListener on this trainer (TrainingListener.Defaults."
        + "basic() or logging() add one): " + name + " evaluates the loss and evaluators itself.");
  }

  /** True when an {@link EvaluatorTrainingListener} runs before the listener, whose values it can read. */
  public boolean reusesDjlEvaluations() {
    return reusesDjlEvaluations;
  }

  /** True when the listener comes before an {@link EvaluatorTrainingListener}: it works, at twice the cost. */
  public boolean misordered() {
    return misordered;
  }

  /** What the user should know about the order, or null when it is the expected one. */
  public String note() {
    return note;
  }
}
