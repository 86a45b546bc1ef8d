package io.mlops.tracking;

import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateStatus;
import io.mlops.core.CandidateUpdate;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.Metric;
import io.mlops.core.Param;
import io.mlops.core.Tag;
import io.mlops.core.TrackingClient;
import io.mlops.core.internal.EntityValidator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * A candidate being trained: log params, metrics, tags and artifacts into it, then end it. Closing it ends it as
 * FINISHED unless it was ended already; {@link #fail(Throwable)} ends it as FAILED and records the error.
 *
 * <pre>{@code
 * try (ActiveCandidate c = tracker.startCandidate("lr-0.1")) {
 *   c.logParam("learning_rate", "0.1");
 *   for (int epoch = 0; epoch < 10; epoch++) {
 *     c.logMetric("loss", train(), epoch);
 *   }
 *   c.logArtifact(Paths.get("model.bin"), "model");
 * }
 * }</pre>
 *
 * <p>Java gives {@code close()} no way to see an exception leaving a try-with-resources block; use
 * {@link Tracker#run(String, CandidateBody)} (or call {@link #fail(Throwable)} in a {@code catch} inside the block)
 * to record FAILED and the error automatically.
 *
 * <p>Thread-safe: many threads may log into one candidate. Invalid input (a bad key, a value too long, a param
 * re-logged with another value, a call after the end) throws at the call.
 */
public final class ActiveCandidate implements AutoCloseable {
  /** Tag holding the error that failed a candidate: its class and message. */
  public static final String ERROR_TAG = "mlops.error";

  private final TrackingClient client;
  private final EntityValidator validator;
  private final CandidateInfo info;
  private final LongSupplier clock;
  private final boolean owned;
  private final Runnable onEnd;
  private final ConcurrentMap<String, String> params = new ConcurrentHashMap<>();
  private final AtomicReference<CandidateStatus> endStatus = new AtomicReference<>();

  ActiveCandidate(TrackingClient client, CandidateInfo info, LongSupplier clock, boolean owned, Runnable onEnd) {
    this.client = client;
    this.validator = client.validator();
    this.info = info;
    this.clock = clock;
    this.owned = owned;
    this.onEnd = onEnd;
  }

  /** The candidate id. */
  public String id() {
    return info.id();
  }

  /** The candidate name. */
  public String name() {
    return info.name();
  }

  /** The experiment it belongs to. */
  public String experimentId() {
    return info.experimentId();
  }

  /** The candidate's metadata as it was when it started. */
  public CandidateInfo info() {
    return info;
  }

  /** The status it ended with, if it has ended. */
  public Optional<CandidateStatus> endStatus() {
    return Optional.ofNullable(endStatus.get());
  }

  /**
   * Logs a param. The same value again is a no-op; another value throws {@link InvalidParameterException}.
   *
   * @return this candidate
   */
  public ActiveCandidate logParam(String key, String value) {
    ensureOpen();
    validator.param(key, value);
    if (rememberParam(key, value)) {
      try {
        client.logParam(id(), key, value);
      } catch (RuntimeException e) {
        params.remove(key, value);
        throw e;
      }
    }
    return this;
  }

  /**
   * Logs several params at once. Entries that break a rule are refused and reported together in one exception
   * after the valid ones were logged.
   *
   * @return this candidate
   */
  public ActiveCandidate logParams(Map<String, String> values) {
    ensureOpen();
    List<Param> fresh = new ArrayList<>(values.size());
    for (Map.Entry<String, String> e : values.entrySet()) {
      String prev = params.get(e.getKey());
      if (prev == null) {
        fresh.add(Param.of(e.getKey(), e.getValue()));
      } else if (!prev.equals(e.getValue())) {
        throw conflict(e.getKey(), prev, e.getValue());
      }
    }
    client.logBatch(id(), List.of(), fresh, List.of());
    fresh.forEach(p -> params.putIfAbsent(p.key(), p.value()));
    return this;
  }

  /** Logs a metric at step 0, timestamped now. */
  public ActiveCandidate logMetric(String key, double value) {
    return logMetric(key, value, 0L);
  }

  /** Logs a metric at a step, timestamped now. NaN and ±Infinity are accepted, as in MLflow. */
  public ActiveCandidate logMetric(String key, double value, long step) {
    ensureOpen();
    client.logBatch(id(), List.of(Metric.of(key, value, clock.getAsLong(), step)), List.of(), List.of());
    return this;
  }

  /** Logs several metrics at one step, with one timestamp. */
  public ActiveCandidate logMetrics(Map<String, Double> values, long step) {
    ensureOpen();
    long now = clock.getAsLong();
    List<Metric> metrics = new ArrayList<>(values.size());
    values.forEach((k, v) -> metrics.add(Metric.of(k, Objects.requireNonNull(v, "value of " + k), now, step)));
    client.logBatch(id(), metrics, List.of(), List.of());
    return this;
  }

  /** Sets a tag (last write wins). */
  public ActiveCandidate setTag(String key, String value) {
    ensureOpen();
    client.setTag(id(), key, value);
    return this;
  }

  /** Sets several tags. */
  public ActiveCandidate setTags(Map<String, String> tags) {
    ensureOpen();
    List<Tag> list = new ArrayList<>(tags.size());
    tags.forEach((k, v) -> list.add(Tag.of(k, v)));
    client.logBatch(id(), List.of(), List.of(), list);
    return this;
  }

  /** Uploads a file (keeping its name), or a directory's contents, to the root of the artifacts. */
  public ActiveCandidate logArtifact(Path fileOrDirectory) {
    return logArtifact(fileOrDirectory, "");
  }

  /**
   * Uploads a file (keeping its name), or a directory's contents recursively, under {@code artifactDirectory}
   * (for example {@code "model"}).
   */
  public ActiveCandidate logArtifact(Path fileOrDirectory, String artifactDirectory) {
    ensureOpen();
    client.uploadArtifacts(id(), fileOrDirectory, artifactDirectory);
    return this;
  }

  /**
   * Ends the candidate with a status, now. Only the first end counts; later calls return false.
   *
   * @return true if this call ended it
   */
  public boolean end(CandidateStatus status) {
    Objects.requireNonNull(status, "status");
    if (!status.isTerminal()) {
      throw new IllegalArgumentException("A candidate ends as FINISHED, FAILED or KILLED, not " + status);
    }
    if (!endStatus.compareAndSet(null, status)) {
      return false;
    }
    try {
      if (owned) {
        client.updateCandidate(id(), CandidateUpdate.end(status, clock.getAsLong()));
      }
    } finally {
      onEnd.run();
    }
    return true;
  }

  /**
   * Ends the candidate as FAILED and records the error (class and message) in the {@value #ERROR_TAG} tag.
   *
   * @return true if this call ended it
   */
  public boolean fail(Throwable error) {
    if (endStatus.get() != null) {
      return false;
    }
    String text = error.getClass().getName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
    int max = client.capabilities().maxTagValueLength();
    client.setTag(id(), ERROR_TAG, text.length() > max ? text.substring(0, max) : text);
    return end(CandidateStatus.FAILED);
  }

  /** Ends the candidate as FINISHED unless it has ended already. Idempotent. */
  @Override
  public void close() {
    if (endStatus.get() == null) {
      end(CandidateStatus.FINISHED);
    }
  }

  @Override
  public String toString() {
    return "ActiveCandidate{id=" + id() + ", name=" + name() + ", experimentId=" + experimentId() + "}";
  }

  private void ensureOpen() {
    CandidateStatus s = endStatus.get();
    if (s != null) {
      throw new CandidateEndedException(id(), s.name());
    }
  }

  /** Returns true when the param is new; throws when it conflicts with a value logged through this object. */
  private boolean rememberParam(String key, String value) {
    String prev = params.putIfAbsent(key, value);
    if (prev == null) {
      return true;
    }
    if (prev.equals(value)) {
      return false;
    }
    throw conflict(key, prev, value);
  }

  private InvalidParameterException conflict(String key, String prev, String value) {
    return new InvalidParameterException("Changing param values is not allowed: param '" + key + "' of candidate "
        + id() + " was logged with value '" + prev + "', not '" + value + "'");
  }
}
