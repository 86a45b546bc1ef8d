package io.mlops.core.internal.local;

import io.mlops.core.InvalidParameterException;
import io.mlops.core.TransportException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Runs file-system actions of the local store, turning I/O failures into {@link TransportException}s (which the
 * tracker retries), except those that would fail the same way every time, which become
 * {@link InvalidParameterException}s.
 */
final class LocalIo {
  private LocalIo() {}

  /** An I/O action. */
  interface IoAction<T> {
    T run() throws IOException;
  }

  /** An I/O action without a result. */
  interface IoVoid {
    void run() throws IOException;
  }

  static <T> T io(IoAction<T> action) {
    try {
      return action.run();
    } catch (java.nio.file.FileSystemException e) {
      if ("File name too long".equals(e.getReason())) {
        // deterministic: the same write fails every time, so it must not look retryable
        throw new InvalidParameterException("Local store cannot write " + e.getFile() + ": " + e.getReason());
      }
      throw new TransportException("Local store I/O failed: " + e.getMessage(), e);
    } catch (IOException | UncheckedIOException e) {
      throw new TransportException("Local store I/O failed: " + e.getMessage(), e);
    }
  }

  static void ioRun(IoVoid action) {
    io(() -> {
      action.run();
      return null;
    });
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
