package io.mlops.core.internal.search;

import java.util.Arrays;

/**
 * A compiled SQL {@code LIKE} / {@code ILIKE} pattern with the exact semantics of MLflow's file store
 * ({@code _convert_like_pattern_to_regex}, {@code _like}, {@code _ilike} in {@code search_utils.py}):
 *
 * <pre>
 *   regex = re.escape(pattern).replace("%", ".*").replace("_", ".")
 *   if not pattern.startswith("%"): regex = "^" + regex
 *   if not pattern.endswith("%"):   regex = regex + "$"
 *   re.compile(regex, flags).match(value)
 * </pre>
 *
 * <p>So every character other than {@code %} and {@code _} is literal (regex metacharacters included), there
 * is no escape character, and, because Python's {@code .} does not match a newline and {@code re.match} only
 * anchors the start: {@code %} and {@code _} never match {@code '\n'}; a pattern ending in {@code %} matches any
 * value that <em>starts</em> with a match (the rest may span lines); and a pattern not ending in {@code %} also
 * matches when the value has one extra trailing {@code '\n'} ({@code $} matches before a final newline).
 *
 * <p>Matching simulates the pattern as an NFA over code points: linear in the value's length times the
 * pattern's, no backtracking and no regex.
 */
public final class LikePattern {
  private static final int ANY_RUN = -1; // %
  private static final int ANY_ONE = -2; // _

  private final int[] pattern;
  private final boolean ignoreCase;
  private final boolean prefixMatch;
  private final String source;

  private LikePattern(int[] pattern, boolean ignoreCase, boolean prefixMatch, String source) {
    this.pattern = pattern;
    this.ignoreCase = ignoreCase;
    this.prefixMatch = prefixMatch;
    this.source = source;
  }

  /** Compiles {@code pattern}; {@code ignoreCase} for ILIKE (MLflow's {@code _ilike} uses re.IGNORECASE). */
  public static LikePattern compile(String pattern, boolean ignoreCase) {
    int[] cps = new int[pattern.length()];
    int n = 0;
    for (int i = 0; i < pattern.length(); ) {
      int cp = pattern.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == '%') {
        if (n > 0 && cps[n - 1] == ANY_RUN) {
          continue; // .*.* is .*
        }
        cps[n++] = ANY_RUN;
      } else if (cp == '_') {
        cps[n++] = ANY_ONE;
      } else {
        cps[n++] = cp;
      }
    }
    int[] compact = new int[n];
    System.arraycopy(cps, 0, compact, 0, n);
    return new LikePattern(compact, ignoreCase, pattern.endsWith("%"), pattern);
  }

  /** True if {@code s} matches, as {@code re.match} of MLflow's regex would. */
  public boolean matches(String s) {
    int m = pattern.length;
    boolean[] cur = new boolean[m + 1];
    boolean[] next = new boolean[m + 1];
    cur[0] = true;
    close(cur);
    boolean acceptedBeforeFinalNewline = false;
    int i = 0;
    while (true) {
      if (prefixMatch && cur[m]) {
        return true; // re.match needs no "$": a matching prefix is enough
      }
      if (i >= s.length()) {
        return cur[m] || acceptedBeforeFinalNewline;
      }
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == '\n' && i == s.length() && cur[m]) {
        acceptedBeforeFinalNewline = true; // "$" matches just before a final newline
      }
      boolean any = false;
      Arrays.fill(next, false);
      for (int p = 0; p < m; p++) {
        if (!cur[p]) {
          continue;
        }
        int t = pattern[p];
        if (t == ANY_RUN) {
          if (cp != '\n') {
            next[p] = true;
            any = true;
          }
        } else if (t == ANY_ONE ? cp != '\n' : same(t, cp)) {
          next[p + 1] = true;
          any = true;
        }
      }
      if (!any) {
        return acceptedBeforeFinalNewline;
      }
      close(next);
      boolean[] swap = cur;
      cur = next;
      next = swap;
    }
  }

  /** Epsilon closure: a {@code %} may match nothing. */
  private void close(boolean[] states) {
    for (int p = 0; p < pattern.length; p++) {
      if (states[p] && pattern[p] == ANY_RUN) {
        states[p + 1] = true;
      }
    }
  }

  private boolean same(int p, int c) {
    if (p == c) {
      return true;
    }
    if (!ignoreCase) {
      return false;
    }
    // Like String.equalsIgnoreCase, per code point: covers Python's IGNORECASE pairs such as K/k/KELVIN SIGN.
    return Character.toUpperCase(p) == Character.toUpperCase(c)
        || Character.toLowerCase(p) == Character.toLowerCase(c);
  }

  @Override
  public String toString() {
    return (ignoreCase ? "ILIKE '" : "LIKE '") + source + "'";
  }
}
