package io.mlops.core.spi;

import io.mlops.core.MlopsConfig;
import java.util.Map;
import java.util.Optional;

/**
 * Opens a backend for the tracking URIs it understands. A backend module registers its provider in
 * {@code META-INF/services/io.mlops.core.spi.BackendProvider}; the SDK finds it with {@link java.util.ServiceLoader}
 * by tracking URI. A jar that merges several modules (a shaded or "fat" jar) must merge their service files too
 * (the shade plugin's {@code ServicesResourceTransformer}); otherwise only the local store is found.
 */
public interface BackendProvider {
  /** A short name for messages, e.g. {@code local}, {@code MLflow}. */
  String name();

  /**
   * How well this provider handles a tracking URI: 0 for not at all; the provider with the highest score wins
   * (a GitLab provider scores an {@code .../ml/mlflow} URI above the generic MLflow one).
   */
  int score(String trackingUri);

  /** Opens a backend for the configuration's tracking URI. The caller closes it. */
  Backend open(MlopsConfig config);

  /**
   * The tracking URI this provider proposes when none is configured at any level, from the environment; empty by
   * default. The first installed provider that proposes one wins over the default {@code ./mlruns} (the GitLab
   * module proposes the job's project inside a GitLab CI job). Called while a {@link MlopsConfig} is built, so it
   * must not build one.
   *
   * @param environment the environment the configuration is built from
   * @param tokenConfigured whether a token ({@code MLFLOW_TRACKING_TOKEN}) is configured at any level; the token
   *     itself is not passed, so it cannot reach a log
   */
  default Optional<String> defaultTrackingUri(Map<String, String> environment, boolean tokenConfigured) {
    return Optional.empty();
  }
}
