package io.mlops.core.internal;

import io.mlops.core.ConfigurationException;
import io.mlops.core.MlopsConfig;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.BackendProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Picks the installed {@link BackendProvider} that scores a tracking URI highest. A URI that an official backend
 * module would serve but which is not installed fails with a {@link ConfigurationException} naming the Maven
 * artifact to add ({@link BackendModule}).
 */
public final class BackendResolver {
  private BackendResolver() {}

  /**
   * Opens the backend for the configuration's tracking URI.
   *
   * @throws ConfigurationException when no provider understands the URI
   */
  public static Backend open(MlopsConfig config) {
    return open(config, BackendProviders.installed());
  }

  /** {@link #open(MlopsConfig)} among the given providers. */
  static Backend open(MlopsConfig config, List<BackendProvider> providers) {
    String uri = config.trackingUri();
    BackendProvider best = null;
    int bestScore = 0;
    List<String> names = new ArrayList<>();
    for (BackendProvider p : providers) {
      names.add(p.name());
      int score = p.score(uri);
      if (score > bestScore) {
        best = p;
        bestScore = score;
      }
    }
    BackendModule missing = BackendModule.serving(uri);
    if (missing != null && (best == null || bestScore < missing.score()) && !names.contains(missing.providerName())) {
      throw new ConfigurationException("The tracking URI '" + UriCredentials.strip(uri) + "' needs the "
          + missing.displayName() + " backend, which is not on the class path (installed backends: " + names
          + "). Add the dependency " + missing.coordinates() + " (with the BOM io.mlops:mlops-sdk-bom for its "
          + "version); in a shaded jar, merge META-INF/services files.");
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
