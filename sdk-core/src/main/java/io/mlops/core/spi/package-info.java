/**
 * The backend SPI: what a storage backend (the local file store, an MLflow server, GitLab, or a third-party one)
 * implements. A {@link io.mlops.core.spi.BackendProvider} is found with {@link java.util.ServiceLoader} by the
 * tracking URI and opens a {@link io.mlops.core.spi.Backend}.
 *
 * <p>Implementations receive input the typed clients have validated already and split into batches within the
 * backend's {@link io.mlops.core.spi.Capabilities}.
 */
package io.mlops.core.spi;
