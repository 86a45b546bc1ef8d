package io.mlops.core.internal.local;

import io.mlops.core.TransportException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serializes changes to a store's experiment namespace (create, rename, delete, restore) between threads and
 * between processes: an in-JVM lock per store root (a JVM may hold only one {@link FileLock} per file) around an
 * OS file lock on {@code <root>/.mlops.lock}. MLflow lists only folders of the root, so the lock file is invisible
 * to it.
 */
final class NamespaceLock {
  private static final ConcurrentMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  private final Path lockFile;
  private final ReentrantLock jvmLock;

  NamespaceLock(Path root) {
    Path normalized = root.toAbsolutePath().normalize();
    this.lockFile = normalized.resolve(".mlops.lock");
    this.jvmLock = JVM_LOCKS.computeIfAbsent(normalized, k -> new ReentrantLock());
  }

  <T> T call(Supplier<T> action) {
    jvmLock.lock();
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = ch.lock()) {
      return action.get();
    } catch (IOException e) {
      throw new TransportException("Cannot lock " + lockFile + ": " + e.getMessage(), e);
    } finally {
      jvmLock.unlock();
    }
  }
}
