package io.mlops.registry;

import io.mlops.core.Candidate;
import io.mlops.core.MlopsConfig;
import io.mlops.core.Model;
import io.mlops.core.ModelQuery;
import io.mlops.core.ModelVersion;
import io.mlops.core.RegistryClient;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.TrackingClient;
import io.mlops.core.TransferListener;
import io.mlops.core.ValidationException;
import io.mlops.core.internal.BackendResolver;
import io.mlops.core.internal.EntityValidator;
import io.mlops.core.spi.Backend;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
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

  /** Opened by this registry, so closed by it (the clients over it do not close what they are given). */
  private final Backend backend;
  private final TrackingClient tracking;
  private final RegistryClient registry;
  private final Versions versions;
  private final ModelResolver resolver;
  private final Promoter promoter;
  private final VersionFiles files;
  private final VersionMetadata metadata;

  private ModelRegistry(Builder b) {
    MlopsConfig config = b.config != null ? b.config : MlopsConfig.fromEnvironment();
    this.backend = BackendResolver.open(config);
    try {
      this.tracking = TrackingClient.create(config, backend);
      this.registry = RegistryClient.create(config, backend);
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
    // one job each, behind this facade: naming versions, resolving URIs (cached), promoting, files, metadata
    this.versions = new Versions(registry);
    this.resolver = new ModelResolver(registry, versions, b.cacheTtl, b.cacheSize);
    this.promoter = new Promoter(tracking, registry, versions, resolver);
    this.metadata = new VersionMetadata(registry, versions, resolver);
    this.files = new VersionFiles(tracking, new VersionFiles.Versions() {
      @Override
      public RegisteredVersion resolve(ModelUri uri) {
        return resolver.resolve(uri);
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
    return promoter.promote(promotion);
  }

  // ---------------------------------------------------------------- versions

  /**
   * A model's versions: first those without a semantic version (versions MLflow created, numbered 1, 2, 3), by
   * number; then the others in semantic-version order, pre-releases included or not.
   */
  public List<RegisteredVersion> versions(String modelName, boolean includePrereleases) {
    return versions.list(modelName, includePrereleases);
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
    return versions.latest(modelName, includePrereleases);
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
    return versions.get(modelName, semver);
  }

  /** Replaces a version's description (one of the two things that may change after creation). */
  public RegisteredVersion updateDescription(String modelName, String semver, String description) {
    RegisteredVersion v = version(modelName, semver);
    registry.updateModelVersionDescription(modelName, v.backendVersion(), description);
    resolver.invalidate(modelName);
    return version(modelName, semver);
  }

  /** Sets a metadata tag on a version; the registry's own tags ({@code mlops.}) cannot be changed this way. */
  public void setVersionTag(String modelName, String semver, String key, String value) {
    if (key.startsWith("mlops.")) {
      throw new ValidationException(key, "reserved-tag", "Tag '" + key + "' is managed by the registry");
    }
    registry.setModelVersionTag(modelName, version(modelName, semver).backendVersion(), key, value);
    resolver.invalidate(modelName);
  }

  /** Deletes a version (and the aliases pointing at it), named as in {@link #version}. */
  public void deleteVersion(String modelName, String semver) {
    registry.deleteModelVersion(modelName, version(modelName, semver).backendVersion());
    resolver.invalidate(modelName);
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
    resolver.invalidate(modelName);
  }

  /** Removes an alias. */
  public void deleteAlias(String modelName, String alias) {
    registry.deleteAlias(modelName, alias);
    resolver.invalidate(modelName);
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
    return resolver.resolve(uri);
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
    return files.download(version, target, listener);
  }

  // ---------------------------------------------------------------- training configuration

  /**
   * The training configuration of a version, to rerun it: the candidate's params as {@code param.<key>}, its git
   * and CI context as {@code git.commit}, {@code git.branch}, {@code git.repo_url} and {@code ci.<...>}, and the
   * version's identity.
   */
  public Map<String, String> trainingConfiguration(RegisteredVersion version) {
    return VersionMetadata.trainingConfiguration(version, candidate(version));
  }

  /** Writes {@link #trainingConfiguration} to a {@code .json} or {@code .properties} file. */
  public Path writeTrainingConfiguration(RegisteredVersion version, Path file) {
    return VersionMetadata.writeTrainingConfiguration(trainingConfiguration(version), version.uri().toString(), file);
  }

  // ---------------------------------------------------------------- linked items and deployments

  /** Attaches a link (issue, merge request, any URL) to a model, or to a version when {@code semver} is given. */
  public LinkedItem link(String modelName, String semver, String url, String relation, String title) {
    return metadata.link(modelName, semver, url, relation, title);
  }

  /** The links of a model, or of a version when {@code semver} is given. */
  public List<LinkedItem> links(String modelName, String semver) {
    return metadata.links(modelName, semver);
  }

  /** Removes a link by its id. */
  public void unlink(String modelName, String semver, String linkId) {
    metadata.unlink(modelName, semver, linkId);
  }

  /** Records that a version was deployed to an environment, now, by the current user. */
  public Deployment recordDeployment(String modelName, String semver, String environment, String pipelineUrl) {
    return metadata.recordDeployment(modelName, semver, environment, pipelineUrl);
  }

  /** A version's deployments, newest first. */
  public List<Deployment> deployments(String modelName, String semver) {
    return VersionMetadata.deployments(version(modelName, semver).tags());
  }

  @Override
  public void close() {
    backend.close();
  }

  /** Builds a {@link ModelRegistry}. */
  public static final class Builder {
    private MlopsConfig config;
    private Duration cacheTtl = Duration.ofSeconds(30);
    private long cacheSize = 1000;

    private Builder() {}

    /** Uses this configuration instead of the environment's. */
    public Builder config(MlopsConfig config) {
      if (config == null) {
        throw new ValidationException("config", "required", "config must not be null");
      }
      this.config = config;
      return this;
    }

    /** How long a resolved model URI is cached; default 30 s ({@code Duration.ZERO} turns caching off). */
    public Builder cacheTtl(Duration ttl) {
      if (ttl == null || ttl.isNegative()) {
        throw new ValidationException("cacheTtl", "range", "cacheTtl must not be negative, got " + ttl);
      }
      this.cacheTtl = ttl;
      return this;
    }

    /** How many resolved model URIs are cached; default 1000. */
    public Builder cacheSize(long size) {
      if (size < 0) {
        throw new ValidationException("cacheSize", "range", "cacheSize must not be negative, got " + size);
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
