package io.mlops.spark;

import io.mlops.core.ConfigurationException;
import io.mlops.core.MlopsConfig;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.TrackingClient;
import io.mlops.core.internal.TrackingUris;
import io.mlops.core.internal.UriCredentials;
import io.mlops.spark.internal.DirectTrackers;
import io.mlops.spark.internal.DriverPoints;
import io.mlops.spark.internal.ListenerSettings;
import io.mlops.spark.internal.TaskPoints;
import io.mlops.tracking.ActiveCandidate;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets Spark tasks log metrics into a candidate of the driver. Start it on the driver, give the tasks its
 * {@link #handle()}, and close it before the candidate ends:
 *
 * <pre>{@code
 * try (Tracker tracker = Tracker.create();
 *      ActiveCandidate candidate = tracker.startCandidate("nightly");
 *      ExecutorLogging logging = ExecutorLogging.start(spark, candidate)) {
 *   CandidateHandle handle = logging.handle();
 *   spark.read().parquet(input).foreachPartition(rows -> {
 *     long n = 0;
 *     while (rows.hasNext()) { rows.next(); n++; }
 *     handle.logMetric("rows", n, TaskContext.getPartitionId());
 *   });
 * } // closes the logging (every accepted point handed to the candidate), then ends the candidate
 * }</pre>
 *
 * <p><b>Guarantee.</b> A task attempt's points count only if the attempt succeeds, and only once per partition of a
 * stage: an attempt that fails, is killed or is retried adds nothing, and a partition that Spark computes again
 * (a speculative copy, a map stage rerun after a fetch failure or a lost executor) is counted from its first
 * successful attempt. How exactly this holds depends on the {@link Delivery}:
 *
 * <ul>
 *   <li>{@link Delivery#THROUGH_DRIVER} (the default): the points travel to the driver with the task's result, as
 *       an accumulator, and the driver logs them. Exact in every case above, for any backend, including a local
 *       store the executors cannot see (cluster mode with the default {@code ./mlruns}). The points count
 *       towards {@code spark.driver.maxResultSize}.
 *   <li>{@link Delivery#DIRECT}: each executor JVM logs through a tracker of its own, attached to the candidate, for
 *       a backend the executors reach. An attempt's points are delivered when it ends successfully, so failed and
 *       killed attempts add nothing; but a partition that is computed again after a successful attempt (a map
 *       stage rerun, a speculative copy that finished before it could be killed, a result lost with its executor)
 *       is delivered again. The driver detects it and counts it ({@link Stats#duplicatePoints()}, with a warning),
 *       but cannot take it back.
 * </ul>
 *
 * <p>"Once per partition of a stage": Spark may compute one partition in more than one stage, and each counts. Two
 * actions on an uncached RDD that logs in {@code mapPartitions}, or the sampling job of {@code sortBy} and
 * {@code orderBy}, compute it twice. Log in the action itself ({@code foreachPartition}), or cache what is reused.
 *
 * <p>Bounds: a task attempt keeps at most {@link Builder#maxPointsPerTask(int)} points (default
 * {@value #DEFAULT_MAX_POINTS_PER_TASK}); through the driver, at most {@link Builder#maxQueuedPoints(int)} (default
 * {@value #DEFAULT_MAX_QUEUED_POINTS}) wait on the driver for the candidate. What goes past a bound is dropped,
 * counted in {@link #stats()} and logged once at WARN.
 *
 * <p>Before the candidate ends, {@link #close()} (or {@link #flush(Duration)}) so that every accepted point has been
 * handed to it. A candidate of {@link MlopsSparkListener}, which ends it at the application's end, is flushed by the
 * listener first.
 */
public final class ExecutorLogging implements AutoCloseable {
  /** How the executors' points reach the candidate. */
  public enum Delivery {
    /**
     * The points travel to the driver with each task's result (an accumulator) and the driver logs them: exact under
     * retries, speculation and recomputation, and works with any backend, a driver-local store included.
     */
    THROUGH_DRIVER,
    /**
     * Each executor JVM logs through a tracker of its own, for a backend the executors reach (a tracking server):
     * exact under task retries, but a partition computed again after it succeeded is delivered again.
     */
    DIRECT
  }

  /** Default cap on the points of one task attempt. */
  public static final int DEFAULT_MAX_POINTS_PER_TASK = 10_000;
  /** Default cap on the points waiting on the driver for the candidate (through the driver). */
  public static final int DEFAULT_MAX_QUEUED_POINTS = 1 << 20;
  /** Default wait, at the end of a task attempt, for its directly delivered points to be durable. */
  public static final Duration DEFAULT_TASK_FLUSH_TIMEOUT = Duration.ofSeconds(30);
  /** How long {@link #close()} waits for the accepted points to reach the candidate. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  /** The accumulator's name, as Spark's UI shows it (its value is a count of points). */
  public static final String ACCUMULATOR_NAME = "mlops.executor.points";

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorLogging.class);
  private static final Set<ExecutorLogging> OPEN = ConcurrentHashMap.newKeySet();

  private final ActiveCandidate candidate;
  private final Delivery delivery;
  private final DriverPoints driverPoints;
  private final CandidateHandle handle;
  /** Direct delivery: the URI the executors use. */
  private final String directTrackingUri;
  private volatile boolean closed;

  private ExecutorLogging(ActiveCandidate candidate, Delivery delivery, DriverPoints driverPoints,
      CandidateHandle handle, String directTrackingUri) {
    this.candidate = candidate;
    this.delivery = delivery;
    this.driverPoints = driverPoints;
    this.handle = handle;
    this.directTrackingUri = directTrackingUri;
  }

  /** Starts logging from the session's tasks into {@code candidate}, through the driver. */
  public static ExecutorLogging start(SparkSession spark, ActiveCandidate candidate) {
    return builder(spark, candidate).start();
  }

  /** Starts logging from the session's tasks into {@code candidate}, delivered as {@code delivery} says. */
  public static ExecutorLogging start(SparkSession spark, ActiveCandidate candidate, Delivery delivery) {
    return builder(spark, candidate).delivery(delivery).start();
  }

  /** A builder, for the bounds and the direct delivery's settings. */
  public static Builder builder(SparkSession spark, ActiveCandidate candidate) {
    if (spark == null || candidate == null) {
      throw new IllegalArgumentException("spark and candidate are required");
    }
    return new Builder(spark, candidate);
  }

  /** The handle for the tasks: serializable, one per logging. */
  public CandidateHandle handle() {
    return handle;
  }

  /** How the points reach the candidate. */
  public Delivery delivery() {
    return delivery;
  }

  /** The candidate the tasks log into. */
  public ActiveCandidate candidate() {
    return candidate;
  }

  /** The counters now. */
  public Stats stats() {
    return new Stats(driverPoints.counts());
  }

  /**
   * Waits until every point accepted so far has been handed to the candidate. Spark merges the points of a task
   * that succeeded before its action returns, so after the actions this covers all of them. With direct delivery
   * each task attempt flushed its own points as it ended, and this returns at once.
   *
   * @return false when {@code timeout} passed first
   */
  public boolean flush(Duration timeout) {
    return driverPoints.flush(timeout);
  }

  /**
   * Hands every accepted point to the candidate (waiting up to {@link #CLOSE_TIMEOUT}, 30 s), then stops:
   * points of tasks that end later are counted as lost. In local mode with direct delivery, it also detaches the
   * candidate from the executor-side tracker in this JVM. Idempotent; does not end the candidate.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    OPEN.remove(this);
    try {
      if (!driverPoints.close(CLOSE_TIMEOUT)) {
        LOG.warn("ExecutorLogging of candidate {}: points were still waiting for the candidate after {}",
            candidate.id(), CLOSE_TIMEOUT);
      }
    } finally {
      if (directTrackingUri != null) {
        DirectTrackers.detach(directTrackingUri, candidate.id());
      }
    }
  }

  /**
   * Flushes every open logging into {@code c}, for {@link MlopsSparkListener} before it ends its candidate at the
   * application's end.
   */
  static void flushInto(ActiveCandidate c, Duration timeout) {
    for (ExecutorLogging l : OPEN) {
      if (l.candidate == c && !l.flush(timeout)) {
        LOG.warn("ExecutorLogging of candidate {}: points were still waiting for the candidate at the "
            + "application's end", c.id());
      }
    }
  }

  @Override
  public String toString() {
    return "ExecutorLogging{candidate=" + candidate.id() + ", delivery=" + delivery + "}";
  }

  /** Builds an {@link ExecutorLogging}. */
  public static final class Builder {
    private final SparkSession spark;
    private final ActiveCandidate candidate;
    private Delivery delivery = Delivery.THROUGH_DRIVER;
    private int maxPointsPerTask = DEFAULT_MAX_POINTS_PER_TASK;
    private int maxQueuedPoints = DEFAULT_MAX_QUEUED_POINTS;
    private String trackingUri;
    private Duration taskFlushTimeout = DEFAULT_TASK_FLUSH_TIMEOUT;

    private Builder(SparkSession spark, ActiveCandidate candidate) {
      this.spark = spark;
      this.candidate = candidate;
    }

    /** How the points reach the candidate; default {@link Delivery#THROUGH_DRIVER}. */
    public Builder delivery(Delivery delivery) {
      if (delivery == null) {
        throw new IllegalArgumentException("delivery is required");
      }
      this.delivery = delivery;
      return this;
    }

    /**
     * The most points one task attempt keeps (default {@value #DEFAULT_MAX_POINTS_PER_TASK}); later ones are
     * dropped and counted. Through the driver, they travel in the task's result: about 30 bytes a point, counted
     * towards {@code spark.driver.maxResultSize}.
     */
    public Builder maxPointsPerTask(int points) {
      if (points < 1) {
        throw new IllegalArgumentException("maxPointsPerTask must be at least 1, not " + points);
      }
      this.maxPointsPerTask = points;
      return this;
    }

    /**
     * Through the driver: the most points waiting on the driver for the candidate at once (default
     * {@value #DEFAULT_MAX_QUEUED_POINTS}, some 40 MB); a task attempt whose points would go past it is dropped and
     * counted as lost.
     */
    public Builder maxQueuedPoints(int points) {
      if (points < 1) {
        throw new IllegalArgumentException("maxQueuedPoints must be at least 1, not " + points);
      }
      this.maxQueuedPoints = points;
      return this;
    }

    /**
     * Direct delivery: the tracking URI the executors log to, the store the candidate is in. Default: the session's
     * {@code spark.mlops.trackingUri}, else the driver's {@code MLFLOW_TRACKING_URI}, else {@code ./mlruns}. A
     * local path is made absolute on the driver. Credentials in it are not sent to the executors.
     */
    public Builder trackingUri(String uri) {
      if (uri == null || uri.trim().isEmpty()) {
        throw new IllegalArgumentException("trackingUri must not be blank");
      }
      this.trackingUri = uri;
      return this;
    }

    /**
     * Direct delivery: how long the end of a task attempt waits for its points to be durable (default 30 s); the
     * points stay queued in the executor's tracker after that.
     */
    public Builder taskFlushTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative()) {
        throw new IllegalArgumentException("taskFlushTimeout must be zero or positive");
      }
      this.taskFlushTimeout = timeout;
      return this;
    }

    /**
     * Registers the accumulator with the session's {@code SparkContext} and returns the running logging. With
     * direct delivery, first checks that the candidate is in the store at the tracking URI.
     *
     * @throws IllegalStateException when the candidate has ended
     * @throws ConfigurationException with direct delivery, when the candidate is not in that store
     */
    public ExecutorLogging start() {
      if (candidate.endStatus().isPresent()) {
        throw new IllegalStateException("Candidate " + candidate.id() + " has ended ("
            + candidate.endStatus().get() + "); executors cannot log into it");
      }
      SparkContext sc = spark.sparkContext();
      String directUri = delivery == Delivery.DIRECT ? directUri(sc) : null;
      TaskPoints accumulator = new TaskPoints(maxPointsPerTask, delivery == Delivery.THROUGH_DRIVER);
      DriverPoints driverSide = new DriverPoints(candidate.id(),
          delivery == Delivery.THROUGH_DRIVER ? candidate::logMetric : null, maxQueuedPoints);
      accumulator.attachSink(driverSide);
      sc.register(accumulator, ACCUMULATOR_NAME);
      CandidateHandle handle = new CandidateHandle(candidate.id(), delivery,
          directUri == null ? null : UriCredentials.strip(directUri), taskFlushTimeout, accumulator);
      ExecutorLogging logging = new ExecutorLogging(candidate, delivery, driverSide, handle,
          directUri == null ? null : UriCredentials.strip(directUri));
      OPEN.add(logging);
      return logging;
    }

    /** The URI the executors log to, checked: the candidate must be in that store. */
    private String directUri(SparkContext sc) {
      MlopsConfig config = ListenerSettings.from(sc.getConf()).config();
      String uri = trackingUri != null ? trackingUri : config.trackingUri();
      boolean local = TrackingUris.isLocal(uri);
      if (local) {
        uri = TrackingUris.localPath(uri).toAbsolutePath().normalize().toString();
      }
      try (TrackingClient client = TrackingClient.create(config.toBuilder().trackingUri(uri).build())) {
        client.getCandidate(candidate.id());
      } catch (ResourceNotFoundException e) {
        throw new ConfigurationException("Direct executor logging: candidate " + candidate.id() + " is not in "
            + UriCredentials.mask(uri) + ", where the executors would log; set the store it is in with "
            + "ExecutorLogging.Builder.trackingUri or spark.mlops.trackingUri", e);
      }
      if (!UriCredentials.strip(uri).equals(uri)) {
        LOG.warn("Direct executor logging: the credentials in the tracking URI {} are not sent to the executors; "
            + "give them MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or a token) through "
            + "spark.executorEnv.* or spark.mlops.*", UriCredentials.mask(uri));
      }
      if (local && !sc.isLocal()) {
        LOG.warn("Direct executor logging into the local store {} from executors on other hosts: the store is safe "
            + "only on a file system whose appends are atomic across hosts (not NFS), and every executor must see "
            + "it at that path; Delivery.THROUGH_DRIVER needs neither", uri);
      }
      return uri;
    }
  }

  /** What executor logging has counted so far. */
  public static final class Stats {
    private final DriverPoints.Counts counts;

    Stats(DriverPoints.Counts counts) {
      this.counts = counts;
    }

    /** Task attempts whose points count: the first successful attempt of each stage partition that logged. */
    public long acceptedAttempts() {
      return counts.acceptedAttempts;
    }

    /**
     * Points of the accepted attempts: accepted on the driver for the candidate (through the driver), or delivered
     * by the executors (direct).
     */
    public long acceptedPoints() {
      return counts.acceptedPoints;
    }

    /** Points handed to the candidate (through the driver), or delivered by the executors' trackers (direct). */
    public long loggedPoints() {
      return counts.loggedPoints;
    }

    /** Later successful attempts of a stage partition that had counted already. */
    public long duplicateAttempts() {
      return counts.duplicateAttempts;
    }

    /** Their points: ignored through the driver; with direct delivery, in the candidate twice. */
    public long duplicatePoints() {
      return counts.duplicatePoints;
    }

    /** Points over the per-task cap, dropped on the executors. */
    public long droppedPoints() {
      return counts.droppedPoints;
    }

    /** Points the candidate refused: a key its backend cannot store. */
    public long refusedPoints() {
      return counts.refusedPoints;
    }

    /**
     * Accepted points that were not logged: they arrived after {@link ExecutorLogging#close()} or after the
     * candidate ended, found the driver's queue full, or (direct) the executor's tracker could not take them.
     */
    public long lostPoints() {
      return counts.lostPoints;
    }

    /** Points accepted and not yet handed to the candidate (through the driver). */
    public long queuedPoints() {
      return counts.queuedPoints;
    }

    @Override
    public String toString() {
      return "Stats{acceptedAttempts=" + acceptedAttempts() + ", acceptedPoints=" + acceptedPoints()
          + ", loggedPoints=" + loggedPoints() + ", duplicateAttempts=" + duplicateAttempts() + ", duplicatePoints="
          + duplicatePoints() + ", droppedPoints=" + droppedPoints() + ", refusedPoints=" + refusedPoints()
          + ", lostPoints=" + lostPoints() + ", queuedPoints=" + queuedPoints() + "}";
    }
  }
}
