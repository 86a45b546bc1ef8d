package io.mlops.registry;

import io.mlops.core.CandidateInfo;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.TrackingClient;
import io.mlops.core.TransferListener;
import io.mlops.core.TransportException;
import io.mlops.core.ValidationException;
import io.mlops.core.internal.ArtifactPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds a version's files from the URI the backend gives for downloading it (MLflow's {@code get-download-uri}: the
 * version's storage location, normally its {@code source}) and copies exactly what that URI names, as MLflow's
 * {@code ModelsArtifactRepository} does through {@code get_artifact_repository(download_uri)}:
 *
 * <ul>
 *   <li>{@code runs:/<run_id>/<path>}: that candidate's artifacts under {@code path}
 *       ({@code runs_artifact_repo.py});
 *   <li>any URI inside the artifact root of the version's own candidate ({@code mlflow-artifacts:/<exp>/<run>/
 *       artifacts/<path>}, the proxy's {@code http(s)://<server>/api/2.0/mlflow-artifacts/artifacts/...}, the local
 *       store's {@code file:///.../mlruns/<exp>/<run>/artifacts/<path>}): that candidate's artifacts under the rest
 *       of the path, through the backend as for every candidate download;
 *   <li>{@code models:/<name>/<version>} and {@code models:/<name>@<alias>}: the files of that registered version,
 *       followed for at most {@value #MAX_HOPS} hops;
 *   <li>other artifact-proxy URIs of the tracking server (an MLflow 3 logged model's storage location
 *       {@code mlflow-artifacts:/<exp>/models/m-<id>/artifacts}): those files, through the proxy;
 *   <li>{@code file:} URIs and absolute paths outside every candidate (or any, against a tracking server, which cannot
 *       serve them): the local folder or file, which must exist on this machine, copied without following any link
 *       out of it.
 * </ul>
 *
 * Anything else ({@code models:/m-<id>} itself where the backend answers it as the download URI, {@code s3://},
 * another server's proxy) is an {@link OperationNotSupportedException} naming the URI, before anything is written.
 */
final class VersionFiles {
  /** How many {@code models:/} sources naming other versions are followed before giving up (a loop). */
  static final int MAX_HOPS = 8;
  private static final String WHO = "ModelRegistry";

  /** The registry lookups a location needs. */
  interface Versions {
    /** The version a model URI names. */
    RegisteredVersion resolve(ModelUri uri);

    /** The backend's download URI of a version. */
    String downloadUri(RegisteredVersion version);
  }

  /** Files that can be copied into a staging directory. */
  interface Source {
    /**
     * Copies the files into {@code staging} (created if missing).
     *
     * @return the copied file, or the directory holding the copied tree
     */
    Path downloadInto(Path staging, TransferListener listener);
  }

  private final TrackingClient tracking;
  private final Versions versions;
  private final String trackingAuthority;

  /**
   * @param trackingAuthority {@code host:port} of the tracking server ({@code ""} for a local store): where
   *     {@code mlflow-artifacts:} URIs without a host live
   */
  VersionFiles(TrackingClient tracking, Versions versions, String trackingAuthority) {
    this.tracking = tracking;
    this.versions = versions;
    this.trackingAuthority = trackingAuthority;
  }

  /**
   * Where a version's files are. Nothing is written.
   *
   * @throws OperationNotSupportedException for a download URI of a kind this SDK cannot read, naming it
   * @throws ResourceNotFoundException for a {@code file:} source that does not exist on this machine
   * @throws ValidationException for a malformed or looping source
   */
  Source locate(RegisteredVersion version) {
    RegisteredVersion current = version;
    String uri = versions.downloadUri(current);
    for (int hop = 0;; hop++) {
      String where = describe(current);
      if (uri == null || uri.trim().isEmpty()) {
        throw new ResourceNotFoundException(where + " has no source to download its files from");
      }
      String lower = uri.toLowerCase(Locale.ROOT);
      if (lower.startsWith("runs:")) {
        return runs(uri, where);
      }
      if (lower.startsWith("models:")) {
        if (hop >= MAX_HOPS) {
          throw new ValidationException(uri, "source-loop", where + " names '" + uri + "' as its source after "
              + MAX_HOPS + " models:/ sources in a row; the sources form a loop");
        }
        current = versions.resolve(registeredModel(uri, where));
        uri = versions.downloadUri(current);
        continue;
      }
      ArtifactLocation location = ArtifactLocation.parse(uri);
      // A file: URI names a file of the machine the store is on. On a local store that is this machine and the
      // candidate's checked download reads it; a server cannot serve file: artifact roots through its proxy, so
      // against a server the files are read here when this machine has them (a shared drive), as MLflow's client
      // reads them, and otherwise the error says where they are.
      boolean viaCandidate = location.kind() != ArtifactLocation.Kind.FILE || trackingAuthority.isEmpty();
      Optional<Source> inCandidate = viaCandidate
          ? current.candidateId().flatMap(id -> underCandidate(id, location)) : Optional.empty();
      if (inCandidate.isPresent()) {
        return inCandidate.get();
      }
      switch (location.kind()) {
        case FILE:
          return local(uri, where);
        case PROXY:
          if (location.onTrackingServer(trackingAuthority)) {
            return new ProxySource(uri);
          }
          throw new OperationNotSupportedException(WHO, "downloading " + where + " from '" + uri + "': "
              + (trackingAuthority.isEmpty() ? "an MLflow artifact-proxy URI, which only a tracking server serves "
                  + "(this registry is a local store)"
                  : "artifacts behind another server's artifact proxy than the tracking server's"));
        default:
          throw new OperationNotSupportedException(WHO, "downloading " + where + " from '" + uri + "': only "
              + "runs:/, models:/<name>/<version>, file: and MLflow artifact-proxy sources (mlflow-artifacts:/..., "
              + "http(s)://<server>/api/2.0/mlflow-artifacts/artifacts/...) can be read");
      }
    }
  }

  /** {@code "version 1.4.0 of 'churn'"} or {@code "version 3 of 'churn'"}. */
  /** See {@link ModelRegistry#download(RegisteredVersion, Path, TransferListener)}: staged, then moved into place. */
  Path download(RegisteredVersion version, Path target, TransferListener listener) {
    Path dir = target.toAbsolutePath().normalize();
    if (Files.isRegularFile(dir)) {
      throw new ValidationException(dir.toString(), "download-target", "Download target " + dir
          + " is a file; give a directory that does not exist yet (or is empty)");
    }
    if (Files.isDirectory(dir) && !isEmpty(dir)) {
      throw new ValidationException(dir.toString(), "download-target", "Download target " + dir
          + " is not empty; give a directory that does not exist yet (or is empty)");
    }
    Source source = locate(version);
    Path staging = dir.resolveSibling("." + dir.getFileName() + ".mlops-" + java.util.UUID.randomUUID());
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

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return !s.findAny().isPresent();
    } catch (IOException e) {
      throw new TransportException("Cannot read " + dir + ": " + e.getMessage(), e);
    }
  }

  static String describe(RegisteredVersion v) {
    return "version " + (v.semver().isEmpty() ? v.backendVersion() : v.semver()) + " of '" + v.modelName() + "'";
  }

  /** {@code runs:/<run_id>/<path>} ({@code RunsArtifactRepository.parse_runs_uri}). */
  private Source runs(String uri, String where) {
    String rest = uri.substring("runs:".length());
    if (rest.startsWith("//")) {
      throw new OperationNotSupportedException(WHO, "downloading " + where + " from '" + uri + "': a runs:// URI "
          + "naming another tracking server (a Databricks profile)");
    }
    rest = stripQuery(rest.replaceAll("^/+", ""));
    int slash = rest.indexOf('/');
    String runId = slash < 0 ? rest : rest.substring(0, slash);
    if (runId.isEmpty()) {
      throw new ValidationException(uri, "source-runs-uri", "The source '" + uri + "' of " + where
          + " is not a runs:/ URI: write runs:/<run_id>/<path>");
    }
    String path;
    try {
      path = ArtifactPaths.normalize(slash < 0 ? "" : rest.substring(slash + 1));
    } catch (ValidationException e) {
      throw new ValidationException(uri, "source-escapes", "The source '" + uri + "' of " + where
          + " has a path that could leave the run's artifacts: " + e.getMessage());
    }
    return new CandidateSource(runId, path);
  }

  /** A {@code models:/} source: another registered version, or a logged model (not supported). */
  private static ModelUri registeredModel(String uri, String where) {
    String rest = uri.substring("models:".length());
    if (rest.startsWith("//")) {
      throw new OperationNotSupportedException(WHO, "downloading " + where + " from '" + uri + "': a models:// "
          + "URI naming another registry (a Databricks profile)");
    }
    String path = rest.replaceAll("^/+", "");
    if (!path.isEmpty() && path.indexOf('/') < 0 && path.indexOf('@') < 0) {
      // _parse_model_uri: models:/<model_id> is a logged model of MLflow 3 (an experiment's model, not a run's files)
      throw new OperationNotSupportedException(WHO, "downloading the logged model '" + path + "' that " + where
          + " names as its source (" + uri + "); register the version from the run's files instead "
          + "(runs:/<run_id>/<path>), or download it with MLflow");
    }
    return ModelUri.parse("models:/" + path);
  }

  private Optional<Source> underCandidate(String candidateId, ArtifactLocation location) {
    CandidateInfo info;
    try {
      info = tracking.getCandidate(candidateId).info();
    } catch (ResourceNotFoundException gone) {
      return Optional.empty(); // a deleted run: the source may still name files that exist
    }
    return location.relativeTo(ArtifactLocation.parse(info.artifactUri()), trackingAuthority)
        .map(rel -> new CandidateSource(candidateId, rel));
  }

  private static Source local(String uri, String where) {
    Path path;
    try {
      path = uri.startsWith("/") ? Paths.get(uri) : Paths.get(URI.create(uri));
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      throw new ResourceNotFoundException("The files of " + where + " are at '" + uri + "', which is not a file on "
          + "this machine (" + e.getMessage() + ")");
    }
    if (!Files.exists(path)) {
      throw new ResourceNotFoundException("The files of " + where + " are at '" + uri + "', which does not exist "
          + "on this machine: a file: source names a folder on the machine that registered the version (for a "
          + "tracking server, the server's own disk). Copy the files here, or register the version from the "
          + "run's artifacts (runs:/<run_id>/<path>)");
    }
    return new LocalSource(path);
  }

  private static String stripQuery(String s) {
    int q = s.indexOf('?');
    return q < 0 ? s : s.substring(0, q);
  }

  /** A candidate's artifacts under a path, through the backend (size-checked, path-safe). */
  final class CandidateSource implements Source {
    private final String candidateId;
    private final String path;

    CandidateSource(String candidateId, String path) {
      this.candidateId = candidateId;
      this.path = path;
    }

    @Override
    public Path downloadInto(Path staging, TransferListener listener) {
      return tracking.downloadArtifacts(candidateId, path, staging, listener);
    }
  }

  /** Files behind the tracking server's artifact proxy that are no candidate's, through the backend. */
  final class ProxySource implements Source {
    private final String uri;

    ProxySource(String uri) {
      this.uri = uri;
    }

    @Override
    public Path downloadInto(Path staging, TransferListener listener) {
      return tracking.downloadArtifactsAt(uri, staging, listener);
    }
  }

  /** A local file or folder, copied without following links out of it. */
  static final class LocalSource implements Source {
    private final Path path;

    LocalSource(Path path) {
      this.path = path;
    }

    @Override
    public Path downloadInto(Path staging, TransferListener listener) {
      try {
        Path root = path.toRealPath();
        Files.createDirectories(staging);
        if (Files.isRegularFile(root)) {
          Path target = ArtifactPaths.resolveUnder(staging, path.getFileName().toString());
          copy(root, target, path.getFileName().toString(), listener);
          return target;
        }
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
          entries = walk.sorted().collect(Collectors.toList());
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
        for (Path p : entries) {
          Path real = p.toRealPath();
          if (!real.startsWith(root)) {
            throw new ValidationException(p.toString(), "source-escapes", "'" + p + "' in the source folder " + root
                + " links to " + real + ", outside that folder; nothing was downloaded");
          }
          String rel = root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
          Path target = ArtifactPaths.resolveUnder(staging, rel);
          if (Files.isDirectory(p)) {
            Files.createDirectories(target);
          } else if (Files.isRegularFile(p)) {
            copy(p, target, rel, listener);
          }
        }
        return staging;
      } catch (IOException e) {
        throw new TransportException("Cannot copy the version's files from " + path + ": " + e.getMessage(), e);
      }
    }

    private static void copy(Path from, Path to, String rel, TransferListener listener) throws IOException {
      Files.createDirectories(to.getParent());
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
      long size = Files.size(to);
      listener.onProgress(rel, size, size);
    }
  }
}
