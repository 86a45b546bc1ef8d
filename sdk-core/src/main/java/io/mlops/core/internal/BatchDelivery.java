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
import io.mlops.core.spi.TrackingStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

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
 */
public final class BatchDelivery {
  private final TrackingStore store;
  private final BatchSplitter splitter;

  /** A delivery into a store, cutting batches at the splitter's limits. */
  public BatchDelivery(TrackingStore store, BatchSplitter splitter) {
    this.store = store;
    this.splitter = splitter;
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
