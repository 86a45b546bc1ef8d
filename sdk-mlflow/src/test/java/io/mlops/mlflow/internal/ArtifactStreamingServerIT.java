package io.mlops.mlflow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.ArtifactInfo;
import io.mlops.core.CandidateInfo;
import io.mlops.core.MlopsConfig;
import io.mlops.core.NewCandidate;
import io.mlops.core.TrackingClient;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Large artifacts through a real server's proxy: streamed, checked, constant memory. */
class ArtifactStreamingServerIT {
  @TempDir Path dir;

  private static String url() {
    return MlflowServer.get().url();
  }

  @Test
  void fileOver100Mb_roundTripsWithProgressAndIdenticalBytes() throws Exception {
    Path file = dir.resolve("weights.bin");
    Random random = new Random(42);
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < 120; i++) {
        random.nextBytes(chunk);
        out.write(chunk);
      }
    }
    long size = Files.size(file);
    try (TrackingClient client = TrackingClient.create(MlopsConfig.builder().trackingUri(url()).build())) {
      String exp = client.getOrCreateExperiment("artifact-streaming").id();
      CandidateInfo c = client.createCandidate(NewCandidate.builder().experimentId(exp).name("120mb")
          .startTime(System.currentTimeMillis()).build());
      List<Long> progress = new ArrayList<>();
      client.uploadArtifacts(c.id(), file, "model/deep", (path, done, total) -> progress.add(done));
      assertThat(progress).hasSizeGreaterThan(100);
      assertThat(progress.get(progress.size() - 1)).isEqualTo(size);
      assertThat(client.listArtifactsRecursively(c.id(), "")).containsExactly(
          ArtifactInfo.file("model/deep/weights.bin", size));
      List<Long> down = new ArrayList<>();
      Path back = client.downloadArtifacts(c.id(), "model", dir.resolve("dl"), (path, done, total) -> down.add(done));
      Path copy = back.resolve("deep/weights.bin");
      assertThat(Files.size(copy)).isEqualTo(size);
      assertThat(LargeArtifactChild.sha256(copy)).isEqualTo(LargeArtifactChild.sha256(file));
      assertThat(down.get(down.size() - 1)).isEqualTo(size);
      try (var files = Files.list(back.resolve("deep"))) {
        assertThat(files.count()).as("no temporary file left").isEqualTo(1);
      }
    }
  }

  @Test
  void twoGigabyteFile_streamsWithA128MbHeap() throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        LargeArtifactChild.class.getName(), url(), dir.toString(), Long.toString(2L << 30))
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    String log = Files.readString(dir.resolve("child.log"));
    assertThat(p.exitValue()).as(log).isZero();
    assertThat(log).contains("OK " + (2L << 30)).contains("max heap 128 MB");
  }
}
