package io.mlops.core;

import java.util.Map;
import org.immutables.value.Value;

/**
 * A candidate's logged data: the latest value of each metric, the params and the tags (MLflow's {@code RunData}).
 * Full metric histories come from {@link TrackingClient#getMetricHistory(String, String)}.
 */
@Value.Immutable
public interface CandidateData {
  /** The latest point of each metric, by key. */
  Map<String, Metric> metrics();

  /** Params by key. */
  Map<String, String> params();

  /** Tags by key, including system tags such as {@code mlflow.runName}. */
  Map<String, String> tags();

  /** Empty data. */
  static CandidateData empty() {
    return builder().build();
  }

  /** Builds a {@link CandidateData}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutableCandidateData.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }
}
