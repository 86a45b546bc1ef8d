package io.mlops.djl.internal;

import ai.djl.Model;
import io.mlops.core.internal.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Saved copies of a model in a temporary directory: the final one, or the best epoch's (kept until a better
 * one replaces it). One instance per training; {@link #close()} deletes what it wrote.
 */
public final class ModelArtifacts implements AutoCloseable {
  private final boolean largerIsBetter;
  private Path saved;
  private float best = Float.NaN;
  private int bestEpoch = -1;

  /** For the final model, or the best checkpoint by a value where {@code largerIsBetter} says which way is up. */
  public ModelArtifacts(boolean largerIsBetter) {
    this.largerIsBetter = largerIsBetter;
  }

  /**
   * Saves the model if {@code value} is the best so far (NaN never is), replacing the previous best.
   *
   * @return true if it was saved
   */
  public boolean offerCheckpoint(Model model, int epoch, float value) throws IOException {
    if (Float.isNaN(value) || bestEpoch >= 0 && !(largerIsBetter ? value > best : value < best)) {
      return false;
    }
    Path previous = saved;
    saved = save(model);
    best = value;
    bestEpoch = epoch;
    delete(previous);
    return true;
  }

  /** The epoch of the best checkpoint, or -1 when none was saved. */
  public int bestEpoch() {
    return bestEpoch;
  }

  /** The best value seen (NaN when none). */
  public float bestValue() {
    return best;
  }

  /** The directory of the best checkpoint, or null. */
  public Path checkpoint() {
    return saved;
  }

  /** Saves the model as it is now into a new temporary directory ({@code Model.save}) and returns it. */
  public Path saveFinal(Model model) throws IOException {
    Path previous = saved;
    saved = save(model);
    delete(previous);
    return saved;
  }

  private static Path save(Model model) throws IOException {
    Path dir = Files.createTempDirectory("mlops-djl-model");
    try {
      model.save(dir, model.getName());
    } catch (IOException | RuntimeException e) {
      delete(dir);
      throw e;
    }
    return dir;
  }

  @Override
  public void close() {
    delete(saved);
    saved = null;
  }

  /** Deletes a directory tree with the SDK's one recursive delete; null and a missing directory are no-ops. */
  static void delete(Path dir) {
    try {
      FileTrees.delete(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
