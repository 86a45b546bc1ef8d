package io.mlops.core;

import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/** What is needed to create a candidate. */
@Value.Immutable
public interface NewCandidate {
  /** The experiment. */
  String experimentId();

  /** The display name; the backend generates none when empty. */
  Optional<String> name();

  /** Start time in milliseconds. */
  long startTime();

  /** Initial tags (system tags such as {@code mlflow.user} included). */
  Map<String, String> tags();

  /**
   * The user ({@code user_id}). When empty, {@link TrackingClient#createCandidate} records the {@code mlflow.user}
   * tag, or {@code unknown} without one, as MLflow's client does.
   */
  Optional<String> userId();

  /** Builds a {@link NewCandidate}; each setter returns this builder, {@code build()} checks every required value. */
  final class Builder extends ImmutableNewCandidate.Builder {
    Builder() {}
  }

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }
}
