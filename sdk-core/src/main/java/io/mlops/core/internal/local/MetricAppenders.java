package io.mlops.core.internal.local;

import static io.mlops.core.internal.local.LocalIo.ioRun;

import io.mlops.core.Metric;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local store's open metric files: per candidate and key one append-mode channel and one reused line buffer,
 * so that a batch costs one {@code write} per key and no file opening, no per-point allocation.
 *
 * <p>Durability is what it was with a channel opened per batch: every line of a batch is written (into the OS page
 * cache) before {@link #append} returns, with one {@code write} per key on an {@code O_APPEND} channel, so a
 * process killed after a delivery leaves its lines on disk, and lines of several processes appending to one file
 * never interleave within a batch's write. Nothing is buffered in user space between batches.
 *
 * <p>Bounded: at most {@value #MAX_CANDIDATES} candidates with at most {@value #MAX_KEYS_PER_CANDIDATE} open files
 * each; the least recently used candidate (or key) is closed when a new one would exceed that. A candidate's files
 * close when it ends or is deleted ({@link #close(String)}), all of them when the store closes.
 *
 * <p>One difference from opening the file per batch: a metric file that another program deletes (not renames:
 * moving a run's folder keeps the file) while this store holds it open receives the following appends in the
 * deleted file, until the candidate ends or its file is evicted. Neither MLflow nor this SDK deletes the metric
 * files of an active run.
 */
final class MetricAppenders implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricAppenders.class);
  static final int MAX_CANDIDATES = 8;
  static final int MAX_KEYS_PER_CANDIDATE = 32;
  private static final int INITIAL_BUFFER = 4096;
  private static final int RECENT = 32;

  private final Map<String, RunFiles> runs = new HashMap<>();
  /** Metric files whose tail was checked for a torn line by this process (once per file and process). */
  private final Set<Path> checkedFiles = ConcurrentHashMap.newKeySet();
  private long clock;
  private int opened;
  private int closedCount;

  /** Something to do once the batch's lines are encoded and checked, before they are written (params, tags). */
  interface BeforeWrite {
    void run();
  }

  /**
   * Appends a batch's points to their files under {@code metricDir}: every key is checked first
   * ({@link KeyFolders#requireWritable}, for keys without an open file) and every line encoded; then
   * {@code beforeWrite} runs; then each key's lines go out in one write. A refusal (a key that cannot be stored, or
   * {@code beforeWrite} throwing) writes no line.
   */
  void append(String candidateId, Path metricDir, List<Metric> metrics, BeforeWrite beforeWrite) {
    while (true) {
      RunFiles run = run(candidateId, metricDir);
      synchronized (run) {
        if (run.closed) {
          continue; // evicted between the lookup and the lock: take a fresh one
        }
        run.append(metrics, beforeWrite);
        return;
      }
    }
  }

  /** Closes a candidate's files (it ended, or was deleted). */
  void close(String candidateId) {
    RunFiles run;
    synchronized (this) {
      run = runs.remove(candidateId);
    }
    if (run != null) {
      run.close();
    }
  }

  /** Closes every file. */
  @Override
  public void close() {
    List<RunFiles> all;
    synchronized (this) {
      all = new ArrayList<>(runs.values());
      runs.clear();
    }
    all.forEach(RunFiles::close);
  }

  /** Files open now (for tests). */
  synchronized int openFiles() {
    return opened - closedCount;
  }

  private synchronized void countOpened() {
    opened++;
  }

  private synchronized void countClosed(int n) {
    closedCount += n;
  }

  private RunFiles run(String candidateId, Path metricDir) {
    RunFiles evicted = null;
    RunFiles run;
    synchronized (this) {
      run = runs.get(candidateId);
      if (run == null || !run.metricDir.equals(metricDir)) {
        if (run != null) {
          evicted = run; // the candidate's folder moved (its experiment was deleted or restored)
          runs.remove(candidateId);
        } else if (runs.size() >= MAX_CANDIDATES) {
          RunFiles oldest = null;
          for (RunFiles r : runs.values()) {
            if (oldest == null || r.lastUsed < oldest.lastUsed) {
              oldest = r;
            }
          }
          evicted = runs.remove(oldest.candidateId);
        }
        run = new RunFiles(candidateId, metricDir);
        runs.put(candidateId, run);
      }
      run.lastUsed = ++clock;
    }
    if (evicted != null) {
      evicted.close();
    }
    return run;
  }

  /** One candidate's open metric files. Guarded by its own monitor. */
  private final class RunFiles {
    final String candidateId;
    final Path metricDir;
    final Map<String, Appender> byKey = new HashMap<>();
    /**
     * The appenders of recently seen key objects, by the key's hash: a training loop logs the same few key strings
     * over and over, so a point nearly always finds its appender here by reference, without a map lookup.
     */
    final Appender[] recent = new Appender[RECENT];
    Appender[] touched = new Appender[16];
    int touchedCount;
    long lastUsed;
    long keyClock;
    boolean closed;

    RunFiles(String candidateId, Path metricDir) {
      this.candidateId = candidateId;
      this.metricDir = metricDir;
    }

    void append(List<Metric> metrics, BeforeWrite beforeWrite) {
      long stamp = ++keyClock;
      try {
        for (int i = 0, n = metrics.size(); i < n; i++) {
          Metric m = metrics.get(i);
          String key = m.key();
          int slot = key.hashCode() & (RECENT - 1);
          Appender a = recent[slot];
          if (a == null || a.key != key) {
            a = byKey.get(key);
            if (a == null) {
              a = newAppender(key);
            }
            recent[slot] = a;
          }
          if (a.used != stamp) {
            a.used = stamp;
            if (touchedCount == touched.length) {
              touched = java.util.Arrays.copyOf(touched, touchedCount * 2);
            }
            touched[touchedCount++] = a;
          }
          a.encode(m);
        }
        beforeWrite.run();
      } catch (RuntimeException e) {
        for (int i = 0; i < touchedCount; i++) {
          touched[i].length = 0;
          touched[i] = null;
        }
        touchedCount = 0;
        throw e;
      }
      try {
        for (int i = 0; i < touchedCount; i++) {
          Appender a = touched[i];
          ioRun(a::write);
        }
      } finally {
        for (int i = 0; i < touchedCount; i++) {
          touched[i].length = 0; // what a failed write left is not sent again by this batch
          touched[i] = null;
        }
        touchedCount = 0;
        evictKeys();
      }
    }

    private Appender newAppender(String key) {
      KeyFolders.requireWritable(metricDir, key); // refuses before anything of the batch is written
      Appender a = new Appender(key, KeyFolders.keyFile(metricDir, key));
      byKey.put(key, a);
      return a;
    }

    /** Closes the least recently used keys' files past the bound (after a batch, so none is in use). */
    private void evictKeys() {
      while (byKey.size() > MAX_KEYS_PER_CANDIDATE) {
        Map.Entry<String, Appender> oldest = null;
        for (Map.Entry<String, Appender> e : byKey.entrySet()) {
          if (oldest == null || e.getValue().used < oldest.getValue().used) {
            oldest = e;
          }
        }
        byKey.remove(oldest.getKey());
        oldest.getValue().close();
        java.util.Arrays.fill(recent, null); // none may hand out the closed appender
      }
    }

    synchronized void close() {
      closed = true;
      for (Appender a : byKey.values()) {
        a.close();
      }
      byKey.clear();
      java.util.Arrays.fill(recent, null);
    }
  }

  /** One metric file: its channel (opened at the first write) and the lines of the current batch. */
  private final class Appender {
    final String key;
    final Path file;
    FileChannel channel;
    byte[] buffer = new byte[INITIAL_BUFFER];
    ByteBuffer view = ByteBuffer.wrap(buffer);
    int length;
    long used;

    Appender(String key, Path file) {
      this.key = key;
      this.file = file;
    }

    void encode(Metric m) {
      if (buffer.length - length < MetricLineEncoder.MAX_LINE_BYTES) {
        buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
        view = ByteBuffer.wrap(buffer);
      }
      length = MetricLineEncoder.encode(buffer, length, m.timestamp(), m.value(), m.step());
    }

    void write() throws IOException {
      if (length == 0) {
        return;
      }
      if (channel == null) {
        Files.createDirectories(file.getParent());
        if (checkedFiles.add(file)) {
          MetricLines.repairTornTail(file); // a crash may have left half a line
        }
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
        countOpened();
      }
      view.clear();
      view.limit(length);
      try {
        while (view.hasRemaining()) {
          channel.write(view);
        }
      } catch (IOException e) {
        close(); // the next batch opens the file afresh
        throw e;
      }
      length = 0;
    }

    void close() {
      if (channel == null) {
        return;
      }
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("Closing metric file {} failed: {}", file, e.toString());
      }
      channel = null;
      countClosed(1);
    }
  }
}
