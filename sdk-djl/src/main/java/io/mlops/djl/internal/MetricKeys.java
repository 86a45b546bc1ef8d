package io.mlops.djl.internal;

/** Turns DJL names (evaluator names, which any user code may choose) into keys MLflow accepts. */
public final class MetricKeys {
  private MetricKeys() {}

  /**
   * {@code name} with every character MLflow refuses in a key (anything but ASCII letters, digits and
   * {@code _ - . / : space}) replaced by {@code _}; {@code "_"} for an empty name.
   */
  public static String of(String name) {
    if (name == null || name.isEmpty()) {
      return "_";
    }
    StringBuilder b = null;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
          || c == '.' || c == '/' || c == ':' || c == ' ';
      if (!ok && b == null) {
        b = new StringBuilder(name.substring(0, i));
      }
      if (b != null) {
        b.append(ok ? c : '_');
      }
    }
    return b == null ? name : b.toString();
  }
}
