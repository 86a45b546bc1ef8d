package io.mlops.mlflow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlops.core.ArtifactInfo;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.SerializationException;
import io.mlops.core.TransferListener;
import io.mlops.core.TransportException;
import io.mlops.core.internal.ArtifactPaths;
import io.mlops.mlflow.internal.MlflowHttp.Retry;
import io.mlops.core.spi.ArtifactStore;
import io.mlops.core.spi.TrackingStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Artifacts through the tracking server's artifact proxy ({@code /api/2.0/mlflow-artifacts/artifacts/...},
 * protocol notes §2): uploads and downloads stream in fixed-size chunks (constant memory whatever the file size),
 * downloads go to a temporary file that is checked against the announced size and then moved into place, and no
 * name from a listing may leave the directory it lists.
 */
public final class MlflowArtifactStore implements ArtifactStore {
  private static final String PROXY = "api/2.0/mlflow-artifacts/artifacts";

  private final MlflowHttp http;
  private final TrackingStore tracking;
  private final Map<String, String> roots = new ConcurrentHashMap<>();

  /** A store using the tracking store to find each candidate's artifact URI. */
  public MlflowArtifactStore(MlflowHttp http, TrackingStore tracking) {
    this.http = http;
    this.tracking = tracking;
  }


  @Override
  public void uploadFile(String candidateId, Path localFile, String artifactPath, TransferListener listener) {
    String path = ArtifactPaths.normalize(artifactPath);
    long size;
    try {
      size = Files.size(localFile);
    } catch (IOException e) {
      throw new TransportException("Cannot read " + localFile + ": " + e.getMessage(), e);
    }
    HttpUrl url = proxyUrl(root(candidateId), path).build();
    RequestBody body = new FileUploadBody(localFile, path, size, MediaType.get(contentType(path)), listener);
    // PUT of the same bytes to the same path is idempotent
    try (Response ignored = http.open(new Request.Builder().url(url).put(body).build(), Retry.SAFE)) {
      // 200 with {}: nothing to read
    }
  }

  @Override
  public List<ArtifactInfo> list(String candidateId, String directory) {
    return listRoot(root(candidateId), directory);
  }

  /**
   * Lists a directory under an artifact URI of this server's proxy that is no candidate's root (a logged model's
   * {@code mlflow-artifacts:/<exp>/models/m-<id>/artifacts}, a version's storage location).
   */
  @Override
  public List<ArtifactInfo> listAt(String artifactUri, String directory) {
    return listRoot(proxyPathOnThisServer(artifactUri), directory);
  }

  @Override
  public void downloadFileAt(String artifactUri, String artifactPath, Path target, long expectedSize,
      TransferListener listener) {
    String path = ArtifactPaths.normalize(artifactPath);
    try {
      FileDownload.toFile(http, proxyUrl(proxyPathOnThisServer(artifactUri), path).build(), path, target,
          expectedSize, listener);
    } catch (ResourceNotFoundException e) {
      throw new ResourceNotFoundException(e.errorCode(),
          "No artifact file '" + path + "' under " + artifactUri, e);
    }
  }

