package io.mlops.spark;

import io.mlops.core.CandidateStatus;
import io.mlops.spark.internal.ConfParams;
import io.mlops.spark.internal.ListenerSettings;
import io.mlops.spark.internal.ScalaCollections;
import io.mlops.spark.internal.StageTotals;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.scheduler.JobFailed;
import org.apache.spark.scheduler.JobSucceeded$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.scheduler.SparkListenerApplicationStart;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.Tuple2;

/**
 * Tracks a Spark application as one candidate: its settings as params, its application id as a tag, one set of
 * metrics per job (step: the job id) and per stage attempt (step: the stage id), and FINISHED or FAILED at the end.
 *
 * <p>Zero code: add the SDK's jars to the job and name the listener in the conf.
 *
 * <pre>{@code
 * spark-submit --jars mlops-sdk-spark_2.12.jar,... \
 *   --conf spark.extraListeners=io.mlops.spark.MlopsSparkListener \
 *   --conf spark.mlops.trackingUri=http://mlflow:5000 --conf spark.mlops.experimentName=etl \
 *   my-job.jar
 * }</pre>
 *
 * <p>In code, into a candidate the caller owns (which the listener never ends):
 *
 * <pre>{@code
 * try (Tracker tracker = Tracker.create(); ActiveCandidate candidate = tracker.startCandidate("nightly")) {
 *   MlopsSparkListener listener = MlopsSparkListener.attach(spark, candidate);
 *   spark.read().parquet(input).groupBy("day").count().write().parquet(output);
 *   spark.sparkContext().removeSparkListener(listener);
 * }
 * }</pre>
 *
 * <p>Settings come from the Spark conf's {@code spark.mlops.*} keys, then the usual {@code MLFLOW_*} environment
 * variables and system properties (see {@code docs/spark.md}). The candidate ends FAILED when the last job that
 * ended before the application's end failed, or a job was still running then; otherwise FINISHED.
 *
 * <p>The listener never throws into Spark's listener bus: an error in it is logged once (later ones at debug
 * level), counted in {@link #errorCount()}, and the application goes on. Logging is queued by the
 * {@link Tracker}; only starting the candidate (the experiment look-up and the create call of
 * {@link Tracker#startCandidate(String)}) and the end (flush and close, bounded by {@value #CLOSE_TIMEOUT_SECONDS} s)
 * wait on the backend.
 */
public final class MlopsSparkListener extends SparkListener {
  /** The tag holding the Spark application id. */
  public static final String APP_ID_TAG = "spark.app.id";
  /** The tag holding the user Spark runs as. */
  public static final String SPARK_USER_TAG = "spark.user";
  /** Job duration, ms (step: the job id). */
  public static final String JOB_DURATION = "spark.job.duration_ms";
  /** Stages of the job, skipped ones included (step: the job id). */
  public static final String JOB_STAGES = "spark.job.stages";
  /** 1 when the job succeeded, 0 when it failed (step: the job id). */
  public static final String JOB_SUCCEEDED = "spark.job.succeeded";
  /** Jobs that ended during the application (step 0, logged at its end). */
  public static final String APP_JOBS = "spark.app.jobs";
  /** Jobs that failed (step 0, logged at the application's end). */
  public static final String APP_FAILED_JOBS = "spark.app.failed_jobs";
  /** Application start to end, ms (step 0; only when the listener saw the start). */
  public static final String APP_DURATION = "spark.app.duration_ms";
  /** How long the end waits for the tracker to flush and close, in seconds. */
  public static final long CLOSE_TIMEOUT_SECONDS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(MlopsSparkListener.class);

  private final ListenerSettings settings;
  private final SparkConf conf;
  /** The tracker this listener opened and closes; null when attached to a caller's candidate. */
  private final Tracker tracker;
  /**
   * Whether this listener ends the candidate at the application's end: false for a caller's candidate, and for one
   * attached by {@code spark.mlops.runId} / {@code MLFLOW_RUN_ID}.
   */
  private volatile boolean ownsCandidate;
  private volatile ActiveCandidate candidate;
  private final AtomicLong errors = new AtomicLong();
  private volatile boolean ended;

