package io.mlops.testing.internal;

import io.mlops.core.ConfigurationException;
import io.mlops.core.MlopsConfig;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The in-memory stores of this JVM by name, so that every backend opened for {@code memory://<name>} (a
 * {@code TrackingClient}, a {@code Tracker}, a {@code ModelRegistry}) shares one store. A store lives until it is
 * discarded.
 */
public final class NamedStores {
  /** The name of {@code memory:} and {@code memory://} without a name. */
  public static final String DEFAULT_NAME = "default";
  private static final int MAX_NAME_LENGTH = 200;
  private static final String ANONYMOUS_PREFIX = "anonymous-";
  private static final ConcurrentMap<String, MemoryNamespace> STORES = new ConcurrentHashMap<>();
  private static final java.util.concurrent.atomic.AtomicLong ANONYMOUS = new java.util.concurrent.atomic.AtomicLong();

  private NamedStores() {}

  /**
   * The store of a name, created empty with {@code maxArtifactBytes} if there is none; an existing store keeps the
   * limit it was created with.
   *
   * @throws IllegalArgumentException for an invalid name (see {@link #checkName})
   */
  public static MemoryNamespace get(String name, long maxArtifactBytes) {
    checkName(name);
    return STORES.computeIfAbsent(name, n -> new MemoryNamespace(n, maxArtifactBytes, System::currentTimeMillis));
  }

  /** The store of a name, if one exists. */
  public static Optional<MemoryNamespace> find(String name) {
    return Optional.ofNullable(STORES.get(name));
  }

  /**
   * Forgets the store of a name and empties it; the next open of that name starts a new, empty store.
   *
   * @return true when a store of that name existed
   */
  public static boolean discard(String name) {
    MemoryNamespace gone = STORES.remove(name);
    if (gone == null) {
      return false;
    }
    gone.clear(); // backends still open on it see an empty store, and its bytes can be collected
    return true;
  }

  /**
   * Checks a store name: 1 to {@value #MAX_NAME_LENGTH} ASCII letters, digits, {@code '.'}, {@code '_'} and
   * {@code '-'}, so that it fits a URI's authority unescaped, and not starting with {@code anonymous-}.
   *
   * @throws IllegalArgumentException naming the rule
   */
  public static void checkName(String name) {
    boolean ok = name != null && !name.isEmpty() && name.length() <= MAX_NAME_LENGTH;
    for (int i = 0; ok && i < name.length(); i++) {
      char c = name.charAt(i);
      ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
          || c == '-';
    }
    if (!ok) {
      throw new IllegalArgumentException("Invalid in-memory store name '" + name + "': it must have 1 to "
          + MAX_NAME_LENGTH + " ASCII letters, digits, '.', '_' and '-'");
    }
    if (name.startsWith(ANONYMOUS_PREFIX)) {
      // a URI naming an unnamed store would silently open a new, empty one: say so instead
      throw new IllegalArgumentException("Invalid in-memory store name '" + name + "': names starting with '"
          + ANONYMOUS_PREFIX + "' are kept for the stores of InMemoryBackend.create(), which no tracking URI "
          + "reaches; pass such a backend to TrackingClient.create(config, backend)");
    }
  }

  /** A name for a store that no tracking URI reaches. */
  public static String anonymousName() {
    return ANONYMOUS_PREFIX + ANONYMOUS.incrementAndGet();
  }

  /** True for a tracking URI of the {@code memory:} scheme, in any case. */
  public static boolean isMemoryUri(String trackingUri) {
    return trackingUri != null
        && trackingUri.trim().toLowerCase(Locale.ROOT).startsWith(MemoryNamespace.SCHEME + ":");
  }

  /**
   * The store name of a tracking URI: {@code memory://<name>} or {@code memory:<name>}, with at most one trailing
   * {@code '/'}; {@value #DEFAULT_NAME} for {@code memory:} and {@code memory://}.
   *
   * @throws ConfigurationException for a URI of another scheme, or with an invalid name or a path after it
   */
  public static String nameOf(String trackingUri) {
    if (!isMemoryUri(trackingUri)) {
      throw new ConfigurationException("'" + trackingUri + "' is not a memory: tracking URI");
    }
    String rest = trackingUri.trim().substring(MemoryNamespace.SCHEME.length() + 1);
    if (rest.startsWith("//")) {
      rest = rest.substring(2);
    }
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    if (rest.isEmpty()) {
      return DEFAULT_NAME;
    }
    try {
      checkName(rest);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("The tracking URI '" + trackingUri + "' names no valid in-memory store; "
          + "write memory://<name> with a name of ASCII letters, digits, '.', '_' and '-' (" + e.getMessage() + ")");
    }
    return rest;
  }

  /**
   * The artifact limit a configuration sets with {@link MemoryNamespace#MAX_ARTIFACT_BYTES_SETTING}, else the
   * default.
   *
   * @throws ConfigurationException when the setting is not a non-negative whole number of bytes
   */
  public static long maxArtifactBytes(MlopsConfig config) {
    Optional<String> value = config.setting(MemoryNamespace.MAX_ARTIFACT_BYTES_SETTING);
    if (!value.isPresent()) {
      return MemoryNamespace.DEFAULT_MAX_ARTIFACT_BYTES;
    }
    try {
      long bytes = Long.parseLong(value.get().trim());
      if (bytes >= 0) {
        return bytes;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigurationException(MemoryNamespace.MAX_ARTIFACT_BYTES_SETTING + " must be a whole number of "
        + "bytes, 0 or more, got '" + value.get() + "'");
  }
}
