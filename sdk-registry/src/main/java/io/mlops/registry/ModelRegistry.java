package io.mlops.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mlops.core.ArtifactInfo;
import io.mlops.core.Candidate;
import io.mlops.core.MlopsConfig;
import io.mlops.core.Model;
import io.mlops.core.ModelQuery;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewModelVersion;
import io.mlops.core.RegistryClient;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.SerializationException;
import io.mlops.core.TrackingClient;
import io.mlops.core.TransferListener;
import io.mlops.core.TransportException;
import io.mlops.core.ValidationException;
import io.mlops.core.internal.ArtifactPaths;
import io.mlops.core.internal.BackendResolver;
import io.mlops.core.internal.EntityValidator;
import io.mlops.core.spi.Backend;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.semver4j.Semver;

/**
 * The high-level registry: promote the best candidate into an immutable, semantically versioned model version,
 * move aliases, resolve model URIs and download a version's files, on the local store or an MLflow server.
 *
 * <pre>{@code
 * try (ModelRegistry registry = ModelRegistry.create()) {
 *   RegisteredVersion v = registry.promote(Promotion.builder()
 *       .candidateId(best.id()).modelName("churn").version(VersionSpec.bump(Bump.MINOR))
 *       .artifactPath("model").build());
 *   registry.setAlias("churn", "champion", v.semver());
 *   Path dir = registry.download("models:/churn@champion", Paths.get("deploy/churn"));
 * }
 * }</pre>
 *
 * <p>Semantic versions live in the version's {@value ModelVersion#SEMVER_TAG} tag (MLflow numbers its versions
 * 1, 2, 3). A version is unique per model even when two processes promote it at the same moment: both create,
 * then both look; the version with the lower backend number wins and the other is removed, its caller getting
 * a {@link ResourceAlreadyExistsException}. Resolutions of model URIs are cached (short TTL) and invalidated by
 * this object's own writes. Thread-safe.
 *
 * <p>Registries that MLflow created work as they are: a version without a semantic version has an empty
 * {@link RegisteredVersion#semver()} and is named by MLflow's version number ({@code models:/churn/3}, or {@code "3"}
 * wherever a method takes a version); aliases resolve on any version; {@link #latest(String, boolean)} falls back to
 * the highest number when a model has no semantic version; {@link #download} copies exactly what the version's
 * source names ({@code runs:/<run_id>/model}, {@code mlflow-artifacts:/...}, {@code file:...}).
 */
public final class ModelRegistry implements AutoCloseable {
  /** Tag with the path of the version's files inside the candidate's artifacts. */
  public static final String ARTIFACT_PATH_TAG = ModelVersion.ARTIFACT_PATH_TAG;
  /** Prefix of the tags holding linked items. */
  public static final String LINK_TAG_PREFIX = "mlops.link.";
  /** Prefix of the tags holding deployment records. */
  public static final String DEPLOYMENT_TAG_PREFIX = "mlops.deployment.";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final TrackingClient tracking;
  private final RegistryClient registry;
  private final Cache<ModelUri, RegisteredVersion> cache;
  private final VersionFiles files;
  private final java.util.concurrent.ConcurrentMap<String, java.util.concurrent.atomic.AtomicLong> generations =
      new java.util.concurrent.ConcurrentHashMap<>();

  private ModelRegistry(Builder b) {
    MlopsConfig config = b.config != null ? b.config : MlopsConfig.fromEnvironment();
    Backend backend = BackendResolver.open(config);
    this.tracking = TrackingClient.create(config, backend); // owns the backend
    try {
      this.registry = RegistryClient.create(config, backend);
    } catch (RuntimeException e) {
      tracking.close();
      throw e;
    }
    this.cache = Caffeine.newBuilder().expireAfterWrite(b.cacheTtl).maximumSize(b.cacheSize).build();
    this.files = new VersionFiles(tracking, new VersionFiles.Versions() {
      @Override
      public RegisteredVersion resolve(ModelUri uri) {
        return ModelRegistry.this.resolve(uri);
      }

      @Override
      public String downloadUri(RegisteredVersion version) {
        return registry.getModelVersionDownloadUri(version.modelName(), version.backendVersion());
      }
    }, trackingAuthority(config.trackingUri()));
  }

