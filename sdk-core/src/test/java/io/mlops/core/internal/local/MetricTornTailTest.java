package io.mlops.core.internal.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MetricLines#repairTornTail}: a crashed writer's half line is cut, another live writer's append in progress
 * is not. The race it guards against: a second writer of the same store (a second tracker in the JVM, another
 * process, a Spark executor) opens a metric file while the first one's append of more than a page is half visible;
 * cutting that "torn" tail would cut the first writer's whole line once its write ends.
 */
class MetricTornTailTest {
  @TempDir
  Path dir;

  @Test
  void aStaleTornTail_isCut() throws IOException {
    Path file = write("1 0.5 0\n2 0.4 1\n3 0.3");
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    assertThat(MetricLines.repairTornTail(file)).isTrue();
    assertThat(Files.readString(file)).isEqualTo("1 0.5 0\n2 0.4 1\n");
  }

  @Test
  void aTailThatAnotherWriterCompletes_isLeftWhole() throws Exception {
    Path file = write("1 0.5 0\n2 0.4");
    // the other writer's append is "in flight": its end arrives 150 ms later
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      sleep(150);
      append(file, " 1\n3 0.3 2\n");
    });
    long start = System.nanoTime();
    assertThat(MetricLines.repairTornTail(file)).isFalse();
    writer.get(5, TimeUnit.SECONDS);
    assertThat(Files.readString(file)).isEqualTo("1 0.5 0\n2 0.4 1\n3 0.3 2\n");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(MetricLines.QUIET_MILLIS);
  }

  @Test
  void aFreshTornTailThatStaysTorn_isCutOnceQuiet() throws IOException {
    Path file = write("1 0.5 0\n2 0.4");
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - (MetricLines.QUIET_MILLIS
        - 300)));
    assertThat(MetricLines.repairTornTail(file)).isTrue(); // after ~300 ms of quiet
    assertThat(Files.readString(file)).isEqualTo("1 0.5 0\n");
  }

  @Test
  void wholeLines_andAnEmptyFile_areLeftAlone() throws IOException {
    Path whole = write("1 0.5 0\n");
    Files.setLastModifiedTime(whole, FileTime.fromMillis(0));
    assertThat(MetricLines.repairTornTail(whole)).isFalse();
    assertThat(Files.readString(whole)).isEqualTo("1 0.5 0\n");
    Path empty = write("");
    assertThat(MetricLines.repairTornTail(empty)).isFalse();
    assertThat(MetricLines.repairTornTail(dir.resolve("missing"))).isFalse();
  }

  private Path write(String content) throws IOException {
    Path file = Files.createTempFile(dir, "metric", "");
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private static void append(Path file, String text) {
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
