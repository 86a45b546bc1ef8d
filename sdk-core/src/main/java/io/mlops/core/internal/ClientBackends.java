package io.mlops.core.internal;

import io.mlops.core.TrackingClient;
import io.mlops.core.spi.Backend;
import java.util.function.Function;

/**
 * The backend under a {@link TrackingClient}, for the SDK's own modules (the tracker's worker delivers into a
 * client's backend directly, below the public client). Not API: {@code TrackingClient} registers the one accessor
 * when its class initializes, so the client needs no public method for it.
 */
public final class ClientBackends {
  private static volatile Function<TrackingClient, Backend> access;

  private ClientBackends() {}

  /**
   * Registers the accessor; {@code TrackingClient} calls this once.
   *
   * @throws IllegalStateException when one is registered already
   */
  public static synchronized void register(Function<TrackingClient, Backend> accessor) {
    if (access != null) {
      throw new IllegalStateException("the TrackingClient accessor is registered already");
    }
    access = accessor;
  }

  /** The backend a client works on (the client owns it: whoever opened the client closes it). */
  public static Backend backendOf(TrackingClient client) {
    // an instance exists, so TrackingClient's class initializer, which registers the accessor, has run
    return access.apply(client);
  }
}
