package io.mlops.core.internal;

import io.mlops.core.ConfigurationException;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/** What a tracking URI names, for the parts of the SDK that need to know without opening a backend. */
public final class TrackingUris {
  private TrackingUris() {}

  /**
   * True for a tracking URI the local store serves: a {@code file:} URI or a path (no scheme, or a Windows drive
   * letter), but never a name MLflow gives another meaning ({@link BackendResolver#unsupportedMlflowMeaning}).
   */
  public static boolean isLocal(String uri) {
    if (BackendResolver.unsupportedMlflowMeaning(uri) != null) {
      return false; // "databricks" is Databricks to MLflow, never a folder (write ./databricks for one)
    }
    String lower = uri.toLowerCase(Locale.ROOT);
    if (lower.startsWith("file:")) {
      return true;
    }
    int colon = uri.indexOf(':');
    // no scheme, or a Windows drive letter ("C:\mlruns")
    return colon < 0 || colon == 1 || uri.indexOf('/') >= 0 && uri.indexOf('/') < colon;
  }

  /**
   * A path or a {@code file:} URI as a path. Relative {@code file:} URIs ({@code file:./mlruns}, {@code
   * file:mlruns}) are accepted, as MLflow accepts them.
   *
   * @throws ConfigurationException for a malformed URI
   */
  public static Path localPath(String uri) {
    try {
      if (uri.toLowerCase(Locale.ROOT).startsWith("file:")) {
        String rest = uri.substring("file:".length());
        if (!rest.startsWith("/")) {
          return Paths.get(rest); // relative: not a hierarchical URI
        }
        return Paths.get(URI.create(uri));
      }
      return Paths.get(uri);
    } catch (IllegalArgumentException e) { // InvalidPathException included
      throw new ConfigurationException("Tracking URI '" + uri + "' is not a valid path or file: URI: "
          + e.getMessage(), e);
    }
  }
}
