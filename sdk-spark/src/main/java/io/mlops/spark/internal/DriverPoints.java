package io.mlops.spark.internal;

import io.mlops.core.ValidationException;
import io.mlops.tracking.CandidateEndedException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of executor logging: takes the task attempts' {@link TaskPoints} that Spark merges, keeps the
 * first successful attempt of each (stage, partition) and, for delivery through the driver, forwards its points to
 * the candidate on a thread of its own.
 *
 * <p>{@link #merge} runs on Spark's DAG scheduler thread, which schedules every job of the application: it never
 * blocks and never calls the candidate. It copies the points into a queue (bounded by {@code maxQueuedPoints};
 * what would go past it is counted as lost) that one daemon thread drains into the candidate.
 *
 * <p>Which attempts are kept is remembered as one bit per (stage, partition) that logged anything, so it costs about
 * one bit per task.
 */
public final class DriverPoints implements TaskPoints.Sink {
  private static final Logger LOG = LoggerFactory.getLogger(DriverPoints.class);

  /** Where the accepted points go: the candidate's {@code logMetric(key, value, step, timestamp)}. */
  public interface Target {
    /** Logs one point; throws {@link ValidationException} to refuse it, {@link CandidateEndedException} once ended. */
    void log(String key, double value, long step, long timestampMillis);
  }

  /** The counters at one moment. */
  public static final class Counts {
    /** Task attempts whose points count: the first successful one of each (stage, partition) that logged. */
    public final long acceptedAttempts;
    /** Points of those attempts: queued for the candidate, or (direct) delivered by the executors. */
    public final long acceptedPoints;
    /** Points the candidate took (through the driver), or the executors delivered (direct). */
    public final long loggedPoints;
    /** Later successful attempts of a (stage, partition) already counted. */
    public final long duplicateAttempts;
    /** Their points: ignored (through the driver), or delivered a second time (direct). */
    public final long duplicatePoints;
    /** Points over the per-task cap, dropped on the executors. */
    public final long droppedPoints;
    /** Points the candidate refused (a key its backend cannot store). */
    public final long refusedPoints;
    /** Accepted points that were not logged: the candidate had ended, the logging was closed, the queue was full,
     * or (direct) the executor's tracker could not take them. */
    public final long lostPoints;
    /** Points accepted and not yet handed to the candidate. */
    public final long queuedPoints;

    Counts(long acceptedAttempts, long acceptedPoints, long loggedPoints, long duplicateAttempts,
        long duplicatePoints, long droppedPoints, long refusedPoints, long lostPoints, long queuedPoints) {
      this.acceptedAttempts = acceptedAttempts;
      this.acceptedPoints = acceptedPoints;
      this.loggedPoints = loggedPoints;
      this.duplicateAttempts = duplicateAttempts;
      this.duplicatePoints = duplicatePoints;
      this.droppedPoints = droppedPoints;
      this.refusedPoints = refusedPoints;
      this.lostPoints = lostPoints;
      this.queuedPoints = queuedPoints;
    }
  }

  private final String candidateId;
  /** Null when the executors deliver the points themselves (only counts arrive). */
  private final Target target;
  private final long maxQueuedPoints;
  private final Object lock = new Object();
  private final Map<Integer, BitSet> seen = new HashMap<>();
  private final ArrayDeque<TaskPoints.Batch> queue = new ArrayDeque<>();
  private final Thread forwarder;

  private long queuedPoints;
  private long enqueuedBatches;
  private long forwardedBatches;
  private long acceptedAttempts;
  private long acceptedPoints;
  private long loggedPoints;
  private long duplicateAttempts;
  private long duplicatePoints;
  private long droppedPoints;
  private long refusedPoints;
  private long lostPoints;
  private boolean closed;
  private boolean stopping;
  private boolean warnedDropped;
  private boolean warnedLost;
  private boolean warnedRefused;
  private boolean toldDuplicate;

  /**
   * The driver's side.
   *
   * @param candidateId the candidate, for messages
   * @param target where accepted points go; null when the executors deliver them (direct delivery)
   * @param maxQueuedPoints the most points waiting for the candidate at once
   */
  public DriverPoints(String candidateId, Target target, long maxQueuedPoints) {
    this.candidateId = candidateId;
    this.target = target;
    this.maxQueuedPoints = maxQueuedPoints;
    if (target != null) {
      forwarder = new Thread(this::forwardLoop, "mlops-executor-points-" + candidateId);
      forwarder.setDaemon(true);
      forwarder.start();
    } else {
      forwarder = null;
    }
  }

  @Override
  public void merge(TaskPoints update) {
    if (update.isZero()) {
      return; // a task that logged nothing
    }
    boolean ships = target != null;
    TaskPoints.Batch batch = ships ? update.batch() : TaskPoints.Batch.EMPTY;
    long points = ships ? batch.size() : update.delivered();
    synchronized (lock) {
      if (!update.succeeded()) {
        // Spark sends a failed attempt only the accumulators that count failed values, which this one does not
        LOG.debug("Executor points of candidate {}: ignored the {} points of an attempt that did not succeed ({})",
            candidateId, points, update.attempt());
        return;
      }
      BitSet partitions = seen.computeIfAbsent(update.stageId(), k -> new BitSet());
      if (partitions.get(update.partitionId())) {
        duplicateAttempts++;
        duplicatePoints += points;
        tellDuplicate(update, points);
        return;
      }
      partitions.set(update.partitionId());
      acceptedAttempts++;
      acceptedPoints += points;
      if (update.dropped() > 0) {
        droppedPoints += update.dropped();
        if (!warnedDropped) {
          warnedDropped = true;
          LOG.warn("Executor points of candidate {}: {} logged more than {} points, and {} were dropped on the "
              + "executor (ExecutorLogging.Builder.maxPointsPerTask sets the cap; later drops are counted in "
              + "stats())", candidateId, update.attempt(), update.maxPoints(), update.dropped());
        }
      }
      if (!ships) {
        loggedPoints += update.delivered();
        if (update.failed() > 0) {
          lostPoints += update.failed();
          warnLost(update.failed() + " points of " + update.attempt() + " could not be delivered by the executor's "
              + "tracker (see that executor's log)");
        }
        return;
      }
      if (closed) {
        lostPoints += points;
        warnLost(points + " points of " + update.attempt() + " arrived after ExecutorLogging.close()");
        return;
      }
      if (queuedPoints + points > maxQueuedPoints) {
        lostPoints += points;
        warnLost(points + " points of " + update.attempt() + " found the driver's queue full (" + queuedPoints
            + " points waiting for the candidate, at most " + maxQueuedPoints + ")");
        return;
      }
      queue.addLast(batch);
      queuedPoints += points;
      enqueuedBatches++;
      lock.notifyAll();
    }
  }

  private void tellDuplicate(TaskPoints update, long points) {
    boolean first = !toldDuplicate;
    toldDuplicate = true;
    if (target == null && first) {
      // direct delivery: the executor delivered these before Spark knew whether its attempt would count
      LOG.warn("Executor points of candidate {}: {} succeeded after an earlier successful attempt of the same "
          + "partition, and its executor delivered its {} points directly, so they are in the candidate twice "
          + "(ExecutorLogging.Delivery.THROUGH_DRIVER would have dropped them; later ones are logged at debug level "
          + "and counted in stats())", candidateId, update.attempt(), points);
    } else if (first) {
      LOG.info("Executor points of candidate {}: ignored the {} points of {}: an earlier attempt of that partition "
          + "succeeded and counted (a recomputed or speculative attempt; later ones are logged at debug level)",
          candidateId, points, update.attempt());
    } else {
      LOG.debug("Executor points of candidate {}: {} points of {}, a later successful attempt of a partition that "
          + "counted already, {}", candidateId, points, update.attempt(),
          target == null ? "delivered again" : "ignored");
    }
  }

  private void warnLost(String what) {
    if (!warnedLost) {
      warnedLost = true;
      LOG.warn("Executor points of candidate {}: {}; they are not logged (later losses are counted in stats())",
          candidateId, what);
    } else {
      LOG.debug("Executor points of candidate {}: {}", candidateId, what);
    }
  }

  @Override
  public long acceptedPoints() {
    synchronized (lock) {
      return acceptedPoints;
    }
  }

  /** The counters now. */
  public Counts counts() {
    synchronized (lock) {
      return new Counts(acceptedAttempts, acceptedPoints, loggedPoints, duplicateAttempts, duplicatePoints,
          droppedPoints, refusedPoints, lostPoints, queuedPoints);
    }
  }

  /**
   * Waits until every point accepted before this call has been handed to the candidate.
   *
   * @return false when {@code timeout} passed first
   */
  public boolean flush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      long wanted = enqueuedBatches;
      while (forwardedBatches < wanted) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || forwarder == null || !forwarder.isAlive()) {
          return forwardedBatches >= wanted;
        }
        try {
          lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Refuses the points that arrive from now on (counted as lost), waits up to {@code timeout} for the queue to
   * drain, and lets the forwarding thread end once it is empty.
   *
   * @return false when points were still waiting after {@code timeout}
   */
  public boolean close(Duration timeout) {
    synchronized (lock) {
      closed = true;
    }
    boolean drained = flush(timeout);
    synchronized (lock) {
      stopping = true;
      lock.notifyAll();
    }
    return drained;
  }

  private void forwardLoop() {
    while (true) {
      TaskPoints.Batch batch;
      synchronized (lock) {
        while (queue.isEmpty() && !stopping) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (queue.isEmpty()) {
          return;
        }
        batch = queue.peekFirst();
      }
      long logged = 0;
      long refused = 0;
      long lost = 0;
      for (int i = 0; i < batch.size(); i++) {
        try {
          target.log(batch.key(i), batch.value(i), batch.step(i), batch.timestamp(i));
          logged++;
        } catch (ValidationException e) {
          refused++;
          warnRefused(e);
        } catch (CandidateEndedException e) {
          lost += batch.size() - i;
          synchronized (lock) {
            warnLost((batch.size() - i) + " points reached the candidate after it had ended (close the "
                + "ExecutorLogging before ending the candidate)");
          }
          break;
        } catch (RuntimeException e) {
          lost++;
          synchronized (lock) {
            warnLost("a point could not be logged: " + e);
          }
        }
      }
      synchronized (lock) {
        queue.pollFirst();
        queuedPoints -= batch.size();
        forwardedBatches++;
        loggedPoints += logged;
        refusedPoints += refused;
        lostPoints += lost;
        lock.notifyAll();
      }
    }
  }

  private void warnRefused(ValidationException e) {
    boolean first;
    synchronized (lock) {
      first = !warnedRefused;
      warnedRefused = true;
    }
    if (first) {
      LOG.warn("Executor points of candidate {}: the candidate refused a point: {} (later refusals are counted in "
          + "stats())", candidateId, e.getMessage());
    } else {
      LOG.debug("Executor points of candidate {}: the candidate refused a point: {}", candidateId, e.getMessage());
    }
  }
}
