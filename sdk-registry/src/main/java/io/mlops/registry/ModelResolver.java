package io.mlops.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mlops.core.RegistryClient;
import io.mlops.core.ResourceNotFoundException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/** Resolves model URIs to versions through a short-lived cache that this registry's own writes invalidate. */
final class ModelResolver {
  private final RegistryClient registry;
  private final Versions versions;
  private final Cache<ModelUri, RegisteredVersion> cache;
  private final ConcurrentMap<String, AtomicLong> generations = new ConcurrentHashMap<>();

  ModelResolver(RegistryClient registry, Versions versions, Duration ttl, long size) {
    this.registry = registry;
    this.versions = versions;
    this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(size).build();
  }

  /** Resolves a model URI, through the cache. */
  RegisteredVersion resolve(ModelUri uri) {
    RegisteredVersion cached = cache.getIfPresent(uri);
    if (cached != null) {
      return cached;
    }
    // A write of this registry between our read and our put must win: invalidate() bumps the model's generation
    // before it clears the cache, so a resolution that started before the write is not cached.
    long generation = generation(uri.modelName()).get();
    RegisteredVersion resolved = resolveUncached(uri);
    if (generation(uri.modelName()).get() == generation) {
      cache.put(uri, resolved);
    }
    return resolved;
  }

  /** Forgets every resolution of a model; called after each write of this registry to it. */
  void invalidate(String modelName) {
    generation(modelName).incrementAndGet();
    cache.asMap().keySet().removeIf(u -> u.modelName().equals(modelName));
  }

  private AtomicLong generation(String modelName) {
    return generations.computeIfAbsent(modelName, k -> new AtomicLong());
  }

  private RegisteredVersion resolveUncached(ModelUri uri) {
    switch (uri.kind()) {
      case VERSION:
      case NUMBER:
        return versions.get(uri.modelName(), uri.reference());
      case LATEST:
        return versions.latest(uri.modelName(), false).orElseThrow(() -> new ResourceNotFoundException("Model '"
            + uri.modelName() + "' has no released version and no version without a semantic version"));
      default:
        return versions.toRegistered(registry.getModelVersionByAlias(uri.modelName(), uri.reference()));
    }
  }
}
