package io.mlops.tracking;

import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateStatus;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.Param;
import io.mlops.core.Tag;
import io.mlops.core.TrackingClient;
import io.mlops.core.ValidationException;
import io.mlops.core.internal.Arguments;
import io.mlops.core.internal.EntityValidator;
import io.mlops.tracking.internal.CandidateHandle;
import io.mlops.tracking.internal.LogPipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Log calls queue their data for the tracker's background worker and return at once: they never wait for I/O
 * and never throw for a backend problem (see {@link Tracker#stats()}). They throw at the call for a programming
 * error: a bad key, a value too long, a param re-logged with another value, a call after the end.
 * {@link #logArtifact(Path, String)} is the exception: it uploads synchronously.
 *
 * <p>Thread-safe: many threads may log into one candidate.
 */
public final class ActiveCandidate implements AutoCloseable {
  /** Tag holding the error that failed a candidate: its class and message. */
  public static final String ERROR_TAG = "mlops.error";
  private static final Logger LOG = LoggerFactory.getLogger(ActiveCandidate.class);
  private static final int MAX_CACHED_KEYS = 10_000;

  private final TrackingClient client;
  private final EntityValidator validator;
  private final LogPipeline pipeline;
  private final CandidateHandle handle;
  private final CandidateInfo info;
  private final LongSupplier clock;
  private final boolean owned;
  private final Duration endTimeout;
  private final Runnable onEnd;
  private final Set<String> validMetricKeys;
  private final ConcurrentMap<String, String> params = new ConcurrentHashMap<>();
  private final AtomicReference<CandidateStatus> endStatus = new AtomicReference<>();

  ActiveCandidate(Tracker tracker, CandidateInfo info, boolean owned, Runnable onEnd) {
    this.client = tracker.client();
    this.validator = tracker.validator();
    this.pipeline = tracker.pipeline();
    this.handle = new CandidateHandle(info.id());
    this.info = info;
    this.clock = tracker.clock();
    this.owned = owned;
    this.endTimeout = tracker.closeTimeout();
    this.onEnd = onEnd;
    this.validMetricKeys = tracker.validMetricKeys();
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
    Arguments.requireNonNull(key, "key");
    validator.param(key, value);
    if (rememberParam(key, value)) {
      offer(List.of(Param.of(key, value)), List.of());
    }
    return this;
  }

  /**
   * Logs several params at once. Entries that break a rule are refused and reported together in one exception;
   * the valid ones are logged.
   *
   * @return this candidate
   */
  public ActiveCandidate logParams(Map<String, String> values) {
    ensureOpen();
    Arguments.requireNonNull(values, "values");
    for (Map.Entry<String, String> e : values.entrySet()) {
      String prev = params.get(e.getKey());
      if (prev != null && !prev.equals(e.getValue())) {
        throw conflict(e.getKey(), prev, e.getValue());
      }
    }
    List<ValidationException> refused = new ArrayList<>();
    List<Param> fresh = new ArrayList<>(values.size());
    for (Map.Entry<String, String> e : values.entrySet()) {
      try {
        validator.param(e.getKey(), e.getValue());
        if (rememberParam(e.getKey(), e.getValue())) {
          fresh.add(Param.of(e.getKey(), e.getValue()));
        }
      } catch (ValidationException ex) {
        refused.add(ex);
      }
    }
    if (!fresh.isEmpty()) {
      offer(fresh, List.of());
    }
    Arguments.throwIfRefused(refused);
    return this;
  }

  /** Logs a metric at step 0, timestamped now. */
  public ActiveCandidate logMetric(String key, double value) {
    return logMetric(key, value, 0L);
  }

  /**
   * Logs a metric at a step, timestamped now. NaN and ±Infinity are accepted, as in MLflow. Lock-free and, once
   * a key has been seen, allocation-free.
   */
  public ActiveCandidate logMetric(String key, double value, long step) {
    ensureOpen();
    checkMetricKey(key);
    if (pipeline != null) { // null: tracking is off (Tracker.noop())
      pipeline.offerMetric(handle, key, value, clock.getAsLong(), step);
    }
    return this;
  }

  /**
   * Logs a metric at a step with the time it was measured, in milliseconds since the epoch, for a point measured
   * before it reaches this candidate: on a Spark executor, for example, whose points arrive when the task ends.
   *
   * @throws ValidationException for an invalid key or a negative timestamp
   */
  public ActiveCandidate logMetric(String key, double value, long step, long timestampMillis) {
    ensureOpen();
    checkMetricKey(key);
    validator.timestamp(key, timestampMillis);
    if (pipeline != null) {
      pipeline.offerMetric(handle, key, value, timestampMillis, step);
    }
    return this;
  }

  /** Logs several metrics at one step, with one timestamp. Invalid keys are refused; the others are logged. */
  public ActiveCandidate logMetrics(Map<String, Double> values, long step) {
    ensureOpen();
    Arguments.requireNonNull(values, "values");
    long now = clock.getAsLong();
    List<ValidationException> refused = null;
    for (Map.Entry<String, Double> e : values.entrySet()) {
      try {
        checkMetricKey(e.getKey());
        Double value = e.getValue();
        if (value == null) {
          throw new ValidationException(e.getKey(), "value-null", "Metric '" + e.getKey() + "' has a null value");
        }
        if (pipeline != null) {
          pipeline.offerMetric(handle, e.getKey(), value, now, step);
        }
      } catch (ValidationException ex) {
        if (refused == null) {
          refused = new ArrayList<>();
        }
        refused.add(ex);
      }
    }
    if (refused != null) {
      Arguments.throwIfRefused(refused);
    }
    return this;
  }

  /** Sets a tag (last write wins). */
  public ActiveCandidate setTag(String key, String value) {
    ensureOpen();
    Arguments.requireNonNull(key, "key");
    validator.tag(key, value);
    offer(List.of(), List.of(Tag.of(key, value)));
    return this;
  }

  /** Sets several tags; invalid ones are refused and reported together, the others are set. */
  public ActiveCandidate setTags(Map<String, String> tags) {
    ensureOpen();
    Arguments.requireNonNull(tags, "tags");
    List<ValidationException> refused = new ArrayList<>();
    List<Tag> list = new ArrayList<>(tags.size());
    for (Map.Entry<String, String> e : tags.entrySet()) {
      try {
        validator.tag(e.getKey(), e.getValue());
        list.add(Tag.of(e.getKey(), e.getValue()));
      } catch (ValidationException ex) {
        refused.add(ex);
      }
    }
    if (!list.isEmpty()) {
      offer(List.of(), list);
    }
    Arguments.throwIfRefused(refused);
    return this;
  }

  /** Uploads a file (keeping its name), or a directory's contents, to the root of the artifacts. */
  public ActiveCandidate logArtifact(Path fileOrDirectory) {
    return logArtifact(fileOrDirectory, "");
  }

  /**
   * Uploads a file (keeping its name), or a directory's contents recursively, under {@code artifactDirectory}
   * (for example {@code "model"}). Synchronous: it returns when the upload is done.
   */
  public ActiveCandidate logArtifact(Path fileOrDirectory, String artifactDirectory) {
    ensureOpen();
    client.uploadArtifacts(id(), fileOrDirectory, artifactDirectory);
    return this;
  }

  /**
   * Ends the candidate with a status, now, after everything logged into it so far. Waits (up to the tracker's
   * close timeout) until the end is durable: in the backend, or in the journal when the backend is down. Only the
   * first end counts; later calls return false.
   *
   * @return true if this call ended it
   * @throws io.mlops.core.ValidationException when {@code status} is null or not a final one (RUNNING, SCHEDULED)
   */
  public boolean end(CandidateStatus status) {
    Arguments.requireNonNull(status, "status");
    if (!status.isTerminal()) {
      throw new ValidationException("status", "status-terminal", "A candidate ends as FINISHED, FAILED or KILLED; "
          + "status " + status + " is not a final one");
    }
    if (!endStatus.compareAndSet(null, status)) {
      return false;
    }
    try {
      if (pipeline != null) {
        await(owned ? pipeline.end(handle, status, clock.getAsLong()) : pipeline.flush());
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
    offer(List.of(), List.of(Tag.of(ERROR_TAG, text.length() > max ? text.substring(0, max) : text)));
    return end(CandidateStatus.FAILED);
  }

  /** Ends the candidate as FINISHED unless it has ended already. Idempotent. */
  @Override
  public void close() {
    if (endStatus.get() == null) {
      end(CandidateStatus.FINISHED);
    }
  }

  /** Queues params and tags, unless tracking is off ({@code Tracker.noop()}, which has no pipeline). */
  private void offer(List<Param> params, List<Tag> tags) {
    if (pipeline != null) {
      pipeline.offer(handle, params, tags);
    }
  }

  @Override
  public String toString() {
    return "ActiveCandidate{id=" + id() + ", name=" + name() + ", experimentId=" + experimentId() + "}";
  }

  private void await(java.util.concurrent.CompletableFuture<?> future) {
    try {
      future.get(endTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // backend problems never reach training code; the journal and the counters keep the story
      LOG.warn("Ending candidate {} did not complete cleanly: {}", id(), e.toString());
    }
  }

  private void checkMetricKey(String key) {
    if (key == null) { // the key cache (a concurrent set) cannot even be asked about null
      throw Arguments.missing("key", "null");
    }
    if (!validMetricKeys.contains(key)) {
      validator.metricKey(key);
      if (validMetricKeys.size() < MAX_CACHED_KEYS) {
        validMetricKeys.add(key);
      }
    }
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
