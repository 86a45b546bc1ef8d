package io.mlops.registry;

import io.mlops.core.ValidationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An artifact URI taken apart so that two URIs can be compared the way MLflow's server compares a version's source
 * with its run's artifact root ({@code _is_uri_within_root} of {@code mlflow/server/handlers.py}: same scheme, same
 * authority, the root's path segments a prefix of the source's, each percent-decoded).
 *
 * <p>The artifact proxy has two spellings that name the same files, {@code mlflow-artifacts:[//host:port]/<path>} and
 * {@code http(s)://host:port[/prefix]/api/2.0/mlflow-artifacts/artifacts/<path>} ({@code mlflow_artifacts_repo.py}
 * {@code resolve_uri}); both become kind {@link Kind#PROXY} with the {@code <path>} segments, and an absent host means
 * the tracking server. {@code file:} URIs and plain absolute paths both become {@link Kind#FILE}.
 */
final class ArtifactLocation {
  /** What kind of store a URI names. */
  enum Kind { PROXY, FILE, OTHER }

  private static final String PROXY_SCHEME = "mlflow-artifacts:";
  private static final List<String> PROXY_ROUTE = List.of("api", "2.0", "mlflow-artifacts", "artifacts");

  private final Kind kind;
  private final String scheme;
  private final String authority;
  private final List<String> segments;

  private ArtifactLocation(Kind kind, String scheme, String authority, List<String> segments) {
    this.kind = kind;
    this.scheme = scheme;
    this.authority = authority;
    this.segments = segments;
  }

  /**
   * Takes an artifact URI apart.
   *
   * @throws ValidationException (rule {@code source-escapes}) for a path with {@code .} or {@code ..} segments or a
   *     NUL character, which MLflow's server refuses too ({@code _validate_non_local_source_contains_relative_paths})
   */
  static ArtifactLocation parse(String uri) {
    String lower = uri.toLowerCase(Locale.ROOT);
    if (lower.startsWith(PROXY_SCHEME)) {
      String rest = uri.substring(PROXY_SCHEME.length());
      String authority = "";
      if (rest.startsWith("//")) {
        int slash = rest.indexOf('/', 2);
        authority = rest.substring(2, slash < 0 ? rest.length() : slash);
        rest = slash < 0 ? "" : rest.substring(slash);
      }
      return new ArtifactLocation(Kind.PROXY, "mlflow-artifacts", authority.toLowerCase(Locale.ROOT),
          segments(uri, stripQuery(rest)));
    }
    if (uri.startsWith("/")) {
      return new ArtifactLocation(Kind.FILE, "file", "", segments(uri, uri));
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      return new ArtifactLocation(Kind.OTHER, "", "", segments(uri, uri));
    }
    String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
    String rawPath = parsed.getRawPath() == null ? "" : parsed.getRawPath();
    if (scheme.equals("file")) {
      String host = parsed.getRawAuthority() == null ? "" : parsed.getRawAuthority().toLowerCase(Locale.ROOT);
      return new ArtifactLocation(Kind.FILE, "file", host.equals("localhost") ? "" : host, segments(uri, rawPath));
    }
    String authority = authority(parsed);
    List<String> parts = segments(uri, rawPath);
    if (scheme.equals("http") || scheme.equals("https")) {
      for (int i = 0; i + PROXY_ROUTE.size() <= parts.size(); i++) {
        if (parts.subList(i, i + PROXY_ROUTE.size()).equals(PROXY_ROUTE)) {
          return new ArtifactLocation(Kind.PROXY, scheme, authority,
              Collections.unmodifiableList(new ArrayList<>(parts.subList(i + PROXY_ROUTE.size(), parts.size()))));
        }
      }
    }
    return new ArtifactLocation(Kind.OTHER, scheme, authority, parts);
  }

  /**
   * {@code host:port} of an http(s) URI, lower case, with the scheme's default port made explicit, so that
   * {@code http://h/...} and {@code http://h:80/...} compare equal; for other URIs the raw authority.
   */
  static String authority(URI uri) {
    if (uri.getHost() == null) {
      return uri.getRawAuthority() == null ? "" : uri.getRawAuthority().toLowerCase(Locale.ROOT);
    }
    int port = uri.getPort();
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (port < 0) {
      port = scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
    }
    return uri.getHost().toLowerCase(Locale.ROOT) + (port < 0 ? "" : ":" + port);
  }

  /** What kind of store the URI names. */
  Kind kind() {
    return kind;
  }

  /**
   * The path of this location inside {@code root} ({@code ""} for the root itself), when it lies inside it.
   *
   * @param trackingAuthority {@code host:port} of the tracking server, which an artifact-proxy URI without a host
   *     names; {@code ""} when the tracking URI is not http(s)
   */
  Optional<String> relativeTo(ArtifactLocation root, String trackingAuthority) {
    if (kind != root.kind || root.segments.isEmpty() || segments.size() < root.segments.size()
        || !segments.subList(0, root.segments.size()).equals(root.segments)) {
      return Optional.empty();
    }
    boolean sameStore;
    switch (kind) {
      case PROXY:
        sameStore = effective(authority, trackingAuthority).equals(effective(root.authority, trackingAuthority));
        break;
      case FILE:
        sameStore = authority.equals(root.authority);
        break;
      default:
        sameStore = scheme.equals(root.scheme) && authority.equals(root.authority);
    }
    return sameStore ? Optional.of(String.join("/", segments.subList(root.segments.size(), segments.size())))
        : Optional.empty();
  }

  /** True when this proxy location is served by the tracking server (no host, or the tracking server's). */
  boolean onTrackingServer(String trackingAuthority) {
    return !trackingAuthority.isEmpty() && effective(authority, trackingAuthority).equals(trackingAuthority);
  }

  private static String effective(String authority, String trackingAuthority) {
    return authority.isEmpty() ? trackingAuthority : authority;
  }

  private static String stripQuery(String s) {
    int q = s.indexOf('?');
    int h = s.indexOf('#');
    int end = q < 0 ? h : h < 0 ? q : Math.min(q, h);
    return end < 0 ? s : s.substring(0, end);
  }

  private static List<String> segments(String uri, String rawPath) {
    List<String> out = new ArrayList<>();
    for (String raw : rawPath.split("/")) {
      if (raw.isEmpty()) {
        continue;
      }
      // '+' is a literal plus in a path, not a space as URLDecoder would read it
      String s;
      try {
        s = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException notEncoded) {
        s = raw; // a lone '%': the segment is meant literally
      }
      if (s.equals(".") || s.equals("..") || s.indexOf('\0') >= 0 || s.indexOf('/') >= 0 || s.indexOf('\\') >= 0) {
        throw new ValidationException(uri, "source-escapes", "Artifact URI '" + uri + "' has a path segment '" + s
            + "' that could leave the folder it names; MLflow refuses such sources too");
      }
      out.add(s);
    }
    return Collections.unmodifiableList(out);
  }
}
