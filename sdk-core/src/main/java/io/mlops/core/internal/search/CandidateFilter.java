package io.mlops.core.internal.search;

import io.mlops.core.Candidate;
import io.mlops.core.FilterSyntaxException;
import io.mlops.core.Metric;
import io.mlops.core.internal.search.FilterScanner.Identifier;
import io.mlops.core.internal.search.FilterScanner.OpToken;
import io.mlops.core.internal.search.FilterScanner.Segment;
import io.mlops.core.internal.search.FilterScanner.Value;
import io.mlops.core.internal.search.FilterScanner.ValueKind;
import io.mlops.core.internal.search.RunFields.Entity;
import io.mlops.core.internal.search.RunFields.NumericAttribute;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A parsed MLflow run filter, such as {@code metrics.acc > 0.9 and params.model = 'lr'}, that tests candidates
 * the way MLflow's file store does ({@code SearchUtils.filter} / {@code _does_run_match_clause}).
 *
 * <ul>
 *   <li>Identifiers: {@code metrics.}/{@code metric.}, {@code params.}/{@code param.}/{@code parameter.}/
 *       {@code parameters.}, {@code tags.}/{@code tag.}, {@code attributes.}/{@code attribute.}/{@code attr.}/
 *       {@code run.} (case-sensitive), or a bare attribute name. Keys may be quoted with {@code "..."},
 *       {@code `...`} or {@code '...'} and contain dots unquoted ({@code tags.mlflow.runName}).
 *   <li>Attributes: run_id, run_name ("run name", "Run name", "Run Name"), user_id, status, artifact_uri (strings);
 *       start_time (created, Created), end_time (integers, milliseconds).
 *   <li>Comparators: metrics and numeric attributes {@code = != < <= > >=}; params and tags
 *       {@code = != LIKE ILIKE IS NULL IS NOT NULL}; string attributes {@code = != LIKE ILIKE}, and
 *       {@code IN}/{@code NOT IN} with a list of quoted strings (MLflow 3.17 allows lists only on run_id; this is a
 *       superset). Clauses are joined with
 *       {@code AND} (any case); {@code OR} and parentheses are errors.
 *   <li>Values: strings in {@code 'single'} or {@code "double"} quotes, taken verbatim; numbers as integers,
 *       decimals or with an exponent. Numeric attributes compare exactly with either (Python int/float).
 *   <li>A clause on a key the candidate lacks, or on an unset end_time or user_id, does not match, whatever the
 *       comparator ({@code !=} included), except {@code IS NULL}. A NaN metric matches only {@code !=}.
 *   <li>LIKE/ILIKE: {@code %} and {@code _} are the only special characters, and, as with Python's regex in
 *       MLflow, neither matches a line break (see {@code LikePattern}).
 * </ul>
 *
 * <p>Instances are immutable and thread-safe; parse once, then call {@link #matches} per candidate.
 */
public final class CandidateFilter {
  private static final CandidateFilter MATCH_ALL = new CandidateFilter("", List.of());

  private final String source;
  private final List<Predicate<Candidate>> clauses;

  private CandidateFilter(String source, List<Predicate<Candidate>> clauses) {
    this.source = source;
    this.clauses = clauses;
  }

  /**
   * Parses an MLflow run filter. Null, empty or whitespace-only matches every candidate (MLflow's
   * {@code if not filter_string}; MLflow itself rejects a whitespace-only filter).
   *
   * @throws FilterSyntaxException pointing at the offending token: bad syntax, an unknown identifier type or
   *     attribute, a comparator the field's type does not take, or a value of the wrong kind
   */
  public static CandidateFilter parse(String filter) {
    if (filter == null || filter.trim().isEmpty()) {
      return MATCH_ALL;
    }
    return new CandidateFilter(filter, List.copyOf(FilterScanner.parseConjunction(filter, CandidateFilter::clause)));
  }

  /** True if the candidate satisfies every clause. */
  public boolean matches(Candidate candidate) {
    for (Predicate<Candidate> clause : clauses) {
      if (!clause.test(candidate)) {
        return false;
      }
    }
    return true;
  }

  /** True if this filter has no clauses. */
  public boolean matchesAll() {
    return clauses.isEmpty();
  }

  /** The filter as written. */
  @Override
  public String toString() {
    return source;
  }

  // ------------------------------------------------------------------------------------------------ parsing

  private enum Kind {
    METRIC("metrics"),
    PARAM("params"),
    TAG("tags"),
    STRING_ATTRIBUTE("attribute"),
    NUMERIC_ATTRIBUTE("attribute");

    final String noun;

    Kind(String noun) {
      this.noun = noun;
    }
  }

  /** One clause: {@code identifier comparator value}, checked in that order so errors come left to right. */
  private static Predicate<Candidate> clause(FilterScanner sc) {
    int at = sc.pos;
    Identifier id = sc.readIdentifier();
    if (id == null) {
      throw sc.error(at, "expected an identifier such as metrics.acc, params.lr, tags.team or attributes.status, "
          + "found '" + sc.snippet(at) + "'");
    }
    // SearchUtils._get_identifier: no dot means an attribute; else the first part is the identifier type.
    Entity entity;
    String key;
    int keyPos;
    List<Segment> segs = id.segments;
    if (segs.size() == 1) {
      entity = Entity.ATTRIBUTE;
      key = segs.get(0).content;
      keyPos = segs.get(0).start;
    } else {
      Segment type = segs.get(0);
      // _valid_entity_type trims backticks only; a double-quoted type stays quoted and is invalid.
      entity = type.quote == '"' ? null : RunFields.entity(type.content);
      if (entity == null) {
        String shown = type.quote == '"' ? "\"" + type.content + "\"" : type.content;
        throw sc.error(type.start, "unknown identifier type '" + shown + "': " + RunFields.ENTITY_HINT);
      }
      key = joinKey(sc, segs);
      keyPos = segs.get(1).start;
    }
    if (entity == Entity.DATASET) {
      throw sc.error(id.start, "dataset filters are not supported: candidates here carry no dataset inputs");
    }
    if (entity == Entity.ATTRIBUTE && !RunFields.STRING_ATTRIBUTES.contains(key)
        && !RunFields.NUMERIC_ATTRIBUTES.contains(key) && !RunFields.RUN_NAME_ALIASES.contains(key)) {
      throw sc.error(keyPos, RunFields.unknownAttribute(key, RunFields.FILTER_ATTRIBUTES_HINT, "search"));
    }
    key = RunFields.translateKeyAlias(key);
    Kind kind;
    switch (entity) {
      case METRIC:
        kind = Kind.METRIC;
        break;
      case PARAM:
        kind = Kind.PARAM;
        break;
      case TAG:
        kind = Kind.TAG;
        break;
      default:
        kind = RunFields.NUMERIC_ATTRIBUTES.contains(key) ? Kind.NUMERIC_ATTRIBUTE : Kind.STRING_ATTRIBUTE;
    }

    sc.skipWhitespace();
    int opAt = sc.pos;
    OpToken op = sc.readComparator();
    if (op == null) {
      throw sc.error(opAt, "expected a comparator after '" + id.source + "'"
          + (sc.atEnd() ? "" : ", found '" + sc.snippet(opAt) + "'"));
    }
    checkComparator(sc, kind, key, op);

    if (op.op.isNullCheck()) {
      // SearchUtils._does_run_match_clause: IS NULL is `lhs is None`, IS NOT NULL `lhs is not None`.
      String k = key;
      Function<Candidate, String> read = kind == Kind.PARAM
          ? c -> c.data().params().get(k)
          : c -> c.data().tags().get(k);
      boolean wantNull = op.op == Op.IS_NULL;
      return c -> (read.apply(c) == null) == wantNull;
    }
    sc.skipWhitespace();
    Value value = sc.readValue(id.source + " " + op.op.text);
    return compile(sc, kind, key, op.op, value);
  }

  /** The key after the type: one segment, or bare segments re-joined with dots. */
  static String joinKey(FilterScanner sc, List<Segment> segs) {
    if (segs.size() == 2) {
      return segs.get(1).content;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 1; i < segs.size(); i++) {
      Segment s = segs.get(i);
      if (!s.bare()) {
        throw sc.error(s.start, "quote the whole key, e.g. " + segs.get(0).content + ".\"a.b\"");
      }
      if (i > 1) {
        b.append('.');
      }
      b.append(s.content);
    }
    return b.toString();
  }

  /** {@code SearchUtils.is_metric}/{@code is_param}/{@code is_tag}/{@code is_*_attribute} comparator sets. */
  private static void checkComparator(FilterScanner sc, Kind kind, String key, OpToken op) {
    boolean ok;
    String allowed;
    String subject;
    switch (kind) {
      case METRIC:
        ok = op.op.isOrdering();
        allowed = "= != < <= > >=";
        subject = "metrics take ";
        break;
      case PARAM:
      case TAG:
        ok = op.op.isStringMatch() || op.op.isNullCheck();
        allowed = "= != LIKE ILIKE IS NULL IS NOT NULL";
        subject = kind.noun + " take ";
        break;
      case NUMERIC_ATTRIBUTE:
        ok = op.op.isOrdering();
        allowed = "= != < <= > >=";
        subject = "attribute " + key + " takes ";
        break;
      default:
        ok = op.op.isStringMatch() || op.op.isList();
        allowed = "= != LIKE ILIKE IN NOT IN";
        subject = "attribute " + key + " takes ";
    }
    if (!ok) {
      if (op.op.isNullCheck()) {
        // _get_comparison: "IS NULL / IS NOT NULL is only supported for tags and params".
        throw sc.error(op.start, op.op.text + " works only on params and tags; " + subject.trim() + " " + allowed);
      }
      throw sc.error(op.start, subject + allowed + ", not " + op.op.text);
    }
  }

  private static Predicate<Candidate> compile(FilterScanner sc, Kind kind, String key, Op op, Value value) {
    switch (kind) {
      case METRIC: {
        if (value.kind != ValueKind.NUMBER) {
          throw sc.error(value.start, "metrics compare with a number, not " + describe(value));
        }
        // float(value) in _does_run_match_clause; lhs is the latest value, NaN and ±Infinity included.
        double rhs = Double.parseDouble(value.text);
        return c -> {
          Metric m = c.data().metrics().get(key);
          return m != null && op.test(m.value(), rhs);
        };
      }
      case PARAM:
      case TAG: {
        if (value.kind != ValueKind.STRING) {
          throw sc.error(value.start, kind.noun + " are strings: quote the value"
              + (value.kind == ValueKind.NUMBER ? ", e.g. '" + value.text + "'" : ", not " + describe(value)));
        }
        Function<Candidate, String> read = kind == Kind.PARAM
            ? c -> c.data().params().get(key)
            : c -> c.data().tags().get(key);
        return stringPredicate(read, op, value.text);
      }
      case NUMERIC_ATTRIBUTE: {
        if (value.kind != ValueKind.NUMBER) {
          throw sc.error(value.start, "attribute " + key + " compares with a number (milliseconds since the epoch), "
              + "not " + describe(value));
        }
        // _get_value: int(value) for an integer token, float(value) otherwise; Python compares either exactly.
        Values.NumberLiteral rhs = Values.numberLiteral(value.text, value.integer);
        NumericAttribute read = RunFields.numericAttribute(key);
        return c -> read.present(c) && op.test(rhs.compareFrom(read.get(c)));
      }
      default: {
        Function<Candidate, String> read = RunFields.stringAttribute(key);
        // MLflow 3.17 accepts lists only for run_id (validate_list_supported); we accept them for every string
        // attribute, a superset: a filter MLflow accepts selects the same candidates here.
        if (op.isList()) {
          if (value.kind != ValueKind.LIST) {
            throw sc.error(value.start, op.text + " takes a parenthesised list of quoted strings, e.g. ('a', 'b')");
          }
          Set<String> ids = new HashSet<>(value.items);
          boolean negate = op == Op.NOT_IN;
          return c -> {
            String lhs = read.apply(c);
            return lhs != null && ids.contains(lhs) != negate;
          };
        }
        if (value.kind != ValueKind.STRING) {
          throw sc.error(value.start, "attribute " + key + " compares with a quoted string"
              + (value.kind == ValueKind.NUMBER ? ", e.g. '" + value.text + "'" : "; a list needs IN or NOT IN"));
        }
        return stringPredicate(read, op, value.text);
      }
    }
  }

  /** {@code = != LIKE ILIKE} on a string that may be missing (None never matches). */
  static <T> Predicate<T> stringPredicate(Function<T, String> read, Op op, String rhs) {
    switch (op) {
      case EQ:
        return c -> {
          String lhs = read.apply(c);
          return lhs != null && lhs.equals(rhs);
        };
      case NE:
        return c -> {
          String lhs = read.apply(c);
          return lhs != null && !lhs.equals(rhs);
        };
      case LIKE:
      case ILIKE: {
        LikePattern pattern = LikePattern.compile(rhs, op == Op.ILIKE);
        return c -> {
          String lhs = read.apply(c);
          return lhs != null && pattern.matches(lhs);
        };
      }
      default:
        throw new IllegalStateException("not a string comparator: " + op.text);
    }
  }

  static String describe(Value value) {
    switch (value.kind) {
      case STRING:
        return "a string";
      case LIST:
        return "a list";
      default:
        return "a number";
    }
  }
}
