package io.mlops.tracking.support;

import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.nio.file.Files;
import java.nio.file.Paths;

/** Logs and returns from main without closing anything: the tracker's shutdown hook must flush. */
public final class ShutdownHookChild {
  private ShutdownHookChild() {}

  public static void main(String[] args) throws Exception {
    Tracker tracker = Tracker.builder().trackingUri(args[0]).journalDirectory(Paths.get(args[1]))
        .systemTags(false).flushInterval(java.time.Duration.ofMinutes(10)).build();
    ActiveCandidate c = tracker.startCandidate("exits-without-close");
    Files.writeString(Paths.get(args[2]), c.id());
    for (int s = 0; s < 20_000; s++) {
      c.logMetric("loss", s, s);
    }
  }
}
