package io.mlops.mlflow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateData;
import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateStatus;
import io.mlops.core.Experiment;
import io.mlops.core.LifecycleStage;
import io.mlops.core.Metric;
import io.mlops.core.Page;
import io.mlops.core.Param;
import io.mlops.core.SerializationException;
import io.mlops.core.Tag;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * MLflow's REST JSON (protocol notes §1) to and from our value types; GitLab's MLflow-compatible API uses
 * the same shapes. Readers are lenient where MLflow versions
 * differ: int64 fields may come as numbers or strings, NaN and infinities as the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}, and empty repeated fields may be absent.
 */
public final class MlflowJson {
  private MlflowJson() {}

  /** One page of an answer: the items of {@code field}, parsed, and its {@code next_page_token}, if any. */
  public static <T> Page<T> page(JsonNode answer, String field, java.util.function.Function<JsonNode, T> parse) {
    List<T> items = new java.util.ArrayList<>();
    for (JsonNode item : answer.path(field)) {
      items.add(parse.apply(item));
    }
    return Page.of(items, nextPageToken(answer));
  }

  /** An answer's {@code next_page_token}; empty when absent, null or empty (the last page). */
  public static java.util.Optional<String> nextPageToken(JsonNode answer) {
    String t = answer.path("next_page_token").asText("");
    return t.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(t);
  }

  public static Experiment experiment(JsonNode e) {
    long created = longOf(e.path("creation_time"), 0L);
    return Experiment.builder()
        .id(text(e, "experiment_id"))
        .name(text(e, "name"))
        .artifactLocation(e.path("artifact_location").asText(""))
        .lifecycleStage(stage(e.path("lifecycle_stage").asText("active")))
        .creationTime(created)
        .lastUpdateTime(longOf(e.path("last_update_time"), created))
        .tags(keyValues(e.path("tags")))
        .build();
  }

  public static Candidate run(JsonNode run) {
    return Candidate.of(runInfo(run.path("info")), runData(run.path("data")));
  }

  public static CandidateInfo runInfo(JsonNode info) {
    JsonNode id = info.hasNonNull("run_id") ? info.get("run_id") : info.path("run_uuid");
    if (id.isMissingNode() || id.isNull()) {
      throw new SerializationException("A run in the server's answer has no run_id");
    }
    String user = info.path("user_id").asText("");
    return CandidateInfo.builder()
        .id(id.asText())
        .experimentId(text(info, "experiment_id"))
        .name(info.path("run_name").asText(""))
        .status(status(info.path("status").asText("RUNNING")))
        .startTime(longOf(info.path("start_time"), 0L))
        .endTime(info.hasNonNull("end_time") ? OptionalLong.of(longOf(info.get("end_time"), 0L))
            : OptionalLong.empty())
        .artifactUri(info.path("artifact_uri").asText(""))
        .lifecycleStage(stage(info.path("lifecycle_stage").asText("active")))
        .userId(user.isEmpty() ? Optional.empty() : Optional.of(user))
        .build();
  }

  public static CandidateData runData(JsonNode data) {
    Map<String, Metric> metrics = new TreeMap<>();
    for (JsonNode m : data.path("metrics")) {
      // MLflow sends one (the latest) point per key; GitLab sends every point (run.rb exposes all metric rows),
      // so the latest is chosen as MLflow does: highest step, then highest timestamp
      Metric metric = metric(m);
      metrics.merge(metric.key(), metric, (old, now) -> now.step() > old.step()
          || now.step() == old.step() && now.timestamp() >= old.timestamp() ? now : old);
    }
    return CandidateData.builder()
        .metrics(metrics)
        .params(keyValues(data.path("params")))
        .tags(keyValues(data.path("tags")))
        .build();
  }

  public static Metric metric(JsonNode m) {
    return Metric.of(text(m, "key"), doubleOf(m.path("value")), longOf(m.path("timestamp"), 0L),
        longOf(m.path("step"), 0L));
  }

  public static ObjectNode metricJson(Metric m) {
    ObjectNode n = MlflowHttp.object();
    n.put("key", m.key());
    double v = m.value();
    if (Double.isNaN(v)) {
      n.put("value", "NaN");
    } else if (Double.isInfinite(v)) {
      n.put("value", v > 0 ? "Infinity" : "-Infinity");
    } else {
      n.put("value", v);
    }
    n.put("timestamp", m.timestamp());
    n.put("step", m.step());
    return n;
  }

  public static ArrayNode metrics(List<Metric> metrics) {
    ArrayNode a = MlflowHttp.MAPPER.createArrayNode();
    metrics.forEach(m -> a.add(metricJson(m)));
    return a;
  }

  public static ArrayNode params(List<Param> params) {
    ArrayNode a = MlflowHttp.MAPPER.createArrayNode();
    params.forEach(p -> a.addObject().put("key", p.key()).put("value", p.value()));
    return a;
  }

  public static ArrayNode tags(List<Tag> tags) {
    ArrayNode a = MlflowHttp.MAPPER.createArrayNode();
    tags.forEach(t -> a.addObject().put("key", t.key()).put("value", t.value()));
    return a;
  }

  public static ArrayNode tags(Map<String, String> tags) {
    ArrayNode a = MlflowHttp.MAPPER.createArrayNode();
    tags.forEach((k, v) -> a.addObject().put("key", k).put("value", v));
    return a;
  }

  public static Map<String, String> keyValues(JsonNode array) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode kv : array) {
      out.put(text(kv, "key"), kv.path("value").asText(""));
    }
    return out;
  }

  public static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new SerializationException("The server's answer lacks '" + field + "'");
    }
    return v.asText();
  }

  public static long longOf(JsonNode v, long dflt) {
    if (v == null || v.isMissingNode() || v.isNull()) {
      return dflt;
    }
    if (v.isNumber()) {
      return v.asLong();
    }
    try {
      return Long.parseLong(v.asText().trim());
    } catch (NumberFormatException e) {
      throw new SerializationException("Expected a whole number, got '" + v.asText() + "'", e);
    }
  }

  public static double doubleOf(JsonNode v) {
    if (v.isNumber()) {
      return v.asDouble();
    }
    String s = v.asText("").trim();
    switch (s.toLowerCase(Locale.ROOT)) {
      case "nan":
        return Double.NaN;
      case "infinity":
      case "inf":
        return Double.POSITIVE_INFINITY;
      case "-infinity":
      case "-inf":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          throw new SerializationException("Expected a number, got '" + s + "'", e);
        }
    }
  }

  public static CandidateStatus status(String s) {
    try {
      return CandidateStatus.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new SerializationException("Unknown run status '" + s + "' in the server's answer", e);
    }
  }

  public static LifecycleStage stage(String s) {
    try {
      return LifecycleStage.fromWireName(s);
    } catch (IllegalArgumentException e) {
      throw new SerializationException("Unknown lifecycle_stage '" + s + "' in the server's answer", e);
    }
  }
}
