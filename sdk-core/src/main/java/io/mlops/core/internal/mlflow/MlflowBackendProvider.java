package io.mlops.core.internal.mlflow;

import io.mlops.core.MlopsConfig;
import io.mlops.core.spi.ArtifactStore;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.BackendProvider;
import io.mlops.core.spi.Capabilities;
import io.mlops.core.spi.RegistryStore;
import io.mlops.core.spi.TrackingStore;
import java.util.Locale;

/** An MLflow tracking server for {@code http://} and {@code https://} tracking URIs. */
public final class MlflowBackendProvider implements BackendProvider {
  @Override
  public String name() {
    return "MLflow";
  }

  @Override
  public int score(String trackingUri) {
    String lower = trackingUri.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://") ? 5 : 0;
  }

  @Override
  public Backend open(MlopsConfig config) {
    MlflowHttp http = new MlflowHttp(config);
    MlflowRestStore tracking = new MlflowRestStore(http);
    MlflowArtifactStore artifacts = new MlflowArtifactStore(http, tracking);
    MlflowRegistryStore registry = new MlflowRegistryStore(http);
    Capabilities capabilities = Capabilities.mlflowDefaults("MLflow");
    return new Backend() {
      @Override
      public Capabilities capabilities() {
        return capabilities;
      }

      @Override
      public TrackingStore trackingStore() {
        return tracking;
      }

      @Override
      public ArtifactStore artifactStore() {
        return artifacts;
      }

      @Override
      public RegistryStore registryStore() {
        return registry;
      }

      @Override
      public void close() {
        http.close();
      }

      @Override
      public String toString() {
        return "MLflow server at " + MlflowHttp.describe(http.base());
      }
    };
  }
}
