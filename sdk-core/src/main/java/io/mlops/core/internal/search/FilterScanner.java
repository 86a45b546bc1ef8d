package io.mlops.core.internal.search;

import io.mlops.core.FilterSyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A hand-written scanner for MLflow's filter language: identifiers, comparators, values and the {@code AND}
 * joining them. It reproduces what MLflow accepts through {@code sqlparse} (the lexer rules of
 * {@code sqlparse/keywords.py} as grouped by {@code SearchUtils._process_statement}), but keeps the character
 * offset of every token so errors can point at the offending one.
 */
final class FilterScanner {
  /** Keywords that may not start a clause; reported specially so the message says what is wrong. */
  private static final List<String> CLAUSE_KEYWORDS = List.of("AND", "OR", "NOT");

  final String text;
  int pos;

  FilterScanner(String text) {
    this.text = text;
  }

  /** Parses one clause; implemented by the candidate and experiment filters. */
  interface ClauseParser<T> {
    T parse(FilterScanner scanner);
  }

  /**
   * Parses {@code clause (AND clause)*}. MLflow's {@code _process_statement} accepts only comparisons, whitespace
   * and the {@code AND} keyword at the top level, so {@code OR}, parentheses and {@code ;} are errors. Because
   * it only filters out AND tokens, MLflow also lets typos through (a dangling or doubled AND, two clauses with
   * no AND between them); those are always mistakes, so we reject them with a position instead.
   */
  static <T> List<T> parseConjunction(String text, ClauseParser<T> parser) {
    FilterScanner sc = new FilterScanner(text);
    sc.skipWhitespace();
    if (sc.atEnd()) {
      return Collections.emptyList();
    }
    List<T> clauses = new ArrayList<>();
    while (true) {
      sc.checkClauseStart();
      clauses.add(parser.parse(sc));
      sc.skipWhitespace();
      if (sc.atEnd()) {
        return clauses;
      }
      int at = sc.pos;
      String word = sc.peekWord().toUpperCase(Locale.ROOT);
      if (word.equals("AND")) {
        sc.pos += word.length();
        sc.skipWhitespace();
        if (sc.atEnd()) {
          // sqlparse would let a dangling AND through; it is always a typo, so say so.
          throw sc.error(at, "dangling AND: expected a clause after it");
        }
        continue;
      }
      if (word.equals("OR")) {
        throw sc.error(at, "OR is not supported: MLflow filters join clauses with AND");
      }
      if (sc.peek() == ';') {
        throw sc.error(at, "unexpected ';': a filter is a single expression of clauses joined with AND");
      }
      throw sc.error(at, "expected AND between clauses, found '" + sc.snippet(at) + "'");
    }
  }

  private void checkClauseStart() {
    int at = pos;
    if (peek() == '(') {
      throw error(at, "parentheses are not supported: MLflow filters are a flat list of clauses joined with AND");
    }
    String word = peekWord().toUpperCase(Locale.ROOT);
    if (word.equals("OR")) {
      throw error(at, "OR is not supported: MLflow filters join clauses with AND");
    }
    if (CLAUSE_KEYWORDS.contains(word)) {
      throw error(at, "expected a clause before " + word);
    }
  }

  // ---------------------------------------------------------------------------------------------- primitives

  FilterSyntaxException error(int at, String problem) {
    return new FilterSyntaxException(text, Math.max(0, Math.min(at, text.length())), problem);
  }

  boolean atEnd() {
    return pos >= text.length();
  }

  /** The character at the cursor, or {@code '\0'} at the end. */
  char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  void skipWhitespace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  /** A short excerpt starting at {@code at}, up to the next whitespace, for messages. */
  String snippet(int at) {
    int end = at;
    while (end < text.length() && end - at < 20 && !Character.isWhitespace(text.charAt(end))) {
      end++;
    }
    return text.substring(at, end);
  }