  private List<ArtifactInfo> listRoot(String root, String directory) {
    String dir = ArtifactPaths.normalize(directory);
    HttpUrl.Builder url = http.url(PROXY).addQueryParameter("path", dir.isEmpty() ? root : root + "/" + dir);
    JsonNode answer = http.execute(new Request.Builder().url(url.build()).get().build(), Retry.SAFE);
    List<ArtifactInfo> out = new ArrayList<>();
    for (JsonNode f : answer.path("files")) {
      String name = f.path("path").asText("");
      // The proxy answers with base names. Anything else could point outside the listed directory: refuse.
      int slash = name.lastIndexOf('/');
      String base = slash < 0 ? name : name.substring(slash + 1);
      if (base.isEmpty() || base.equals(".") || base.equals("..") || base.indexOf('\\') >= 0
          || (slash >= 0 && !ArtifactPaths.normalize(name).equals(ArtifactPaths.join(dir, base))
              && !ArtifactPaths.normalize(name).equals(ArtifactPaths.join(root + "/" + dir, base)))) {
        throw new SerializationException("The server listed an artifact named '" + name + "' in '" + dir
            + "', which would leave that directory; refusing it");
      }
      String rel = ArtifactPaths.join(dir, base);
      // a file without file_size has an unknown size (not 0, which would fail its download at the first byte)
      out.add(f.path("is_dir").asBoolean(false) ? ArtifactInfo.directory(rel)
          : f.hasNonNull("file_size") ? ArtifactInfo.file(rel, MlflowJson.longOf(f.path("file_size"), -1L))
          : ArtifactInfo.file(rel));
    }
    return out;
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
      FileDownload.toFile(http, proxyUrl(root(candidateId), path).build(), path, target, expectedSize, listener);
    } catch (ResourceNotFoundException e) {
      throw new ResourceNotFoundException(e.errorCode(),
          "No artifact file '" + path + "' in candidate " + candidateId, e);
    }
  }

  /** The proxy path of a candidate's artifact root, e.g. {@code 3/0a1b.../artifacts}. */
  String root(String candidateId) {
    return roots.computeIfAbsent(candidateId, id -> proxyPath(tracking.getCandidate(id).info().artifactUri()));
  }

  /**
   * The proxy path of an {@code mlflow-artifacts:} URI (mirrors {@code mlflow_artifacts_repo.resolve_uri}): the
   * URI's path, whether or not it names a host.
   */
  static String proxyPath(String artifactUri) {
    String lower = artifactUri.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("mlflow-artifacts:")) {
      throw new OperationNotSupportedException("MLflow server", "artifacts stored at '" + artifactUri
          + "' (only the server's artifact proxy is supported; start the server with --serve-artifacts)");
    }
    String rest = artifactUri.substring("mlflow-artifacts:".length());
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      rest = slash < 0 ? "" : rest.substring(slash);
    }
    return ArtifactPaths.normalize(rest.replaceAll("^/+", ""));
  }

  /**
   * The proxy path of an artifact URI this server serves: {@code mlflow-artifacts:/<path>} (with no host, or this
   * server's), or the proxy's own URL {@code http(s)://<this server>/.../api/2.0/mlflow-artifacts/artifacts/<path>}.
   * A URI naming another host is refused, so that this server's credentials never go elsewhere.
   */
  String proxyPathOnThisServer(String artifactUri) {
    HttpUrl base = http.base();
    String here = (base.host() + ":" + base.port()).toLowerCase(Locale.ROOT);
    String lower = artifactUri.toLowerCase(Locale.ROOT);
    if (lower.startsWith("mlflow-artifacts://")) {
      int slash = artifactUri.indexOf('/', "mlflow-artifacts://".length());
      String host = artifactUri.substring("mlflow-artifacts://".length(), slash < 0 ? artifactUri.length() : slash)
          .toLowerCase(Locale.ROOT);
      if (!host.isEmpty() && !host.equals(here) && !host.equals(base.host().toLowerCase(Locale.ROOT))) {
        throw elsewhere(artifactUri);
      }
      return proxyPath(artifactUri);
    }
    if (lower.startsWith("mlflow-artifacts:")) {
      return proxyPath(artifactUri);
    }
    HttpUrl url = HttpUrl.parse(artifactUri);
    if (url == null) {
      throw new OperationNotSupportedException("MLflow server", "artifacts stored at '" + artifactUri
          + "' (only the server's artifact proxy is supported)");
    }
    if (!(url.host() + ":" + url.port()).toLowerCase(Locale.ROOT).equals(here)) {
      throw elsewhere(artifactUri);
    }
    List<String> segments = url.pathSegments();
    for (int i = 0; i + 4 <= segments.size(); i++) {
      if (String.join("/", segments.subList(i, i + 4)).equals(PROXY)) {
        return ArtifactPaths.normalize(String.join("/", segments.subList(i + 4, segments.size())));
      }
    }
    throw new OperationNotSupportedException("MLflow server", "artifacts at '" + artifactUri
        + "', which is not a URL of the server's artifact proxy (/" + PROXY + "/...)");
  }

  private static OperationNotSupportedException elsewhere(String artifactUri) {
    return new OperationNotSupportedException("MLflow server", "artifacts at '" + artifactUri + "' on another "
        + "server (only this tracking server's artifact proxy is read)");
  }

  private HttpUrl.Builder proxyUrl(String root, String path) {
    HttpUrl.Builder b = http.url(PROXY);
    for (String segment : (root + "/" + path).split("/")) {
      if (!segment.isEmpty()) {
        b.addPathSegment(segment);
      }
    }
    return b;
  }

  private static String contentType(String path) {
    String guess = java.net.URLConnection.guessContentTypeFromName(path);
    return guess != null ? guess : "application/octet-stream";
  }

}
