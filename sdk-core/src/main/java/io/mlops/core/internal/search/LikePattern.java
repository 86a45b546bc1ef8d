package io.mlops.core.internal.search;

/**
 * A compiled SQL {@code LIKE} / {@code ILIKE} pattern: {@code %} matches any run of characters (also none),
 * {@code _} exactly one, everything else itself.
 *
 * <p>MLflow's file store turns the pattern into a regex ({@code _convert_like_pattern_to_regex}: anchor, then
 * {@code _} to {@code .} and {@code %} to {@code .*}) without escaping the other characters, so there {@code .},
 * {@code +}, {@code (} ... act as regex syntax (or raise). We match every other character literally instead,
 * which is what the same filter means on MLflow's SQL stores and what users write patterns for. There is no
 * escape character (SQLite's default, MLflow's default SQL backend), and {@code %}/{@code _} also match line
 * breaks. Matching is a linear scan with backtracking to the last {@code %}: no regex per evaluation.
 */
final class LikePattern {
  private static final int ANY_RUN = -1; // %
  private static final int ANY_ONE = -2; // _

  private final int[] pattern;
  private final boolean ignoreCase;
  private final String source;

  private LikePattern(int[] pattern, boolean ignoreCase, String source) {
    this.pattern = pattern;
    this.ignoreCase = ignoreCase;
    this.source = source;
  }

  /** Compiles {@code pattern}; {@code ignoreCase} for ILIKE (MLflow's {@code _ilike} uses re.IGNORECASE). */
  static LikePattern compile(String pattern, boolean ignoreCase) {
    int[] cps = new int[pattern.length()];
    int n = 0;
    for (int i = 0; i < pattern.length(); ) {
      int cp = pattern.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == '%') {
        if (n > 0 && cps[n - 1] == ANY_RUN) {
          continue; // %% is %
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
    return new LikePattern(compact, ignoreCase, pattern);
  }

  /** True if the whole of {@code s} matches. {@code _} matches one code point, as one Python str character. */
  boolean matches(String s) {
    int si = 0;
    int pi = 0;
    int starPi = -1;
    int starSi = -1;
    int n = s.length();
    int m = pattern.length;
    while (si < n) {
      if (pi < m && pattern[pi] == ANY_RUN) {
        starPi = pi++;
        starSi = si;
        continue;
      }
      int cp = s.codePointAt(si);
      if (pi < m && (pattern[pi] == ANY_ONE || same(pattern[pi], cp))) {
        pi++;
        si += Character.charCount(cp);
        continue;
      }
      if (starPi >= 0) {
        // Let the last % swallow one more character and retry from just after it.
        pi = starPi + 1;
        starSi += Character.charCount(s.codePointAt(starSi));
        si = starSi;
        continue;
      }
      return false;
    }
    while (pi < m && pattern[pi] == ANY_RUN) {
      pi++;
    }
    return pi == m;
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
