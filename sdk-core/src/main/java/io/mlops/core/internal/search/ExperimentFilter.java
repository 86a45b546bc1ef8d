package io.mlops.core.internal.search;

import io.mlops.core.Experiment;
import io.mlops.core.FilterSyntaxException;
import io.mlops.core.internal.search.FilterScanner.Identifier;
import io.mlops.core.internal.search.FilterScanner.OpToken;
import io.mlops.core.internal.search.FilterScanner.Segment;
import io.mlops.core.internal.search.FilterScanner.Value;
import io.mlops.core.internal.search.FilterScanner.ValueKind;
import java.util.List;
import java.util.Set;
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
 *   <li>Attributes: {@code name} (string: {@code = != LIKE ILIKE}); {@code creation_time} and
 *       {@code last_update_time} (numbers, any numeric literal: {@code = != < <= > >=}).
 *   <li>Tags: {@code = != LIKE ILIKE}; an experiment without the tag does not match.
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ExperimentFilter {
  private static final ExperimentFilter MATCH_ALL = new ExperimentFilter("", List.of());

  /** {@code SearchExperimentsUtils.VALID_SEARCH_ATTRIBUTE_KEYS}. */
  private static final Set<String> NUMERIC_ATTRIBUTES = Set.of("creation_time", "last_update_time");

  private static final String ATTRIBUTES_HINT = "name, creation_time, last_update_time";

  private final String source;
  private final List<Predicate<Experiment>> clauses;

  private ExperimentFilter(String source, List<Predicate<Experiment>> clauses) {
    this.source = source;
    this.clauses = clauses;
  }

  /**
   * Parses an MLflow experiment filter. Null or blank matches every experiment.
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
            + "(or a bare name, creation_time, last_update_time)");
      }
      tag = !t.equals("attribute");
      key = CandidateFilter.joinKey(sc, segs);
      keyPos = segs.get(1).start;
    }
    if (key.isEmpty()) {
      throw sc.error(keyPos, "empty key in '" + id.source + "'");
    }
    boolean numeric = false;
    if (!tag) {
      if (key.equals("experiment_id") || key.equals("lifecycle_stage") || key.equals("artifact_location")) {
        throw sc.error(keyPos, "MLflow cannot search experiments by " + key + "; searchable attributes are "
            + ATTRIBUTES_HINT);
      }
      if (!key.equals("name") && !NUMERIC_ATTRIBUTES.contains(key)) {
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
    if (tag && !op.op.isStringMatch()) {
      throw sc.error(op.start, "tags take = != LIKE ILIKE, not " + op.op.text);
    }
    if (numeric && !op.op.isOrdering()) {
      throw sc.error(op.start, "attribute " + key + " takes = != < <= > >=, not " + op.op.text);
    }
    if (!tag && !numeric && !op.op.isStringMatch() && !op.op.isList()) {
      throw sc.error(op.start, "attribute " + key + " takes = != LIKE ILIKE, not " + op.op.text);
    }

    sc.skipWhitespace();
    Value value = sc.readValue(id.source + " " + op.op.text);
    if (numeric) {
      if (value.kind != ValueKind.NUMBER) {
        throw sc.error(value.start, "attribute " + key + " compares with a number (milliseconds since the epoch), "
            + "not " + CandidateFilter.describe(value));
      }
      // _does_experiment_match_clause converts with float(value), so 1.5 and 1e12 are fine here.
      Values.DoubleLiteral rhs = new Values.DoubleLiteral(Double.parseDouble(value.text));
      ToLongFunction<Experiment> read = key.equals("creation_time")
          ? Experiment::creationTime
          : Experiment::lastUpdateTime;
      Op o = op.op;
      return e -> o.test(rhs.compareFrom(read.applyAsLong(e)));
    }
    if (op.op.isList() || value.kind == ValueKind.LIST) {
      // _get_value: only run_id supports lists, so MLflow rejects name IN (...) for experiments.
      throw sc.error(op.op.isList() ? op.start : value.start,
          "IN and NOT IN lists are supported only for a run's run_id, not for experiment " + key);
    }
    if (value.kind != ValueKind.STRING) {
      throw sc.error(value.start, (tag ? "tags are strings" : "attribute name is a string")
          + ": quote the value, e.g. '" + value.text + "'");
    }
    if (tag) {
      String k = key;
      return CandidateFilter.stringPredicate(e -> e.tags().get(k), op.op, value.text);
    }
    return CandidateFilter.stringPredicate(Experiment::name, op.op, value.text);
  }
}