  /** {@code host:port} of an http(s) tracking URI, where {@code mlflow-artifacts:} URIs without a host live. */
  private static String trackingAuthority(String trackingUri) {
    try {
      URI uri = new URI(trackingUri);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      return scheme.equals("http") || scheme.equals("https") ? ArtifactLocation.authority(uri) : "";
    } catch (URISyntaxException notAUri) {
      return ""; // a plain local path
    }
  }

  /** A registry configured from system properties and the environment ({@code ./mlruns} by default). */
  public static ModelRegistry create() {
    return builder().build();
  }

  /** A registry for a configuration. */
  public static ModelRegistry create(MlopsConfig config) {
    return builder().config(config).build();
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The low-level registry client (every model and version operation). */
  public RegistryClient registryClient() {
    return registry;
  }

  /** The tracking client on the same backend. */
  public TrackingClient trackingClient() {
    return tracking;
  }

  // ---------------------------------------------------------------- models

  /** Creates a model. */
  public Model createModel(String name, String description, Map<String, String> tags) {
    return registry.createModel(name, description, tags);
  }

  /** The model, if it exists. */
  public Optional<Model> findModel(String name) {
    return registry.findModel(name);
  }

  /** Models whose name matches a SQL LIKE pattern (e.g. {@code churn%}). */
  public List<Model> searchModels(String namePattern) {
    return registry.searchModels(ModelQuery.builder().filter("name LIKE '" + namePattern.replace("'", "''") + "'")
        .build()).stream().collect(Collectors.toList());
  }

  /**
   * Lists the models of several registries (projects, team servers) in one call; each row names the registry it
   * came from, in the map's order.
   */
  public static List<ModelListing> listModels(Map<String, ModelRegistry> registries) {
    List<ModelListing> out = new ArrayList<>();
    registries.forEach((where, r) -> r.registry.searchModels(ModelQuery.all())
        .forEach(m -> out.add(ModelListing.of(where, m))));
    return out;
  }

  /**
   * Lists the models of every project of a GitLab group and its subgroups; each row's registry is the project's
   * full path ({@code my-group/sub/project}). GitLab has no group-level model API, so this lists the group's
   * projects ({@code GET /api/v4/groups/:id/projects}) and searches each project's registry in turn. Projects whose
   * registry answers 403 or 404 (the model registry is off, or not readable) are skipped with a WARN.
   *
   * <pre>{@code
   * MlopsConfig config = MlopsConfig.builder().trackingUri("https://gitlab.example.com").token(token).build();
   * for (ModelListing row : ModelRegistry.listGitlabGroupModels(config, "my-group/ml")) {
   *   System.out.println(row.registry() + ": " + row.model().name());
   * }
   * }</pre>
   *
   * @param config the token ({@code read_api} suffices) and any URL on the GitLab instance: its base URL (with the
   *     relative URL root, if any), its API root or a project's MLflow tracking URI
   * @param group the group's numeric id or full path, plain ({@code my-group/ml}) or URL-encoded
   *     ({@code my-group%2Fml})
   * @throws ValidationException when {@code group} is blank
   * @throws ResourceNotFoundException when the group does not exist or the token cannot see it
   * @throws io.mlops.core.PermissionDeniedException when GitLab refuses the token (401)
   */
  public static List<ModelListing> listGitlabGroupModels(MlopsConfig config, String group) {
    return io.mlops.core.internal.gitlab.GitlabGroupModels.list(config, group).stream()
        .map(m -> ModelListing.of(m.projectPath(), m.model())).collect(Collectors.toList());
  }

  // ---------------------------------------------------------------- promotion

  /** Promotes a candidate: see {@link Promotion}. */
  public RegisteredVersion promote(String candidateId, String modelName, VersionSpec version, String description) {
    Promotion.Builder b = Promotion.builder().candidateId(candidateId).modelName(modelName).version(version);
    if (description != null) {
      b.description(description);
    }
    return promote(b.build());
  }

  /**
   * Creates a version of a model from a candidate: the candidate's artifacts (or the given subpath) become the
   * version's files; the version links the candidate, so its params, metrics and run context stay reachable.
   * The model is created if missing (unless the promotion says otherwise). Nothing is left half-created: a model
   * created for a promotion that then fails is removed again, unless another promotion has put a version in it
   * meanwhile.
   *
   * @throws ResourceNotFoundException for an unknown candidate, or a missing model with createModelIfMissing off
   * @throws ResourceAlreadyExistsException when the version exists (also when another process created it first)
   * @throws ValidationException for an invalid model name or a subpath the candidate does not have
   */
  public RegisteredVersion promote(Promotion promotion) {
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
      List<RegisteredVersion> existing = versions(name, true);
      Semver semver = nextVersion(name, promotion.version(), existing);
      Map<String, String> tags = new LinkedHashMap<>(promotion.tags());
      tags.put(ModelVersion.SEMVER_TAG, semver.getVersion());
      tags.put(ARTIFACT_PATH_TAG, path);
      String root = candidate.info().artifactUri().replaceAll("/+$", "");
      NewModelVersion.Builder nv = NewModelVersion.builder().modelName(name)
          .source(path.isEmpty() ? root : root + "/" + path).candidateId(candidate.id()).tags(tags);
      promotion.description().ifPresent(nv::description);
      ModelVersion created = registry.createModelVersion(nv.build());
      ensureUnique(name, semver.getVersion(), created);
      invalidate(name);
      return toRegistered(created);
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
      invalidate(name);
    }
  }

