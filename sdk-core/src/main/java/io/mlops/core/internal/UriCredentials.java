package io.mlops.core.internal;

import java.util.regex.Pattern;

/**
 * The one place that takes credentials out of a URI ({@code https://user:token@host/...}, a form MLflow users write
 * for tracking URIs and git remotes), for messages, log lines, tags and {@code toString()}. Everything up to the last
 * {@code @} of the authority is user info, as URL parsers read it, so a password holding an {@code @} goes too. A
 * string without {@code scheme://} (such as git's {@code git@host:path}, which names a user but holds no secret) is
 * returned as it is.
 */
public final class UriCredentials {
  private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/?#]*@");

  private UriCredentials() {}

  /** The URI without its user info: {@code https://host/...}. */
  public static String strip(String uri) {
    return uri == null ? null : USER_INFO.matcher(uri).replaceFirst("");
  }

  /** The URI with its user info shown as {@code ****}: {@code https://****@host/...}, so one sees there was some. */
  public static String mask(String uri) {
    return uri == null ? null : USER_INFO.matcher(uri).replaceFirst("****@");
  }
}
