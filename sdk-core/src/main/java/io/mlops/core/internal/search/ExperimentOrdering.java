package io.mlops.core.internal.search;

import io.mlops.core.Experiment;
import io.mlops.core.FilterSyntaxException;
import io.mlops.core.internal.search.OrderByParser.OrderSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order of an experiment search, as MLflow's file store sorts ({@code FileStore.search_experiments} and
 * {@code SearchExperimentsUtils.sort}/{@code _get_sort_key}).
 *
 * <ul>
 *   <li>Keys: {@code name}, {@code experiment_id}, {@code creation_time}, {@code last_update_time}, bare or as
 *       {@code attribute.<key>}, each {@code ASC} (default) or {@code DESC}. Tags cannot be ordered by.
 *   <li>No clauses: {@code creation_time DESC, experiment_id ASC} (the file store's default).
 *   <li>With clauses that do not name experiment_id, MLflow appends {@code experiment_id DESC} as the
 *       tie-break (note: descending, unlike the default).
 *   <li>Ids and names compare as strings, by code point ({@code "10" < "9"}), as in Python.
 * </ul>
 */
public final class ExperimentOrdering implements Comparator<Experiment> {
  private static final ExperimentOrdering DEFAULT =
      new ExperimentOrdering(List.of(), new Key[] {new Key("creation_time", false), new Key("experiment_id", true)});

  private final List<String> clauses;
  private final Key[] keys;

  private ExperimentOrdering(List<String> clauses, Key[] keys) {
    this.clauses = clauses;
    this.keys = keys;
  }

  /**
   * Parses order_by clauses; null or empty gives {@code creation_time DESC, experiment_id ASC}.
   *
   * @throws FilterSyntaxException for a malformed clause or a key experiments cannot be ordered by
   */
  public static ExperimentOrdering parse(List<String> orderBy) {
    if (orderBy == null || orderBy.isEmpty()) {
      return DEFAULT;
    }
    List<Key> keys = new ArrayList<>();
    boolean hasId = false;
    for (String clause : orderBy) {
      Key k = key(OrderByParser.parse(clause));
      hasId |= k.name.equals("experiment_id");
      keys.add(k);
    }
    if (!hasId) {
      keys.add(new Key("experiment_id", false)); // _get_sort_key: order_by.append(("experiment_id", False))
    }
    return new ExperimentOrdering(List.copyOf(orderBy), keys.toArray(new Key[0]));
  }

  /** Compares by each key in turn (the tie-break included). */
  @Override
  public int compare(Experiment a, Experiment b) {
    for (Key k : keys) {
      int c = k.compare(a, b);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** The clauses as given. */
  @Override
  public String toString() {
    return clauses.isEmpty() ? "[creation_time DESC, experiment_id ASC]" : clauses.toString();
  }

  /** SearchExperimentsUtils.parse_order_by_for_search_experiments plus the attribute-only check. */
  private static Key key(OrderSpec spec) {
    if (spec.entity != null) {
      // SearchExperimentsUtils._get_identifier checks the type as written, before any unquoting.
      String type = spec.entityQuote == '\0' ? spec.entity : spec.entityQuote + spec.entity + spec.entityQuote;
      if (type.equals("tag") || type.equals("tags")) {
        throw spec.error(spec.entityPos, "experiments can be ordered only by attributes "
            + "(name, experiment_id, creation_time, last_update_time), not by tags");
      }
      if (!type.equals("attribute")) {
        throw spec.error(spec.entityPos, "unknown identifier type '" + type
            + "' for experiments: use a bare attribute or attribute.<name>");
      }
    }
    switch (spec.key) {
      case "name":
      case "experiment_id":
      case "creation_time":
      case "last_update_time":
        return new Key(spec.key, spec.ascending);
      default:
        throw spec.error(spec.keyPos, "cannot order experiments by '" + spec.key
            + "'; valid keys are name, experiment_id, creation_time, last_update_time");
    }
  }

  private static final class Key {
    final String name;
    private final Comparator<Experiment> cmp;

    Key(String name, boolean ascending) {
      this.name = name;
      Comparator<Experiment> c;
      switch (name) {
        case "name":
          c = (a, b) -> Values.compareCodePoints(a.name(), b.name());
          break;
        case "experiment_id":
          c = (a, b) -> Values.compareCodePoints(a.id(), b.id());
          break;
        case "creation_time":
          c = Comparator.comparingLong(Experiment::creationTime);
          break;
        default:
          c = Comparator.comparingLong(Experiment::lastUpdateTime);
      }
      this.cmp = ascending ? c : c.reversed();
    }

    int compare(Experiment a, Experiment b) {
      return cmp.compare(a, b);
    }
  }
}