  /** The version a spec names, checked against the existing ones. */
  private static Semver nextVersion(String model, VersionSpec spec, List<RegisteredVersion> existing) {
    if (spec.exact().isPresent()) {
      Semver v = spec.exact().get();
      for (RegisteredVersion r : existing) {
        if (!r.semver().isEmpty() && Semver.parse(r.semver()).isEquivalentTo(v)) {
          throw new ResourceAlreadyExistsException("Version " + v.getVersion() + " of model '" + model
              + "' already exists (backend version " + r.backendVersion() + ")");
        }
      }
      return v;
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

  /**
   * Two processes may promote the same version at the same moment. Both versions exist for an instant; the one
   * with the lower backend number was committed first (backends number versions max+1), so it wins and the other
   * is removed again. "The same version" is semver equivalence, as for the check before creating (build metadata
   * does not count: 1.0.0 and 1.0.0+build.7 are one version), not equality of the tag strings.
   */
  private void ensureUnique(String name, String semver, ModelVersion mine) {
    Semver wanted = Semver.parse(semver);
    List<ModelVersion> same = registry.listModelVersions(name).stream()
        .filter(v -> v.version().equals(mine.version()) || v.semver().map(Semver::parse)
            .map(s -> s.isEquivalentTo(wanted)).orElse(false))
        .collect(Collectors.toList());
    Optional<ModelVersion> first = same.stream().min(Comparator.comparingLong(v -> number(v.version())));
    if (first.isPresent() && !first.get().version().equals(mine.version())) {
      try {
        registry.deleteModelVersion(name, mine.version());
      } finally {
        invalidate(name);
      }
      throw new ResourceAlreadyExistsException("Version " + semver + " of model '" + name
          + "' already exists: another promotion created it first (backend version " + first.get().version() + ")");
    }
  }

  // ---------------------------------------------------------------- versions

  /**
   * A model's versions: first those without a semantic version (versions MLflow created, numbered 1, 2, 3), by
   * number; then the others in semantic-version order, pre-releases included or not.
   */
  public List<RegisteredVersion> versions(String modelName, boolean includePrereleases) {
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

  /** The latest release: {@link #latest(String, boolean)} without pre-releases. */
  public Optional<RegisteredVersion> latest(String modelName) {
    return latest(modelName, false);
  }

  /**
   * The latest version, which {@code models:/<name>/latest} names: the highest semantic version (pre-releases only
   * when asked); when the model has no such version, the version without a semantic version that has the highest
   * number, as MLflow's {@code latest} is its highest version number; empty when the model has neither. So a model
   * that MLflow numbered 1 to 7 has latest 7 until the first semver release is promoted into it; from then on the
   * highest release is latest, however many numbered versions MLflow adds later.
   */
  public Optional<RegisteredVersion> latest(String modelName, boolean includePrereleases) {
    List<RegisteredVersion> all = versions(modelName, includePrereleases);
    RegisteredVersion highestNumbered = null;
    for (int i = all.size() - 1; i >= 0; i--) {
      RegisteredVersion r = all.get(i);
      if (!r.semver().isEmpty()) {
        return Optional.of(r); // versions() puts semantic versions last, highest last
      }
      if (highestNumbered == null) {
        highestNumbered = r;
      }
    }
    return Optional.ofNullable(highestNumbered);
  }

  /**
   * A version by its semantic version ({@code 1.4.0}) or by the backend's version number ({@code 3}, as MLflow
   * numbers versions; any version has one, with or without a semantic version). Every method taking a
   * {@code semver} accepts either.
   *
   * @throws ValidationException (rule {@code version-reference}) when {@code semver} is neither
   * @throws ResourceNotFoundException when the model has no such version
   */
  public RegisteredVersion version(String modelName, String semver) {
    Semver wanted = VersionRef.semverOrNull(semver);
    if (wanted == null) {
      String number = VersionRef.number(semver);
      try {
        return toRegistered(registry.getModelVersion(modelName, number));
      } catch (ResourceNotFoundException e) {
        throw new ResourceNotFoundException(e.statusCode(), e.errorCode(), "Model '" + modelName
            + "' has no version number " + number + " (" + e.serviceMessage() + ")", e.requestId().orElse(null));
      }
    }
    return versions(modelName, true).stream()
        .filter(r -> !r.semver().isEmpty() && Semver.parse(r.semver()).isEquivalentTo(wanted))
        .findFirst().orElseThrow(() -> new ResourceNotFoundException("Model '" + modelName + "' has no version "
            + semver));
  }

  /** Replaces a version's description (one of the two things that may change after creation). */
  public RegisteredVersion updateDescription(String modelName, String semver, String description) {
    RegisteredVersion v = version(modelName, semver);
    registry.updateModelVersionDescription(modelName, v.backendVersion(), description);
    invalidate(modelName);
    return version(modelName, semver);
  }

  /** Sets a metadata tag on a version; the registry's own tags ({@code mlops.}) cannot be changed this way. */
  public void setVersionTag(String modelName, String semver, String key, String value) {
    if (key.startsWith("mlops.")) {
      throw new ValidationException(key, "reserved-tag", "Tag '" + key + "' is managed by the registry");
    }
    registry.setModelVersionTag(modelName, version(modelName, semver).backendVersion(), key, value);
    invalidate(modelName);
  }

  /** Deletes a version (and the aliases pointing at it), named as in {@link #version}. */
  public void deleteVersion(String modelName, String semver) {
    registry.deleteModelVersion(modelName, version(modelName, semver).backendVersion());
    invalidate(modelName);
  }

  /** The candidate a version was promoted from: its params, metrics and run context. */
  public Candidate candidate(RegisteredVersion version) {
    return tracking.getCandidate(version.candidateId().orElseThrow(() -> new ResourceNotFoundException(
        VersionFiles.describe(version) + " has no candidate")));
  }

  // ---------------------------------------------------------------- aliases and URIs

  /**
   * Points an alias (e.g. {@code champion}) at a version, moving it from any other version; the version is named by
   * its semantic version or its number (a version MLflow created has only the number), as in {@link #version}.
   */
  public void setAlias(String modelName, String alias, String semver) {
    EntityValidator.alias(alias);
    registry.setAlias(modelName, alias, version(modelName, semver).backendVersion());
    invalidate(modelName);
  }

  /** Removes an alias. */
  public void deleteAlias(String modelName, String alias) {
    registry.deleteAlias(modelName, alias);
    invalidate(modelName);
  }

  /** The version an alias points at. */
  public RegisteredVersion resolveAlias(String modelName, String alias) {
    return resolve(ModelUri.alias(modelName, alias));
  }

  /**
   * Resolves {@code models:/<name>/<semver>}, {@code models:/<name>/<number>} (MLflow's version number),
   * {@code models:/<name>@<alias>} (an alias on any version) or {@code models:/<name>/latest} (see
   * {@link #latest(String, boolean)}).
   */
  public RegisteredVersion resolve(String modelUri) {
    return resolve(ModelUri.parse(modelUri));
  }

  /** Resolves a model URI, through the cache. */
  public RegisteredVersion resolve(ModelUri uri) {
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

  private java.util.concurrent.atomic.AtomicLong generation(String modelName) {
    return generations.computeIfAbsent(modelName, k -> new java.util.concurrent.atomic.AtomicLong());
  }

  private RegisteredVersion resolveUncached(ModelUri uri) {
    switch (uri.kind()) {
      case VERSION:
      case NUMBER:
        return version(uri.modelName(), uri.reference());
      case LATEST:
        return latest(uri.modelName()).orElseThrow(() -> new ResourceNotFoundException("Model '"
            + uri.modelName() + "' has no released version and no version without a semantic version"));
      default:
        return toRegistered(registry.getModelVersionByAlias(uri.modelName(), uri.reference()));
    }
  }

  // ---------------------------------------------------------------- files

  /** Downloads the files of the version a model URI names into {@code target} (see below). */
  public Path download(String modelUri, Path target) {
    return download(resolve(modelUri), target, TransferListener.NONE);
  }

  /**
   * Downloads a version's files into {@code target}, which must not exist or be an empty directory. The files are
   * written to a temporary directory beside it (sizes checked against the listing, no path leaving it) and then
   * moved into place, so {@code target} never holds half a model.
   *
   * <p>What is downloaded is exactly what the version's download URI names (MLflow's {@code get-download-uri}: its
   * {@link RegisteredVersion#source() source}, or where a {@code models:/} source leads), as MLflow downloads it:
   * {@code runs:/<run_id>/<path>} is that candidate's {@code path}; a URI inside the artifacts of the version's
   * candidate ({@code mlflow-artifacts:/<exp>/<run_id>/artifacts/<path>}, the server's artifact proxy
   * {@code http(s)://<server>/api/2.0/mlflow-artifacts/artifacts/...}, the local store's {@code file:} URIs) is the
   * candidate's files under that path; other files behind the tracking server's proxy (an MLflow 3 logged model's
   * {@code mlflow-artifacts:/<exp>/models/m-<id>/artifacts}) are read through it; {@code models:/<name>/<version>}
   * is that version's files; another {@code file:} URI or absolute path is a local folder or file, copied without
   * following links out of it.
   *
   * @return the target directory, as an absolute path
   * @throws ValidationException when {@code target} is a file or a non-empty directory, or the source could leave
   *     the folder it names
   * @throws ResourceNotFoundException when a {@code file:} source does not exist on this machine (it names a folder
   *     of the machine that registered the version, e.g. the tracking server's)
   * @throws io.mlops.core.OperationNotSupportedException for sources this SDK cannot read ({@code s3://} and other
   *     stores, another server's proxy, a logged model {@code models:/m-<id>} that the backend does not resolve to
   *     its artifact location), naming the source
   */
  public Path download(RegisteredVersion version, Path target, TransferListener listener) {
    Path dir = target.toAbsolutePath().normalize();
    if (Files.isRegularFile(dir)) {
      throw new ValidationException(dir.toString(), "download-target", "Download target " + dir
          + " is a file; give a directory that does not exist yet (or is empty)");
    }
    if (Files.isDirectory(dir) && !isEmpty(dir)) {
      throw new ValidationException(dir.toString(), "download-target", "Download target " + dir
          + " is not empty; give a directory that does not exist yet (or is empty)");
    }
    VersionFiles.Source source = files.locate(version);
    Path staging = dir.resolveSibling("." + dir.getFileName() + ".mlops-" + UUID.randomUUID());
    try {
      Path downloaded = source.downloadInto(staging, listener);
      if (Files.isDirectory(dir)) {
        Files.delete(dir);
      }
      Files.createDirectories(dir.getParent());
      if (Files.isRegularFile(downloaded)) {
        Files.createDirectories(dir);
        Files.move(downloaded, dir.resolve(downloaded.getFileName()), StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.move(downloaded, dir, StandardCopyOption.ATOMIC_MOVE);
      }
      return dir;
    } catch (IOException e) {
      throw new TransportException("Cannot place the downloaded files in " + dir + ": " + e.getMessage(), e);
    } finally {
      io.mlops.core.internal.FileTrees.deleteQuietly(staging);
    }
  }

  // ---------------------------------------------------------------- training configuration

  /**
   * The training configuration of a version, to rerun it: the candidate's params as {@code param.<key>}, its git
   * and CI context as {@code git.commit}, {@code git.branch}, {@code git.repo_url} and {@code ci.<...>}, and the
   * version's identity.
   */
  public Map<String, String> trainingConfiguration(RegisteredVersion version) {
    Candidate c = candidate(version);
    Map<String, String> out = new TreeMap<>();
    out.put("model.name", version.modelName());
    out.put("model.version", version.uri().reference());
    out.put("candidate.id", c.id());
    out.put("candidate.name", c.name());
    c.data().params().forEach((k, v) -> out.put("param." + k, v));
    Map<String, String> tags = c.data().tags();
    copy(tags, "mlflow.source.git.commit", out, "git.commit");
    copy(tags, "mlflow.source.git.branch", out, "git.branch");
    copy(tags, "mlflow.source.git.repoURL", out, "git.repo_url");
    copy(tags, "mlflow.source.name", out, "source.name");
    tags.forEach((k, v) -> {
      if (k.startsWith("mlops.ci.")) {
        out.put("ci." + k.substring("mlops.ci.".length()), v);
      }
    });
    return out;
  }

  /** Writes {@link #trainingConfiguration} to a {@code .json} or {@code .properties} file. */
  public Path writeTrainingConfiguration(RegisteredVersion version, Path file) {
    Map<String, String> config = trainingConfiguration(version);
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      if (name.endsWith(".json")) {
        Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
      } else if (name.endsWith(".properties")) {
        Properties p = new Properties();
        p.putAll(config);
        try (OutputStream out = Files.newOutputStream(file)) {
          p.store(out, "Training configuration of " + version.uri());
        }
      } else {
        throw new ValidationException(file.toString(), "config-format",
            "Write the training configuration to a .json or a .properties file, not " + file.getFileName());
      }
      return file;
    } catch (IOException e) {
      throw new TransportException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- linked items and deployments

  /** Attaches a link (issue, merge request, any URL) to a model, or to a version when {@code semver} is given. */
  public LinkedItem link(String modelName, String semver, String url, String relation, String title) {
    URI parsed;
    try {
      parsed = new URI(url);
    } catch (URISyntaxException e) {
      throw new ValidationException(url, "link-url", "'" + url + "' is not a URL: " + e.getMessage());
    }
    if (parsed.getScheme() == null || parsed.getHost() == null && !"mailto".equals(parsed.getScheme())) {
      throw new ValidationException(url, "link-url", "'" + url + "' is not an absolute URL");
    }
    if (relation == null || relation.trim().isEmpty()) {
      throw new ValidationException("relation", "link-relation", "A link needs a relation (issue, merge_request, ...)");
    }
    LinkedItem item = LinkedItem.builder().id(shortHash(relation + " " + url)).url(url).relation(relation)
        .title(Optional.ofNullable(title)).build();
    ObjectNode node = JSON.createObjectNode().put("url", url).put("relation", relation);
    if (title != null) {
      node.put("title", title);
    }
    setBookkeepingTag(modelName, semver, LINK_TAG_PREFIX + item.id(), node.toString());
    return item;
  }

  /** The links of a model, or of a version when {@code semver} is given. */
  public List<LinkedItem> links(String modelName, String semver) {
    List<LinkedItem> out = new ArrayList<>();
    tagsOf(modelName, semver).forEach((k, v) -> {
      if (k.startsWith(LINK_TAG_PREFIX)) {
        JsonNode n = parse(v);
        out.add(LinkedItem.builder().id(k.substring(LINK_TAG_PREFIX.length())).url(n.path("url").asText())
            .relation(n.path("relation").asText()).title(Optional.ofNullable(n.path("title").asText(null))).build());
      }
    });
    return out;
  }

  /** Removes a link by its id. */
  public void unlink(String modelName, String semver, String linkId) {
    String key = LINK_TAG_PREFIX + linkId;
    if (!tagsOf(modelName, semver).containsKey(key)) {
      throw new ResourceNotFoundException("No link '" + linkId + "' on " + modelName + (semver == null ? "" : " " + semver));
    }
    if (semver == null) {
      registry.deleteModelTag(modelName, key);
    } else {
      registry.deleteModelVersionTag(modelName, version(modelName, semver).backendVersion(), key);
    }
    invalidate(modelName);
  }

  /** Records that a version was deployed to an environment, now, by the current user. */
  public Deployment recordDeployment(String modelName, String semver, String environment, String pipelineUrl) {
    if (environment == null || environment.trim().isEmpty()) {
      throw new ValidationException("environment", "deployment-environment", "A deployment needs an environment");
    }
    Deployment d = Deployment.builder().environment(environment).time(System.currentTimeMillis())
        .deployedBy(System.getProperty("user.name", "unknown")).pipelineUrl(Optional.ofNullable(pipelineUrl)).build();
    ObjectNode node = JSON.createObjectNode().put("environment", environment).put("time", d.time())
        .put("deployed_by", d.deployedBy());
    if (pipelineUrl != null) {
      node.put("pipeline_url", pipelineUrl);
    }
    setBookkeepingTag(modelName, semver, DEPLOYMENT_TAG_PREFIX + d.time() + "-" + SEQUENCE.incrementAndGet(),
        node.toString());
    return d;
  }

  /** A version's deployments, newest first. */
  public List<Deployment> deployments(String modelName, String semver) {
    return deployments(version(modelName, semver).tags());
  }

  @Override
  public void close() {
    tracking.close();
  }

  // ---------------------------------------------------------------- internals

  private RegisteredVersion toRegistered(ModelVersion v) {
    List<Deployment> deployed = deployments(v.tags());
    return RegisteredVersion.builder()
        .modelName(v.modelName())
        .semver(v.semver().filter(SemanticVersion::isValid).orElse(""))
        .backendVersion(v.version())
        .candidateId(v.candidateId())
        .source(v.source())
        .artifactPath(v.tags().getOrDefault(ARTIFACT_PATH_TAG, ""))
        .description(v.description())
        .creationTime(v.creationTime())
        .tags(v.tags())
        .aliases(v.aliases())
        .lastDeployment(deployed.isEmpty() ? Optional.empty() : Optional.of(deployed.get(0)))
        .build();
  }

  /**
   * The deployments recorded in a version's tags, newest first. Records made within the same millisecond have the
   * same time; their tag keys ({@code <time>-<sequence>}) then order them by the recording sequence, compared as a
   * number (the tags come back ordered as strings, where "-10" sorts before "-9").
   */
  private static List<Deployment> deployments(Map<String, String> tags) {
    List<Map.Entry<Long, Deployment>> records = new ArrayList<>();
    tags.forEach((k, v) -> {
      if (k.startsWith(DEPLOYMENT_TAG_PREFIX)) {
        JsonNode n = parse(v);
        Deployment d = Deployment.builder().environment(n.path("environment").asText()).time(n.path("time").asLong())
            .deployedBy(n.path("deployed_by").asText("unknown"))
            .pipelineUrl(Optional.ofNullable(n.path("pipeline_url").asText(null))).build();
        records.add(Map.entry(sequenceOf(k), d));
      }
    });
    records.sort(Comparator.comparing((Map.Entry<Long, Deployment> e) -> e.getValue().time())
        .thenComparing(Map.Entry::getKey).reversed());
    return records.stream().map(Map.Entry::getValue).collect(Collectors.toList());
  }

  /** The sequence number of a deployment tag key {@code mlops.deployment.<time>-<sequence>}; -1 if it has none. */
  private static long sequenceOf(String key) {
    int dash = key.lastIndexOf('-');
    if (dash < 0) {
      return -1;
    }
    try {
      return Long.parseLong(key.substring(dash + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private Map<String, String> tagsOf(String modelName, String semver) {
    return semver == null ? registry.getModel(modelName).tags() : version(modelName, semver).tags();
  }

  private void setBookkeepingTag(String modelName, String semver, String key, String value) {
    if (semver == null) {
      registry.setModelTag(modelName, key, value);
    } else {
      registry.setModelVersionTag(modelName, version(modelName, semver).backendVersion(), key, value);
    }
    invalidate(modelName);
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

  private void invalidate(String modelName) {
    generation(modelName).incrementAndGet();
    cache.asMap().keySet().removeIf(u -> u.modelName().equals(modelName));
  }

  private static long number(String version) {
    try {
      return Long.parseLong(version);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new SerializationException("A registry bookkeeping tag holds malformed JSON: " + e.getMessage(), e);
    }
  }

  private static void copy(Map<String, String> from, String key, Map<String, String> to, String as) {
    String v = from.get(key);
    if (v != null) {
      to.put(as, v);
    }
  }

  private static String shortHash(String s) {
    return io.mlops.core.internal.Sha256.hex(s, 6);
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return !s.findAny().isPresent();
    } catch (IOException e) {
      throw new TransportException("Cannot read " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Builds a {@link ModelRegistry}. */
  public static final class Builder {
    private MlopsConfig config;
    private Duration cacheTtl = Duration.ofSeconds(30);
    private long cacheSize = 1000;

    private Builder() {}

    /** Uses this configuration instead of the environment's. */
    public Builder config(MlopsConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** How long a resolved model URI is cached; default 30 s ({@code Duration.ZERO} turns caching off). */
    public Builder cacheTtl(Duration ttl) {
      if (ttl.isNegative()) {
        throw new IllegalArgumentException("cacheTtl must not be negative");
      }
      this.cacheTtl = ttl;
      return this;
    }

    /** How many resolved model URIs are cached; default 1000. */
    public Builder cacheSize(long size) {
      if (size < 0) {
        throw new IllegalArgumentException("cacheSize must not be negative");
      }
      this.cacheSize = size;
      return this;
    }

    /** Opens the backend. */
    public ModelRegistry build() {
      return new ModelRegistry(this);
    }
  }
}
