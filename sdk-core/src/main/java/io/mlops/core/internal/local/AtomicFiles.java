package io.mlops.core.internal.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/** File writes that a crash or a concurrent writer cannot leave half done. */
final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Replaces {@code target} with {@code data}: write a temporary file in {@code tmpDir} (same file system), fsync,
   * then rename over the target.
   */
  static void replace(Path target, byte[] data, Path tmpDir) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = writeTemp(tmpDir, data);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Creates {@code target} with {@code data} unless it exists. Returns empty when this call created it, or the
   * existing content. A hard link of a complete temporary file makes creation atomic, so a concurrent reader or
   * creator never sees a partial value.
   */
  static Optional<String> createOnce(Path target, byte[] data, Path tmpDir) throws IOException {
    if (Files.exists(target)) {
      return Optional.of(readString(target));
    }
    Files.createDirectories(target.getParent());
    Path tmp = writeTemp(tmpDir, data);
    try {
      Files.createLink(target, tmp);
      return Optional.empty();
    } catch (FileAlreadyExistsException e) {
      return Optional.of(readString(target));
    } catch (UnsupportedOperationException | IOException linkFailure) {
      // File systems without hard links: fall back to an exclusive create (not atomic for readers, still
      // exclusive between writers).
      if (linkFailure instanceof FileAlreadyExistsException) {
        return Optional.of(readString(target));
      }
      try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writeFully(ch, ByteBuffer.wrap(data));
        ch.force(true);
        return Optional.empty();
      } catch (FileAlreadyExistsException e) {
        return Optional.of(readString(target));
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Appends {@code data} with a single write on an append-mode channel, creating the file if needed. */
  static void append(Path target, byte[] data) throws IOException {
    Files.createDirectories(target.getParent());
    try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      writeFully(ch, ByteBuffer.wrap(data));
    }
  }

  /** Reads a UTF-8 file. */
  static String readString(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  private static Path writeTemp(Path tmpDir, byte[] data) throws IOException {
    Files.createDirectories(tmpDir);
    Path tmp = tmpDir.resolve(".tmp-" + UUID.randomUUID());
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      writeFully(ch, ByteBuffer.wrap(data));
      ch.force(true);
    }
    return tmp;
  }

  private static void writeFully(FileChannel ch, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      ch.write(buffer);
    }
  }
}
