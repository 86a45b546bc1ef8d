package io.mlops.core.internal;

import io.mlops.core.BatchResult;
import io.mlops.core.MlopsException;
import io.mlops.core.MlopsServiceException;
import io.mlops.core.Metric;
import io.mlops.core.Param;
import io.mlops.core.PermissionDeniedException;
import io.mlops.core.RefusedEntry;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.Tag;
import io.mlops.core.TransportException;
import io.mlops.core.ValidationException;
import io.mlops.core.Page;
import io.mlops.core.spi.Capabilities;
import io.mlops.core.spi.TrackingStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Delivers a validated batch to a store so that one refused entity costs only itself (design §5).
 *
 * <p>The batch is cut at the backend's limits ({@link BatchSplitter}) and each part sent. When the store refuses
 * a part, the refusal may be about one entity (a param re-logged with another value, a value over the server's
 * limit) or about the candidate (deleted, unknown, not writable). One empty batch tells which: a store refuses
 * it only for the candidate. An entity refusal splits the part in halves, which are sent in turn, down to single
 * entities, so {@code k} bad entities among {@code n} cost about {@code 2k·log2(n/k)} extra requests and every
 * good entity is delivered. A candidate refusal refuses everything left at once, without another request.
 *
 * <p>This relies on the {@link TrackingStore#logBatch} contract: a store that refuses a batch has written none of
 * its metric points (params and tags it may have written are harmless to send again: an identical param is a
 * no-op, tags are last-write-wins). A transient failure (unreachable, 503, timeout) stops the delivery; what was
 * not delivered is returned for the caller to send again, never resent here, so retries live in one layer.
 *
 * <p>This is the one write path for candidate data into a store: {@code TrackingClient.tryLogBatch} validates the
 * caller's entries and delivers them here ({@link #validateAndDeliver}); the tracker's worker, whose entries the
 * log calls validated already, delivers here directly ({@link #deliverValidated}), without a second validation
 * and without going through the public client. Thread-safe.
 */
public final class BatchDelivery {
  /** Metric keys checked once and remembered per delivery; past this many, keys are checked at every delivery. */
  private static final int MAX_CACHED_KEYS = 10_000;

  private final TrackingStore store;
  private final BatchSplitter splitter;
  private final EntityValidator validator;
  private final Set<String> validMetricKeys = ConcurrentHashMap.newKeySet();

  /** A delivery into a store, cutting batches at the splitter's limits. */
  public BatchDelivery(TrackingStore store, BatchSplitter splitter) {
    this(store, splitter, null);
  }

  /** A delivery into a store with a backend's limits: batches cut at them, entries validated against them. */
  public BatchDelivery(TrackingStore store, Capabilities limits) {
    this(store, new BatchSplitter(limits), new EntityValidator(limits));
  }

  private BatchDelivery(TrackingStore store, BatchSplitter splitter, EntityValidator validator) {
    this.store = store;
    this.splitter = splitter;
    this.validator = validator;
  }

  /**
   * Validates entries (MLflow's rules and the backend's limits; each metric key once, then remembered) and delivers
   * the valid ones; the invalid ones are refused in the result, with their {@link ValidationException}.
   *
   * @throws IllegalStateException when this delivery was made without limits to validate against
   */
  public BatchResult validateAndDeliver(String candidateId, List<Metric> metrics, List<Param> params,
      List<Tag> tags) {
    if (validator == null) {
      throw new IllegalStateException("this delivery has no limits to validate against");
    }
    List<RefusedEntry> refused = new ArrayList<>();
    List<Metric> okMetrics = keepValid(metrics, this::checkMetric, refused, RefusedEntry.Kind.METRIC, Metric::key);
    List<Param> okParams = keepValid(params, p -> validator.param(p.key(), p.value()), refused,
        RefusedEntry.Kind.PARAM, Param::key);
    List<Tag> okTags = keepValid(tags, t -> validator.tag(t.key(), t.value()), refused, RefusedEntry.Kind.TAG,
        Tag::key);
    return deliver(candidateId, okMetrics, okParams, okTags, refused);
  }

  /**
   * Delivers entries that were validated already (by the tracker's log calls): they are not checked again, and a
   * batch within the backend's limits goes out as it is, without being copied.
   */
  public BatchResult deliverValidated(String candidateId, List<Metric> metrics, List<Param> params,
      List<Tag> tags) {
    return deliver(candidateId, metrics, params, tags, List.of());
  }

  /** Every point of a metric's history in the store, all pages, in logging order. */
  public List<Metric> metricHistory(String candidateId, String key) {
    List<Metric> out = new ArrayList<>();
    Optional<String> token = Optional.empty();
    do {
      Page<Metric> page = store.getMetricHistory(candidateId, key, token);
      out.addAll(page.items());
      token = page.nextPageToken();
    } while (token.isPresent());
    return out;
  }

  /** How a failure of one request is handled. */
  private enum Failure {
    /** May succeed later: stop and hand the rest back. */
    TRANSIENT,
    /** About the candidate: refuse everything left. */
    CANDIDATE,
    /** About some entity of the part, or of unknown scope: isolate by splitting. */
    ENTITY
  }

  /**
   * Sends valid entities; {@code refused} holds what validation refused already and is part of the result.
   */
  public BatchResult deliver(String candidateId, List<Metric> metrics, List<Param> params, List<Tag> tags,
      List<RefusedEntry> refused) {
    Deque<Part> work = new ArrayDeque<>();
    splitter.split(metrics, params, tags, b -> work.add(new Part(b.params, b.tags, b.metrics)));
    List<RefusedEntry> out = new ArrayList<>(refused);
    int delivered = 0;
    boolean probed = false;
    while (!work.isEmpty()) {
      Part part = work.pollFirst();
      try {
        store.logBatch(candidateId, part.metrics, part.params, part.tags);
        delivered += part.size();
        continue;
      } catch (MlopsException e) {
        Failure kind = classify(e);
        if (kind == Failure.TRANSIENT) {
          work.addFirst(part);
          return interrupted(delivered, out, e, work);
        }
        if (kind == Failure.ENTITY && part.size() > 1) {
          if (!probed) {
            probed = true;
            MlopsException whole = probe(candidateId);
            if (whole != null && classify(whole) == Failure.TRANSIENT) {
              work.addFirst(part);
              return interrupted(delivered, out, whole, work);
            }
            if (whole != null) {
              refuseAll(part, whole, out);
              work.forEach(p -> refuseAll(p, whole, out));
              work.clear();
              continue;
            }
          }
          Part[] halves = part.halves();
          work.addFirst(halves[1]);
          work.addFirst(halves[0]);
          continue;
        }
        refuseAll(part, e, out);
        if (kind == Failure.CANDIDATE) {
          work.forEach(p -> refuseAll(p, e, out));
          work.clear();
        }
      }
    }
    return BatchResult.builder().delivered(delivered).refused(out).build();
  }

  /** Null when the store takes an empty batch for the candidate, else its refusal. */
  private MlopsException probe(String candidateId) {
    try {
      store.logBatch(candidateId, List.of(), List.of(), List.of());
      return null;
    } catch (MlopsException e) {
      return e;
    }
  }

  private static Failure classify(MlopsException e) {
    if (e instanceof TransportException
        || e instanceof MlopsServiceException && ((MlopsServiceException) e).isRetryable()) {
      return Failure.TRANSIENT;
    }
    if (e instanceof ResourceNotFoundException || e instanceof PermissionDeniedException) {
      return Failure.CANDIDATE;
    }
    return Failure.ENTITY;
  }

  private static BatchResult interrupted(int delivered, List<RefusedEntry> refused, MlopsException cause,
      Deque<Part> left) {
    BatchResult.Builder b = BatchResult.builder().delivered(delivered).refused(refused)
        .interruption(cause);
    for (Part p : left) {
      b.addAllUndeliveredMetrics(p.metrics).addAllUndeliveredParams(p.params).addAllUndeliveredTags(p.tags);
    }
    return b.build();
  }

  private static void refuseAll(Part part, MlopsException reason, List<RefusedEntry> out) {
    part.params.forEach(p -> out.add(RefusedEntry.of(RefusedEntry.Kind.PARAM, p.key(), reason)));
    part.tags.forEach(t -> out.add(RefusedEntry.of(RefusedEntry.Kind.TAG, t.key(), reason)));
    part.metrics.forEach(m -> out.add(RefusedEntry.of(RefusedEntry.Kind.METRIC, m.key(), reason)));
  }

  /**
   * Checks a metric point; a key is checked once and remembered (up to {@value #MAX_CACHED_KEYS} keys), since a
   * training run logs the same few keys millions of times.
   */
  private void checkMetric(Metric m) {
    String key = m.key();
    if (!validMetricKeys.contains(key)) {
      validator.metricKey(key);
      if (validMetricKeys.size() < MAX_CACHED_KEYS) {
        validMetricKeys.add(key);
      }
    }
    validator.timestamp(key, m.timestamp());
  }

  private interface Check<T> {
    void check(T value);
  }

  /** The valid items: the list itself when all are (no copy), else a copy without the others. */
  private static <T> List<T> keepValid(List<T> items, Check<T> check, List<RefusedEntry> refused,
      RefusedEntry.Kind kind, Function<T, String> key) {
    List<T> ok = null;
    for (int i = 0; i < items.size(); i++) {
      T item = items.get(i);
      ValidationException problem = null;
      if (item == null) {
        problem = new ValidationException("null", "entry-null",
            "A null " + kind.name().toLowerCase(Locale.ROOT) + " entry cannot be logged");
      } else {
        try {
          check.check(item);
        } catch (ValidationException e) {
          problem = e;
        }
      }
      if (problem != null) {
        refused.add(RefusedEntry.of(kind, item == null ? "null" : String.valueOf(key.apply(item)), problem));
        if (ok == null) {
          ok = new ArrayList<>(items.subList(0, i));
        }
      } else if (ok != null) {
        ok.add(item);
      }
    }
    return ok == null ? items : ok;
  }

  /** A part of a batch: params, then tags, then metrics, in the order the splitter keeps. */
  private static final class Part {
    final List<Param> params;
    final List<Tag> tags;
    final List<Metric> metrics;

    Part(List<Param> params, List<Tag> tags, List<Metric> metrics) {
      this.params = params;
      this.tags = tags;
      this.metrics = metrics;
    }

    int size() {
      return params.size() + tags.size() + metrics.size();
    }

    /** Two halves of about equal size, in order. */
    Part[] halves() {
      int half = size() / 2;
      int p = Math.min(half, params.size());
      int t = Math.min(half - p, tags.size());
      int m = half - p - t;
      return new Part[] {
          new Part(params.subList(0, p), tags.subList(0, t), metrics.subList(0, m)),
          new Part(params.subList(p, params.size()), tags.subList(t, tags.size()),
              metrics.subList(m, metrics.size()))
      };
    }
  }
}
