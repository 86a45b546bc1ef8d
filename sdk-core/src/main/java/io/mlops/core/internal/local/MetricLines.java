package io.mlops.core.internal.local;

import io.mlops.core.Metric;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file store's metric files: one point per line, {@code "<timestamp_ms> <value> <step>"} (MLflow's
 * {@code FileStore._log_run_metric}; written by {@link MetricLineEncoder}), read as MLflow's {@code FileStore} reads them: 2, 3 or 5 fields
 * ({@code _get_metric_from_line}), the latest point chosen by {@link #latest}.
 *
 * <p>MLflow 3 writes five fields, {@code "<ts> <value> <step> <dataset name> <dataset digest>"}, for a metric
 * logged with a dataset. Its reader takes the step only from a 3-field line ({@code int(parts[2]) if len(parts) == 3
 * else 0}), so every 5-field point reads as step 0 in MLflow's history, latest values and searches; so it does
 * here. (MLflow's {@code migrate-filestore} reads the third field instead; docs/local-store.md.)
 */
final class MetricLines {
  private static final Logger LOG = LoggerFactory.getLogger(MetricLines.class);

  private MetricLines() {}

  /**
   * Reads every point of a metric file in order. A last line without its newline is a torn write and is
   * skipped; a malformed line elsewhere is skipped with a warning, never fatal.
   */
  static List<Metric> read(Path file, String key) throws IOException {
    String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    List<Metric> points = new ArrayList<>();
    int start = 0;
    int lineNo = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        LOG.debug("Skipping torn last line of {}", file);
        break;
      }
      lineNo++;
      Metric m = parse(key, text, start, end);
      if (m != null) {
        points.add(m);
      } else if (end > start) {
        LOG.warn("Skipping malformed line {} of metric file {}", lineNo, file);
      }
      start = end + 1;
    }
    return points;
  }

  /**
   * How long a torn last line must have gone unwritten before it counts as a crashed writer's leftover. A live
   * writer's append of more than a page can be seen half done (the file's size grows page by page while the writer
   * holds the file), and cutting it then would cut the writer's whole line once its write ends: the file's
   * modification time, set when a write starts, tells the two apart.
   */
  static final long QUIET_MILLIS = 2_000;

  /**
   * Cuts a torn last line (no trailing newline) off a metric file, so the next append starts on a line of its
   * own; only one that has gone {@value #QUIET_MILLIS} ms unwritten, a crashed writer's. A tail that another writer
   * (a second tracker, process or executor on the same store) is still appending is left alone: the caller's
   * appends (O_APPEND) land after that write. Waits up to twice that time for a fresh torn tail to complete or go
   * quiet, then leaves it alone. Returns true when something was cut.
   */
  static boolean repairTornTail(Path file) throws IOException {
    if (!Files.exists(file)) {
      return false;
    }
    long deadline = System.nanoTime() + 2 * QUIET_MILLIS * 1_000_000L;
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      while (true) {
        long len = raf.length();
        if (len == 0 || lastByte(raf, len) == '\n') {
          return false; // whole lines (a live writer's append may just have ended)
        }
        long age = System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis();
        if (age >= QUIET_MILLIS) {
          return cutAfterLastNewline(raf, len, file);
        }
        if (System.nanoTime() - deadline > 0) {
          LOG.warn("Metric file {} keeps a fresh torn last line; another writer may be appending, so it is left",
              file);
          return false;
        }
        try {
          Thread.sleep(Math.max(1, Math.min(50, QUIET_MILLIS - age)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
  }

  private static int lastByte(RandomAccessFile raf, long len) throws IOException {
    raf.seek(len - 1);
    return raf.read();
  }

  private static boolean cutAfterLastNewline(RandomAccessFile raf, long len, Path file) throws IOException {
    long pos = len - 1;
    while (pos > 0) {
      raf.seek(pos - 1);
      if (raf.read() == '\n') {
        break;
      }
      pos--;
    }
    if (raf.length() != len) {
      return false; // a writer appended meanwhile: not a leftover
    }
    LOG.warn("Cutting a torn last line ({} bytes) off metric file {}", len - pos, file);
    raf.setLength(pos);
    return true;
  }

  private static Metric parse(String key, String text, int start, int end) {
    String line = text.substring(start, end).trim();
    if (line.isEmpty()) {
      return null;
    }
    String[] parts = line.split(" ");
    if (parts.length != 2 && parts.length != 3 && parts.length != 5) {
      return null;
    }
    try {
      long ts = Long.parseLong(parts[0]);
      double value = parseDouble(parts[1]);
      // MLflow 3.17 _get_metric_from_line: a 5-field (dataset-linked) line has step 0; its third field is not read
      long step = parts.length == 3 ? Long.parseLong(parts[2]) : 0L;
      return Metric.of(key, value, ts, step);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Parses Python's float spellings too: {@code nan}, {@code inf}, {@code -inf}, {@code 1e-05}. */
  static double parseDouble(String s) {
    switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "nan":
      case "+nan":
      case "-nan":
        return Double.NaN;
      case "inf":
      case "+inf":
      case "infinity":
      case "+infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf":
      case "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        return Double.parseDouble(s);
    }
  }
}
