package io.mlops.spark.internal;

import io.mlops.spark.MlopsQueryListener;
import io.mlops.tracking.ActiveCandidate;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two dataset tags of one candidate, built up query by query: the datasets read, one {@link SparkDatasource#line()}
 * per dataset in the order first seen, lines joined by {@code \n} (MLflow's {@code _merge_tag_lines}: a line already
 * there is not added again), and the datasets written in the same form. Each tag holds at most the backend's longest
 * tag value: a line that does not fit is left out whole (MLflow cuts the value and appends {@code ...}) and counted
 * in {@link #dropped()}, so memory stays bounded by twice that length. A tag that changed is set again on the
 * candidate, whole; before a candidate is {@linkplain #bind bound}, the lines wait here. Thread-safe.
 */
public final class DatasourceTags {
  private static final Logger LOG = LoggerFactory.getLogger(DatasourceTags.class);

  private final int maxLength;
  private final Lines read = new Lines();
  private final Lines written = new Lines();
  private final AtomicLong dropped = new AtomicLong();
  private ActiveCandidate candidate;

  /**
   * Tags {@value MlopsQueryListener#READ_TAG} and {@value MlopsQueryListener#WRITTEN_TAG}.
   *
   * @param maxLength the backend's longest tag value
   */
  public DatasourceTags(int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be positive: " + maxLength);
    }
    this.maxLength = maxLength;
  }

  /** Logs into {@code c} from now on, and sets there the tags recorded so far. */
  public synchronized void bind(ActiveCandidate c) {
    this.candidate = c;
    Map<String, String> tags = new LinkedHashMap<>();
    if (!read.lines.isEmpty()) {
      tags.put(MlopsQueryListener.READ_TAG, read.value());
    }
    if (!written.lines.isEmpty()) {
      tags.put(MlopsQueryListener.WRITTEN_TAG, written.value());
    }
    if (!tags.isEmpty()) {
      c.setTags(tags);
    }
  }

  /**
   * {@link #bind Binds} {@code c} unless a candidate is bound already.
   *
   * @return true when this call bound {@code c}
   */
  public synchronized boolean bindIfUnbound(ActiveCandidate c) {
    if (candidate != null) {
      return false;
    }
    bind(c);
    return true;
  }

  /** The candidate logged into, or null before {@link #bind}. */
  public synchronized ActiveCandidate candidate() {
    return candidate;
  }

  /**
   * Adds a query's datasets, and sets each tag that gained a line (when a candidate is bound).
   *
   * @return true when a tag gained a line
   */
  public synchronized boolean record(List<SparkDatasource> reads, List<SparkDatasource> writes) {
    boolean readChanged = read.addAll(reads);
    boolean writtenChanged = written.addAll(writes);
    if (candidate != null && (readChanged || writtenChanged)) {
      Map<String, String> tags = new LinkedHashMap<>();
      if (readChanged) {
        tags.put(MlopsQueryListener.READ_TAG, read.value());
      }
      if (writtenChanged) {
        tags.put(MlopsQueryListener.WRITTEN_TAG, written.value());
      }
      candidate.setTags(tags);
    }
    return readChanged || writtenChanged;
  }

  /** The value of the read tag so far ("" when none). */
  public synchronized String readValue() {
    return read.value();
  }

  /** The value of the written tag so far ("" when none). */
  public synchronized String writtenValue() {
    return written.value();
  }

  /** Datasets left out because their tag was full, counted each time one was seen. */
  public long dropped() {
    return dropped.get();
  }

  /** One tag's lines and their joined length. */
  private final class Lines {
    final Set<String> lines = new LinkedHashSet<>();
    int length;

    boolean addAll(List<SparkDatasource> datasets) {
      boolean changed = false;
      for (SparkDatasource d : datasets) {
        String line = d.line();
        if (lines.contains(line)) {
          continue;
        }
        int newLength = length + (lines.isEmpty() ? 0 : 1) + line.length();
        if (newLength > maxLength) {
          if (dropped.incrementAndGet() == 1) {
            LOG.warn("MlopsQueryListener: a dataset tag is full ({} characters at most); datasets that do not fit "
                + "are left out and counted (first left out: {} characters)", maxLength, line.length());
          }
          continue;
        }
        lines.add(line);
        length = newLength;
        changed = true;
      }
      return changed;
    }

    String value() {
      return String.join("\n", lines);
    }
  }
}
