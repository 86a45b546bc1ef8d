package io.mlops.spark.internal;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.TaskContext;
import org.apache.spark.util.AccumulatorV2;

/**
 * The metric points of one Spark task attempt, as an {@link AccumulatorV2} registered on the driver.
 *
 * <p>Spark gives every task its own copy: the driver's copy is replaced by an empty one when the task's closure is
 * serialized ({@code writeReplace}, {@link #copyAndReset()}), and the copy a task deserializes registers itself with
 * the task. The copy comes back to the driver with the task's result and Spark merges it into the driver's copy
 * ({@link #merge}) on the DAG scheduler's thread:
 *
 * <ul>
 *   <li>only for a task attempt that succeeded: a failed or killed attempt sends only the accumulators with
 *       {@code countFailedValues}, which this one does not have ({@code Task.collectAccumulatorUpdates});
 *   <li>for a result task, once per partition of the job ({@code DAGScheduler.handleTaskCompletion} checks
 *       {@code job.finished(outputId)});
 *   <li>for a shuffle-map task, at every successful completion: a partition recomputed because its map output was
 *       lost (a fetch failure, a lost executor) merges again, as does an attempt of an older stage attempt.
 * </ul>
 *
 * <p>So the driver's side ({@link Sink}) keeps the first successful attempt of each (stage, partition) and drops
 * the others. The copy also records, from a task-completion listener, whether the attempt ended successfully
 * ({@link #end(boolean)}); an attempt that did not is dropped on the driver even if Spark's rule above changed.
 *
 * <p>The value Spark shows for it (UI, event log) is a count of points, never the points.
 */
public final class TaskPoints extends AccumulatorV2<TaskPoints.Point, Long> {
  private static final long serialVersionUID = 1L;
  /** No task: a copy deserialized outside a task, or the driver's own. */
  public static final long NO_TASK = -1L;
  private static final int INITIAL_CAPACITY = 16;

  private final int maxPoints;
  private final boolean shipsPoints;

  private int stageId = -1;
  private int stageAttempt = -1;
  private int partitionId = -1;
  private int attemptNumber = -1;
  private long taskAttemptId = NO_TASK;

  private String[] keys;
  private double[] values;
  private long[] steps;
  private long[] timestamps;
  private int size;
  private long dropped;
  private long delivered;
  private long failed;
  private boolean ended;
  private boolean succeeded;

  /** The task attempt that deserialized this copy with its closure (set in {@link #readObject}). */
  private transient long boundTask = NO_TASK;
  private transient boolean listening;
  /** The driver's registered copy only. */
  private transient Sink sink;

  /**
   * An empty accumulator.
   *
   * @param maxPoints the most points one task attempt keeps; later ones are counted as dropped
   * @param shipsPoints true when the points travel to the driver with the task's result; false when the executor
   *     delivers them itself and only the counts travel
   */
  public TaskPoints(int maxPoints, boolean shipsPoints) {
    if (maxPoints < 1) {
      throw new IllegalArgumentException("maxPoints must be at least 1, not " + maxPoints);
    }
    this.maxPoints = maxPoints;
    this.shipsPoints = shipsPoints;
  }

  /** What the driver does with the copies Spark merges. */
  public interface Sink {
    /** Takes one task attempt's copy, on the DAG scheduler's thread: must not block. */
    void merge(TaskPoints update);

    /** Points accepted so far: the driver copy's {@link #value()}. */
    long acceptedPoints();
  }

  /** One point, the accumulator's input type. */
  public static final class Point implements Serializable {
    private static final long serialVersionUID = 1L;
    final String key;
    final double value;
    final long step;
    final long timestamp;

    /** A point. */
    public Point(String key, double value, long step, long timestamp) {
      this.key = key;
      this.value = value;
      this.step = step;
      this.timestamp = timestamp;
    }
  }

  /** Points taken out of a copy: parallel arrays of {@link #size()} entries. */
  public static final class Batch {
    static final Batch EMPTY = new Batch(new String[0], new double[0], new long[0], new long[0], 0);
    private final String[] keys;
    private final double[] values;
    private final long[] steps;
    private final long[] timestamps;
    private final int size;

    Batch(String[] keys, double[] values, long[] steps, long[] timestamps, int size) {
      this.keys = keys;
      this.values = values;
      this.steps = steps;
      this.timestamps = timestamps;
      this.size = size;
    }

