package io.mlops.core.internal;

import io.mlops.core.spi.BackendProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The installed {@link BackendProvider}s, found once with {@link ServiceLoader} on the SDK's own class loader (the
 * one that loaded the core module, so that Spark executors and application servers find the modules that sit
 * beside it).
 */
public final class BackendProviders {
  private static volatile List<BackendProvider> installed;

  private BackendProviders() {}

  /** Every installed provider, in class-path order. */
  public static List<BackendProvider> installed() {
    List<BackendProvider> list = installed;
    if (list == null) {
      List<BackendProvider> found = new ArrayList<>();
      for (BackendProvider p : ServiceLoader.load(BackendProvider.class, BackendProviders.class.getClassLoader())) {
        found.add(p);
      }
      list = Collections.unmodifiableList(found);
      installed = list;
    }
    return list;
  }

  /** The first installed provider's proposal for an unconfigured tracking URI, if any proposes one. */
  public static Optional<String> defaultTrackingUri(Map<String, String> environment, boolean tokenConfigured) {
    for (BackendProvider p : installed()) {
      Optional<String> uri = p.defaultTrackingUri(environment, tokenConfigured);
      if (uri.isPresent()) {
        return uri;
      }
    }
    return Optional.empty();
  }
}