  private final Map<Long, StageTotals> stages = new HashMap<>();
  private final Map<Integer, Long> jobStarts = new HashMap<>();
  private final Map<Integer, Integer> jobStageCounts = new HashMap<>();
  private long jobsEnded;
  private long jobsFailed;
  private Exception lastJobFailure; // null when the last job to end succeeded
  private long appStartTime = -1;

  /**
   * The listener for {@code spark.extraListeners}: Spark creates it while the {@code SparkContext} starts, and it
   * reads the application's conf. The candidate starts at {@code onApplicationStart} (or, given
   * {@code spark.mlops.runId} / {@code MLFLOW_RUN_ID}, that existing candidate is attached to and never ended).
   * It never throws: a configuration or backend problem is logged and the listener logs nothing.
   */
  public MlopsSparkListener() {
    SparkEnv env = SparkEnv.get();
    SparkConf c = env != null ? env.conf() : null;
    ListenerSettings s = null;
    Tracker t = null;
    if (c == null) {
      LOG.warn("MlopsSparkListener: no SparkEnv, so no Spark conf to read; it is meant for spark.extraListeners "
          + "(in code, use MlopsSparkListener.attach). Nothing will be tracked.");
    } else {
      try {
        s = ListenerSettings.from(confMap(c));
        t = s.enabled() ? openTracker(s) : null;
      } catch (RuntimeException e) {
        recordError("configuring", e);
      }
    }
    this.conf = c;
    this.settings = s;
    this.tracker = t;
    this.ownsCandidate = true;
  }

  private MlopsSparkListener(SparkConf conf, ListenerSettings settings, Tracker tracker, ActiveCandidate candidate,
      boolean ownsCandidate) {
    this.conf = conf;
    this.settings = settings;
    this.tracker = tracker;
    this.candidate = candidate;
    this.ownsCandidate = ownsCandidate;
  }

  /**
   * Attaches a listener to a running session that logs into {@code candidate}, a candidate the caller started and
   * ends: the listener logs the session's params and app-id tag now, then the job and stage metrics, and at the
   * application's end logs the app metrics but neither ends the candidate nor closes its tracker. The
   * application's start has happened already, so {@value #APP_DURATION} is not logged.
   *
   * @return the registered listener, for {@code spark.sparkContext().removeSparkListener(listener)}
   */
  public static MlopsSparkListener attach(SparkSession spark, ActiveCandidate candidate) {
    if (spark == null || candidate == null) {
      throw new IllegalArgumentException("spark and candidate are required");
    }
    SparkContext sc = spark.sparkContext();
    ListenerSettings settings = ListenerSettings.from(confMap(sc.getConf()));
    MlopsSparkListener listener = new MlopsSparkListener(sc.getConf(), settings, null, candidate, false);
    try {
      listener.describe(sc.applicationId(), sc.sparkUser());
    } catch (RuntimeException e) {
      // e.g. a param the caller logged before with another value: tracking is best effort, the job goes on
      listener.recordError("describing the application", e);
    }
    sc.addSparkListener(listener);
    return listener;
  }

  /**
   * Attaches a listener to a running session that tracks it as a new candidate of its own, configured from the
   * session's {@code spark.mlops.*} conf as with {@code spark.extraListeners}, and ended (FINISHED or FAILED) and
   * closed at the application's end. With {@code spark.mlops.enabled=false} it returns a listener that is not
   * registered and logs nothing.
   *
   * @return the registered listener
   */
  public static MlopsSparkListener attach(SparkSession spark) {
    SparkContext sc = spark.sparkContext();
    ListenerSettings settings = ListenerSettings.from(confMap(sc.getConf()));
    if (!settings.enabled()) {
      return new MlopsSparkListener(sc.getConf(), settings, null, null, true); // spark.mlops.enabled=false
    }
    Tracker tracker = openTracker(settings);
    MlopsSparkListener listener;
    try {
      ActiveCandidate c = tracker.startCandidate(settings.candidateName().orElse(sc.appName()));
      listener = new MlopsSparkListener(sc.getConf(), settings, tracker, c, true);
      listener.describe(sc.applicationId(), sc.sparkUser());
    } catch (RuntimeException e) {
      tracker.close();
      throw e;
    }
    sc.addSparkListener(listener);
    return listener;
  }

