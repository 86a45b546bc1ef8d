package io.mlops.tracking;

import io.mlops.core.CandidateInfo;
import io.mlops.core.ConfigurationException;
import io.mlops.core.Experiment;
import io.mlops.core.MlopsConfig;
import io.mlops.core.NewCandidate;
import io.mlops.core.TrackingClient;
import io.mlops.core.MlopsSetting;
import io.mlops.core.TransportException;
import io.mlops.core.ValidationException;
import io.mlops.core.internal.BackendResolver;
import io.mlops.core.internal.ClientBackends;
import io.mlops.core.internal.EntityValidator;
import io.mlops.core.internal.TrackingUris;
import io.mlops.core.spi.Backend;
import io.mlops.core.internal.Backoff;
import io.mlops.tracking.internal.DiscardingBackend;
import io.mlops.tracking.internal.Journal;
import io.mlops.tracking.internal.LogPipeline;
import io.mlops.tracking.internal.MillisClock;
import io.mlops.tracking.internal.RunContext;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The entry point for training code: opens candidates in an experiment and logs into them. Without any
 * configuration it writes a local store in {@code ./mlruns}; {@code MLFLOW_TRACKING_URI} (or the builder) points
 * it elsewhere.
 *
 * <pre>{@code
 * try (Tracker tracker = Tracker.builder().experimentName("churn").build()) {
 *   tracker.run("lr-0.1", candidate -> {
 *     candidate.logParam("learning_rate", "0.1");
 *     for (int epoch = 0; epoch < 10; epoch++) {
 *       candidate.logMetric("loss", trainOneEpoch(), epoch);
 *     }
 *   });                                    // FINISHED, or FAILED with the error as a tag
 * }
 * }</pre>
 *
 * <p>Each new candidate gets MLflow's system tags: {@code mlflow.runName}, {@code mlflow.user},
 * {@code mlflow.source.name}, {@code mlflow.source.type} and, inside a git work tree, the commit, branch and
 * remote URL (read from {@code .git}, no process started). The user is the one MLflow's Python client would record
 * on the same machine: the configured tracking username ({@code MLFLOW_TRACKING_USERNAME}), else the one in
 * {@code ~/.mlflow/credentials}, else {@code LOGNAME}, {@code USER}, {@code LNAME}, {@code USERNAME}, else the OS
 * account.
 *
 * <p>Logging is asynchronous: log calls queue their data and return at once; one daemon worker per tracker
 * batches it to the backend, retries transient failures and, while the backend stays down (or when the queue is
 * full, under {@link FullQueuePolicy#SPILL}), writes it to an on-disk journal that is replayed when the backend
 * answers again, or by the next tracker opened on the same journal directory. {@link #flush()} returns a future
 * that completes when everything logged before it is durable; {@link #close()} flushes and stops the worker; a
 * shutdown hook closes the tracker at JVM exit unless the builder turns it off. Thread-safe.
 */
public final class Tracker implements AutoCloseable {
  private final TrackingClient client;
  /**
   * The backend the worker delivers into, below the public client: the client's own when the builder was given one,
   * else one the tracker opened for the same URI without transport retries (retries live in one layer).
   */
  private final Backend deliveryBackend;
  /** True when the tracker opened {@link #deliveryBackend} itself, and so closes it. */
  private final boolean ownsDeliveryBackend;
  private final boolean ownsClient;
  private final String experimentName;
  private final Map<String, String> systemTags;
  /** The user MLflow's Python client would record on this machine, for {@code mlflow.user} and the user id. */
  private final String userName;
  private final LongSupplier clock;
  private final Duration closeTimeout;
  private final LogPipeline pipeline;
  private final Thread shutdownHook;
  private final Set<String> validMetricKeys = ConcurrentHashMap.newKeySet();
  private final EntityValidator validator;
  private final Set<ActiveCandidate> open = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Experiment defaultExperiment;

  private Tracker(Builder b) {
    MlopsConfig config = b.config != null ? b.config : MlopsConfig.fromEnvironment();
    if (b.client != null) {
      this.client = b.client;
      this.deliveryBackend = ClientBackends.backendOf(b.client); // the caller's client owns it
      this.ownsDeliveryBackend = false;
      this.ownsClient = false;
    } else {
      this.client = TrackingClient.create(config);
      Backend delivery;
      try {
        delivery = BackendResolver.open(deliveryConfig(config, b.deliveryTimeout));
      } catch (RuntimeException e) {
        client.close();
        throw e;
      }
      this.deliveryBackend = delivery;
      this.ownsDeliveryBackend = true;
      this.ownsClient = true;
    }
    this.experimentName = b.experimentName != null ? b.experimentName
        : client.config().experimentName().orElse(null);
    this.userName = RunContext.userName(b.environment, client.config().get(MlopsSetting.TRACKING_USERNAME));
    this.systemTags = b.systemTags ? RunContext.systemTags(b.workingDirectory, b.environment, userName) : Map.of();
    this.clock = b.clock;
    this.closeTimeout = b.closeTimeout;
    this.validator = new EntityValidator(client.capabilities());
    Path journalDir = b.journalDirectory != null ? b.journalDirectory : defaultJournalDirectory(client.config());
    Journal journal;
    try {
      journal = new Journal(journalDir);
    } catch (IOException e) {
      if (ownsDeliveryBackend) {
        deliveryBackend.close();
      }
      if (ownsClient) {
        client.close();
      }
      throw new TransportException("Cannot open the logging journal in " + journalDir + ": " + e.getMessage(), e);
    }
    LogPipeline.Settings settings = new LogPipeline.Settings();
    settings.flushInterval = b.flushInterval;
    settings.queueCapacity = b.queueCapacity;
    settings.overflow = LogPipeline.Overflow.valueOf(b.fullQueuePolicy.name());
    settings.blockTimeout = b.blockTimeout;
    settings.spillGrace = b.spillAfter;
    settings.backoff = b.backoff;
    if (b.sleeper != null) {
      settings.sleeper = b.sleeper;
    }
    this.pipeline = new LogPipeline(deliveryBackend, journal, settings);
    if (b.shutdownHook) {
      this.shutdownHook = new Thread(this::close, "mlops-tracker-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } else {
      this.shutdownHook = null;
    }
  }

  /** A tracker with tracking off: a client over a backend that keeps nothing, no pipeline, thread or journal. */
  private Tracker(TrackingClient discarding) {
    this.client = discarding;
    this.deliveryBackend = null; // no pipeline
    this.ownsDeliveryBackend = false;
    this.ownsClient = true;
    this.experimentName = null;
    this.systemTags = Map.of();
    this.userName = "unknown"; // nothing is recorded, so no user is looked up
    this.clock = System::currentTimeMillis;
    this.closeTimeout = Duration.ofSeconds(30);
    this.validator = new EntityValidator(discarding.capabilities());
    this.pipeline = null;
    this.shutdownHook = null;
  }

  /**
   * A tracker for code that runs with tracking off: it opens no backend, starts no thread, writes no file and
   * keeps nothing, and every call returns at once. Its candidates check their input as a real tracker's do (so
   * code that works with tracking off works with it on), take every log call and discard it; {@code flush()}
   * completes at once with zero counts, and {@code client()} is a client of a store that holds nothing. Closing it
   * is harmless.
   *
   * <pre>{@code
   * Tracker tracker = trackingEnabled ? Tracker.create() : Tracker.noop();
   * }</pre>
   */
  public static Tracker noop() {
    MlopsConfig config = MlopsConfig.builder().environment(Map.of()).systemProperties(new java.util.Properties())
        .trackingUri(DiscardingBackend.URI).build();
    return new Tracker(TrackingClient.create(config, new DiscardingBackend()));
  }

  /** True for {@link #noop()}: tracking is off and nothing is kept. */
  public boolean isNoop() {
    return pipeline == null;
  }

  /**
   * The configuration the worker's client delivers with: no retries in the transport, since the pipeline retries
   * (with its own backoff, honouring {@code Retry-After}) and journals what stays undeliverable; and every call
   * bounded by {@code deliveryTimeout}, so that a server that hangs costs one timeout before the data goes to the
   * journal, not the transport's 7 retries with up to 30 s between them.
   */
  static MlopsConfig deliveryConfig(MlopsConfig config, Duration deliveryTimeout) {
    long seconds = Math.max(1, (deliveryTimeout.toMillis() + 999) / 1000);
    long configured = config.callTimeout().getSeconds();
    long callTimeout = configured > 0 ? Math.min(configured, seconds) : seconds;
    return config.toBuilder()
        .set(MlopsSetting.HTTP_REQUEST_MAX_RETRIES, "0")
        .set(MlopsSetting.HTTP_CALL_TIMEOUT, Long.toString(callTimeout))
        .build();
  }

  /**
   * The default journal directory: {@code MLOPS_JOURNAL_DIR}, else {@code ~/.mlops/journal/<hash of the
   * tracking URI>}, so that the next tracker for the same store finds what a crashed one left.
   */
  static Path defaultJournalDirectory(MlopsConfig config) {
    java.util.Optional<String> configured = config.get(MlopsSetting.JOURNAL_DIR);
    if (configured.isPresent()) {
      return Paths.get(configured.get());
    }
    String uri = config.trackingUri();
    if (!uri.contains("://") || uri.toLowerCase(Locale.ROOT).startsWith("file:")) {
      uri = TrackingUris.localPath(uri).toAbsolutePath().normalize().toString();
    }
    return Paths.get(System.getProperty("user.home"), ".mlops", "journal", io.mlops.core.internal.Sha256.hex(uri, 8));
  }

  /** Default flush interval in milliseconds. */
  public static final long DEFAULT_FLUSH_INTERVAL_MILLIS = 1000;
  /** Default wait for room in a full queue before a point spills to the journal, in milliseconds. */
  public static final long DEFAULT_SPILL_AFTER_MILLIS = 5;
  /** Default longest time of one delivery request, in milliseconds. */
  public static final long DEFAULT_DELIVERY_TIMEOUT_MILLIS = 10_000;
  /** Default queue capacity in metric points. */
  public static final int DEFAULT_QUEUE_CAPACITY = 1 << 16;

  /** A tracker configured from system properties and the environment ({@code ./mlruns} by default). */
  public static Tracker create() {
    return builder().build();
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a future that completes when everything logged before this call is durable: delivered to the
   * backend, or written to the journal. It never completes exceptionally for a backend problem.
   */
  public CompletableFuture<FlushResult> flush() {
    if (pipeline == null) {
      return CompletableFuture.completedFuture(new FlushResult(stats()));
    }
    return pipeline.flush().thenApply(c -> new FlushResult(toStats(c)));
  }

  /** Like {@link #flush()}, completing exceptionally with a {@link java.util.concurrent.TimeoutException} after
   * {@code timeout}. */
  public CompletableFuture<FlushResult> flush(Duration timeout) {
    return flush().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Replays the journal now, without waiting for the next retry, and completes when it is empty or the backend
   * fails again. Journals left by a crashed process are adopted when the tracker opens.
   */
  public CompletableFuture<FlushResult> replayJournal() {
    if (pipeline == null) {
      return flush();
    }
    return pipeline.replay().thenApply(c -> new FlushResult(toStats(c)));
  }

  /** The pipeline's counters now. */
  public TrackerStats stats() {
    if (pipeline == null) {
      return new TrackerStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null);
    }
    return toStats(pipeline.counters());
  }

  private static TrackerStats toStats(LogPipeline.Counters c) {
    return new TrackerStats(c.queued, c.delivered, c.retried, c.journaled, c.inJournal, c.replayed, c.dropped,
        c.rejected, c.recovered, c.recoveredRejected, c.lastError);
  }

  /** The low-level client, for searches, histories and everything else. */
  public TrackingClient client() {
    return client;
  }

  /**
   * The experiment new candidates go to: the configured name (created if missing), or MLflow's Default
   * experiment ({@code "0"}) when none is configured.
   */
  public Experiment experiment() {
    Experiment e = defaultExperiment;
    if (e == null) {
      e = experimentName != null ? client.getOrCreateExperiment(experimentName) : client.getExperiment("0");
      defaultExperiment = e;
    }
    return e;
  }

  /** The active experiment with this name, created if missing. */
  public Experiment getOrCreateExperiment(String name) {
    return client.getOrCreateExperiment(name);
  }

  /** Starts a candidate named {@code name} in {@link #experiment()}. */
  public ActiveCandidate startCandidate(String name) {
    return start(experiment(), name);
  }

  /** Starts a candidate in the named experiment (created if missing). */
  public ActiveCandidate startCandidate(String experimentName, String candidateName) {
    return start(getOrCreateExperiment(experimentName), candidateName);
  }

  /**
   * Attaches to an existing candidate, for example from a Spark executor given the driver's candidate id.
   * Closing the returned object does not end the candidate: its owner does.
   */
  public ActiveCandidate attachCandidate(String candidateId) {
    ensureOpen();
    CandidateInfo info = client.getCandidate(candidateId).info();
    return new ActiveCandidate(this, info, false, () -> { });
  }

  /**
   * Attaches to the candidate named by {@code MLFLOW_RUN_ID} (or the configuration's candidate id).
   *
   * @throws ConfigurationException when none is configured
   */
  public ActiveCandidate attachCandidate() {
    return attachCandidate(client.config().candidateId().orElseThrow(() -> new ConfigurationException(
        "No candidate to attach to: set MLFLOW_RUN_ID or MlopsConfig.Builder.candidateId")));
  }

  /**
   * Runs training code inside a new candidate: FINISHED when it returns, FAILED (with the error in the
   * {@value ActiveCandidate#ERROR_TAG} tag) when it throws; the exception is rethrown unchanged.
   */
  public void run(String candidateName, CandidateBody body) {
    call(candidateName, c -> {
      body.run(c);
      return null;
    });
  }

  /** Like {@link #run(String, CandidateBody)}, returning the body's result. */
  public <T> T call(String candidateName, CandidateFunction<T> body) {
    ActiveCandidate c = startCandidate(candidateName);
    T result;
    try {
      result = body.apply(c);
    } catch (Throwable t) {
      try {
        c.fail(t);
      } catch (RuntimeException e) {
        t.addSuppressed(e);
      }
      throw Tracker.<RuntimeException>sneakyThrow(t);
    }
    c.close();
    return result;
  }

  /**
   * Ends every candidate this tracker started and has not ended yet (as FINISHED), flushes, stops the worker
   * (waiting up to the close timeout) and closes the client if the tracker created it. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      for (ActiveCandidate c : open.toArray(new ActiveCandidate[0])) {
        c.close();
      }
    } finally {
      if (pipeline != null) {
        pipeline.close(closeTimeout);
      }
      if (ownsDeliveryBackend) {
        deliveryBackend.close(); // after the pipeline, whose worker delivered into it
      }
      if (ownsClient) {
        client.close();
      }
      if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
        try {
          Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is exiting; the hook runs or has run
        }
      }
    }
  }

  LogPipeline pipeline() {
    return pipeline;
  }

  LongSupplier clock() {
    return clock;
  }

  Duration closeTimeout() {
    return closeTimeout;
  }

  Set<String> validMetricKeys() {
    return validMetricKeys;
  }

  EntityValidator validator() {
    return validator;
  }

  private ActiveCandidate start(Experiment experiment, String name) {
    ensureOpen();
    Builder.required(name, "name");
    Map<String, String> tags = new LinkedHashMap<>(systemTags);
    tags.put("mlflow.runName", name);
    CandidateInfo info = client.createCandidate(NewCandidate.builder()
        .experimentId(experiment.id())
        .name(name)
        .startTime(clock.getAsLong())
        .tags(tags)
        .userId(userName)
        .build());
    ActiveCandidate[] holder = new ActiveCandidate[1];
    ActiveCandidate c = new ActiveCandidate(this, info, true, () -> open.remove(holder[0]));
    holder[0] = c;
    open.add(c);
    return c;
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("This Tracker is closed");
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneakyThrow(Throwable t) throws E {
    throw (E) t;
  }

  /** Builds a {@link Tracker}. */
  public static final class Builder {
    private MlopsConfig config;
    private TrackingClient client;
    private String experimentName;
    private boolean systemTags = true;
    private Path workingDirectory = Paths.get("").toAbsolutePath();
    private Map<String, String> environment = System.getenv();
    private LongSupplier clock = MillisClock::millis;
    private Duration flushInterval = Duration.ofMillis(DEFAULT_FLUSH_INTERVAL_MILLIS);
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private FullQueuePolicy fullQueuePolicy = FullQueuePolicy.SPILL;
    private Duration blockTimeout = Duration.ofSeconds(5);
    private Duration spillAfter = Duration.ofMillis(DEFAULT_SPILL_AFTER_MILLIS);
    private Duration closeTimeout = Duration.ofSeconds(30);
    private Duration deliveryTimeout = Duration.ofMillis(DEFAULT_DELIVERY_TIMEOUT_MILLIS);
    private Path journalDirectory;
    private Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), 4);
    private boolean shutdownHook = true;
    private LogPipeline.Sleeper sleeper;

    private Builder() {}

    /** The SDK's typed error for a missing argument, naming it. */
    static <T> T required(T value, String name) {
      if (value == null) {
        throw new ValidationException(name, "required", name + " must not be null");
      }
      return value;
    }

    /** How often queued data is sent even when no batch is full; default {@value Tracker#DEFAULT_FLUSH_INTERVAL_MILLIS} ms. */
    public Builder flushInterval(Duration interval) {
      if (required(interval, "flushInterval").isNegative() || interval.isZero()) {
        throw new ValidationException("flushInterval", "range", "flushInterval must be positive, got " + interval);
      }
      this.flushInterval = interval;
      return this;
    }

    /** Metric points held in memory before the full-queue policy applies; default {@value Tracker#DEFAULT_QUEUE_CAPACITY}. */
    public Builder queueCapacity(int points) {
      if (points < 2 || points > (1 << 26)) {
        throw new ValidationException("queueCapacity", "range", "queueCapacity must be in [2, 2^26], got " + points);
      }
      this.queueCapacity = points;
      return this;
    }

    /** What a log call does when the queue is full; default {@link FullQueuePolicy#SPILL}. */
    public Builder fullQueuePolicy(FullQueuePolicy policy) {
      this.fullQueuePolicy = required(policy, "policy");
      return this;
    }

    /** How long a log call waits for room under {@link FullQueuePolicy#BLOCK}; default 5 s. */
    public Builder blockTimeout(Duration timeout) {
      if (required(timeout, "blockTimeout").isNegative()) {
        throw new ValidationException("blockTimeout", "range", "blockTimeout must not be negative, got " + timeout);
      }
      this.blockTimeout = timeout;
      return this;
    }

    /**
     * Under {@link FullQueuePolicy#SPILL}, how long a log call waits for room before writing its point to the
     * journal; default {@value Tracker#DEFAULT_SPILL_AFTER_MILLIS} ms, about a young GC pause of the worker on a
     * small heap, so that a short burst does not spill. The wait applies only while the backend looks healthy:
     * once it is known down, the journal holds an outage's backlog, or the worker has been stuck in one delivery
     * for longer than this, a full queue spills at once.
     */
    public Builder spillAfter(Duration wait) {
      if (required(wait, "spillAfter").isNegative()) {
        throw new ValidationException("spillAfter", "range", "spillAfter must not be negative, got " + wait);
      }
      this.spillAfter = wait;
      return this;
    }

    /**
     * The longest one delivery request may take, from connecting to the last byte of the answer; default
     * {@value Tracker#DEFAULT_DELIVERY_TIMEOUT_MILLIS} ms. A request that times out declares the backend down at
     * once (a server that hangs would hang the retry as long), and the data goes to the journal. Applies to the
     * client the tracker opens; a client given to {@link #client(TrackingClient)} keeps its own settings.
     */
    public Builder deliveryTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new ValidationException("deliveryTimeout", "range",
            "deliveryTimeout must be positive, got " + timeout);
      }
      this.deliveryTimeout = timeout;
      return this;
    }

    /** How long closing a candidate or the tracker waits for the worker; default 30 s. */
    public Builder closeTimeout(Duration timeout) {
      if (required(timeout, "closeTimeout").isNegative() || timeout.isZero()) {
        throw new ValidationException("closeTimeout", "range", "closeTimeout must be positive, got " + timeout);
      }
      this.closeTimeout = timeout;
      return this;
    }

    /**
     * Where undeliverable data is journaled; default {@code MLOPS_JOURNAL_DIR}, else
     * {@code ~/.mlops/journal/<hash of the tracking URI>}.
     */
    public Builder journalDirectory(Path directory) {
      this.journalDirectory = required(directory, "directory");
      return this;
    }

    /**
     * Retries of a failed delivery: jittered exponential backoff from {@code initial} up to {@code max},
     * {@code maxRetries} times before the data goes to the journal; defaults 200 ms, 10 s, 4.
     */
    public Builder retry(Duration initial, Duration max, int maxRetries) {
      if (required(initial, "initial").isNegative() || required(max, "max").compareTo(initial) < 0
          || maxRetries < 0) {
        throw new ValidationException("retry", "range", "retry needs 0 <= initial <= max and maxRetries >= 0, got "
            + initial + ", " + max + ", " + maxRetries);
      }
      this.backoff = new Backoff(initial, max, maxRetries);
      return this;
    }

    /** Whether a JVM shutdown hook closes (and so flushes) the tracker; default true. */
    public Builder shutdownHook(boolean enabled) {
      this.shutdownHook = enabled;
      return this;
    }

    Builder sleeper(LogPipeline.Sleeper sleeper) {
      this.sleeper = sleeper;
      return this;
    }

    /** Uses this configuration instead of the environment's; replaces a {@link #trackingUri(String)} set before. */
    public Builder config(MlopsConfig config) {
      this.config = required(config, "config");
      return this;
    }

    /**
     * Shortcut for a configuration with this tracking URI (other settings from the environment); replaces a
     * {@link #config(MlopsConfig)} set before.
     */
    public Builder trackingUri(String trackingUri) {
      this.config = MlopsConfig.builder().trackingUri(trackingUri).build();
      return this;
    }

    /**
     * Uses an existing client (and its configuration, which wins over {@link #config}); the tracker will not close
     * it. The worker delivers into its backend as it is, so its transport retries add to the tracker's: give it
     * {@code MLFLOW_HTTP_REQUEST_MAX_RETRIES=0} for an outage to reach the journal as fast as with a client the
     * tracker opens itself.
     */
    public Builder client(TrackingClient client) {
      this.client = required(client, "client");
      return this;
    }

    /** The experiment new candidates go to (created if missing); default {@code MLFLOW_EXPERIMENT_NAME}. */
    public Builder experimentName(String experimentName) {
      if (experimentName == null || experimentName.trim().isEmpty()) {
        throw new ValidationException("experimentName", "required", "experimentName must not be blank");
      }
      this.experimentName = experimentName;
      return this;
    }

    /** Whether to add MLflow's system tags (user, source, git); default true. */
    public Builder systemTags(boolean enabled) {
      this.systemTags = enabled;
      return this;
    }

    /** Where to look for the git work tree; default the working directory. */
    public Builder workingDirectory(Path directory) {
      this.workingDirectory = required(directory, "directory");
      return this;
    }

    Builder environment(Map<String, String> env) {
      this.environment = required(env, "env");
      return this;
    }

    Builder clock(LongSupplier clock) {
      this.clock = required(clock, "clock");
      return this;
    }

    /** Builds the tracker; opens the backend. */
    public Tracker build() {
      return new Tracker(this);
    }
  }
}