  /**
   * Word characters of a bare identifier or keyword: sqlparse's {@code [0-9_A-ZÀ-Ü][_$#\w]*} (Unicode letters,
   * digits and underscore, plus {@code $} and {@code #} inside).
   */
  static boolean isWordChar(int cp) {
    return Character.isLetterOrDigit(cp) || cp == '_' || cp == '$' || cp == '#';
  }

  private int wordEnd(int from) {
    int i = from;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      if (!isWordChar(cp)) {
        break;
      }
      i += Character.charCount(cp);
    }
    return i;
  }

  /** The bare word at the cursor without consuming it; empty if there is none. */
  String peekWord() {
    return text.substring(pos, wordEnd(pos));
  }

  /** Consumes and returns the bare word at the cursor; empty if there is none. */
  String readWord() {
    int end = wordEnd(pos);
    String w = text.substring(pos, end);
    pos = end;
    return w;
  }

  /**
   * Reads a quoted token starting at the cursor (which is on the opening quote) and returns its content
   * <em>verbatim</em>. Mirrors sqlparse 0.6's {@code '(''|\\'|[^'])*'} (and the same for {@code "}): a doubled
   * quote or a backslash-escaped quote does not end the token, and when the greedy scan runs off the end the
   * regex backtracks to the last quote that could have closed it. MLflow's {@code _strip_quotes} then only
   * trims the two ends, so escapes are <em>not</em> undone: {@code 'it''s'} is the 5-character {@code it''s}.
   *
   * @param backslashEscapes false for backticks, whose sqlparse rule is {@code `(``|[^`])*`}
   */
  String readQuoted(boolean backslashEscapes) {
    int open = pos;
    char q = text.charAt(open);
    int lastCandidate = -1;
    int i = open + 1;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == q) {
        if (i + 1 < text.length() && text.charAt(i + 1) == q) {
          lastCandidate = i;
          i += 2;
          continue;
        }
        pos = i + 1;
        return text.substring(open + 1, i);
      }
      if (backslashEscapes && c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == q) {
        lastCandidate = i + 1;
        i += 2;
        continue;
      }
      i++;
    }
    if (lastCandidate >= 0) {
      pos = lastCandidate + 1;
      return text.substring(open + 1, lastCandidate);
    }
    throw error(open, "unterminated " + (q == '`' ? "quoted name" : "string") + ": no closing " + q);
  }

  // ------------------------------------------------------------------------------------------- identifiers

  /** One dot-separated part of an identifier: a bare word, a {@code "quoted"} or a {@code `backticked`} name. */
  static final class Segment {
    final String content;
    final char quote; // '\0' when bare
    final int start;

    Segment(String content, char quote, int start) {
      this.content = content;
      this.quote = quote;
      this.start = start;
    }

    boolean bare() {
      return quote == '\0';
    }
  }

  /** An identifier as written: its segments and its source text. */
  static final class Identifier {
    final List<Segment> segments;
    final int start;
    final String source;

    Identifier(List<Segment> segments, int start, String source) {
      this.segments = segments;
      this.start = start;
      this.source = source;
    }
  }

  /**
   * Reads {@code segment(.segment)*} at the cursor, or returns null if no identifier starts there. Bare segments
   * may be joined by dots, so {@code tags.mlflow.runName} has the key {@code mlflow.runName}, as in MLflow's
   * {@code _get_identifier} which splits only at the first dot.
   */
  Identifier readIdentifier() {
    int start = pos;
    List<Segment> segments = new ArrayList<>();
    while (true) {
      Segment s = readSegment(!segments.isEmpty());
      if (s == null) {
        if (segments.isEmpty()) {
          return null;
        }
        throw error(pos, "expected a key after '" + text.substring(start, pos) + "'");
      }
      segments.add(s);
      if (peek() == '.') {
        pos++;
        continue;
      }
      return new Identifier(segments, start, text.substring(start, pos));
    }
  }

  /**
   * One segment; {@code afterDot} allows a {@code 'single-quoted'} key, which sqlparse groups into the
   * identifier only after a dot ({@code params.'my key'}).
   */
  private Segment readSegment(boolean afterDot) {
    int start = pos;
    char c = peek();
    if (c == '"' || (c == '\'' && afterDot)) {
      return new Segment(readQuoted(true), c, start);
    }
    if (c == '`') {
      return new Segment(readQuoted(false), c, start);
    }
    if (!atEnd() && isWordChar(text.codePointAt(pos))) {
      return new Segment(readWord(), '\0', start);
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------- comparators

  /** A comparator and where it was written. */
  static final class OpToken {
    final Op op;
    final int start;

    OpToken(Op op, int start) {
      this.op = op;
      this.start = start;
    }
  }

  /**
   * Reads a comparator at the cursor: a run of sqlparse's comparison characters {@code [<>=~!]+}, or one of the
   * keywords LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL (case-insensitive, as sqlparse matches keywords;
   * MLflow's {@code _join_in_comparison_tokens} builds the last four). Returns null if the cursor is on none of
   * them; throws for a comparison run or keyword MLflow would reject later.
   */
  OpToken readComparator() {
    int start = pos;
    char c = peek();
    if (c != '\0' && "<>=~!".indexOf(c) >= 0) {
      int end = pos;
      while (end < text.length() && "<>=~!".indexOf(text.charAt(end)) >= 0) {
        end++;
      }
      String sym = text.substring(pos, end);
      Op op = Op.fromSymbol(sym);
      if (op == null) {
        String hint = sym.equals("==") ? "; use =" : sym.equals("<>") ? "; use !=" : "";
        throw error(start, "unknown comparator '" + sym + "'" + hint);
      }
      pos = end;
      return new OpToken(op, start);
    }
    String word = peekWord().toUpperCase(Locale.ROOT);
    switch (word) {
      case "LIKE":
        pos += word.length();
        return new OpToken(Op.LIKE, start);
      case "ILIKE":
        pos += word.length();
        return new OpToken(Op.ILIKE, start);
      case "IN":
        pos += word.length();
        return new OpToken(Op.IN, start);
      case "RLIKE":
      case "REGEXP":
        throw error(start, word + " is not supported in run and experiment searches; use LIKE or ILIKE");
      case "NOT": {
        pos += word.length();
        skipWhitespace();
        int nextAt = pos;
        String next = peekWord().toUpperCase(Locale.ROOT);
        if (next.equals("IN")) {
          pos += next.length();
          return new OpToken(Op.NOT_IN, start);
        }
        if (next.equals("LIKE") || next.equals("ILIKE")) {
          throw error(start, "NOT " + next + " is not supported; MLflow negates only IN (NOT IN)");
        }
        throw error(nextAt, "expected IN after NOT");
      }
      case "IS": {
        pos += word.length();
        skipWhitespace();
        int nextAt = pos;
        String next = peekWord().toUpperCase(Locale.ROOT);
        if (next.equals("NULL")) {
          pos += next.length();
          return new OpToken(Op.IS_NULL, start);
        }
        if (next.equals("NOT")) {
          pos += next.length();
          int notEnd = pos;
          skipWhitespace();
          String last = peekWord().toUpperCase(Locale.ROOT);
          if (last.equals("NULL")) {
            // sqlparse lexes NOT\s+NULL as one keyword and _join_in_comparison_tokens compares its text
            // with "NOT NULL", so any other spacing makes MLflow reject the clause.
            if (pos != notEnd + 1 || text.charAt(notEnd) != ' ') {
              throw error(notEnd, "write IS NOT NULL with a single space between NOT and NULL");
            }
            pos += last.length();
            return new OpToken(Op.IS_NOT_NULL, start);
          }
        }
        throw error(nextAt, "expected NULL or NOT NULL after IS");
      }
      default:
        return null;
    }
  }

  // ------------------------------------------------------------------------------------------------ values

  /** What kind of literal a value is. */
  enum ValueKind {
    STRING,
    NUMBER,
    LIST
  }

  /** A literal value as written. */
  static final class Value {
    final ValueKind kind;
    final String text; // string content (verbatim) or number text
    final List<String> items; // for LIST
    final boolean integer; // for NUMBER: sqlparse's Number.Integer (-?\d+)
    final int start;

    Value(ValueKind kind, String text, List<String> items, boolean integer, int start) {
      this.kind = kind;
      this.text = text;
      this.items = items;
      this.integer = integer;
      this.start = start;
    }
  }

  /**
   * Reads a value: {@code 'single-quoted'} or {@code "double-quoted"} string (MLflow's {@code _get_value} takes
   * both: sqlparse makes the latter an Identifier, which {@code _strip_quotes} unquotes), a number, or a
   * parenthesised list of quoted strings.
   *
   * @param after the text the value follows, for messages
   */
  Value readValue(String after) {
    int start = pos;
    char c = peek();
    if (atEnd()) {
      throw error(start, "expected a value after '" + after + "'");
    }
    if (c == '\'' || c == '"') {
      return new Value(ValueKind.STRING, readQuoted(true), null, false, start);
    }
    if (c == '`') {
      readQuoted(false);
      throw error(start, "backticks quote keys, not values; quote the value with single quotes");
    }
    if (c == '(') {
      return readList();
    }
    if (c == '-' || c == '.' || (c >= '0' && c <= '9')) {
      return readNumber();
    }
    if (isWordChar(text.codePointAt(pos))) {
      String w = peekWord();
      throw error(start, "unquoted value '" + w + "': quote strings, e.g. '" + w + "'");
    }
    throw error(start, "expected a value after '" + after + "', found '" + snippet(start) + "'");
  }

  /**
   * Reads a number with sqlparse's shapes: {@code -?\d+} (Integer) and {@code -?(\d+\.\d*|\.\d+)} with an
   * optional exponent (Float). A digit run glued to letters is a word, not a number, as in sqlparse.
   */
  private Value readNumber() {
    int start = pos;
    int i = pos;
    if (i < text.length() && text.charAt(i) == '-') {
      i++;
    }
    int digits = 0;
    while (i < text.length() && isDigit(text.charAt(i))) {
      i++;
      digits++;
    }
    boolean integer = true;
    if (i < text.length() && text.charAt(i) == '.') {
      integer = false;
      i++;
      while (i < text.length() && isDigit(text.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      throw error(start, "expected a number, found '" + snippet(start) + "'");
    }
    if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      int j = i + 1;
      if (j < text.length() && (text.charAt(j) == '-' || text.charAt(j) == '+')) {
        j++;
      }
      if (j < text.length() && isDigit(text.charAt(j))) {
        while (j < text.length() && isDigit(text.charAt(j))) {
          j++;
        }
        integer = false;
        i = j;
      }
    }
    if (i < text.length() && isWordChar(text.codePointAt(i))) {
      if (integer && text.charAt(start) != '-') {
        String w = text.substring(start, wordEnd(start));
        throw error(start, "unquoted value '" + w + "': quote strings, e.g. '" + w + "'");
      }
      throw error(start, "malformed number '" + text.substring(start, wordEnd(i)) + "'");
    }
    pos = i;
    return new Value(ValueKind.NUMBER, text.substring(start, i), null, integer, start);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * Reads {@code ('a', "b", ...)}. MLflow evaluates the parenthesis with {@code ast.literal_eval} and requires a
   * non-empty tuple of strings ({@code _parse_list_from_sql_token}, {@code _check_valid_identifier_list}), so
   * the items follow Python's rules, not the filter's: backslash escapes are decoded, adjacent literals are
   * concatenated ({@code ('a' 'b')} is {@code ('ab',)}, and so {@code 'it''s'} is {@code its}), and a trailing
   * comma is legal.
   */
  private Value readList() {
    int start = pos;
    pos++; // (
    skipWhitespace();
    if (peek() == ')') {
      throw error(start, "an IN list needs at least one quoted string");
    }
    List<String> items = new ArrayList<>();
    while (true) {
      skipWhitespace();
      char c = peek();
      if (c == ')' && !items.isEmpty()) {
        pos++;
        break;
      }
      if (c != '\'' && c != '"') {
        if (atEnd()) {
          throw error(start, "unclosed list: expected ')'");
        }
        throw error(pos, "expected a quoted string in the list, found '" + snippet(pos) + "'");
      }
      StringBuilder item = new StringBuilder();
      while (peek() == '\'' || peek() == '"') {
        readPythonString(item);
        skipWhitespace();
      }
      items.add(item.toString());
      c = peek();
      if (c == ',') {
        pos++;
        continue;
      }
      if (c == ')') {
        pos++;
        break;
      }
      if (atEnd()) {
        throw error(start, "unclosed list: expected ')'");
      }
      throw error(pos, "expected ',' or ')' in the list, found '" + snippet(pos) + "'");
    }
    return new Value(ValueKind.LIST, text.substring(start, pos), Collections.unmodifiableList(items), false, start);
  }

  /** Appends the value of one Python string literal ({@code '...'} or {@code "..."}) at the cursor. */
  private void readPythonString(StringBuilder out) {
    int open = pos;
    char q = text.charAt(pos++);
    while (true) {
      if (atEnd() || text.charAt(pos) == '\n') {
        throw error(open, "unterminated string in the list: no closing " + q);
      }
      char c = text.charAt(pos++);
      if (c == q) {
        return;
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (atEnd()) {
        throw error(open, "unterminated string in the list: no closing " + q);
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '\n':
          break; // line continuation
        case '\\':
        case '\'':
        case '"':
          out.append(e);
          break;
        case 'n':
          out.append('\n');
          break;
        case 't':
          out.append('\t');
          break;
        case 'r':
          out.append('\r');
          break;
        case 'a':
          out.append('\u0007');
          break;
        case 'b':
          out.append('\b');
          break;
        case 'f':
          out.append('\f');
          break;
        case 'v':
          out.append('\u000b');
          break;
        case 'x':
          out.appendCodePoint(hexEscape(2, pos - 2));
          break;
        case 'u':
          out.appendCodePoint(hexEscape(4, pos - 2));
          break;
        case 'U':
          out.appendCodePoint(hexEscape(8, pos - 2));
          break;
        case 'N': {
          int close = text.indexOf('}', pos);
          if (peek() != '{' || close < 0) {
            throw error(pos - 2, "malformed \\N{...} escape");
          }
          try {
            out.appendCodePoint(Character.codePointOf(text.substring(pos + 1, close)));
          } catch (IllegalArgumentException ex) {
            throw error(pos - 2, "unknown Unicode character name in \\N{...}");
          }
          pos = close + 1;
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int n = 0; n < 2 && pos < text.length() && isOctal(text.charAt(pos)); n++) {
              v = v * 8 + (text.charAt(pos++) - '0');
            }
            out.append((char) v);
          } else {
            out.append('\\').append(e); // Python keeps unknown escapes as written
          }
      }
    }
  }

  private static boolean isOctal(char c) {
    return c >= '0' && c <= '7';
  }

  private int hexEscape(int digits, int at) {
    if (pos + digits > text.length()) {
      throw error(at, "truncated \\x/\\u/\\U escape");
    }
    int v;
    try {
      v = Integer.parseUnsignedInt(text.substring(pos, pos + digits), 16);
    } catch (NumberFormatException ex) {
      throw error(at, "malformed \\x/\\u/\\U escape");
    }
    if (v > Character.MAX_CODE_POINT) {
      throw error(at, "escape beyond U+10FFFF");
    }
    pos += digits;
    return v;
  }
}