    /** Number of points. */
    public int size() {
      return size;
    }

    /** The key of point {@code i}. */
    public String key(int i) {
      return keys[i];
    }

    /** The value of point {@code i}. */
    public double value(int i) {
      return values[i];
    }

    /** The step of point {@code i}. */
    public long step(int i) {
      return steps[i];
    }

    /** The time point {@code i} was logged on the executor, ms since the epoch. */
    public long timestamp(int i) {
      return timestamps[i];
    }
  }

  /** Installs the driver's side; only on the copy registered with the SparkContext. */
  public void attachSink(Sink driverSide) {
    this.sink = driverSide;
  }

  /** The most points one attempt keeps. */
  public int maxPoints() {
    return maxPoints;
  }

  /** True when this copy was deserialized with the closure of {@code task}, and so is that attempt's own. */
  public boolean belongsTo(TaskContext task) {
    return boundTask != NO_TASK && boundTask == task.taskAttemptId();
  }

  /** True the first time it is called on this copy: the caller then registers the task-completion listener. */
  public synchronized boolean startListening() {
    if (listening) {
      return false;
    }
    listening = true;
    return true;
  }

  /**
   * Adds a point of the attempt {@code task}.
   *
   * @return false when the point was over the cap and was dropped
   */
  public synchronized boolean add(TaskContext task, String key, double value, long step, long timestamp) {
    if (taskAttemptId == NO_TASK && task != null) {
      identify(task.stageId(), task.stageAttemptNumber(), task.partitionId(), task.attemptNumber(),
          task.taskAttemptId());
    }
    if (ended) {
      // logged after the task's end (from a thread the task left behind): Spark may have sent this copy already
      dropped++;
      return false;
    }
    if (size >= maxPoints) {
      dropped++;
      return false;
    }
    if (keys == null || size == keys.length) {
      grow();
    }
    keys[size] = key;
    values[size] = value;
    steps[size] = step;
    timestamps[size] = timestamp;
    size++;
    return true;
  }

  /** Sets the attempt this copy belongs to (from its task at the first point; tests set it themselves). */
  synchronized void identify(int stage, int stageAttemptNumber, int partition, int attempt, long taskAttempt) {
    stageId = stage;
    stageAttempt = stageAttemptNumber;
    partitionId = partition;
    attemptNumber = attempt;
    taskAttemptId = taskAttempt;
  }

  private void grow() {
    int capacity = keys == null ? Math.min(INITIAL_CAPACITY, maxPoints)
        : (int) Math.min((long) keys.length * 2, maxPoints);
    keys = keys == null ? new String[capacity] : Arrays.copyOf(keys, capacity);
    values = values == null ? new double[capacity] : Arrays.copyOf(values, capacity);
    steps = steps == null ? new long[capacity] : Arrays.copyOf(steps, capacity);
    timestamps = timestamps == null ? new long[capacity] : Arrays.copyOf(timestamps, capacity);
  }

  /**
   * Records the attempt's end, from its task-completion listener. A failed or interrupted attempt's points are
   * discarded here, before Spark collects the copy.
   */
  public synchronized void end(boolean success) {
    ended = true;
    succeeded = success;
    if (!success) {
      clearPoints();
    }
  }

  /** Ends the attempt as a success and takes its points out (the executor delivers them itself). */
  public synchronized Batch endAndTake() {
    ended = true;
    succeeded = true;
    Batch b = batch();
    clearPoints();
    return b;
  }

  /** Records what the executor's own delivery did with the points of {@link #endAndTake()}. */
  public synchronized void recordDelivery(long deliveredPoints, long failedPoints) {
    delivered += deliveredPoints;
    failed += failedPoints;
  }

  /** The points held now, copied out. */
  public synchronized Batch batch() {
    if (size == 0) {
      return Batch.EMPTY;
    }
    return new Batch(Arrays.copyOf(keys, size), Arrays.copyOf(values, size), Arrays.copyOf(steps, size),
        Arrays.copyOf(timestamps, size), size);
  }

  private void clearPoints() {
    keys = null;
    values = null;
    steps = null;
    timestamps = null;
    size = 0;
  }

  /** Points held. */
  public synchronized int size() {
    return size;
  }

  /** Points over the cap. */
  public synchronized long dropped() {
    return dropped;
  }

