package io.mlops.mlflow.internal;

import io.mlops.core.LimitExceededException;
import io.mlops.core.MlopsSetting;
import io.mlops.core.TransferListener;
import io.mlops.core.TransportException;
import io.mlops.mlflow.internal.MlflowHttp.Retry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Streams one remote file into a temporary file beside the target, in fixed-size chunks (constant memory whatever
 * its size), checks it arrived whole, and moves it into place, so the target never holds half a file. Progress as
 * {@link FileUploadBody}'s. Shared by every HTTP artifact store.
 *
 * <p>Bounded against a broken or hostile server: the file may have exactly the size the listing announced, or,
 * when none was, at most {@link MlopsSetting#ARTIFACT_MAX_DOWNLOAD_SIZE} bytes, and reading stops at the first byte
 * over it; the transfer must keep up {@link MlopsSetting#HTTP_MIN_TRANSFER_RATE} over each
 * {@link MlopsSetting#HTTP_MIN_RATE_WINDOW}, since the per-read timeout alone lets a server trickle a byte at a time
 * forever. Whatever fails, the temporary file is removed.
 */
public final class FileDownload {
  private FileDownload() {}

  /**
   * Downloads {@code url}, a file of unknown size, to {@code target}, replacing it; at most
   * {@link MlopsSetting#ARTIFACT_MAX_DOWNLOAD_SIZE} bytes are taken.
   *
   * @see #toFile(MlflowHttp, HttpUrl, String, Path, long, TransferListener)
   */
  public static void toFile(MlflowHttp http, HttpUrl url, String path, Path target, TransferListener listener) {
    toFile(http, url, path, target, -1, listener);
  }

  /**
   * Downloads {@code url} to {@code target}, replacing it.
   *
   * @param path the artifact path, for progress reports and messages
   * @param expectedSize the size the listing announced, or a negative number when it gave none
   * @throws LimitExceededException when the answer is longer than {@code expectedSize} (or, when that is unknown,
   *     than the configured maximum)
   * @throws TransportException when reading or writing fails, the answer is cut short or arrives too slowly
   * @throws io.mlops.core.ResourceNotFoundException as the transport maps a 404; callers say what was missing
   */
  public static void toFile(MlflowHttp http, HttpUrl url, String path, Path target, long expectedSize,
      TransferListener listener) {
    Path parent = target.toAbsolutePath().getParent();
    Path tmp = parent.resolve(".mlops-download-" + UUID.randomUUID());
    boolean known = expectedSize >= 0;
    long limit = known ? expectedSize : http.maxDownloadSize();
    try {
      Files.createDirectories(parent);
      try (Response response = http.open(new Request.Builder().url(url).get().build(), Retry.SAFE);
          ResponseBody body = response.body()) {
        if (body == null) {
          throw new TransportException("Empty answer downloading " + path, null);
        }
        long announced = body.contentLength();
        if (announced > limit) {
          throw tooLong(path, "announces " + announced + " bytes", limit, known);
        }
        long expected = known ? expectedSize : announced;
        FileUploadBody.Progress progress = new FileUploadBody.Progress("Downloading", path, expected, listener);
        MinimumRate rate = new MinimumRate(path, http.minTransferRate(), http.minRateWindowNanos());
        long written = 0;
        try (InputStream in = body.byteStream();
            OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          byte[] buffer = new byte[FileUploadBody.CHUNK];
          int n;
          while ((n = in.read(buffer)) > 0) {
            if (written + n > limit) {
              throw tooLong(path, "goes on past " + limit + " bytes", limit, known);
            }
            out.write(buffer, 0, n);
            written += n;
            progress.add(n);
            rate.add(n);
          }
        }
        if (expected >= 0 && written != expected) {
          throw new TransportException("Download of " + path + " was cut short: " + written + " of " + expected
              + " bytes" + (known && announced >= 0 && announced != expectedSize ? " (the listing says "
              + expectedSize + ", the answer announced " + announced + ")" : ""), null);
        }
        progress.done();
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new TransportException("Downloading " + path + " failed: " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort: a temporary file
      }
    }
  }

  private static LimitExceededException tooLong(String path, String what, long limit, boolean listed) {
    String bound = listed ? "the " + limit + " bytes its listing announced"
        : "the " + limit + " bytes allowed for a file of unknown size ("
            + MlopsSetting.ARTIFACT_MAX_DOWNLOAD_SIZE.environmentVariable() + "=" + limit + ")";
    return new LimitExceededException("The download of " + path + " " + what + ", more than " + bound
        + "; it was stopped and nothing was kept", limit, listed ? null : MlopsSetting.ARTIFACT_MAX_DOWNLOAD_SIZE);
  }

  /**
   * Fails a transfer that stays below a minimum rate for a whole window. Windows follow each other (a new one
   * starts when one has passed with enough bytes), so a pause shorter than a window costs nothing, and a trickle is
   * caught within a window plus one read.
   */
  static final class MinimumRate {
    private final String path;
    private final long bytesPerSecond;
    private final long windowNanos;
    private long windowStart = System.nanoTime();
    private long windowBytes;

    MinimumRate(String path, long bytesPerSecond, long windowNanos) {
      this.path = path;
      this.bytesPerSecond = bytesPerSecond;
      this.windowNanos = windowNanos;
    }

    void add(int n) {
      if (bytesPerSecond <= 0) {
        return;
      }
      windowBytes += n;
      long now = System.nanoTime();
      long elapsed = now - windowStart;
      if (elapsed >= windowNanos) {
        double required = bytesPerSecond * (elapsed / 1e9);
        if (windowBytes < required) {
          throw new TransportException(String.format(java.util.Locale.ROOT,
              "The download of %s was abandoned: %d bytes in the last %.1f s, below the minimum rate of %s=%d "
                  + "bytes/s measured over %s=%d s", path, windowBytes, elapsed / 1e9,
              MlopsSetting.HTTP_MIN_TRANSFER_RATE.environmentVariable(), bytesPerSecond,
              MlopsSetting.HTTP_MIN_RATE_WINDOW.environmentVariable(), windowNanos / 1_000_000_000L), null);
        }
        windowStart = now;
        windowBytes = 0;
      }
    }
  }
}
