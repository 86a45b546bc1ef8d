package io.mlops.spark;

import io.mlops.core.ValidationException;
import io.mlops.core.internal.Arguments;
import io.mlops.core.internal.EntityValidator;
import io.mlops.core.spi.Capabilities;
import io.mlops.spark.internal.DirectTrackers;
import io.mlops.spark.internal.TaskPoints;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small serializable handle to the driver's candidate, for Spark tasks: capture it in the closure of
 * {@code foreachPartition}, {@code mapPartitions} or any other task code, and log metrics from the executors. Get
 * it from {@link ExecutorLogging#handle()} on the driver.
 *
 * <pre>{@code
 * CandidateHandle handle = logging.handle();
 * rdd.foreachPartition(rows -> {
 *   long n = 0;
 *   while (rows.hasNext()) { rows.next(); n++; }
 *   handle.logMetric("rows", n, TaskContext.getPartitionId());
 * });
 * }</pre>
 *
 * <p>A task attempt's points are kept with the attempt and count only if it succeeds: a failed, killed or
 * recomputed attempt adds nothing and duplicates nothing (see {@link ExecutorLogging} for the guarantees of each
 * {@link ExecutorLogging.Delivery}). Each point keeps the time it was logged on the executor.
 *
 * <p>Calls throw at once for a programming error: a call outside a Spark task ({@link IllegalStateException}),
 * a handle that reached the task some other way than in its closure (a broadcast variable, a static field or an
 * RDD element; {@link IllegalStateException}), or an invalid key ({@link ValidationException}). Keys are checked
 * with the strictest rules of the SDK's backends (MLflow's, with at most 250 characters, and at most 255 UTF-8 bytes
 * between two {@code /}, the local store's file-name limit). A task attempt keeps at most
 * {@link ExecutorLogging.Builder#maxPointsPerTask(int)} points; later ones are dropped and counted.
 *
 * <p>It holds the candidate's id, the delivery mode and, for direct delivery, the tracking URI without credentials:
 * no tracker, no token, no password. Thread-safe within a task.
 */
public final class CandidateHandle implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(CandidateHandle.class);
  /** MLflow's key rules with the local store's name limit: what every backend of the SDK accepts. */
  private static final EntityValidator KEYS = new EntityValidator(new StrictestKeys());

  private final String candidateId;
  private final ExecutorLogging.Delivery delivery;
  /** Direct delivery only: where the executors' trackers write, without user info. */
  private final String directTrackingUri;
  private final long taskFlushTimeoutMillis;
  private final TaskPoints points;

  CandidateHandle(String candidateId, ExecutorLogging.Delivery delivery, String directTrackingUri,
      Duration taskFlushTimeout, TaskPoints points) {
    this.candidateId = candidateId;
    this.delivery = delivery;
    this.directTrackingUri = directTrackingUri;
    this.taskFlushTimeoutMillis = taskFlushTimeout.toMillis();
    this.points = points;
  }

  /** The id of the driver's candidate. */
  public String candidateId() {
    return candidateId;
  }

  /** How the points reach the candidate. */
  public ExecutorLogging.Delivery delivery() {
    return delivery;
  }

  /** Logs a metric at step 0. */
  public CandidateHandle logMetric(String key, double value) {
    return logMetric(key, value, 0L);
  }

  /**
   * Logs a metric at a step, timestamped now on the executor. NaN and ±Infinity are accepted, as in MLflow.
   *
   * @throws IllegalStateException outside a Spark task, or when the handle did not come with the task's closure
   * @throws ValidationException for an invalid key
   */
  public CandidateHandle logMetric(String key, double value, long step) {
    TaskContext task = task();
    checkKey(key);
    add(task, key, value, step, System.currentTimeMillis());
    return this;
  }

  /**
   * Logs several metrics at one step, with one timestamp. Invalid keys and null values are refused and reported
   * together in one {@link ValidationException}; the others are logged.
   *
   * @throws IllegalStateException outside a Spark task, or when the handle did not come with the task's closure
   */
  public CandidateHandle logMetrics(Map<String, Double> values, long step) {
    TaskContext task = task();
    Arguments.requireNonNull(values, "values");
    long now = System.currentTimeMillis();
    List<ValidationException> refused = null;
    for (Map.Entry<String, Double> e : values.entrySet()) {
      try {
        checkKey(e.getKey());
        if (e.getValue() == null) {
          throw new ValidationException(e.getKey(), "value-null", "Metric '" + e.getKey() + "' has a null value");
        }
        add(task, e.getKey(), e.getValue(), step, now);
      } catch (ValidationException ex) {
        if (refused == null) {
          refused = new ArrayList<>();
        }
        refused.add(ex);
      }
    }
    Arguments.throwIfRefused(refused);
    return this;
  }

  private TaskContext task() {
    TaskContext task = TaskContext.get();
    if (task == null) {
      throw new IllegalStateException("CandidateHandle logs from inside a Spark task (foreachPartition, "
          + "mapPartitions, ...), and this call ran outside one; on the driver, log into the ActiveCandidate "
          + "itself (candidate " + candidateId + ")");
    }
    if (!points.belongsTo(task)) {
      throw new IllegalStateException("This CandidateHandle did not come with the closure of the task using it "
          + "(task attempt " + task.taskAttemptId() + "): a broadcast variable, a static field or an RDD element "
          + "shares one copy between tasks, so Spark could not tell their points apart. Capture the handle in the "
          + "task's closure (a local variable the lambda uses), so that each task gets its own copy");
    }
    return task;
  }

  private static void checkKey(String key) {
    if (key == null) {
      throw Arguments.missing("key", "null");
    }
    KEYS.metricKey(key);
  }

  private void add(TaskContext task, String key, double value, long step, long timestamp) {
    if (points.startListening()) {
      task.addTaskCompletionListener(new TaskEnd(this));
    }
    if (!points.add(task, key, value, step, timestamp) && points.dropped() == 1) {
      LOG.warn("CandidateHandle: {} logged more than {} points for candidate {}; the rest of this attempt's points "
          + "are dropped and counted (ExecutorLogging.Builder.maxPointsPerTask)", points.attempt(),
          points.maxPoints(), candidateId);
    }
  }

  /** Ends the attempt's points: kept (or delivered, direct) when it succeeded, discarded otherwise. */
  private static final class TaskEnd implements TaskCompletionListener {
    private final CandidateHandle handle;

    TaskEnd(CandidateHandle handle) {
      this.handle = handle;
    }

    @Override
    public void onTaskCompletion(TaskContext context) {
      TaskPoints p = handle.points;
      boolean success = !context.isFailed() && !context.isInterrupted();
      try {
        if (!success || handle.delivery == ExecutorLogging.Delivery.THROUGH_DRIVER) {
          p.end(success);
          return;
        }
        TaskPoints.Batch batch = p.endAndTake();
        long handed = DirectTrackers.deliver(handle.directTrackingUri, handle.candidateId, batch,
            Duration.ofMillis(handle.taskFlushTimeoutMillis), p.attempt());
        p.recordDelivery(handed, batch.size() - handed);
      } catch (RuntimeException | LinkageError e) {
        // never fail the task for its logging: a retry would run (and log) again
        LOG.warn("CandidateHandle: ending the points of {} failed", p.attempt(), e);
      }
    }
  }

  /** MLflow's limits (the interface's defaults), and the local store's 255 bytes per part of a key. */
  private static final class StrictestKeys implements Capabilities {
    @Override
    public String backendName() {
      return "CandidateHandle (the strictest of the SDK's backends)";
    }

    @Override
    public int maxKeySegmentBytes() {
      return 255;
    }
  }

  @Override
  public String toString() {
    return "CandidateHandle{candidate=" + candidateId + ", delivery=" + delivery + "}";
  }
}
