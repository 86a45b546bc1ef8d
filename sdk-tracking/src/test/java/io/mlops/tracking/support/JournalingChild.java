package io.mlops.tracking.support;

import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.FlushResult;
import io.mlops.tracking.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

/**
 * A training process whose backend is down: it logs, flushes (so everything is in the journal), reports, then
 * waits to be killed. Args: store journalDir downMarker readyFile points.
 */
public final class JournalingChild {
  private JournalingChild() {}

  public static void main(String[] args) throws Exception {
    Path store = Paths.get(args[0]);
    FlakyBackend backend = FlakyBackend.downWhileFileExists(store, Paths.get(args[2]));
    TrackingClient client = TrackingClient.create(MlopsConfig.builder().trackingUri(store.toString()).build(),
        backend);
    Tracker tracker = Tracker.builder().client(client).journalDirectory(Paths.get(args[1])).shutdownHook(false)
        .systemTags(false).retry(Duration.ofMillis(1), Duration.ofMillis(5), 1).build();
    ActiveCandidate c = tracker.startCandidate("killed-mid-run");
    int points = Integer.parseInt(args[4]);
    for (int s = 0; s < points; s++) {
      c.logMetric("loss", 1.0 / (s + 1), s);
    }
    c.logParam("lr", "0.1");
    FlushResult r = tracker.flush().join();
    Path ready = Paths.get(args[3]);
    Files.writeString(ready.resolveSibling(ready.getFileName() + ".tmp"), c.id() + " " + r.journaled());
    Files.move(ready.resolveSibling(ready.getFileName() + ".tmp"), ready);
    new java.util.concurrent.CountDownLatch(1).await(); // until the test kills this process
  }
}
