package io.mlops.djl;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import io.mlops.core.ValidationException;
import io.mlops.djl.internal.VersionDirectories;
import io.mlops.registry.ModelRegistry;
import io.mlops.registry.RegisteredVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Loads a registry model straight into DJL: resolves a model URI ({@code models:/<name>@<alias>},
 * {@code models:/<name>/<semver>}, {@code models:/<name>/latest}) through the {@link ModelRegistry} (its resolution
 * cache), downloads the version's files with the registry's checks (sizes against the listing, no path leaving the
 * target, nothing half-written) into a local directory per version, and loads them as a DJL {@link Model} or,
 * through a {@link Criteria}, a {@link ZooModel}.
 *
 * <pre>{@code
 * try (ModelRegistry registry = ModelRegistry.create();
 *      ZooModel<NDList, NDList> model = DjlModelLoader.create(registry).load("models:/mlp@champion",
 *          Criteria.builder().setTypes(NDList.class, NDList.class).optBlock(Mlp.block()).build());
 *      Predictor<NDList, NDList> predictor = model.newPredictor()) {
 *   NDList out = predictor.predict(input);
 * }
 * }</pre>
 *
 * <p>Versions are immutable, so a version's directory, once downloaded, is reused by later loads of the same
 * version from the same store (the {@link Builder#cacheDirectory cache directory}, default
 * {@code ~/.mlops/djl-models}). A model saved by {@link MlopsTrainingListener} ({@code Model.save}) holds only
 * parameters: give the block that has them, as DJL requires. The engine is DJL's choice as always (the default
 * engine, or {@code Criteria.optEngine}). Thread-safe.
 */
public final class DjlModelLoader {
  private final ModelRegistry registry;
  private final Path cacheDirectory;

  private DjlModelLoader(ModelRegistry registry, Path cacheDirectory) {
    this.registry = registry;
    this.cacheDirectory = cacheDirectory;
  }

  /** A loader over {@code registry} with the default cache directory. */
  public static DjlModelLoader create(ModelRegistry registry) {
    return builder(registry).build();
  }

  /** A builder of a loader over {@code registry}. */
  public static Builder builder(ModelRegistry registry) {
    if (registry == null) {
      throw new IllegalArgumentException("registry is required");
    }
    return new Builder(registry);
  }

  /**
   * The local directory holding the files of the version {@code modelUri} names, downloaded now unless an earlier
   * call downloaded that version already.
   *
   * @throws io.mlops.core.ResourceNotFoundException when the URI names no version
   */
  public Path download(String modelUri) {
    RegisteredVersion version = registry.resolve(modelUri);
    Path dir = VersionDirectories.of(cacheDirectory, registry.trackingClient().config().trackingUri(), version);
    if (Files.isDirectory(dir)) {
      return dir.toAbsolutePath();
    }
    try {
      Files.createDirectories(dir.getParent());
      return registry.download(version, dir, io.mlops.core.TransferListener.NONE);
    } catch (ValidationException e) {
      if (Files.isDirectory(dir)) {
        return dir.toAbsolutePath(); // another thread or process moved the same version into place first
      }
      throw e;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot create " + dir.getParent(), e);
    }
  }

  /**
   * A new DJL model with {@code block} and the parameters of the version {@code modelUri} names, on the default
   * engine and device. The model is named as it was saved; close it when done.
   *
   * @throws IllegalArgumentException when {@code modelUri} or {@code block} is null
   * @throws MalformedModelException when the files do not fit the block
   */
  public Model load(String modelUri, Block block) throws IOException, MalformedModelException {
    if (modelUri == null || block == null) {
      throw new IllegalArgumentException("modelUri and block are required");
    }
    Path dir = download(modelUri);
    String name = VersionDirectories.savedModelName(dir);
    Model model = Model.newInstance(name != null ? name : registry.resolve(modelUri).modelName());
    try {
      model.setBlock(block);
      model.load(dir, name);
      return model;
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Loads the version {@code modelUri} names through {@code criteria}, with its model path set to the version's
   * directory and, unless the criteria names one, its model name set to the one the files were saved under. The
   * criteria's block, translator, engine and device apply as usual.
   */
  public <I, O> ZooModel<I, O> load(String modelUri, Criteria<I, O> criteria)
      throws IOException, ModelNotFoundException, MalformedModelException {
    if (modelUri == null || criteria == null) {
      throw new IllegalArgumentException("modelUri and criteria are required");
    }
    Path dir = download(modelUri);
    Criteria.Builder<I, O> b = criteria.toBuilder().optModelPath(dir);
    if (criteria.getModelName() == null) {
      String name = VersionDirectories.savedModelName(dir);
      if (name != null) {
        b.optModelName(name);
      }
    }
    return b.build().loadModel();
  }

  /** Builds a {@link DjlModelLoader}. */
  public static final class Builder {
    private final ModelRegistry registry;
    private Path cacheDirectory = Paths.get(System.getProperty("user.home"), ".mlops", "djl-models");

    private Builder(ModelRegistry registry) {
      this.registry = registry;
    }

    /** Where versions are downloaded to, one directory per version; default {@code ~/.mlops/djl-models}. */
    public Builder cacheDirectory(Path directory) {
      if (directory == null) {
        throw new IllegalArgumentException("cacheDirectory must not be null");
      }
      this.cacheDirectory = directory;
      return this;
    }

    /** The loader. */
    public DjlModelLoader build() {
      return new DjlModelLoader(registry, cacheDirectory);
    }
  }
}
