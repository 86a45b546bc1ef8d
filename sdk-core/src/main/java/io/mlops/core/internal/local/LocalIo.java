package io.mlops.core.internal.local;

import io.mlops.core.TransportException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Runs file-system actions of the local store, turning I/O failures into {@link TransportException}s. */
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
