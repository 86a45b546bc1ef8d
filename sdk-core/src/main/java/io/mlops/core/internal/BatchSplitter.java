package io.mlops.core.internal;

import io.mlops.core.Metric;
import io.mlops.core.Param;
import io.mlops.core.Tag;
import io.mlops.core.spi.Capabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Cuts metrics, params and tags into batches within a backend's limits: counts per type, entities in total, and
 * an estimate of the JSON request size. Order is kept within each type.
 */
public final class BatchSplitter {
  // JSON framing per entity, e.g. {"key":"","value":,"timestamp":,"step":} plus separators; numbers as digits.
  private static final int METRIC_OVERHEAD = 96;
  private static final int KV_OVERHEAD = 32;
  private static final int REQUEST_OVERHEAD = 128;

  private final Capabilities limits;

  /** A splitter for a backend's limits. */
  public BatchSplitter(Capabilities limits) {
    this.limits = limits;
  }

  /** One batch. */
  public static final class Batch {
    public final List<Metric> metrics;
    public final List<Param> params;
    public final List<Tag> tags;
    int bytes = REQUEST_OVERHEAD;

    Batch() {
      this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    /** A batch over the given lists, which it only reads. */
    Batch(List<Metric> metrics, List<Param> params, List<Tag> tags) {
      this.metrics = metrics;
      this.params = params;
      this.tags = tags;
    }

    int entities() {
      return metrics.size() + params.size() + tags.size();
    }

    /** True when the batch holds nothing. */
    public boolean isEmpty() {
      return entities() == 0;
    }
  }

  /** Splits the input and hands each batch to {@code sink}, params first, then tags, then metrics. */
  public void split(List<Metric> metrics, List<Param> params, List<Tag> tags, Consumer<Batch> sink) {
    if (fitsWhole(metrics, params, tags)) {
      // the common case (a tracker's batch is cut at these limits already): one batch over the input, no copies
      if (!metrics.isEmpty() || !params.isEmpty() || !tags.isEmpty()) {
        sink.accept(new Batch(metrics, params, tags));
      }
      return;
    }
    Batch b = new Batch();
    for (Param p : params) {
      int size = KV_OVERHEAD + utf8Length(p.key()) + utf8Length(p.value());
      if (b.params.size() >= limits.maxParamsPerBatch() || !fits(b, size)) {
        b = emit(b, sink);
      }
      b.params.add(p);
      b.bytes += size;
    }
    for (Tag t : tags) {
      int size = KV_OVERHEAD + utf8Length(t.key()) + utf8Length(t.value());
      if (b.tags.size() >= limits.maxTagsPerBatch() || !fits(b, size)) {
        b = emit(b, sink);
      }
      b.tags.add(t);
      b.bytes += size;
    }
    for (Metric m : metrics) {
      int size = METRIC_OVERHEAD + utf8Length(m.key());
      if (b.metrics.size() >= limits.maxMetricsPerBatch() || !fits(b, size)) {
        b = emit(b, sink);
      }
      b.metrics.add(m);
      b.bytes += size;
    }
    if (!b.isEmpty()) {
      sink.accept(b);
    }
  }

  private boolean fitsWhole(List<Metric> metrics, List<Param> params, List<Tag> tags) {
    if (metrics.size() > limits.maxMetricsPerBatch() || params.size() > limits.maxParamsPerBatch()
        || tags.size() > limits.maxTagsPerBatch()
        || metrics.size() + params.size() + tags.size() > limits.maxEntitiesPerBatch()) {
      return false;
    }
    // A bound first: a UTF-16 unit is at most 3 bytes in UTF-8 (a surrogate pair, 2 units, is 4), so a batch whose
    // bound fits is within the limit without scanning the characters of every key (the tracker's batches of 1000
    // points with short keys); only a batch near the limit is measured exactly.
    long bound = REQUEST_OVERHEAD;
    for (Param p : params) {
      bound += KV_OVERHEAD + 3L * (p.key().length() + p.value().length());
    }
    for (Tag t : tags) {
      bound += KV_OVERHEAD + 3L * (t.key().length() + t.value().length());
    }
    for (int i = 0, n = metrics.size(); i < n; i++) {
      bound += METRIC_OVERHEAD + 3L * metrics.get(i).key().length();
    }
    if (bound <= limits.maxBatchBytes()) {
      return true;
    }
    long bytes = REQUEST_OVERHEAD;
    for (Param p : params) {
      bytes += KV_OVERHEAD + utf8Length(p.key()) + utf8Length(p.value());
    }
    for (Tag t : tags) {
      bytes += KV_OVERHEAD + utf8Length(t.key()) + utf8Length(t.value());
    }
    for (Metric m : metrics) {
      bytes += METRIC_OVERHEAD + utf8Length(m.key());
      if (bytes > limits.maxBatchBytes()) {
        return false;
      }
    }
    return bytes <= limits.maxBatchBytes();
  }

  private boolean fits(Batch b, int size) {
    return b.isEmpty() || (b.entities() < limits.maxEntitiesPerBatch() && b.bytes + size <= limits.maxBatchBytes());
  }

  private static Batch emit(Batch b, Consumer<Batch> sink) {
    if (!b.isEmpty()) {
      sink.accept(b);
    }
    return new Batch();
  }

  /** UTF-8 length of a string, without encoding it. */
  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
