package io.mlops.core.spi;

/** An opened backend: its capabilities and its stores. Closing it releases files, threads and connections. */
public interface Backend extends AutoCloseable {
  /** What the backend supports and its batch limits. */
  Capabilities capabilities();

  /** Experiments, candidates and logging. */
  TrackingStore trackingStore();

  /** Candidate artifacts. */
  ArtifactStore artifactStore();

  /**
   * The model registry.
   *
   * @throws io.mlops.core.OperationNotSupportedException when the backend has none
   */
  default RegistryStore registryStore() {
    throw new io.mlops.core.OperationNotSupportedException(capabilities().backendName(), "the model registry");
  }

  /** Releases resources; idempotent. */
  @Override
  void close();
}
