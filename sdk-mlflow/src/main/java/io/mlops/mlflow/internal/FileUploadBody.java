package io.mlops.mlflow.internal;

import io.mlops.core.TransferListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request body that streams a local file in fixed-size chunks (constant memory whatever its size), reads it
 * afresh on every attempt so a resent request sends it whole, and reports progress: to a listener every half
 * megabyte, and as a log line every ten seconds. Shared by every HTTP artifact store.
 */
public final class FileUploadBody extends RequestBody {
  private static final Logger LOG = LoggerFactory.getLogger(FileUploadBody.class);
  static final int CHUNK = 64 * 1024;
  private static final long PROGRESS_EVERY_BYTES = 512 * 1024;
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;

  private final Path file;
  private final String artifactPath;
  private final long size;
  private final MediaType type;
  private final TransferListener listener;

  /** A body for {@code file}, of {@code size} bytes, shown as {@code artifactPath} in progress reports. */
  public FileUploadBody(Path file, String artifactPath, long size, MediaType type, TransferListener listener) {
    this.file = file;
    this.artifactPath = artifactPath;
    this.size = size;
    this.type = type;
    this.listener = listener;
  }

  @Override
  public MediaType contentType() {
    return type;
  }

  @Override
  public long contentLength() {
    return size;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    Progress progress = new Progress("Uploading", artifactPath, size, listener);
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[CHUNK];
      int n;
      while ((n = in.read(buffer)) > 0) {
        sink.write(buffer, 0, n);
        progress.add(n);
      }
    }
    progress.done();
  }

  /** Calls the listener every half megabyte and logs a progress line every ten seconds. */
  static final class Progress {
    private final String verb;
    private final String path;
    private final long total;
    private final TransferListener listener;
    private final long started = System.nanoTime();
    private long done;
    private long lastReport;
    private long lastLog = System.nanoTime();

    Progress(String verb, String path, long total, TransferListener listener) {
      this.verb = verb;
      this.path = path;
      this.total = total;
      this.listener = listener;
    }

    void add(int n) {
      done += n;
      if (done - lastReport >= PROGRESS_EVERY_BYTES) {
        lastReport = done;
        listener.onProgress(path, done, total);
        long now = System.nanoTime();
        if (now - lastLog >= LOG_EVERY_NANOS) {
          lastLog = now;
          LOG.info("{} {}: {} MB of {} MB ({} MB/s)", verb, path, done >> 20, total < 0 ? "?" : total >> 20,
              (done >> 20) * 1_000_000_000L / Math.max(1, now - started));
        }
      }
    }

    void done() {
      listener.onProgress(path, done, total < 0 ? done : total);
    }
  }
}
