package io.mlops.spark.internal;

import io.mlops.core.MlopsConfig;
import io.mlops.core.internal.UriCredentials;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trackers of direct delivery, in the JVM of an executor: one {@link Tracker} per tracking URI, opened at the
 * first successful task attempt that logged, with the driver's candidates attached to it
 * ({@link Tracker#attachCandidate(String)}, which never ends them). A tracker lives as long as its executor: its
 * shutdown hook flushes and closes it when the executor's JVM exits. In local mode the executor is the driver's
 * JVM, and {@code ExecutorLogging.close()} detaches its candidate ({@link #detach}), closing the tracker with the
 * last one.
 *
 * <p>Settings: the tracking URI comes with the handle (no credentials in it); everything else (token, user and
 * password, TLS, timeouts, journal directory) from the executor's Spark conf ({@code spark.mlops.*}, shipped to
 * executors with the application's conf), then its system properties and {@code MLFLOW_*} environment variables, as
 * {@link ListenerSettings} reads them on the driver.
 */
public final class DirectTrackers {
  private static final Logger LOG = LoggerFactory.getLogger(DirectTrackers.class);
  private static final Map<String, Entry> TRACKERS = new HashMap<>(); // guarded by DirectTrackers.class
  private static final AtomicLong FAILURES = new AtomicLong();

  private DirectTrackers() {}

  private static final class Entry {
    final Tracker tracker;
    final Map<String, ActiveCandidate> candidates = new HashMap<>();

    Entry(Tracker tracker) {
      this.tracker = tracker;
    }
  }

  /**
   * Logs one successful attempt's points into the candidate through this JVM's tracker for {@code trackingUri},
   * then waits up to {@code flushTimeout} until they are durable (in the backend, or in the tracker's journal on
   * this executor's disk). Never throws: what could not be handed to the tracker is counted and logged.
   *
   * @return the points handed to the tracker; the others failed
   */
  public static long deliver(String trackingUri, String candidateId, TaskPoints.Batch batch, Duration flushTimeout,
      String attempt) {
    if (batch.size() == 0) {
      return 0;
    }
    Tracker tracker;
    ActiveCandidate candidate;
    try {
      synchronized (DirectTrackers.class) {
        Entry e = TRACKERS.get(trackingUri);
        if (e == null) {
          e = new Entry(open(trackingUri, flushTimeout));
          TRACKERS.put(trackingUri, e);
        }
        candidate = e.candidates.get(candidateId);
        if (candidate == null) {
          candidate = e.tracker.attachCandidate(candidateId);
          e.candidates.put(candidateId, candidate);
        }
        tracker = e.tracker;
      }
    } catch (RuntimeException | LinkageError e) {
      failure("Direct executor logging could not attach candidate " + candidateId + " in "
          + UriCredentials.mask(trackingUri) + "; the " + batch.size() + " points of " + attempt + " are lost", e);
      return 0;
    }
    long handed = 0;
    for (int i = 0; i < batch.size(); i++) {
      try {
        candidate.logMetric(batch.key(i), batch.value(i), batch.step(i), batch.timestamp(i));
        handed++;
      } catch (RuntimeException e) {
        failure("Direct executor logging: a point of " + attempt + " could not be logged into candidate "
            + candidateId, e);
      }
    }
    try {
      tracker.flush().get(Math.max(1, flushTimeout.toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("Direct executor logging: the points of {} were not durable within {}; they stay queued in this "
          + "executor's tracker", attempt, flushTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RuntimeException e) {
      LOG.debug("Direct executor logging: flushing after {} failed: {}", attempt, e.toString());
    }
    return handed;
  }

  /**
   * Detaches the candidate from this JVM's tracker for {@code trackingUri}, if it is attached (local mode, where
   * the executor is the driver's JVM): flushes its points and, when it was the tracker's last candidate, closes the
   * tracker.
   */
  public static void detach(String trackingUri, String candidateId) {
    Tracker toClose = null;
    ActiveCandidate c;
    synchronized (DirectTrackers.class) {
      Entry e = TRACKERS.get(trackingUri);
      if (e == null) {
        return;
      }
      c = e.candidates.remove(candidateId);
      if (e.candidates.isEmpty()) {
        TRACKERS.remove(trackingUri);
        toClose = e.tracker;
      }
    }
    try {
      if (c != null) {
        c.close(); // attached: flushes, never ends the candidate in the backend
      }
    } finally {
      if (toClose != null) {
        toClose.close();
      }
    }
  }

  /** True when this JVM has a tracker for {@code trackingUri} with {@code candidateId} attached. */
  public static synchronized boolean isAttached(String trackingUri, String candidateId) {
    Entry e = TRACKERS.get(trackingUri);
    return e != null && e.candidates.containsKey(candidateId);
  }

  /** The tracker's settings on this executor: its Spark conf, system properties and environment, and the URI. */
  static MlopsConfig executorConfig(String trackingUri) {
    SparkEnv env = SparkEnv.get();
    ListenerSettings settings = env != null ? ListenerSettings.from(env.conf()) : ListenerSettings.from(Map.of());
    return settings.config().toBuilder().trackingUri(trackingUri).build();
  }

  private static Tracker open(String trackingUri, Duration flushTimeout) {
    // no system tags: they describe a new candidate, and attaching creates none; the shutdown hook flushes at the
    // executor's exit
    return Tracker.builder().config(executorConfig(trackingUri)).systemTags(false)
        .closeTimeout(flushTimeout.isZero() ? Duration.ofSeconds(1) : flushTimeout).build();
  }

  private static void failure(String message, Throwable e) {
    if (FAILURES.incrementAndGet() == 1) {
      LOG.warn("{} (later failures are logged at debug level)", message, e);
    } else {
      LOG.debug("{}", message, e);
    }
  }
}
