package io.mlops.mlflow;

import io.mlops.core.internal.SimpleBackend;
import io.mlops.mlflow.internal.MlflowArtifactStore;
import io.mlops.mlflow.internal.MlflowHttp;
import io.mlops.mlflow.internal.MlflowRegistryStore;
import io.mlops.mlflow.internal.MlflowRestStore;
import io.mlops.core.MlopsConfig;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.BackendProvider;
import io.mlops.core.spi.Capabilities;
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
    return new SimpleBackend("MLflow server at " + MlflowHttp.describe(http.base()), capabilities, tracking,
        artifacts, registry, http::close);
  }
}
