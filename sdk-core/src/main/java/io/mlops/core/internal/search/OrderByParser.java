package io.mlops.core.internal.search;

import io.mlops.core.FilterSyntaxException;
import io.mlops.core.internal.search.FilterScanner.Identifier;
import io.mlops.core.internal.search.FilterScanner.Segment;
import java.util.Locale;

/**
 * Parses one order-by clause, {@code <identifier> [ASC|DESC]}, the way MLflow's
 * {@code SearchUtils._parse_order_by_string} and {@code _get_identifier} do. That function has two paths, and
 * quoting differs between them:
 *
 * <ul>
 *   <li>Without a direction the identifier text goes to {@code _get_identifier} as written: split at the first
 *       dot, the type's backticks trimmed, the key's quotes stripped. {@code metrics."a b"} works,
 *       {@code "metrics.acc"} does not (its type would be {@code "metrics}).
 *   <li>With ASC or DESC it is first run through {@code shlex.split} (after backticks become double quotes), which
 *       removes quotes anywhere and glues the parts: {@code "metrics.acc" DESC} and {@code metrics."a b" DESC}
 *       both work.
 * </ul>
 */
final class OrderByParser {
  private OrderByParser() {}

  /** A parsed order-by clause. */
  static final class OrderSpec {
    final String clause;
    final String entity; // null when the identifier had no dot
    final char entityQuote; // '\0', '"' or '`' as written (always '\0' on the shlex path)
    final int entityPos;
    final String key;
    final int keyPos;
    final boolean ascending;

    OrderSpec(String clause, String entity, char entityQuote, int entityPos, String key, int keyPos,
        boolean ascending) {
      this.clause = clause;
      this.entity = entity;
      this.entityQuote = entityQuote;
      this.entityPos = entityPos;
      this.key = key;
      this.keyPos = keyPos;
      this.ascending = ascending;
    }

    FilterSyntaxException error(int at, String problem) {
      return new FilterSyntaxException(clause, at, problem);
    }
  }

  /**
   * Parses {@code clause}; ascending unless it ends with DESC (case-insensitive), as in MLflow. Surrounding
   * whitespace is tolerated (MLflow's sqlparse check rejects it).
   */
  static OrderSpec parse(String clause) {
    if (clause == null) {
      throw new FilterSyntaxException("", 0, "order_by clause is null; expected e.g. 'metrics.acc DESC'");
    }
    FilterScanner sc = new FilterScanner(clause);
    sc.skipWhitespace();
    if (sc.atEnd()) {
      throw sc.error(0, "empty order_by clause; expected e.g. 'metrics.acc DESC'");
    }
    int start = sc.pos;
    if (sc.peek() == '\'') {
      throw sc.error(start, "single quotes are for values; quote a name with \"double quotes\" or `backticks`");
    }
    Identifier id = sc.readIdentifier();
    if (id == null) {
      throw sc.error(start, "expected an identifier such as metrics.acc or start_time, found '"
          + sc.snippet(start) + "'");
    }
    if (!sc.atEnd() && !Character.isWhitespace(sc.peek())) {
      throw sc.error(sc.pos, "unexpected '" + sc.snippet(sc.pos) + "' in order_by clause; expected e.g. "
          + "'metrics.acc DESC'");
    }
    sc.skipWhitespace();
    if (sc.atEnd()) {
      return rawPath(clause, id);
    }
    int dirPos = sc.pos;
    String dir = sc.readWord().toLowerCase(Locale.ROOT);
    if (!dir.equals("asc") && !dir.equals("desc")) {
      throw sc.error(dirPos, "expected ASC or DESC after '" + id.source + "', found '" + sc.snippet(dirPos) + "'");
    }
    sc.skipWhitespace();
    if (!sc.atEnd()) {
      throw sc.error(sc.pos, "unexpected '" + sc.snippet(sc.pos) + "' after " + dir.toUpperCase(Locale.ROOT)
          + "; give one order_by clause per list element");
    }
    return shlexPath(clause, id, dir.equals("asc"));
  }

  /** No direction: {@code _get_identifier} on the identifier as written. */
  private static OrderSpec rawPath(String clause, Identifier id) {
    if (id.segments.size() == 1) {
      Segment only = id.segments.get(0);
      return new OrderSpec(clause, null, '\0', only.start, only.content, only.start, true);
    }
    Segment type = id.segments.get(0);
    FilterScanner sc = new FilterScanner(clause);
    String key = CandidateFilter.joinKey(sc, id.segments);
    return new OrderSpec(clause, type.content, type.quote, type.start, key, id.segments.get(1).start, true);
  }

  /**
   * With a direction: {@code shlex.split(token.replace("`", '"'))}, then {@code _get_identifier} on the
   * unquoted word. Inside double quotes (and former backticks) shlex undoes {@code \"} and {@code \\}; single
   * quotes keep everything; a doubled quote is an empty quoted part.
   */
  private static OrderSpec shlexPath(String clause, Identifier id, boolean ascending) {
    String src = id.source;
    StringBuilder word = new StringBuilder();
    int[] sourcePos = new int[src.length() + 1];
    int i = 0;
    while (i < src.length()) {
      char c = src.charAt(i);
      if (c == '"' || c == '`' || c == '\'') {
        int j = i + 1;
        while (j < src.length() && src.charAt(j) != c) {
          char d = src.charAt(j);
          if (c != '\'' && d == '\\' && j + 1 < src.length()
              && (src.charAt(j + 1) == '"' || src.charAt(j + 1) == '\\')) {
            j++;
            d = src.charAt(j);
          }
          sourcePos[word.length()] = id.start + j;
          word.append(d);
          j++;
        }
        i = j + 1;
      } else {
        sourcePos[word.length()] = id.start + i;
        word.append(c);
        i++;
      }
    }
    String w = word.toString();
    int dot = w.indexOf('.');
    if (dot < 0) {
      return new OrderSpec(clause, null, '\0', id.start, w, id.start, ascending);
    }
    int keyPos = dot + 1 < w.length() ? sourcePos[dot + 1] : id.start + src.length();
    return new OrderSpec(clause, w.substring(0, dot), '\0', id.start, w.substring(dot + 1), keyPos, ascending);
  }
}
