package io.mlops.core.internal.local;

import io.mlops.core.internal.BackendResolver;
import io.mlops.core.internal.SimpleBackend;
import io.mlops.core.ConfigurationException;
import io.mlops.core.MlopsConfig;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.BackendProvider;
import io.mlops.core.spi.Capabilities;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/** The local store for plain paths and {@code file:} URIs. */
public final class LocalBackendProvider implements BackendProvider {
  @Override
  public String name() {
    return "local";
  }

  @Override
  public int score(String trackingUri) {
    return isLocal(trackingUri) ? 10 : 0;
  }

  @Override
  public Backend open(MlopsConfig config) {
    LocalFileStore store = new LocalFileStore(toPath(config.trackingUri()));
    // The same root: MLflow keeps the registry of a file store in <root>/models.
    LocalModelRegistry registry = new LocalModelRegistry(store.root());
    Capabilities caps = Capabilities.builder().backendName("local store")
        .maxKeySegmentBytes(LocalFileStore.MAX_FILE_NAME_BYTES).build();
    return new SimpleBackend("local store at " + store.root(), caps, store, store, registry, store::close);
  }

  static boolean isLocal(String uri) {
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
  public static Path toPath(String uri) {
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
