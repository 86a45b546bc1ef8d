package io.mlops.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mlops.core.MlopsConfig;
import io.mlops.core.MlopsSetting;
import io.mlops.core.Metric;
import io.mlops.core.TrackingClient;
import io.mlops.core.ValidationException;
import io.mlops.core.spi.Capabilities;
import io.mlops.tracking.support.FlakyBackend;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tracker does with data a backend refuses or cannot take: refused entities cost only themselves and are
 * never retried, counts balance exactly, an outage never holds the training loop up, and retries live in one layer.
 */
class TrackerDeliveryTest {
  @TempDir Path dir;
  private Tracker tracker;
  private HttpServer server;

  @AfterEach
  void close() {
    if (tracker != null) {
      tracker.close();
    }
    if (server != null) {
      server.stop(0);
    }
  }

  private Tracker.Builder builder(TrackingClient client) {
    return Tracker.builder().client(client).journalDirectory(dir.resolve("journal")).shutdownHook(false)
        .systemTags(false).flushInterval(Duration.ofMillis(50)).sleeper(nanos -> { })
        .retry(Duration.ofMillis(1), Duration.ofMillis(5), 2);
  }

  private TrackingClient localClient(FlakyBackend backend) {
    return TrackingClient.create(MlopsConfig.builder().trackingUri(dir.resolve("mlruns").toString()).build(),
        backend);
  }

  private static List<Long> steps(TrackingClient client, String candidateId, String key) {
    return client.getMetricHistory(candidateId, key).stream().map(Metric::step).collect(Collectors.toList());
  }

  private static List<Long> range(long from, long to) {
    return LongStream.range(from, to).boxed().collect(Collectors.toList());
  }

  private static void assertBalanced(FlushResult r) {
    assertThat(r.delivered() + r.journaled() + r.dropped() + r.rejected()).as("%s", r.stats())
        .isEqualTo(r.stats().queued());
    assertThat(r.journaled()).isNotNegative();
  }

  @Test
  void aChangedParam_isRejectedAlone_andTheMetricsAndTagsBesideItArriveOnce() {
    FlakyBackend backend = new FlakyBackend(dir.resolve("mlruns"));
    TrackingClient client = localClient(backend);
    tracker = builder(client).build();
    ActiveCandidate c = tracker.startCandidate("conflict");
    client.logParam(c.id(), "lr", "0.1"); // another writer logged it first
    for (int step = 0; step < 1500; step++) {
      c.logMetric("loss", step, step);
    }
    c.logParams(Map.of("lr", "0.2", "batch", "32"));
    c.setTag("team", "risk");

    FlushResult r = tracker.flush().join();

    assertThat(r.rejected()).isEqualTo(1);
    assertThat(r.delivered()).isEqualTo(1502);
    assertBalanced(r);
    assertThat(r.stats().retried()).isZero();
    assertThat(r.stats().lastError()).hasValueSatisfying(e -> assertThat(e).contains("lr"));
    assertThat(steps(client, c.id(), "loss")).isEqualTo(range(0, 1500));
    assertThat(client.getCandidate(c.id()).data().params()).containsEntry("lr", "0.1").containsEntry("batch", "32");
    assertThat(client.getCandidate(c.id()).data().tags()).containsEntry("team", "risk");
  }

