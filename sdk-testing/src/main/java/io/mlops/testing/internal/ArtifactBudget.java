package io.mlops.testing.internal;

import io.mlops.core.LimitExceededException;

/**
 * The bytes of artifact content one in-memory store may hold, so that a test which uploads too much fails with a
 * clear message instead of exhausting the heap. Callers hold the store's lock while they change it.
 */
final class ArtifactBudget {
  private final long limit;
  private long used;

  ArtifactBudget(long limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("The artifact limit must not be negative, got " + limit);
    }
    this.limit = limit;
  }

  long limit() {
    return limit;
  }

  long used() {
    return used;
  }

  /**
   * Takes {@code bytes} more, giving back {@code released} (the size of the content it replaces).
   *
   * @throws LimitExceededException when the store would hold more than its limit; nothing is taken then
   */
  void replace(String storeName, String artifactPath, long released, long bytes) {
    long after = used - released + bytes;
    if (after > limit) {
      throw exceeded(storeName, artifactPath, bytes);
    }
    used = after;
  }

  /** Refuses, before it is read, a file that could never fit. */
  void requireFits(String storeName, String artifactPath, long bytes) {
    if (bytes > limit) {
      throw exceeded(storeName, artifactPath, bytes);
    }
  }

  void release(long bytes) {
    used -= bytes;
  }

  void clear() {
    used = 0;
  }

  private LimitExceededException exceeded(String storeName, String artifactPath, long bytes) {
    return new LimitExceededException("Uploading '" + artifactPath + "' (" + bytes + " bytes) would take the "
        + storeName + " past its artifact limit of " + limit + " bytes (" + used + " held). Raise it with "
        + "InMemoryBackend.builder().maxArtifactBytes(...) or the setting "
        + MemoryNamespace.MAX_ARTIFACT_BYTES_SETTING + "; nothing was stored", limit, null);
  }
}
