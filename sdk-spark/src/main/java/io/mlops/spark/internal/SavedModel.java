package io.mlops.spark.internal;

import io.mlops.core.internal.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.ml.util.MLWritable;

/**
 * A Spark ML model saved with its own writer into a new local temporary directory, deleted on {@link #close()}.
 * The writer is given a {@code file:} URI, so a cluster whose default file system is HDFS does not receive it.
 */
public final class SavedModel implements AutoCloseable {
  private final Path root;
  private final Path dir;

  private SavedModel(Path root, Path dir) {
    this.root = root;
    this.dir = dir;
  }

  /**
   * Saves {@code model} ({@code model.write().overwrite().save(...)}).
   *
   * @throws UncheckedIOException when the temporary directory cannot be created or the writer fails with an
   *     {@code IOException}
   */
  public static SavedModel save(MLWritable model) {
    Path root;
    try {
      root = Files.createTempDirectory("mlops-spark-model");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary directory to save the model in", e);
    }
    Path dir = root.resolve("model");
    try {
      model.write().overwrite().save(dir.toUri().toString());
    } catch (IOException e) {
      FileTrees.deleteQuietly(root);
      throw new UncheckedIOException("Cannot save the model to " + dir, e);
    } catch (RuntimeException | Error e) {
      FileTrees.deleteQuietly(root);
      throw e;
    }
    return new SavedModel(root, dir);
  }

  /** The directory the model was saved into (its {@code metadata/}, {@code stages/} or {@code data/}). */
  public Path directory() {
    return dir;
  }

  /** Deletes the temporary directory; a leftover after a failed delete is harmless. */
  @Override
  public void close() {
    FileTrees.deleteQuietly(root);
  }
}
