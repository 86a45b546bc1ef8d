package io.mlops.core.internal.search;

import io.mlops.core.FilterSyntaxException;
import java.util.Locale;

/**
 * Parses one order-by clause, {@code <identifier> [ASC|DESC]}, the way MLflow's
 * {@code SearchUtils._parse_order_by_string} does: the identifier is read as one shell word ({@code shlex.split}
 * after backticks become double quotes), so quotes are removed and quoted parts glue to bare ones
 * ({@code metrics."my key"} and {@code "metrics.my key"} both become {@code metrics.my key}); then
 * {@code _get_identifier} splits that word at its first dot into entity type and key.
 */
final class OrderByParser {
  private OrderByParser() {}

  /** A parsed order-by clause. */
  static final class OrderSpec {
    final String clause;
    final String entity; // null when the identifier had no dot
    final int entityPos;
    final String key;
    final int keyPos;
    final String identifier; // the unquoted word, for messages
    final boolean ascending;

    OrderSpec(String clause, String entity, int entityPos, String key, int keyPos, String identifier,
        boolean ascending) {
      this.clause = clause;
      this.entity = entity;
      this.entityPos = entityPos;
      this.key = key;
      this.keyPos = keyPos;
      this.identifier = identifier;
      this.ascending = ascending;
    }

    FilterSyntaxException error(int at, String problem) {
      return new FilterSyntaxException(clause, at, problem);
    }
  }

  /** Parses {@code clause}; ascending unless it ends with DESC (case-insensitive), as in MLflow. */
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
    StringBuilder word = new StringBuilder();
    int[] sourcePos = new int[clause.length() + 1];
    while (!sc.atEnd() && !Character.isWhitespace(sc.peek())) {
      char c = sc.peek();
      if (c == '"' || c == '`') {
        int contentStart = sc.pos + 1;
        String content = sc.readQuoted(c == '"');
        for (int i = 0; i < content.length(); i++) {
          char ch = content.charAt(i);
          // shlex (POSIX mode) undoes \" and \\ inside double quotes.
          if (c == '"' && ch == '\\' && i + 1 < content.length()
              && (content.charAt(i + 1) == '"' || content.charAt(i + 1) == '\\')) {
            i++;
            ch = content.charAt(i);
          }
          sourcePos[word.length()] = contentStart + i;
          word.append(ch);
        }
      } else if (c == '\'') {
        throw sc.error(sc.pos, "single quotes are for values; quote a key with \"double quotes\" or `backticks`");
      } else if (c == '.' || FilterScanner.isWordChar(clause.codePointAt(sc.pos))) {
        int cp = clause.codePointAt(sc.pos);
        for (char ch : Character.toChars(cp)) {
          sourcePos[word.length()] = sc.pos;
          word.append(ch);
          sc.pos++;
        }
      } else {
        throw sc.error(sc.pos, "unexpected '" + c + "' in order_by clause; expected e.g. 'metrics.acc DESC'");
      }
    }
    int identEnd = sc.pos;
    String identifier = word.toString();
    if (identifier.isEmpty()) {
      throw sc.error(start, "empty identifier in order_by clause");
    }
    sc.skipWhitespace();
    boolean ascending = true;
    if (!sc.atEnd()) {
      int dirPos = sc.pos;
      String dir = sc.readWord().toLowerCase(Locale.ROOT);
      if (!dir.equals("asc") && !dir.equals("desc")) {
        throw sc.error(dirPos, "expected ASC or DESC after '" + clause.substring(start, identEnd) + "', found '"
            + sc.snippet(dirPos) + "'");
      }
      ascending = dir.equals("asc");
      sc.skipWhitespace();
      if (!sc.atEnd()) {
        throw sc.error(sc.pos, "unexpected '" + sc.snippet(sc.pos) + "' after " + dir.toUpperCase(Locale.ROOT)
            + "; give one order_by clause per list element");
      }
    }
    int dot = identifier.indexOf('.');
    if (dot < 0) {
      return new OrderSpec(clause, null, start, identifier, start, identifier, ascending);
    }
    String key = identifier.substring(dot + 1);
    int keyPos = dot + 1 < identifier.length() ? sourcePos[dot + 1] : identEnd;
    if (key.isEmpty()) {
      throw sc.error(keyPos, "expected a key after '" + identifier + "'");
    }
    return new OrderSpec(clause, identifier.substring(0, dot), start, key, keyPos, identifier, ascending);
  }
}
