package io.mlops.core.internal.local;

import io.mlops.core.internal.SimpleBackend;
import io.mlops.core.internal.TrackingUris;
import io.mlops.core.MlopsConfig;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.BackendProvider;
import io.mlops.core.spi.Capabilities;
import java.nio.file.Path;

/** The local store for plain paths and {@code file:} URIs. */
public final class LocalBackendProvider implements BackendProvider {
  @Override
  public String name() {
    return "local";
  }

  @Override
  public int score(String trackingUri) {
    return TrackingUris.isLocal(trackingUri) ? 10 : 0;
  }

  @Override
  public Backend open(MlopsConfig config) {
    LocalFileStore store = new LocalFileStore(TrackingUris.localPath(config.trackingUri()));
    // The same root: MLflow keeps the registry of a file store in <root>/models.
    LocalModelRegistry registry = new LocalModelRegistry(store.root());
    Capabilities caps = Capabilities.builder().backendName("local store")
        .maxKeySegmentBytes(LocalFileStore.MAX_FILE_NAME_BYTES).build();
    return new SimpleBackend("local store at " + store.root(), caps, store, store, registry, store::close);
  }
}
