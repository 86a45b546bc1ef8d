package io.mlops.djl;

/**
 * Training code run by {@link MlopsTrainingListener#run(TrainingBody)}, typically
 * {@code () -> EasyTrain.fit(trainer, epochs, train, validate)}.
 */
@FunctionalInterface
public interface TrainingBody {
  /** Trains; any exception it throws marks the candidate FAILED. */
  void run() throws Exception;
}
