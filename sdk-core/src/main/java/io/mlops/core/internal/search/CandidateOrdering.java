package io.mlops.core.internal.search;

import io.mlops.core.Candidate;
import io.mlops.core.FilterSyntaxException;
import io.mlops.core.Metric;
import io.mlops.core.internal.search.OrderByParser.OrderSpec;
import io.mlops.core.internal.search.RunFields.Entity;
import io.mlops.core.internal.search.RunFields.NumericAttribute;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The order of a run search, as MLflow's file store sorts ({@code SearchUtils.sort}): the order_by clauses in
 * turn, then MLflow's natural order, start time descending and then run id ascending, as the tie-break.
 *
 * <p>Clauses are {@code <identifier> [ASC|DESC]} (ascending by default): {@code metrics.acc DESC},
 * {@code params.x}, {@code attributes.start_time ASC}, {@code start_time}. Orderable attributes are
 * artifact_uri, end_time, run_id, run_name, start_time (alias created, Created), status and user_id.
 *
 * <p>Missing values and NaN sort last in <em>both</em> directions, NaN before missing
 * ({@code SearchUtils._get_value_for_sort}). Strings compare by code point, as Python's {@code str} does.
 */
public final class CandidateOrdering implements Comparator<Candidate> {
  private static final Set<String> ORDERABLE_ATTRIBUTES = Set.of(
      "artifact_uri", "end_time", "run_id", "run_name", "start_time", "status", "user_id", "created", "Created");

  private static final CandidateOrdering DEFAULT = new CandidateOrdering(List.of(), new SortKey[0]);

  private final List<String> clauses;
  private final SortKey[] keys;

  private CandidateOrdering(List<String> clauses, SortKey[] keys) {
    this.clauses = clauses;
    this.keys = keys;
  }

  /**
   * Parses order_by clauses; null or empty gives MLflow's natural order (start time descending, run id).
   *
   * @throws FilterSyntaxException for a malformed clause, pointing into that clause
   */
  public static CandidateOrdering parse(List<String> orderBy) {
    if (orderBy == null || orderBy.isEmpty()) {
      return DEFAULT;
    }
    List<SortKey> keys = new ArrayList<>();
    for (String clause : orderBy) {
      keys.add(key(OrderByParser.parse(clause)));
    }
    return new CandidateOrdering(List.copyOf(orderBy), keys.toArray(new SortKey[0]));
  }

  /**
   * Compares by each clause, then start time descending, then run id ascending. MLflow pre-sorts by
   * {@code (-start_time, run_id)} and then stable-sorts once per clause in reverse, which is this lexicographic
   * order.
   */
  @Override
  public int compare(Candidate a, Candidate b) {
    for (SortKey k : keys) {
      int c = k.compare(a, b);
      if (c != 0) {
        return c;
      }
    }
    int c = Long.compare(b.info().startTime(), a.info().startTime());
    if (c != 0) {
      return c;
    }
    return Values.compareCodePoints(a.info().id(), b.info().id());
  }

  /** The clauses as given. */
  @Override
  public String toString() {
    return clauses.isEmpty() ? "[start_time DESC, run_id ASC]" : clauses.toString();
  }

  /** SearchUtils.parse_order_by_for_search_runs plus the type dispatch of _get_value_for_sort. */
  private static SortKey key(OrderSpec spec) {
    Entity entity = Entity.ATTRIBUTE;
    if (spec.entity != null) {
      // _valid_entity_type trims backticks only: a double-quoted type keeps its quote and is invalid.
      entity = spec.entityQuote == '"' ? null : RunFields.entity(spec.entity);
      if (entity == null) {
        String shown = spec.entityQuote == '"' ? "\"" + spec.entity + "\"" : spec.entity;
        throw spec.error(spec.entityPos, "unknown identifier type '" + shown + "': " + RunFields.ENTITY_HINT);
      }
    }
    String key = spec.key;
    switch (entity) {
      case DATASET:
        throw spec.error(spec.entityPos, "candidates cannot be ordered by dataset fields");
      case ATTRIBUTE:
        if (!ORDERABLE_ATTRIBUTES.contains(key)) {
          throw spec.error(spec.keyPos, RunFields.unknownAttribute(key, RunFields.ORDER_ATTRIBUTES_HINT, "order by"));
        }
        break;
      default:
        break;
    }
    // translate_key_alias runs on every key in _get_value_for_sort, whatever its type.
    String k = RunFields.translateKeyAlias(key);
    boolean asc = spec.ascending;
    switch (entity) {
      case METRIC:
        return new MetricKey(k, asc);
      case PARAM:
        return new StringKey(c -> c.data().params().get(k), asc);
      case TAG:
        return new StringKey(c -> c.data().tags().get(k), asc);
      default:
        if (k.equals("start_time") || k.equals("end_time")) {
          return new LongKey(RunFields.numericAttribute(k), asc);
        }
        return new StringKey(RunFields.stringAttribute(k), asc);
    }
  }

  /**
   * One order_by key. {@code _get_value_for_sort} returns {@code (is_none_or_nan, value)} ascending and
   * {@code (not is_none_or_nan, value)} for a reversed sort, with None filled as +inf (ascending) or -inf
   * (descending) and NaN as the opposite. Worked through, that puts present values first in the asked
   * direction, then NaN, then missing, in both directions: the rank below.
   */
  private abstract static class SortKey {
    static final int PRESENT = 0;
    static final int NAN = 1;
    static final int MISSING = 2;

    final boolean ascending;

    SortKey(boolean ascending) {
      this.ascending = ascending;
    }

    abstract int rank(Candidate c);

    /** Compares two present, non-NaN values ascending. */
    abstract int compareValues(Candidate a, Candidate b);

    final int compare(Candidate a, Candidate b) {
      int ra = rank(a);
      int rb = rank(b);
      if (ra != rb) {
        return Integer.compare(ra, rb);
      }
      if (ra != PRESENT) {
        return 0;
      }
      int c = compareValues(a, b);
      return ascending ? c : -c;
    }
  }

  private static final class MetricKey extends SortKey {
    private final String key;

    MetricKey(String key, boolean ascending) {
      super(ascending);
      this.key = key;
    }

    @Override
    int rank(Candidate c) {
      Metric m = c.data().metrics().get(key);
      return m == null ? MISSING : Double.isNaN(m.value()) ? NAN : PRESENT;
    }

    @Override
    int compareValues(Candidate a, Candidate b) {
      return Values.compareDoubles(a.data().metrics().get(key).value(), b.data().metrics().get(key).value());
    }
  }

  private static final class StringKey extends SortKey {
    private final Function<Candidate, String> read;

    StringKey(Function<Candidate, String> read, boolean ascending) {
      super(ascending);
      this.read = read;
    }

    @Override
    int rank(Candidate c) {
      return read.apply(c) == null ? MISSING : PRESENT;
    }

    @Override
    int compareValues(Candidate a, Candidate b) {
      return Values.compareCodePoints(read.apply(a), read.apply(b));
    }
  }

  private static final class LongKey extends SortKey {
    private final NumericAttribute read;

    LongKey(NumericAttribute read, boolean ascending) {
      super(ascending);
      this.read = read;
    }

    @Override
    int rank(Candidate c) {
      return read.present(c) ? PRESENT : MISSING;
    }

    @Override
    int compareValues(Candidate a, Candidate b) {
      return Long.compare(read.get(a), read.get(b));
    }
  }
}
