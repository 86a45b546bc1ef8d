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
   * Cuts a torn last line (no trailing newline) off a metric file, so the next append starts on a line of its
   * own. Returns true when something was cut.
   */
  static boolean repairTornTail(Path file) throws IOException {
    if (!Files.exists(file)) {
      return false;
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      long len = raf.length();
      if (len == 0) {
        return false;
      }
      raf.seek(len - 1);
      if (raf.read() == '\n') {
        return false;
      }
      long pos = len - 1;
      while (pos > 0) {
        raf.seek(pos - 1);
        if (raf.read() == '\n') {
          break;
        }
        pos--;
      }
      LOG.warn("Cutting a torn last line ({} bytes) off metric file {}", len - pos, file);
      raf.setLength(pos);
      return true;
    }
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