  /** The candidate being logged into, or null before the application's start (or when tracking is off). */
  public ActiveCandidate candidate() {
    return candidate;
  }

  /** Errors the listener caught (and so kept from Spark's listener bus) so far. */
  public long errorCount() {
    return errors.get();
  }

  private static Tracker openTracker(ListenerSettings settings) {
    // no shutdown hook: Spark's own hook stops the context, whose applicationEnd ends the candidate with the right
    // status; a hook of ours could race it and end a failed application as FINISHED
    return Tracker.builder().config(settings.config()).shutdownHook(false)
        .closeTimeout(Duration.ofSeconds(CLOSE_TIMEOUT_SECONDS)).build();
  }

  private static Map<String, String> confMap(SparkConf conf) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Tuple2<String, String> e : conf.getAll()) {
      out.put(e._1(), e._2());
    }
    return out;
  }

  @Override
  public void onApplicationStart(SparkListenerApplicationStart event) {
    try {
      appStartTime = event.time();
      if (candidate != null || tracker == null) {
        return;
      }
      String appId = event.appId().isDefined() ? event.appId().get() : conf.get("spark.app.id", "");
      java.util.Optional<String> runId = settings.config().candidateId();
      ownsCandidate = !runId.isPresent();
      candidate = runId.isPresent() ? tracker.attachCandidate(runId.get())
          : tracker.startCandidate(settings.candidateName().orElse(event.appName()));
      describe(appId, event.sparkUser());
    } catch (RuntimeException | LinkageError e) {
      recordError("onApplicationStart", e);
    }
  }

  /** Logs the params and tags that describe the application. */
  private void describe(String appId, String sparkUser) {
    ActiveCandidate c = candidate;
    if (!settings.refusedKeys().isEmpty()) {
      LOG.warn("MlopsSparkListener: ignored conf keys that name no setting: {}", settings.refusedKeys());
    }
    Map<String, String> tags = new LinkedHashMap<>();
    if (appId != null && !appId.isEmpty()) {
      tags.put(APP_ID_TAG, appId);
    }
    if (sparkUser != null && !sparkUser.isEmpty()) {
      tags.put(SPARK_USER_TAG, sparkUser);
    }
    c.setTags(tags);
    c.logParams(ConfParams.of(confMap(conf), org.apache.spark.package$.MODULE$.SPARK_VERSION(), settings.logConf(),
        maxParamValueLength()));
  }

  /** The backend's longest param value; MLflow's 6000 when the candidate is the caller's (no tracker here). */
  private int maxParamValueLength() {
    return tracker != null ? tracker.client().capabilities().maxParamValueLength() : 6000;
  }

  @Override
  public void onJobStart(SparkListenerJobStart event) {
    if (!active()) {
      return;
    }
    try {
      jobStarts.put(event.jobId(), event.time());
      jobStageCounts.put(event.jobId(), ScalaCollections.sizeOf(event, "stageIds"));
    } catch (RuntimeException | LinkageError e) {
      recordError("onJobStart", e);
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd event) {
    if (!active()) {
      return;
    }
    try {
      Long start = jobStarts.remove(event.jobId());
      Integer stageCount = jobStageCounts.remove(event.jobId());
      boolean succeeded = event.jobResult() == JobSucceeded$.MODULE$;
      jobsEnded++;
      if (succeeded) {
        lastJobFailure = null;
      } else {
        jobsFailed++;
        lastJobFailure = event.jobResult() instanceof JobFailed ? ((JobFailed) event.jobResult()).exception()
            : new IllegalStateException("Job " + event.jobId() + " failed: " + event.jobResult());
      }
      Map<String, Double> m = new LinkedHashMap<>();
      if (start != null) {
        m.put(JOB_DURATION, (double) Math.max(0, event.time() - start));
      }
      if (stageCount != null) {
        m.put(JOB_STAGES, (double) stageCount);
      }
      m.put(JOB_SUCCEEDED, succeeded ? 1.0 : 0.0);
      candidate.logMetrics(m, event.jobId());
    } catch (RuntimeException | LinkageError e) {
      recordError("onJobEnd", e);
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    if (!active()) {
      return;
    }
    try {
      stages.computeIfAbsent(stageKey(event.stageId(), event.stageAttemptId()), k -> new StageTotals())
          .addTask(event.taskInfo().successful(), event.taskMetrics());
    } catch (RuntimeException | LinkageError e) {
      recordError("onTaskEnd", e);
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted event) {
    if (!active()) {
      return;
    }
    try {
      StageInfo info = event.stageInfo();
      StageTotals totals = stages.remove(stageKey(info.stageId(), info.attemptNumber()));
      if (totals == null) {
        totals = new StageTotals(); // a stage whose tasks all ended before we were attached, or none ran
      }
      long duration = info.submissionTime().isDefined() && info.completionTime().isDefined()
          ? millis(info.completionTime()) - millis(info.submissionTime()) : -1;
      candidate.logMetrics(totals.metrics(info.numTasks(), duration, info.failureReason().isEmpty()), info.stageId());
    } catch (RuntimeException | LinkageError e) {
      recordError("onStageCompleted", e);
    }
  }

  @Override
  public void onApplicationEnd(SparkListenerApplicationEnd event) {
    if (!active()) {
      closeTracker();
      return;
    }
    ended = true; // job ends Spark posts after this (jobs it cancels while stopping) are not logged
    ActiveCandidate c = candidate;
    try {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put(APP_JOBS, (double) jobsEnded);
      m.put(APP_FAILED_JOBS, (double) jobsFailed);
      if (appStartTime >= 0) {
        m.put(APP_DURATION, (double) Math.max(0, event.time() - appStartTime));
      }
      c.logMetrics(m, 0);
      if (ownsCandidate && tracker != null && c.endStatus().isEmpty()) {
        Exception failure = endFailure();
        if (failure != null) {
          c.fail(failure);
        } else {
          c.end(CandidateStatus.FINISHED);
        }
      }
    } catch (RuntimeException | LinkageError e) {
      recordError("onApplicationEnd", e);
    } finally {
      stages.clear();
      closeTracker();
    }
  }

  /** The reason the application counts as failed, or null: the last ended job failed, or jobs are still running. */
  private Exception endFailure() {
    if (!jobStarts.isEmpty()) {
      return new IllegalStateException("Spark jobs still running at the application's end: "
          + new TreeSet<>(jobStarts.keySet()));
    }
    return lastJobFailure;
  }

  private void closeTracker() {
    if (tracker != null) {
      try {
        tracker.close(); // flushes; for a candidate attached by run id, does not end it
      } catch (RuntimeException e) {
        recordError("closing the tracker", e);
      }
    }
  }

  private boolean active() {
    return candidate != null && !ended;
  }

  private static long stageKey(int stageId, int attempt) {
    return ((long) stageId << 32) | (attempt & 0xffffffffL);
  }

  private static long millis(Option<Object> time) {
    return (Long) time.get();
  }

  private void recordError(String where, Throwable e) {
    long n = errors.incrementAndGet();
    if (n == 1) {
      LOG.warn("MlopsSparkListener: {} failed; the application goes on, tracking may be incomplete (later errors "
          + "are logged at debug level and counted)", where, e);
    } else {
      LOG.debug("MlopsSparkListener: {} failed (error {})", where, n, e);
    }
  }
}
