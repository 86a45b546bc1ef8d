package io.mlops.core.internal.search;

import io.mlops.core.FilterSyntaxException;
import io.mlops.core.Model;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * A model filter with the semantics of MLflow's file store ({@code SearchModelUtils.filter} and
 * {@code _does_registered_model_match_clauses}): clauses joined by {@code AND}; {@code name} (bare or
 * {@code attribute.name}) with {@code = != LIKE ILIKE IN NOT IN}; {@code tags.<key>} / {@code tag.<key>} (key bare,
 * in backticks or in double quotes) with {@code = != LIKE ILIKE}; values in single or double quotes, kept as
 * written between the quotes ({@code _strip_quotes} only trims them). A model without the tag never matches a
 * tag clause. Prompts (models tagged {@value #PROMPT_TAG} = true) are left out unless the filter names that tag
 * ({@code add_prompt_filter_string}).
 */
public final class ModelFilter {
  /** MLflow's prompt marker: models tagged with it are prompts, left out of searches unless named. */
  public static final String PROMPT_TAG = "mlflow.prompt.is_prompt";

  private ModelFilter() {}

  /**
   * The predicate of a filter; null or blank matches every model but prompts.
   *
   * @throws FilterSyntaxException for a malformed filter
   */
  public static Predicate<Model> parse(String filter) {
    String text = filter == null ? "" : filter;
    List<Predicate<Model>> clauses = new ArrayList<>();
    if (!text.contains(PROMPT_TAG)) {
      clauses.add(m -> !"true".equals(m.tags().get(PROMPT_TAG)));
    }
    if (!text.trim().isEmpty()) {
      new FilterParser(text).parseInto(clauses);
    }
    List<Predicate<Model>> all = List.copyOf(clauses);
    return m -> {
      for (Predicate<Model> c : all) {
        if (!c.test(m)) {
          return false;
        }
      }
      return true;
    };
  }

  /** A scanner for the small filter grammar of {@link ModelFilter}, with positions for its errors. */
  private static final class FilterParser {
    private final String text;
    private int pos;

    FilterParser(String text) {
      this.text = text;
    }

    void parseInto(List<Predicate<Model>> out) {
      skipWhitespace();
      while (true) {
        out.add(clause());
        skipWhitespace();
        if (pos >= text.length()) {
          return;
        }
        int at = pos;
        String word = word();
        if (word == null || !word.equalsIgnoreCase("AND")) {
          throw error(at, word != null && word.equalsIgnoreCase("OR")
              ? "MLflow filters join clauses with AND only; OR is not supported"
              : "expected AND between clauses");
        }
        skipWhitespace();
        if (pos >= text.length()) {
          throw error(at, "dangling AND: expected a clause after it");
        }
      }
    }

    private Predicate<Model> clause() {
      int at = pos;
      String first = word();
      if (first == null) {
        throw error(at, "expected name or tags.<key>");
      }
      boolean tag = false;
      String key = first;
      int keyAt = at;
      if (pos < text.length() && text.charAt(pos) == '.') {
        pos++;
        // SearchModelUtils._get_model_search_identifier
        if (first.equals("tag") || first.equals("tags")) {
          tag = true;
        } else if (!first.equals("attribute")) {
          throw error(at, "Invalid entity type '" + first + "'. Valid entity types are ('attribute', 'tag', 'tags')");
        }
        keyAt = pos;
        key = key();
      }
      if (!tag && !key.equals("name")) {
        throw error(keyAt, "Invalid attribute key '" + key + "' specified. Valid keys are '{'name'}'");
      }
      skipWhitespace();
      int opAt = pos;
      String op = comparator();
      boolean list = op.equals("IN") || op.equals("NOT IN");
      if (tag && list) {
        throw error(opAt, "Invalid comparator '" + op + "' not one of '{'!=', '=', 'LIKE', 'ILIKE'}'");
      }
      skipWhitespace();
      if (list) {
        Set<String> values = new HashSet<>(list());
        boolean negate = op.equals("NOT IN");
        return m -> values.contains(m.name()) != negate;
      }
      int valueAt = pos;
      if (pos < text.length() && text.charAt(pos) == '(') {
        throw error(valueAt, "a parenthesised list needs IN or NOT IN");
      }
      String value = quoted();
      String k = key;
      Function<Model, String> read = tag ? m -> m.tags().get(k) : Model::name;
      Predicate<String> test = compare(op, value);
      if (tag && key.equals(PROMPT_TAG)) {
        // _does_registered_model_match_clauses: a model without the prompt tag is not a prompt.
        boolean whenMissing = (op.equals("=") && value.equals("false")) || (op.equals("!=") && value.equals("true"));
        return m -> {
          String lhs = read.apply(m);
          return lhs == null ? whenMissing : test.test(lhs);
        };
      }
      return m -> {
        String lhs = read.apply(m);
        return lhs != null && test.test(lhs);
      };
    }

    private static Predicate<String> compare(String op, String value) {
      switch (op) {
        case "=":
          return value::equals;
        case "!=":
          return s -> !s.equals(value);
        case "LIKE":
          return LikePattern.compile(value, false)::matches;
        default: // ILIKE
          return LikePattern.compile(value, true)::matches;
      }
    }

    private String key() {
      if (pos < text.length() && (text.charAt(pos) == '`' || text.charAt(pos) == '"')) {
        char quote = text.charAt(pos);
        int end = text.indexOf(quote, pos + 1);
        if (end < 0) {
          throw error(pos, "unterminated " + quote + " around a tag key");
        }
        String key = text.substring(pos + 1, end);
        if (key.isEmpty()) {
          throw error(pos, "empty tag key");
        }
        pos = end + 1;
        return key;
      }
      int start = pos;
      while (pos < text.length() && (isWordChar(text.charAt(pos)) || text.charAt(pos) == '.')) {
        pos++;
      }
      if (pos == start) {
        throw error(start, "expected a tag key after the '.'; quote keys with other characters in backticks");
      }
      return text.substring(start, pos);
    }

    private String comparator() {
      int at = pos;
      if (text.startsWith("!=", pos)) {
        pos += 2;
        return "!=";
      }
      if (text.startsWith("=", pos)) {
        pos += 1;
        return "=";
      }
      if (pos < text.length() && "<>".indexOf(text.charAt(pos)) >= 0) {
        throw error(at, "model names and tags compare with = != LIKE ILIKE (names also IN, NOT IN), not "
            + "with an ordering");
      }
      String word = word();
      if (word != null) {
        String upper = word.toUpperCase(Locale.ROOT);
        if (upper.equals("LIKE") || upper.equals("ILIKE") || upper.equals("IN")) {
          return upper;
        }
        if (upper.equals("NOT")) {
          skipWhitespace();
          String next = word();
          if (next != null && next.equalsIgnoreCase("IN")) {
            return "NOT IN";
          }
        }
      }
      throw error(at, "expected a comparator: = != LIKE ILIKE IN NOT IN");
    }

    /** A string in single or double quotes, kept as written between them (sqlparse's string token rules). */
    private String quoted() {
      int at = pos;
      if (pos >= text.length() || (text.charAt(pos) != '\'' && text.charAt(pos) != '"')) {
        throw error(at, "Expected a quoted string value (e.g. 'my-value')");
      }
      char quote = text.charAt(pos);
      int i = pos + 1;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == quote && i + 1 < text.length() && text.charAt(i + 1) == quote) {
          i += 2; // '' inside '...' is part of the token
        } else if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == quote) {
          i += 2; // so is \'
        } else if (c == quote) {
          pos = i + 1;
          return text.substring(at + 1, i);
        } else {
          i++;
        }
      }
      throw error(at, "unterminated string");
    }

    /** A parenthesised list of quoted strings, read as Python's literal_eval would (backslash escapes). */
    private List<String> list() {
      int at = pos;
      if (pos >= text.length() || text.charAt(pos) != '(') {
        throw error(at, "IN and NOT IN take a parenthesised list of quoted strings, e.g. ('a', 'b')");
      }
      pos++;
      List<String> out = new ArrayList<>();
      while (true) {
        skipWhitespace();
        if (pos < text.length() && text.charAt(pos) == ')' && !out.isEmpty()) {
          pos++;
          return out;
        }
        if (pos >= text.length() || (text.charAt(pos) != '\'' && text.charAt(pos) != '"')) {
          throw error(pos, "expected a non-empty list of quoted strings");
        }
        char quote = text.charAt(pos);
        StringBuilder b = new StringBuilder();
        int i = pos + 1;
        while (i < text.length() && text.charAt(i) != quote) {
          if (text.charAt(i) == '\\' && i + 1 < text.length()) {
            i++;
          }
          b.append(text.charAt(i++));
        }
        if (i >= text.length()) {
          throw error(pos, "unterminated string");
        }
        out.add(b.toString());
        pos = i + 1;
        skipWhitespace();
        if (pos < text.length() && text.charAt(pos) == ',') {
          pos++;
        } else if (pos >= text.length() || text.charAt(pos) != ')') {
          throw error(pos, "expected ',' or ')' in the list");
        }
      }
    }

    private String word() {
      int start = pos;
      while (pos < text.length() && isWordChar(text.charAt(pos))) {
        pos++;
      }
      return pos == start ? null : text.substring(start, pos);
    }

    private static boolean isWordChar(char c) {
      return Character.isLetterOrDigit(c) || c == '_';
    }

    private void skipWhitespace() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    private FilterSyntaxException error(int at, String problem) {
      return new FilterSyntaxException(text, at, problem);
    }
  }
}
