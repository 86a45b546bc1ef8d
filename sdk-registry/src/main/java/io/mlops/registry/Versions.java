package io.mlops.registry;

import io.mlops.core.ModelVersion;
import io.mlops.core.RegistryClient;
import io.mlops.core.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.semver4j.Semver;

/** Reads a model's versions and names them: by semantic version, by the backend's number, or as latest. */
final class Versions {
  private final RegistryClient registry;

  Versions(RegistryClient registry) {
    this.registry = registry;
  }

  /**
   * A model's versions: first those without a semantic version (versions MLflow created, numbered 1, 2, 3), by
   * number; then the others in semantic-version order, pre-releases included or not.
   */
  List<RegisteredVersion> list(String modelName, boolean includePrereleases) {
    List<RegisteredVersion> numbered = new ArrayList<>();
    List<RegisteredVersion> semantic = new ArrayList<>();
    for (ModelVersion v : registry.listModelVersions(modelName)) {
      RegisteredVersion r = toRegistered(v);
      if (r.semver().isEmpty()) {
        numbered.add(r);
      } else if (includePrereleases || !r.isPrerelease()) {
        semantic.add(r);
      }
    }
    numbered.sort(Comparator.comparingLong((RegisteredVersion r) -> number(r.backendVersion()))
        .thenComparing(RegisteredVersion::backendVersion));
    semantic.sort(Comparator.comparing(r -> Semver.parse(r.semver())));
    numbered.addAll(semantic);
    return numbered;
  }

  /** See {@link ModelRegistry#latest(String, boolean)}. */
  Optional<RegisteredVersion> latest(String modelName, boolean includePrereleases) {
    List<RegisteredVersion> all = list(modelName, includePrereleases);
    RegisteredVersion highestNumbered = null;
    for (int i = all.size() - 1; i >= 0; i--) {
      RegisteredVersion r = all.get(i);
      if (!r.semver().isEmpty()) {
        return Optional.of(r); // list() puts semantic versions last, highest last
      }
      if (highestNumbered == null) {
        highestNumbered = r;
      }
    }
    return Optional.ofNullable(highestNumbered);
  }

  /** See {@link ModelRegistry#version(String, String)}. */
  RegisteredVersion get(String modelName, String semver) {
    Semver wanted = VersionRef.semverOrNull(semver);
    if (wanted == null) {
      String number = VersionRef.number(semver);
      try {
        return toRegistered(registry.getModelVersion(modelName, number));
      } catch (ResourceNotFoundException e) {
        throw new ResourceNotFoundException(e.errorCode(), "Model '" + modelName
            + "' has no version number " + number + " (" + e.serviceMessage() + ")", e);
      }
    }
    return list(modelName, true).stream()
        .filter(r -> !r.semver().isEmpty() && Semver.parse(r.semver()).isEquivalentTo(wanted))
        .findFirst().orElseThrow(() -> new ResourceNotFoundException("Model '" + modelName + "' has no version "
            + semver));
  }

  /** A backend version as the registry shows it: semver (empty when not strict semver), files, last deployment. */
  RegisteredVersion toRegistered(ModelVersion v) {
    List<Deployment> deployed = VersionMetadata.deployments(v.tags());
    return RegisteredVersion.builder()
        .modelName(v.modelName())
        .semver(v.semver().filter(SemanticVersion::isValid).orElse(""))
        .backendVersion(v.version())
        .candidateId(v.candidateId())
        .source(v.source())
        .artifactPath(v.tags().getOrDefault(ModelRegistry.ARTIFACT_PATH_TAG, ""))
        .description(v.description())
        .creationTime(v.creationTime())
        .tags(v.tags())
        .aliases(v.aliases())
        .lastDeployment(deployed.isEmpty() ? Optional.empty() : Optional.of(deployed.get(0)))
        .build();
  }

  /** A backend version number ({@code "3"}), or {@link Long#MAX_VALUE} for one that is not a number. */
  static long number(String version) {
    try {
      return Long.parseLong(version);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
