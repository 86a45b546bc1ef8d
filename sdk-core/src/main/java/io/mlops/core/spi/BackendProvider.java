package io.mlops.core.spi;

import io.mlops.core.MlopsConfig;

/**
 * Opens a backend for the tracking URIs it understands. Registered in
 * {@code META-INF/services/io.mlops.core.spi.BackendProvider}.
 */
public interface BackendProvider {
  /** A short name for messages, e.g. {@code local}, {@code MLflow}. */
  String name();

  /**
   * How well this provider handles a tracking URI: 0 for not at all; the provider with the highest score wins
   * (a GitLab provider scores an {@code .../ml/mlflow} URI above the generic MLflow one).
   */
  int score(String trackingUri);

  /** Opens a backend for the configuration's tracking URI. */
  Backend open(MlopsConfig config);
}
