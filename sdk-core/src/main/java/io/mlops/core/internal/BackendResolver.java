package io.mlops.core.internal;

import io.mlops.core.ConfigurationException;
import io.mlops.core.MlopsConfig;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.BackendProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
      String meaning = unsupportedMlflowMeaning(uri);
      if (meaning != null) {
        throw new ConfigurationException("The tracking URI '" + uri + "' means " + meaning + " to MLflow, which "
            + "this SDK does not support (installed backends: " + names + "). Use an http(s):// tracking server, "
            + "a GitLab MLflow URI, or a path or file: URI for the local store; for a local folder of that name, "
            + "write './" + uri + "'.");
      }
      throw new ConfigurationException("No backend understands the tracking URI '" + uri + "' (installed: "
          + names + "). Use a path or a file: URI for the local store.");
    }
    return best.open(config);
  }

  /**
   * What MLflow makes of a tracking or registry URI that no backend of ours supports, or null when MLflow gives
   * it no such meaning: {@code databricks} and {@code databricks://<profile>} (Databricks' managed tracking),
   * {@code databricks-uc} and {@code databricks-uc://<profile>} (Databricks Unity Catalog's model registry),
   * {@code uc:...} (a Unity Catalog registry). A bare {@code databricks} would otherwise read as a relative path and
   * silently create a local store in {@code ./databricks}; the local provider refuses these names for that reason.
   */
  public static String unsupportedMlflowMeaning(String uri) {
    String lower = uri.trim().toLowerCase(Locale.ROOT);
    if (lower.equals("databricks") || lower.startsWith("databricks://")) {
      return "Databricks' managed MLflow tracking";
    }
    if (lower.equals("databricks-uc") || lower.startsWith("databricks-uc://")) {
      return "the Databricks Unity Catalog model registry";
    }
    if (lower.startsWith("uc:")) {
      return "a Unity Catalog model registry";
    }
    return null;
  }
}
