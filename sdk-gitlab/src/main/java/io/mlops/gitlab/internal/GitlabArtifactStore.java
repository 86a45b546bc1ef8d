package io.mlops.gitlab.internal;

import io.mlops.mlflow.internal.FileDownload;
import io.mlops.mlflow.internal.FileUploadBody;
import io.mlops.core.ArtifactInfo;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.TransferListener;
import io.mlops.core.TransportException;
import io.mlops.core.ValidationException;
import io.mlops.core.internal.ArtifactPaths;
import io.mlops.mlflow.internal.MlflowHttp;
import io.mlops.mlflow.internal.MlflowHttp.Retry;
import io.mlops.core.spi.ArtifactStore;
import io.mlops.core.spi.TrackingStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Candidate files in GitLab's package registry (reference §2): {@code PUT} and {@code GET}
 * {@code /api/v4/projects/:id/packages/ml_models/candidate:<iid>/files/(*path/):file_name} (GitLab
 * {@code lib/api/ml_model_packages.rb}, {@code doc/api/model_registry.md}). The candidate's root comes from its
 * {@code artifact_uri} (GitLab {@code lib/api/entities/ml/mlflow/run_info.rb}); subfolders go into the path. Files
 * stream in fixed-size chunks; a file over GitLab's per-file limit or with a name GitLab refuses is rejected before
 * any byte is sent. Listings come from GitLab's MLflow artifacts route, which lists a package flat.
 */
final class GitlabArtifactStore implements ArtifactStore {
  /**
   * The per-file limit used when none is given: 5 GB. The user docs limit each file to 5 GB (reference §2,
   * GitLab {@code doc/user/project/ml/model_registry/_index.md}); the plan limit {@code ml_model_max_file_size}
   * defaults to 10 GiB ({@code doc/administration/instance_limits.md}) but an instance may lower it, so the
   * documented value is the safe one.
   */
  static final long DEFAULT_MAX_FILE_SIZE = 5_000_000_000L;
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");

  private final MlflowHttp http;
  private final TrackingStore tracking;
  private final long maxFileSize;
  private final Map<String, HttpUrl> roots = new ConcurrentHashMap<>();

  /**
   * A store for one GitLab project.
   *
   * @param maxFileSize the instance's {@code ml_model_max_file_size} in bytes, e.g. {@link #DEFAULT_MAX_FILE_SIZE}
   */
  GitlabArtifactStore(MlflowHttp http, TrackingStore tracking, long maxFileSize) {
    if (maxFileSize <= 0) {
      throw new IllegalArgumentException("maxFileSize must be positive, got " + maxFileSize);
    }
    this.http = http;
    this.tracking = tracking;
    this.maxFileSize = maxFileSize;
  }


  @Override
  public void uploadFile(String candidateId, Path localFile, String artifactPath, TransferListener listener) {
    String path = ArtifactPaths.normalize(artifactPath);
    checkName(path);
    long size;
    try {
      size = Files.size(localFile);
    } catch (IOException e) {
      throw new TransportException("Cannot read " + localFile + ": " + e.getMessage(), e);
    }
    if (size > maxFileSize) {
      throw new ValidationException(path, "gitlab-max-file-size", "Artifact " + path + " is " + size
          + " bytes; " + GitlabCapabilities.NAME + " accepts files up to " + maxFileSize
          + " bytes (ml_model_max_file_size): split it into parts");
    }
    HttpUrl url = fileUrl(candidateId, path);
    RequestBody body = new FileUploadBody(localFile, path, size, OCTETS, listener);
    // A raw body, not a form: Workhorse routes PUT .../packages/ml_models/ through its requestBodyUploader
    // (workhorse/internal/upstream/routes.go), as MR 138787 uploads with curl --upload-file. GitLab answers 201.
    // UNSAFE (resent only on 429/503): a second PUT adds a second package file of the same name.
    try (Response ignored = http.open(new Request.Builder().url(url).put(body).build(), Retry.UNSAFE)) {
      // nothing to read
    }
  }

