package io.mlops.core.internal;

import io.mlops.core.ConfigurationException;
import io.mlops.core.MlopsConfig;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.BackendProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Picks the {@link BackendProvider} that scores a tracking URI highest, through {@link ServiceLoader}. */
public final class BackendResolver {
  private BackendResolver() {}

  /**
   * Opens the backend for the configuration's tracking URI.
   *
   * @throws ConfigurationException when no provider understands the URI
   */
  public static Backend open(MlopsConfig config) {
    String uri = config.trackingUri();
    BackendProvider best = null;
    int bestScore = 0;
    List<String> names = new ArrayList<>();
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class, BackendResolver.class.getClassLoader())) {
      names.add(p.name());
      int score = p.score(uri);
      if (score > bestScore) {
        best = p;
        bestScore = score;
      }
    }
    if (best == null) {
      throw new ConfigurationException("No backend understands the tracking URI '" + uri + "' (installed: "
          + names + "). Use a path or a file: URI for the local store.");
    }
    return best.open(config);
  }
}
