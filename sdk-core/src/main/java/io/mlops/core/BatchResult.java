package io.mlops.core;

import java.util.List;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * What {@link TrackingClient#tryLogBatch} did with each entity of a batch. Every entity given is in exactly one
 * place: {@link #delivered() delivered}, {@link #refused() refused} for good, or, when a transient failure stopped
 * the delivery, {@code undelivered*} and safe to send again. So {@code delivered + refused + undelivered} is the
 * number of entities given.
 *
 * <pre>{@code
 * BatchResult r = client.tryLogBatch(candidateId, metrics, params, tags);
 * r.refused().forEach(e -> log.warn("{} '{}' refused: {}", e.kind(), e.key(), e.reason().getMessage()));
 * if (r.interruption().isPresent()) {
 *   retryLater(r.undeliveredMetrics(), r.undeliveredParams(), r.undeliveredTags());
 * }
 * }</pre>
 */
@Value.Immutable
public interface BatchResult {
  /** Entities the backend accepted. */
  int delivered();

  /** Entities not logged and never to be retried, each with its reason; one bad entity costs only itself. */
  List<RefusedEntry> refused();

  /**
   * The transient failure (the server unreachable, a 503, a timeout) that stopped the delivery, if one did; the
   * entities not yet delivered are then in {@link #undeliveredMetrics()}, {@link #undeliveredParams()} and
   * {@link #undeliveredTags()}.
   */
  @Value.Auxiliary
  Optional<MlopsException> interruption();

  /** Metric points not delivered because of {@link #interruption()}. */
  List<Metric> undeliveredMetrics();

  /** Params not delivered because of {@link #interruption()}. */
  List<Param> undeliveredParams();

  /** Tags not delivered because of {@link #interruption()}. */
  List<Tag> undeliveredTags();

  /** The number of undelivered entities. */
  default int undelivered() {
    return undeliveredMetrics().size() + undeliveredParams().size() + undeliveredTags().size();
  }

  /** True when nothing is left to send: every entity was delivered or refused. */
  default boolean isComplete() {
    return !interruption().isPresent();
  }

  /** Builds a {@link BatchResult}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutableBatchResult.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }
}