  /**
   * The files and folders directly under {@code directory}. GitLab lists a package flat: {@code GET
   * <project>/ml/mlflow/api/2.0/mlflow-artifacts/artifacts?path=<package>} answers every file of the package
   * ({@code candidate:<iid>} or a model version id) as {@code {"files":[{"path","file_size","is_dir":false}]}},
   * each path URL-encoded as GitLab stores it ({@code dir%2Fa.txt}), and nothing for a sub-path (GitLab
   * {@code lib/api/ml/mlflow_artifacts/artifacts.rb}, {@code app/services/packages/ml_model/create_package_file_service.rb}).
   * The folders are rebuilt here from the decoded paths; a path that would leave the candidate's root is refused.
   */
  @Override
  public List<ArtifactInfo> list(String candidateId, String directory) {
    String dir = ArtifactPaths.normalize(directory);
    String prefix = dir.isEmpty() ? "" : dir + "/";
    Map<String, ArtifactInfo> children = new java.util.TreeMap<>();
    for (Map.Entry<String, Long> file : files(candidateId).entrySet()) {
      String path = file.getKey();
      if (!path.startsWith(prefix)) {
        continue;
      }
      int slash = path.indexOf('/', prefix.length());
      if (slash < 0) {
        children.put(path, ArtifactInfo.file(path, file.getValue()));
      } else {
        String sub = path.substring(0, slash);
        children.putIfAbsent(sub, ArtifactInfo.directory(sub));
      }
    }
    return new java.util.ArrayList<>(children.values());
  }

  /** Every file of the candidate's package, by decoded path. */
  private Map<String, Long> files(String candidateId) {
    Map<String, Long> files = listPackage(candidateId);
    if (files == null && rootMoved(candidateId)) {
      files = listPackage(candidateId);
    }
    return files == null ? Map.of() : files;
  }

  /** The package's files, or null when GitLab does not know the package. */
  private Map<String, Long> listPackage(String candidateId) {
    String pkg = packageId(root(candidateId));
    com.fasterxml.jackson.databind.JsonNode answer;
    try {
      answer = GitlabAnswers.check(http.get("api/2.0/mlflow-artifacts/artifacts", Map.of("path", pkg)),
          "GET mlflow-artifacts/artifacts");
    } catch (ResourceNotFoundException e) {
      if ("RESOURCE_DOES_NOT_EXIST".equals(e.errorCode())) {
        return null; // no files yet (GitLab creates a candidate's package on its first file), or the package moved
      }
      throw e;
    }
    Map<String, Long> out = new java.util.TreeMap<>();
    for (com.fasterxml.jackson.databind.JsonNode f : answer.path("files")) {
      if (f.path("is_dir").asBoolean(false)) {
        continue;
      }
      String raw = f.path("path").asText("");
      String path;
      try {
        path = ArtifactPaths.normalize(percentDecode(raw));
      } catch (ValidationException | IllegalArgumentException e) {
        throw new TransportException("GitLab listed an artifact path that is malformed or leaves the candidate's folder: '" + raw
            + "'", e);
      }
      if (!path.isEmpty()) {
        out.put(path, f.path("file_size").asLong(-1));
      }
    }
    return out;
  }

