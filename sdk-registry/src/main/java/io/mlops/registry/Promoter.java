package io.mlops.registry;

import io.mlops.core.ArtifactInfo;
import io.mlops.core.Candidate;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewModelVersion;
import io.mlops.core.RegistryClient;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.TrackingClient;
import io.mlops.core.ValidationException;
import io.mlops.core.internal.ArtifactPaths;
import io.mlops.core.internal.EntityValidator;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.semver4j.Semver;

/** Promotes candidates into semantically versioned model versions, unique per model even under races. */
final class Promoter {
  private final TrackingClient tracking;
  private final RegistryClient registry;
  private final Versions versions;
  private final ModelResolver resolver;

  Promoter(TrackingClient tracking, RegistryClient registry, Versions versions, ModelResolver resolver) {
    this.tracking = tracking;
    this.registry = registry;
    this.versions = versions;
    this.resolver = resolver;
  }

  /** See {@link ModelRegistry#promote(Promotion)}. */
  RegisteredVersion promote(Promotion promotion) {
    String name = promotion.modelName();
    EntityValidator.modelName(name);
    String path = ArtifactPaths.normalize(promotion.artifactPath());
    Candidate candidate = tracking.getCandidate(promotion.candidateId());
    if (!path.isEmpty() && !artifactExists(candidate.id(), path)) {
      throw new ValidationException(path, "artifact-path", "Candidate " + candidate.id() + " has no artifact '"
          + path + "' to promote");
    }
    boolean createdModel = false;
    if (!registry.findModel(name).isPresent()) {
      if (!promotion.createModelIfMissing()) {
        throw new ResourceNotFoundException("No model named '" + name + "' (createModelIfMissing is off)");
      }
      try {
        registry.createModel(name, null, Map.of());
        createdModel = true;
      } catch (ResourceAlreadyExistsException raced) {
        // another process created it meanwhile: fine
      }
    }
    try {
      List<RegisteredVersion> existing = versions.list(name, true);
      Semver semver = nextVersion(name, promotion.version(), existing);
      Map<String, String> tags = new LinkedHashMap<>(promotion.tags());
      tags.put(ModelVersion.SEMVER_TAG, semver.getVersion());
      tags.put(ModelRegistry.ARTIFACT_PATH_TAG, path);
      String root = candidate.info().artifactUri().replaceAll("/+$", "");
      NewModelVersion.Builder nv = NewModelVersion.builder().modelName(name)
          .source(path.isEmpty() ? root : root + "/" + path).candidateId(candidate.id()).tags(tags);
      promotion.description().ifPresent(nv::description);
      ModelVersion created = registry.createModelVersion(nv.build()); // keeps the semver unique (SemverUniqueness)
      resolver.invalidate(name);
      return versions.toRegistered(created);
    } catch (RuntimeException e) {
      if (createdModel) {
        removeIfEmpty(name, e);
      }
      throw e;
    }
  }

  /**
   * Removes a model this promotion created, unless it holds versions by now: another caller may have promoted
   * into it meanwhile (two promotions racing on a new model: the one that created the model can be the one that
   * loses the version race), and their versions must survive our failure.
   */
  private void removeIfEmpty(String name, RuntimeException failure) {
    try {
      if (!registry.listModelVersions(name).iterator().hasNext()) {
        registry.deleteModel(name);
      }
    } catch (ResourceNotFoundException gone) {
      // already removed
    } catch (RuntimeException cleanup) {
      failure.addSuppressed(cleanup);
    } finally {
      resolver.invalidate(name);
    }
  }

  /** The version a spec names: the exact one, or the bump of the latest release among the existing ones. */
  static Semver nextVersion(String model, VersionSpec spec, List<RegisteredVersion> existing) {
    if (spec.exact().isPresent()) {
      return spec.exact().get(); // taken or not: RegistryClient.createModelVersion decides (SemverUniqueness)
    }
    Bump bump = spec.bumpKind().get();
    // Versions without a semantic version (MLflow's numbered ones) are not releases to bump: 3 is not 3.0.0.
    Optional<Semver> latest = existing.stream().filter(r -> !r.semver().isEmpty()).map(r -> Semver.parse(r.semver()))
        .filter(SemanticVersion::isRelease).max(Comparator.naturalOrder());
    Semver base;
    if (!latest.isPresent()) {
      base = bump == Bump.MAJOR ? Semver.of(1, 0, 0) : bump == Bump.MINOR ? Semver.of(0, 1, 0) : Semver.of(0, 0, 1);
    } else {
      base = bump == Bump.MAJOR ? latest.get().nextMajor()
          : bump == Bump.MINOR ? latest.get().nextMinor() : latest.get().nextPatch();
    }
    if (!spec.label().isPresent()) {
      return base;
    }
    String prefix = base.getVersion() + "-" + spec.label().get() + ".";
    int next = 1;
    for (RegisteredVersion r : existing) {
      if (r.semver().startsWith(prefix)) {
        try {
          next = Math.max(next, Integer.parseInt(r.semver().substring(prefix.length())) + 1);
        } catch (NumberFormatException other) {
          // a hand-made pre-release such as 1.5.0-rc.x: not ours to count
        }
      }
    }
    return Semver.parse(prefix + next);
  }

  private boolean artifactExists(String candidateId, String path) {
    int slash = path.lastIndexOf('/');
    String parent = slash < 0 ? "" : path.substring(0, slash);
    for (ArtifactInfo a : tracking.listArtifacts(candidateId, parent)) {
      if (ArtifactPaths.normalize(a.path()).equals(path)) {
        return true;
      }
    }
    return false;
  }
}
