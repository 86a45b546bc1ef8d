package io.mlops.core.internal.mlflow;

import io.mlops.core.TransferListener;
import io.mlops.core.TransportException;
import io.mlops.core.internal.mlflow.MlflowHttp.Retry;
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
 * its size), checks it arrived whole against the answer's length, and moves it into place, so the target never
 * holds half a file. Progress as {@link FileUploadBody}'s. Shared by every HTTP artifact store.
 */
public final class FileDownload {
  private FileDownload() {}

  /**
   * Downloads {@code url} to {@code target}, replacing it.
   *
   * @param path the artifact path, for progress reports and messages
   * @throws TransportException when reading or writing fails, or the answer is cut short
   * @throws io.mlops.core.ResourceNotFoundException as the transport maps a 404; callers say what was missing
   */
  public static void toFile(MlflowHttp http, HttpUrl url, String path, Path target, TransferListener listener) {
    Path parent = target.toAbsolutePath().getParent();
    Path tmp = parent.resolve(".mlops-download-" + UUID.randomUUID());
    try {
      Files.createDirectories(parent);
      try (Response response = http.open(new Request.Builder().url(url).get().build(), Retry.SAFE);
          ResponseBody body = response.body()) {
        if (body == null) {
          throw new TransportException("Empty answer downloading " + path, null);
        }
        long expected = body.contentLength();
        FileUploadBody.Progress progress = new FileUploadBody.Progress("Downloading", path, expected, listener);
        long written = 0;
        try (InputStream in = body.byteStream();
            OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          byte[] buffer = new byte[FileUploadBody.CHUNK];
          int n;
          while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            written += n;
            progress.add(n);
          }
        }
        if (expected >= 0 && written != expected) {
          throw new TransportException("Download of " + path + " was cut short: " + written + " of " + expected
              + " bytes", null);
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
}
