package io.mlops.core.internal.search;

import io.mlops.core.FilterSyntaxException;
import io.mlops.core.Model;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The order of a model search as MLflow's file store sorts ({@code SearchModelUtils._get_sort_key} and
 * {@code parse_order_by_for_search_registered_models}): keys {@code name}, {@code creation_timestamp},
 * {@code last_updated_timestamp}, bare or as {@code attribute.<key>}, each ASC (default) or DESC; then
 * {@code name ASC} as the tie-break unless name was given. Names compare by code point, as Python's strings.
 */
public final class ModelOrdering {
  private ModelOrdering() {}

  /**
   * The comparator of order clauses.
   *
   * @throws FilterSyntaxException for a malformed clause
   */
  public static Comparator<Model> parse(List<String> orderBy) {
    List<Comparator<Model>> keys = new ArrayList<>();
    boolean hasName = false;
    for (String clause : orderBy) {
      String c = clause == null ? "" : clause.trim();
      String[] parts = c.isEmpty() ? new String[0] : c.split("\\s+");
      if (parts.length == 0 || parts.length > 2) {
        throw new FilterSyntaxException(String.valueOf(clause), 0,
            "Invalid order_by clause '" + clause + "'. Could not be parsed.");
      }
      boolean ascending = true;
      if (parts.length == 2) {
        String dir = parts[1].toLowerCase(Locale.ROOT);
        if (!dir.equals("asc") && !dir.equals("desc")) {
          throw new FilterSyntaxException(c, c.lastIndexOf(parts[1]),
              "Invalid ordering key in order_by clause '" + clause + "': use ASC or DESC");
        }
        ascending = dir.equals("asc");
      }
      String id = parts[0];
      int dot = id.indexOf('.');
      String key = unquote(dot < 0 ? id : id.substring(dot + 1));
      if (dot >= 0 && !id.substring(0, dot).equals("attribute")) {
        throw new FilterSyntaxException(c, 0, "Invalid order_by entity: " + id.substring(0, dot)
            + "; models are ordered by name, creation_timestamp or last_updated_timestamp");
      }
      Comparator<Model> cmp;
      switch (key) {
        case "name":
          cmp = (a, b) -> Values.compareCodePoints(a.name(), b.name());
          hasName = true;
          break;
        case "creation_timestamp":
          cmp = Comparator.comparingLong(Model::creationTime);
          break;
        case "last_updated_timestamp":
          cmp = Comparator.comparingLong(Model::lastUpdateTime);
          break;
        default:
          throw new FilterSyntaxException(c, dot + 1, "Invalid attribute key '" + key + "' specified. Valid keys "
              + "are name, creation_timestamp, last_updated_timestamp");
      }
      keys.add(ascending ? cmp : cmp.reversed());
    }
    if (!hasName) {
      keys.add((a, b) -> Values.compareCodePoints(a.name(), b.name()));
    }
    List<Comparator<Model>> all = Collections.unmodifiableList(keys);
    return (a, b) -> {
      for (Comparator<Model> k : all) {
        int r = k.compare(a, b);
        if (r != 0) {
          return r;
        }
      }
      return 0;
    };
  }

  private static String unquote(String s) {
    if (s.length() >= 2 && (s.charAt(0) == '`' || s.charAt(0) == '"' || s.charAt(0) == '\'')
        && s.charAt(s.length() - 1) == s.charAt(0)) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }
}