  @Test
  void aKeyTheStoreCanNeverWrite_isRefusedAtTheCall() {
    tracker = Tracker.builder().trackingUri(dir.resolve("mlruns").toString())
        .journalDirectory(dir.resolve("journal")).shutdownHook(false).systemTags(false).build();
    ActiveCandidate c = tracker.startCandidate("names");
    String delta200 = "\u03b4".repeat(200); // 200 characters, 400 bytes: over the file system's 255-byte names

    assertThatThrownBy(() -> c.logMetric(delta200, 1, 0)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("400 bytes");
    c.logMetric("\u03b4".repeat(120), 1, 0); // 240 bytes: fine
    assertThat(tracker.flush().join().delivered()).isEqualTo(1);
  }

  @Test
  void aPoisonedKeyThatSlipsThrough_holdsNothingBackAndIsNeverWrittenTwice() {
    // a backend that does not declare the local store's name limit: the store refuses the key on every write
    FlakyBackend backend = new FlakyBackend(dir.resolve("mlruns"), Capabilities.mlflowDefaults("unlimited names"));
    TrackingClient client = localClient(backend);
    tracker = builder(client).build();
    ActiveCandidate a = tracker.startCandidate("a");
    ActiveCandidate b = tracker.startCandidate("b");
    String poisoned = "\u03b4".repeat(200);
    for (int step = 0; step < 100; step++) {
      a.logMetric("loss", step, step);
      b.logMetric("loss", step, step);
      if (step == 50) {
        a.logMetric(poisoned, 1, step);
      }
    }
    FlushResult first = tracker.flush().join();
    a.logMetric("loss", 100, 100); // a later point still arrives
    FlushResult r = tracker.flush().join();

    assertThat(first.rejected()).isEqualTo(1);
    assertThat(r.rejected()).isEqualTo(1);
    assertThat(r.delivered()).isEqualTo(201);
    assertBalanced(r);
    assertThat(r.journaled()).isZero();
    assertThat(r.stats().retried()).as("a deterministic refusal is never retried").isZero();
    assertThat(tracker.pipeline().journalPending()).isFalse();
    assertThat(steps(client, a.id(), "loss")).isEqualTo(range(0, 101));
    assertThat(steps(client, b.id(), "loss")).isEqualTo(range(0, 100));
  }

  @Test
  void eachRefusal_isCounted_andWarnedOncePerKeyWithTheBackendsMessage() {
    FlakyBackend backend = new FlakyBackend(dir.resolve("mlruns"), Capabilities.mlflowDefaults("unlimited names"));
    TrackingClient client = localClient(backend);
    tracker = builder(client).build();
    ActiveCandidate c = tracker.startCandidate("warn-once");
    String poisoned = "\u03b4".repeat(200);
    java.io.PrintStream stderr = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    FlushResult r;
    System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      for (int i = 0; i < 5; i++) {
        c.logMetric(poisoned, i, i);
        c.logMetric("fine", i, i);
        tracker.flush().join(); // five separate deliveries, five refusals
      }
      r = tracker.flush().join();
    } finally {
      System.setErr(stderr);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(r.rejected()).isEqualTo(5);
    assertThat(r.delivered()).isEqualTo(5);
    assertBalanced(r);
    assertThat(log.split("refused metric '" + poisoned + "'", -1)).as(log).hasSize(2); // exactly one warning
    assertThat(log).contains("cannot be stored").contains(c.id());
  }

  @Test
  void journalReplayedByANewTracker_isCountedApart_andNoCountGoesNegative() {
    FlakyBackend backend = new FlakyBackend(dir.resolve("mlruns"));
    TrackingClient client = localClient(backend);
    String id;
    try (Tracker first = builder(client).build()) {
      ActiveCandidate c = first.startCandidate("backlog");
      id = c.id();
      backend.setDown(true);
      for (int step = 0; step < 300; step++) {
        c.logMetric("loss", step, step);
      }
      FlushResult down = first.flush().join();
      assertThat(down.journaled()).isEqualTo(300);
      assertBalanced(down);
    }
    backend.setDown(false);
    tracker = builder(client).build();
    FlushResult replayed = tracker.replayJournal().join();

    assertThat(replayed.stats().recovered()).isEqualTo(300);
    assertThat(replayed.journaled()).isZero();
    assertThat(replayed.delivered()).isZero();
    assertThat(replayed.stats().replayed()).isZero();
    assertBalanced(replayed);
    assertThat(steps(client, id, "loss")).isEqualTo(range(0, 300));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void whileTheBackendIsKnownDown_aFullQueueSpillsWithoutWaitingItsGrace() {
    FlakyBackend backend = new FlakyBackend(dir.resolve("mlruns"));
    TrackingClient client = localClient(backend);
    // a grace of an hour: a log call that waited it would time this test out
    tracker = builder(client).queueCapacity(2).spillAfter(Duration.ofHours(1)).build();
    ActiveCandidate c = tracker.startCandidate("outage");
    backend.setDown(true);
    c.logMetric("loss", 0, 0);
    tracker.flush().join(); // the worker found the backend down
    for (int step = 1; step < 20_000; step++) {
      c.logMetric("loss", step, step);
    }
    FlushResult r = tracker.flush().join();
    assertThat(r.journaled()).isEqualTo(20_000);
    assertBalanced(r);

    backend.setDown(false);
    FlushResult back = tracker.replayJournal().join();
    assertThat(back.journaled()).isZero();
    assertThat(steps(client, c.id(), "loss")).containsExactlyInAnyOrderElementsOf(range(0, 20_000));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void whileTheWorkerIsStuckInADelivery_aFullQueueSpillsWithoutWaiting() {
    FlakyBackend backend = new FlakyBackend(dir.resolve("mlruns"));
    TrackingClient client = localClient(backend);
    // 200 ms of grace for each of 5,000 overflowing calls would be 1,000 s: only the first may wait
    tracker = builder(client).queueCapacity(2).spillAfter(Duration.ofMillis(200)).build();
    ActiveCandidate c = tracker.startCandidate("slow");
    backend.hold(); // the worker is stuck in a delivery
    for (int step = 0; step < 5_000; step++) {
      c.logMetric("loss", step, step);
    }
    assertThat(tracker.stats().journaled()).isGreaterThanOrEqualTo(3_990); // the stuck delivery holds 1,000
    backend.open();
    tracker.flush().join();
    tracker.replayJournal().join();
    assertThat(steps(client, c.id(), "loss")).containsExactlyInAnyOrderElementsOf(range(0, 5_000));
  }

  // ---------------------------------------------------------------- retries in one layer, over real HTTP

  private static final String RUN_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

  /** A loopback MLflow stand-in: answers the calls a tracker needs to start a candidate, then {@code logBatch}. */
  private String startServer(HttpHandlerBody logBatch, AtomicInteger logBatches) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      exchange.getRequestBody().readAllBytes();
      if (path.endsWith("/experiments/get")) {
        answer(exchange, 200, "{\"experiment\":{\"experiment_id\":\"0\",\"name\":\"Default\","
            + "\"artifact_location\":\"mlflow-artifacts:/0\",\"lifecycle_stage\":\"active\"}}");
      } else if (path.endsWith("/runs/create")) {
        answer(exchange, 200, "{\"run\":{\"info\":{\"run_id\":\"" + RUN_ID + "\",\"run_uuid\":\"" + RUN_ID
            + "\",\"experiment_id\":\"0\",\"status\":\"RUNNING\",\"start_time\":1,\"artifact_uri\":"
            + "\"mlflow-artifacts:/0/" + RUN_ID + "/artifacts\",\"lifecycle_stage\":\"active\"},\"data\":{}}}");
      } else if (path.endsWith("/runs/log-batch")) {
        logBatches.incrementAndGet();
        logBatch.handle(exchange);
      } else {
        answer(exchange, 503, "{\"error_code\":\"TEMPORARILY_UNAVAILABLE\",\"message\":\"down\"}");
      }
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private interface HttpHandlerBody {
    void handle(HttpExchange exchange) throws IOException;
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private Tracker.Builder owningBuilder(String url) {
    // the environment's transport would retry 5 times: the tracker's own client must not
    MlopsConfig config = MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
        .trackingUri(url).set(MlopsSetting.HTTP_REQUEST_MAX_RETRIES, "5").build();
    return Tracker.builder().config(config).journalDirectory(dir.resolve("journal")).shutdownHook(false)
        .systemTags(false).flushInterval(Duration.ofMillis(50)).sleeper(nanos -> { })
        .retry(Duration.ofMillis(1), Duration.ofMillis(5), 2);
  }

  @Test
  void aServerThatAnswers503_isTriedByThePipelineAloneAndThenJournaled() throws Exception {
    AtomicInteger logBatches = new AtomicInteger();
    String url = startServer(ex -> answer(ex, 503, "{\"error_code\":\"TEMPORARILY_UNAVAILABLE\","
        + "\"message\":\"down\"}"), logBatches);
    tracker = owningBuilder(url).build();
    ActiveCandidate c = tracker.startCandidate("down");
    for (int step = 0; step < 10; step++) {
      c.logMetric("loss", step, step);
    }
    FlushResult r = tracker.flush().join();

    assertThat(logBatches.get()).as("1 attempt + 2 pipeline retries, no transport retries inside").isEqualTo(3);
    assertThat(r.stats().retried()).isEqualTo(2);
    assertThat(r.journaled()).isEqualTo(10);
    assertBalanced(r);
  }

  @Test
  void aServerThatHangs_costsOneDeliveryTimeoutBeforeTheDataIsJournaled() throws Exception {
    AtomicInteger logBatches = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    String url = startServer(ex -> {
      try {
        release.await(60, TimeUnit.SECONDS); // never answers while the test runs
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      answer(ex, 200, "{}");
    }, logBatches);
    tracker = owningBuilder(url).deliveryTimeout(Duration.ofSeconds(1)).build();
    ActiveCandidate c = tracker.startCandidate("hangs");
    c.logMetric("loss", 1, 0);
    FlushResult r = tracker.flush().get(30, TimeUnit.SECONDS);
    release.countDown();

    assertThat(logBatches.get()).as("a timed-out attempt is not repeated").isEqualTo(1);
    assertThat(r.stats().retried()).isZero();
    assertThat(r.journaled()).isEqualTo(1);
    assertThat(r.stats().lastError()).hasValueSatisfying(e -> assertThat(e).containsIgnoringCase("timeout"));
  }

  @Test
  void deliveryConfig_turnsTransportRetriesOffAndBoundsEachCall() {
    MlopsConfig base = MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
        .trackingUri("http://127.0.0.1:1").build();
    MlopsConfig delivery = Tracker.deliveryConfig(base, Duration.ofMillis(2500));
    assertThat(delivery.maxRetries()).isZero();
    assertThat(delivery.callTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(base.maxRetries()).isEqualTo(7);
  }
}
