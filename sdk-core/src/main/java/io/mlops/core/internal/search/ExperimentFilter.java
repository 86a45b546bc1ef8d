package io.mlops.core.internal.search;

import io.mlops.core.Experiment;
import io.mlops.core.FilterSyntaxException;
import io.mlops.core.internal.search.FilterScanner.Identifier;
import io.mlops.core.internal.search.FilterScanner.OpToken;
import io.mlops.core.internal.search.FilterScanner.Segment;
import io.mlops.core.internal.search.FilterScanner.Value;
import io.mlops.core.internal.search.FilterScanner.ValueKind;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * A parsed MLflow experiment filter, such as {@code name LIKE 'churn%' AND tags.team = 'ml'}, that tests
 * experiments the way MLflow's file store does ({@code SearchExperimentsUtils.filter} /
 * {@code _does_experiment_match_clause}).
 *
 * <ul>
 *   <li>Identifiers: a bare attribute, {@code attribute.<name>}, or {@code tags.<key>} / {@code tag.<key>}; no
 *       other prefixes ({@code SearchExperimentsUtils._get_identifier} allows only attribute, tag, tags).
 *   <li>Attributes: {@code name} and {@code experiment_id} (strings: {@code = != LIKE ILIKE}, and for
 *       experiment_id also {@code IN}/{@code NOT IN} with a list of quoted strings); {@code creation_time} and
 *       {@code last_update_time} (numbers, any numeric literal: {@code = != < <= > >=}).
 *   <li>Tags: {@code = != LIKE ILIKE IS NULL IS NOT NULL}; an experiment without the tag matches only
 *       {@code IS NULL}.
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ExperimentFilter {
  private static final ExperimentFilter MATCH_ALL = new ExperimentFilter("", List.of());

  /** {@code SearchExperimentsUtils.NUMERIC_ATTRIBUTES}. */
  private static final Set<String> NUMERIC_ATTRIBUTES = Set.of("creation_time", "last_update_time");

  /** {@code SearchExperimentsUtils.VALID_SEARCH_ATTRIBUTE_KEYS}. */
  private static final Set<String> ATTRIBUTES = Set.of("name", "experiment_id", "creation_time", "last_update_time");

  private static final String ATTRIBUTES_HINT = "name, experiment_id, creation_time, last_update_time";

  private final String source;
  private final List<Predicate<Experiment>> clauses;

  private ExperimentFilter(String source, List<Predicate<Experiment>> clauses) {
    this.source = source;
    this.clauses = clauses;
  }

  /**
   * Parses an MLflow experiment filter. Null, empty or whitespace-only matches every experiment.
   *
   * @throws FilterSyntaxException pointing at the offending token
   */
  public static ExperimentFilter parse(String filter) {
    if (filter == null || filter.trim().isEmpty()) {
      return MATCH_ALL;
    }
    return new ExperimentFilter(filter,
        List.copyOf(FilterScanner.parseConjunction(filter, ExperimentFilter::clause)));
  }

  /** True if the experiment satisfies every clause. */
  public boolean matches(Experiment experiment) {
    for (Predicate<Experiment> clause : clauses) {
      if (!clause.test(experiment)) {
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

  private static Predicate<Experiment> clause(FilterScanner sc) {
    int at = sc.pos;
    Identifier id = sc.readIdentifier();
    if (id == null) {
      throw sc.error(at, "expected an identifier such as name or tags.team, found '" + sc.snippet(at) + "'");
    }
    boolean tag;
    String key;
    int keyPos;
    List<Segment> segs = id.segments;
    if (segs.size() == 1) {
      tag = false;
      key = segs.get(0).content;
      keyPos = segs.get(0).start;
    } else {
      Segment type = segs.get(0);
      // The raw type is checked against ("attribute", "tag", "tags") before any unquoting.
      String t = type.bare() ? type.content : type.quote + type.content + type.quote;
      if (!t.equals("attribute") && !t.equals("tag") && !t.equals("tags")) {
        throw sc.error(type.start, "unknown identifier type '" + t + "' for experiments: use attribute. or tags. "
            + "(or a bare name, experiment_id, creation_time, last_update_time)");
      }
      tag = !t.equals("attribute");
      key = CandidateFilter.joinKey(sc, segs);
      keyPos = segs.get(1).start;
    }
    boolean numeric = false;
    if (!tag) {
      if (key.equals("lifecycle_stage") || key.equals("artifact_location")) {
        throw sc.error(keyPos, "MLflow cannot search experiments by " + key + "; searchable attributes are "
            + ATTRIBUTES_HINT);
      }
      if (!ATTRIBUTES.contains(key)) {
        throw sc.error(keyPos, "cannot search unknown experiment attribute '" + key + "'; valid attributes are "
            + ATTRIBUTES_HINT + ", or tags.<key>");
      }
      numeric = NUMERIC_ATTRIBUTES.contains(key);
    }

    sc.skipWhitespace();
    int opAt = sc.pos;
    OpToken op = sc.readComparator();
    if (op == null) {
      throw sc.error(opAt, "expected a comparator after '" + id.source + "'"
          + (sc.atEnd() ? "" : ", found '" + sc.snippet(opAt) + "'"));
    }
    // is_tag / is_string_attribute / is_numeric_attribute comparator sets.
    if (op.op.isNullCheck() && !tag) {
      // _get_comparison: "IS NULL / IS NOT NULL is only supported for tags".
      throw sc.error(op.start, op.op.text + " works only on experiment tags, not on attribute " + key);
    }
    if (tag && !op.op.isStringMatch() && !op.op.isNullCheck()) {
      throw sc.error(op.start, "tags take = != LIKE ILIKE IS NULL IS NOT NULL, not " + op.op.text);
    }
    if (numeric && !op.op.isOrdering()) {
      throw sc.error(op.start, "attribute " + key + " takes = != < <= > >=, not " + op.op.text);
    }
    if (!tag && !numeric && !op.op.isStringMatch() && !op.op.isList()) {
      throw sc.error(op.start, "attribute " + key + " takes = != LIKE ILIKE IN NOT IN, not " + op.op.text);
    }
    if (op.op.isNullCheck()) {
      // _does_experiment_match_clause: `key not in experiment.tags` / `key in experiment.tags`.
      String k = key;
      boolean wantNull = op.op == Op.IS_NULL;
      return e -> e.tags().containsKey(k) != wantNull;
    }

    sc.skipWhitespace();
    Value value = sc.readValue(id.source + " " + op.op.text);
    if (numeric) {
      if (value.kind != ValueKind.NUMBER) {
        throw sc.error(value.start, "attribute " + key + " compares with a number (milliseconds since the epoch), "
            + "not " + CandidateFilter.describe(value));
      }
      // _does_experiment_match_clause converts with float(value), so 1.5 and 1e12 are fine here.
      Values.NumberLiteral rhs = new Values.DoubleLiteral(Double.parseDouble(value.text));
      ToLongFunction<Experiment> read = key.equals("creation_time")
          ? Experiment::creationTime
          : Experiment::lastUpdateTime;
      Op o = op.op;
      return e -> o.test(rhs.compareFrom(read.applyAsLong(e)));
    }
    Function<Experiment, String> read;
    if (tag) {
      String k = key;
      read = e -> e.tags().get(k);
    } else {
      read = key.equals("name") ? Experiment::name : Experiment::id;
    }
    if (value.kind == ValueKind.LIST && !key.equals("experiment_id")) {
      // validate_list_supported: SearchExperimentsUtils.LIST_SUPPORTED_KEYS = {"experiment_id"}
      throw sc.error(value.start, "only experiment_id supports IN and NOT IN lists, not " + key);
    }
    if (op.op.isList()) {
      if (value.kind != ValueKind.LIST) {
        throw sc.error(value.start, op.op.text + " takes a parenthesised list of quoted strings, e.g. ('1', '2')");
      }
      Set<String> ids = new HashSet<>(value.items);
      boolean negate = op.op == Op.NOT_IN;
      return e -> ids.contains(read.apply(e)) != negate;
    }
    if (value.kind != ValueKind.STRING) {
      throw sc.error(value.start, (tag ? "tags are strings" : "attribute " + key + " is a string")
          + (value.kind == ValueKind.NUMBER ? ": quote the value, e.g. '" + value.text + "'"
              : ": a list needs IN or NOT IN"));
    }
    return CandidateFilter.stringPredicate(read, op.op, value.text);
  }
}
