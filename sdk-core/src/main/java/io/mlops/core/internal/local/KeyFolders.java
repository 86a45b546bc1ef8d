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
