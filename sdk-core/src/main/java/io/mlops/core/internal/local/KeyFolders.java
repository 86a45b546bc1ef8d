package io.mlops.core.internal.local;

import static io.mlops.core.internal.local.LocalIo.io;

import io.mlops.core.InvalidParameterException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Folders of key-named files, as MLflow's file store keeps params, tags and metrics: one file per key, a key
 * with '/' as subfolders, the file's content as the value ({@code FileStore._get_resource_files}).
 */
final class KeyFolders {
  private KeyFolders() {}

  /** The file of a key under a folder; keys with '/' become subfolders, and no key may leave the folder. */
  static Path keyFile(Path folder, String key) {
    Path file;
    try {
      file = folder.resolve(key).normalize();
    } catch (InvalidPathException e) {
      throw new InvalidParameterException("Key '" + key + "' is not a valid file name here: " + e.getMessage());
    }
    if (!file.startsWith(folder) || file.equals(folder)) {
      throw new InvalidParameterException("Key '" + key + "' escapes its folder");
    }
    return file;
  }

  /**
   * Checks that a key can be written under a folder, so that a batch holding a key that can never be stored is
   * refused before anything is written: no part of the key longer than a file name may be, no folder of the key
   * taken by another key's file ({@code a} logged, then {@code a/b}), and the key's own file not taken by a folder
   * of other keys ({@code a/b} logged, then {@code a}).
   *
   * @throws InvalidParameterException naming the key and what is in the way
   */
  static void requireWritable(Path folder, String key) {
    for (String part : key.split("/", -1)) {
      int bytes = part.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (bytes > LocalFileStore.MAX_FILE_NAME_BYTES) {
        throw new InvalidParameterException("Key '" + key + "' cannot be stored: its part of " + bytes
            + " bytes is longer than a file name may be (" + LocalFileStore.MAX_FILE_NAME_BYTES + " bytes)");
      }
    }
    Path file = keyFile(folder, key);
    for (Path p = file.getParent(); p != null && p.startsWith(folder) && !p.equals(folder); p = p.getParent()) {
      if (Files.exists(p) && !Files.isDirectory(p)) {
        throw new InvalidParameterException("Key '" + key + "' cannot be stored: '"
            + folder.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/")
            + "' is already a key of its own, and a key cannot also be a folder of keys");
      }
    }
    if (Files.isDirectory(file)) {
      throw new InvalidParameterException("Key '" + key + "' cannot be stored: keys under '" + key
          + "/' exist, and a folder of keys cannot also be a key");
    }
  }

  /** The keys under a folder (relative paths with '/'), sorted; none when the folder is missing. */
  static List<String> keys(Path folder) {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    return io(() -> {
      try (Stream<Path> s = Files.walk(folder)) {
        return s.filter(Files::isRegularFile)
            .map(p -> folder.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/"))
            .sorted()
            .collect(Collectors.toList());
      }
    });
  }

  /** Every key under a folder with its value. */
  static Map<String, String> read(Path folder) {
    Map<String, String> out = new TreeMap<>();
    for (String key : keys(folder)) {
      out.put(key, io(() -> AtomicFiles.readString(folder.resolve(key))));
    }
    return out;
  }

  /** The subfolders of a folder, sorted; none when it is missing. */
  static List<Path> subdirectories(Path parent) {
    if (!Files.isDirectory(parent)) {
      return List.of();
    }
    return io(() -> {
      List<Path> out = new ArrayList<>();
      try (DirectoryStream<Path> s = Files.newDirectoryStream(parent, Files::isDirectory)) {
        s.forEach(out::add);
      }
      out.sort(null);
      return out;
    });
  }
}
