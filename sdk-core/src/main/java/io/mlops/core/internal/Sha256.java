package io.mlops.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of text as lower-case hex, for stable short names derived from a URI or a path. */
public final class Sha256 {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Sha256() {}

  /** The first {@code bytes} bytes (1 to 32) of the SHA-256 of {@code text} in UTF-8, as hex. */
  public static String hex(String text, int bytes) {
    if (bytes < 1 || bytes > 32) {
      throw new IllegalArgumentException("bytes must be 1 to 32, got " + bytes);
    }
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
    char[] out = new char[bytes * 2];
    for (int i = 0; i < bytes; i++) {
      out[2 * i] = HEX[(digest[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[digest[i] & 0xF];
    }
    return new String(out);
  }
}