  /**
   * Decodes {@code %XX} escapes (GitLab stores names with Ruby's {@code URI.encode_uri_component}); unlike form
   * decoding, {@code +} stays a plus.
   *
   * @throws IllegalArgumentException for a malformed escape
   */
  static String percentDecode(String s) {
    return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The package segment of a root {@code .../packages/ml_models/<package>/files}. */
  static String packageId(HttpUrl root) {
    List<String> segments = root.pathSegments();
    return segments.get(segments.size() - 2);
  }


  @Override
  public void downloadFile(String candidateId, String artifactPath, Path target, TransferListener listener) {
    downloadFile(candidateId, artifactPath, target, -1, listener);
  }

  @Override
  public void downloadFile(String candidateId, String artifactPath, Path target, long expectedSize,
      TransferListener listener) {
    String path = ArtifactPaths.normalize(artifactPath);
    try {
      FileDownload.toFile(http, fileUrl(candidateId, path), path, target, expectedSize, listener);
    } catch (ResourceNotFoundException e) {
      if (rootMoved(candidateId)) { // promoted meanwhile: its files are in the version's package now
        downloadFile(candidateId, artifactPath, target, expectedSize, listener);
        return;
      }
      throw new ResourceNotFoundException(e.errorCode(),
          "No artifact file '" + path + "' in candidate " + candidateId, e);
    }
  }

  /**
   * Refuses a path GitLab would refuse: every segment must match GitLab's package file-name rule
   * {@code [A-Za-z0-9._\-+ ]+} (reference §2, GitLab {@code lib/gitlab/regex.rb}). Folders are checked with the
   * same rule *(inference: the path is stored as part of the file name)*.
   */
  static void checkName(String path) {
    if (path.isEmpty()) {
      throw new ValidationException(path, "gitlab-file-name", "An artifact needs a file name");
    }
    for (String segment : path.split("/")) {
      for (int i = 0; i < segment.length(); i++) {
        char c = segment.charAt(i);
        boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
            || c == '.' || c == '_' || c == '-' || c == '+' || c == ' ';
        if (!ok) {
          throw new ValidationException(path, "gitlab-file-name", "Artifact path '" + path + "' has '" + c
              + "', which " + GitlabCapabilities.NAME + " does not allow in package file names: use only letters, "
              + "digits, '.', '_', '-', '+' and spaces");
        }
      }
    }
  }

  /** The URL of one file of a candidate. */
  private HttpUrl fileUrl(String candidateId, String path) {
    HttpUrl.Builder b = root(candidateId).newBuilder();
    for (String segment : path.split("/")) {
      if (!segment.isEmpty()) {
        b.addPathSegment(segment);
      }
    }
    return b.build();
  }

  /** The candidate's {@code .../packages/ml_models/<id>/files} URL on the tracking URI's host. */
  HttpUrl root(String candidateId) {
    return roots.computeIfAbsent(candidateId, id -> packageRoot(http.base(),
        tracking.getCandidate(id).info().artifactUri(), id));
  }

  /**
   * Reads the candidate's root again; true when it moved. Promoting a candidate of the model's experiment renames
   * its package to the version's (create_model_version_service.rb), so a root read before the promotion, by this
   * client or another, points at a package that is gone.
   */
  boolean rootMoved(String candidateId) {
    HttpUrl before = roots.remove(candidateId);
    return before != null && !before.equals(root(candidateId));
  }

  /**
   * Re-roots an {@code artifact_uri} on the tracking URI's scheme, host, port and path prefix. run_info.rb builds
   * the URI from GitLab's configured external URL, which can differ from the address the client uses (a proxy, an
   * internal name); the token is only ever sent to the tracking URI's origin, so files must go there too.
   */
  static HttpUrl packageRoot(HttpUrl base, String artifactUri, String candidateId) {
    HttpUrl parsed = HttpUrl.parse(artifactUri);
    String path = parsed != null ? parsed.encodedPath() : artifactUri;
    int api = path.indexOf("/api/v4/projects/");
    // Only the ml_model package format is supported; run_info.rb's legacy generic package format
    // (packages/generic/ml_experiment_<iid>/<candidate iid>/) and anything else is refused clearly.
    if (api < 0 || !path.matches(".*/api/v4/projects/[^/]+/packages/ml_models/[^/]+/files/?")) {
      throw new OperationNotSupportedException(GitlabCapabilities.NAME, "artifacts of candidate " + candidateId
          + " stored at '" + artifactUri + "' (only ml_model packages, .../packages/ml_models/candidate:<iid>/files/,"
          + " are supported)");
    }
    String prefix = base.encodedPath();
    int baseApi = prefix.indexOf("/api/v4/");
    prefix = baseApi < 0 ? "" : prefix.substring(0, baseApi); // a GitLab under a relative URL root keeps it
    String rooted = prefix + path.substring(api);
    if (rooted.endsWith("/")) {
      rooted = rooted.substring(0, rooted.length() - 1);
    }
    return base.newBuilder().encodedPath(rooted).query(null).build();
  }
}