  /** Points the executor delivered itself. */
  public synchronized long delivered() {
    return delivered;
  }

  /** Points the executor could not deliver. */
  public synchronized long failed() {
    return failed;
  }

  /** True when the attempt's completion listener ran and the attempt had succeeded. */
  public synchronized boolean succeeded() {
    return ended && succeeded;
  }

  /** True when points travel with this copy (delivery through the driver). */
  public boolean shipsPoints() {
    return shipsPoints;
  }

  /** The stage of the attempt, -1 before its first point. */
  public int stageId() {
    return stageId;
  }

  /** The stage attempt. */
  public int stageAttempt() {
    return stageAttempt;
  }

  /** The partition. */
  public int partitionId() {
    return partitionId;
  }

  /** The attempt number of the task. */
  public int attemptNumber() {
    return attemptNumber;
  }

  /** Spark's id of the task attempt. */
  public long taskAttemptId() {
    return taskAttemptId;
  }

  /** "stage 3 (attempt 0) partition 7, task attempt 1 (TID 42)". */
  public String attempt() {
    return "stage " + stageId + " (attempt " + stageAttempt + ") partition " + partitionId + ", task attempt "
        + attemptNumber + " (TID " + taskAttemptId + ")";
  }

  // ------------------------------------------------------------------ AccumulatorV2

  @Override
  public synchronized boolean isZero() {
    return size == 0 && dropped == 0 && delivered == 0 && failed == 0;
  }

  @Override
  public synchronized TaskPoints copy() {
    TaskPoints c = new TaskPoints(maxPoints, shipsPoints);
    c.stageId = stageId;
    c.stageAttempt = stageAttempt;
    c.partitionId = partitionId;
    c.attemptNumber = attemptNumber;
    c.taskAttemptId = taskAttemptId;
    if (size > 0) {
      c.keys = Arrays.copyOf(keys, keys.length);
      c.values = Arrays.copyOf(values, values.length);
      c.steps = Arrays.copyOf(steps, steps.length);
      c.timestamps = Arrays.copyOf(timestamps, timestamps.length);
    }
    c.size = size;
    c.dropped = dropped;
    c.delivered = delivered;
    c.failed = failed;
    c.ended = ended;
    c.succeeded = succeeded;
    return c;
  }

  /** A fresh empty copy: what a task gets. */
  @Override
  public TaskPoints copyAndReset() {
    return new TaskPoints(maxPoints, shipsPoints);
  }

  @Override
  public synchronized void reset() {
    stageId = -1;
    stageAttempt = -1;
    partitionId = -1;
    attemptNumber = -1;
    taskAttemptId = NO_TASK;
    clearPoints();
    dropped = 0;
    delivered = 0;
    failed = 0;
    ended = false;
    succeeded = false;
  }

  @Override
  public void add(Point point) {
    add(TaskContext.get(), point.key, point.value, point.step, point.timestamp);
  }

  /**
   * On the driver's registered copy: hands the task attempt's copy to the {@link Sink}. On any other copy (Spark
   * never merges those): appends the other's points and counts.
   */
  @Override
  public void merge(AccumulatorV2<Point, Long> other) {
    if (!(other instanceof TaskPoints)) {
      throw new UnsupportedOperationException("Cannot merge a " + other.getClass().getName() + " into TaskPoints");
    }
    TaskPoints o = (TaskPoints) other;
    Sink s = sink;
    if (s != null) {
      s.merge(o);
      return;
    }
    Batch b = o.batch();
    synchronized (this) {
      for (int i = 0; i < b.size(); i++) {
        if (size >= maxPoints) {
          dropped++;
          continue;
        }
        if (keys == null || size == keys.length) {
          grow();
        }
        keys[size] = b.key(i);
        values[size] = b.value(i);
        steps[size] = b.step(i);
        timestamps[size] = b.timestamp(i);
        size++;
      }
      dropped += o.dropped();
      delivered += o.delivered();
      failed += o.failed();
    }
  }

  /** Points: on the driver's copy those accepted so far, on a task's copy those it holds or delivered. */
  @Override
  public Long value() {
    Sink s = sink;
    if (s != null) {
      return s.acceptedPoints();
    }
    synchronized (this) {
      return size + delivered;
    }
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    TaskContext task = TaskContext.get();
    boundTask = task != null ? task.taskAttemptId() : NO_TASK;
  }
}
