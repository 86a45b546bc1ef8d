package io.mlops.core.internal.search;

import io.mlops.core.Candidate;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The vocabulary of run (candidate) searches, from MLflow's {@code SearchUtils} constants and
 * {@code RunInfo.get_searchable_attributes()}: identifier types and their aliases, attribute names, and how each
 * attribute is read from a {@link Candidate}.
 */
final class RunFields {
  private RunFields() {}

  /** MLflow's identifier types. */
  enum Entity {
    METRIC,
    PARAM,
    TAG,
    ATTRIBUTE,
    DATASET
  }

  /**
   * {@code SearchUtils._valid_entity_type}: canonical names and {@code _ALTERNATE_*_IDENTIFIERS}. Matching is
   * case-sensitive in MLflow ({@code METRICS.acc} is an error).
   */
  private static final Map<String, Entity> ENTITIES = new TreeMap<>();

  static {
    ENTITIES.put("metric", Entity.METRIC);
    ENTITIES.put("metrics", Entity.METRIC);
    ENTITIES.put("parameter", Entity.PARAM);
    ENTITIES.put("parameters", Entity.PARAM);
    ENTITIES.put("param", Entity.PARAM);
    ENTITIES.put("params", Entity.PARAM);
    ENTITIES.put("tag", Entity.TAG);
    ENTITIES.put("tags", Entity.TAG);
    ENTITIES.put("attribute", Entity.ATTRIBUTE);
    ENTITIES.put("attributes", Entity.ATTRIBUTE);
    ENTITIES.put("attr", Entity.ATTRIBUTE);
    ENTITIES.put("run", Entity.ATTRIBUTE);
    ENTITIES.put("dataset", Entity.DATASET);
    ENTITIES.put("datasets", Entity.DATASET);
  }

  static final String ENTITY_HINT =
      "use metrics., params., tags. or attributes. (aliases: metric, param, parameter, parameters, tag, "
          + "attribute, attr, run)";

  /** {@code RunInfo}'s searchable string attributes. */
  static final Set<String> STRING_ATTRIBUTES = Set.of("run_id", "run_name", "user_id", "status", "artifact_uri");

  /** {@code SearchUtils.NUMERIC_ATTRIBUTES}: built-in plus the {@code created}/{@code Created} aliases. */
  static final Set<String> NUMERIC_ATTRIBUTES = Set.of("start_time", "end_time", "created", "Created");

  /** {@code _ALTERNATE_STRING_ATTRIBUTES}: accepted by filters only, not by order_by. */
  static final Set<String> RUN_NAME_ALIASES = Set.of("run name", "Run name", "Run Name");

  static final String FILTER_ATTRIBUTES_HINT = "artifact_uri, end_time, run_id, run_name, start_time, status, "
      + "user_id (aliases: created, Created for start_time; \"run name\", \"Run name\", \"Run Name\" for run_name)";

  static final String ORDER_ATTRIBUTES_HINT = "artifact_uri, end_time, run_id, run_name, start_time, status, "
      + "user_id (alias: created, Created for start_time)";

  /** The entity for an identifier type, or null. */
  static Entity entity(String name) {
    return ENTITIES.get(name);
  }

  /**
   * {@code SearchUtils.translate_key_alias}. MLflow applies it to every key, whatever its type, so
   * {@code metrics.created} reads the metric {@code start_time}; we keep that for identical results.
   */
  static String translateKeyAlias(String key) {
    if (key.equals("created") || key.equals("Created")) {
      return "start_time";
    }
    if (RUN_NAME_ALIASES.contains(key)) {
      return "run_name";
    }
    return key;
  }

  /**
   * A problem message for an attribute MLflow does not search (or order by), with a hint for the common
   * mistakes.
   *
   * @param use "search" or "order by"
   */
  static String unknownAttribute(String key, String validHint, String use) {
    if (key.equals("lifecycle_stage")) {
      return "MLflow cannot " + use + " lifecycle_stage; choose active or deleted candidates with the view type";
    }
    if (key.equals("experiment_id")) {
      return "MLflow cannot " + use + " experiment_id; the query's experiment ids choose the experiments";
    }
    int dot = key.indexOf('.');
    if (dot > 0 && entity(key.substring(0, dot)) != null) {
      return "unknown attribute '" + key + "': quote only the key, e.g. " + key.substring(0, dot) + ".\""
          + key.substring(dot + 1) + "\"";
    }
    return "cannot " + use + " unknown attribute '" + key + "'; valid attributes are " + validHint;
  }

  /**
   * The reader of a string attribute (after alias translation), as {@code getattr(run.info, key)}. A missing
   * user id reads as None, which MLflow's {@code _does_run_match_clause} never matches.
   */
  static Function<Candidate, String> stringAttribute(String key) {
    switch (key) {
      case "run_id":
        return c -> c.info().id();
      case "run_name":
        return c -> c.info().name();
      case "user_id":
        return c -> c.info().userId().orElse(null);
      case "status":
        return c -> c.info().status().name();
      case "artifact_uri":
        return c -> c.info().artifactUri();
      default:
        throw new IllegalArgumentException("not a string attribute: " + key);
    }
  }

  /** The reader of a numeric attribute: {@code start_time} or {@code end_time} (None until the run ends). */
  interface NumericAttribute {
    boolean present(Candidate c);

    long get(Candidate c);
  }

  static NumericAttribute numericAttribute(String key) {
    switch (key) {
      case "start_time":
        return new NumericAttribute() {
          @Override
          public boolean present(Candidate c) {
            return true;
          }

          @Override
          public long get(Candidate c) {
            return c.info().startTime();
          }
        };
      case "end_time":
        return new NumericAttribute() {
          @Override
          public boolean present(Candidate c) {
            return c.info().endTime().isPresent();
          }

          @Override
          public long get(Candidate c) {
            return c.info().endTime().getAsLong();
          }
        };
      default:
        throw new IllegalArgumentException("not a numeric attribute: " + key);
    }
  }
}
