package io.mlops.tracking;

import io.mlops.core.CandidateInfo;
import io.mlops.core.ConfigurationException;
import io.mlops.core.Experiment;
import io.mlops.core.MlopsConfig;
import io.mlops.core.NewCandidate;
import io.mlops.core.TrackingClient;
import io.mlops.tracking.internal.RunContext;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * remote URL (read from {@code .git}, no process started). Thread-safe.
 */
public final class Tracker implements AutoCloseable {
  private final TrackingClient client;
  private final boolean ownsClient;
  private final String experimentName;
  private final Map<String, String> systemTags;
  private final LongSupplier clock;
  private final Set<ActiveCandidate> open = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Experiment defaultExperiment;

  private Tracker(Builder b) {
    MlopsConfig config = b.config != null ? b.config : MlopsConfig.fromEnvironment();
    if (b.client != null) {
      this.client = b.client;
      this.ownsClient = false;
    } else {
      this.client = TrackingClient.create(config);
      this.ownsClient = true;
    }
    this.experimentName = b.experimentName != null ? b.experimentName
        : client.config().experimentName().orElse(null);
    this.systemTags = b.systemTags ? RunContext.systemTags(b.workingDirectory) : Map.of();
    this.clock = b.clock;
  }

  /** A tracker configured from system properties and the environment ({@code ./mlruns} by default). */
  public static Tracker create() {
    return builder().build();
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
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
    return new ActiveCandidate(client, info, clock, false, () -> { });
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
   * Ends every candidate this tracker started and has not ended yet (as FINISHED), then closes the client if the
   * tracker created it. Idempotent.
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
      if (ownsClient) {
        client.close();
      }
    }
  }

  private ActiveCandidate start(Experiment experiment, String name) {
    ensureOpen();
    Objects.requireNonNull(name, "name");
    Map<String, String> tags = new LinkedHashMap<>(systemTags);
    tags.put("mlflow.runName", name);
    CandidateInfo info = client.createCandidate(NewCandidate.builder()
        .experimentId(experiment.id())
        .name(name)
        .startTime(clock.getAsLong())
        .tags(tags)
        .userId(RunContext.userName())
        .build());
    ActiveCandidate[] holder = new ActiveCandidate[1];
    ActiveCandidate c = new ActiveCandidate(client, info, clock, true, () -> open.remove(holder[0]));
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
    private LongSupplier clock = System::currentTimeMillis;

    private Builder() {}

    /** Uses this configuration instead of the environment's. */
    public Builder config(MlopsConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Shortcut for a configuration with this tracking URI (other settings from the environment). */
    public Builder trackingUri(String trackingUri) {
      this.config = MlopsConfig.builder().trackingUri(trackingUri).build();
      return this;
    }

    /** Uses an existing client; the tracker will not close it. */
    public Builder client(TrackingClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The experiment new candidates go to (created if missing); default {@code MLFLOW_EXPERIMENT_NAME}. */
    public Builder experimentName(String experimentName) {
      if (experimentName == null || experimentName.trim().isEmpty()) {
        throw new IllegalArgumentException("experimentName must not be blank");
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
      this.workingDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    Builder clock(LongSupplier clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Builds the tracker; opens the backend. */
    public Tracker build() {
      return new Tracker(this);
    }
  }
}
