package io.mlops.core.spi;

import java.util.EnumSet;
import java.util.Set;
import org.immutables.value.Value;

/**
 * What a backend supports and its limits. The defaults are MLflow's (protocol notes §1 and §3): 1000 metrics,
 * 100 params, 100 tags and 1000 entities per batch, 1 MB per request; keys of 250 characters, param values of
 * 6000, tag values of 8000, experiment names of 500. Lengths count Unicode code points, as MLflow's Python
 * {@code len()} does, so a letter outside the Basic Multilingual Plane counts once.
 *
 * <p>A limit here is what the backend can never store: the SDK refuses it at the call, before anything is queued
 * or sent, so that no write is attempted that is bound to fail again on every retry.
 */
@Value.Immutable
@io.mlops.core.internal.ValueStyle
public interface Capabilities {
  /** The backend's name, used in messages. */
  String backendName();

  /** The supported operations. */
  @Value.Default
  default Set<Operation> operations() {
    return EnumSet.allOf(Operation.class);
  }

  /** Largest number of metrics in one batch. */
  @Value.Default
  default int maxMetricsPerBatch() {
    return 1000;
  }

  /** Largest number of params in one batch. */
  @Value.Default
  default int maxParamsPerBatch() {
    return 100;
  }

  /** Largest number of tags in one batch. */
  @Value.Default
  default int maxTagsPerBatch() {
    return 100;
  }

  /** Largest number of metrics, params and tags together in one batch. */
  @Value.Default
  default int maxEntitiesPerBatch() {
    return 1000;
  }

  /** Largest request body of one batch, in bytes. */
  @Value.Default
  default int maxBatchBytes() {
    return 1_000_000;
  }

  /** Longest metric, param or tag key. */
  @Value.Default
  default int maxKeyLength() {
    return 250;
  }

  /**
   * Longest part of a key between {@code /} separators, in UTF-8 bytes; unlimited by default. A store that keeps
   * each key as a file name (the local store: {@code metrics/<key>}) sets the file system's name limit, 255 bytes
   * on the common ones, so that a key of 200 {@code δ} (400 bytes, within {@link #maxKeyLength()}) is refused at
   * the call instead of failing every write.
   */
  @Value.Default
  default int maxKeySegmentBytes() {
    return Integer.MAX_VALUE;
  }

  /** Longest param value. */
  @Value.Default
  default int maxParamValueLength() {
    return 6000;
  }

  /** Longest candidate tag value. */
  @Value.Default
  default int maxTagValueLength() {
    return 8000;
  }

  /** Longest experiment tag value. */
  @Value.Default
  default int maxExperimentTagValueLength() {
    return 5000;
  }

  /** Longest experiment name. */
  @Value.Default
  default int maxExperimentNameLength() {
    return 500;
  }

  /** Longest candidate name. */
  @Value.Default
  default int maxCandidateNameLength() {
    return 250;
  }

  /** True when the operation is supported. */
  default boolean supports(Operation operation) {
    return operations().contains(operation);
  }

  /** MLflow's capabilities under a backend name. */
  static Capabilities mlflowDefaults(String backendName) {
    return builder().backendName(backendName).build();
  }

  /** Builds a {@link Capabilities}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutableCapabilities.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }
}
