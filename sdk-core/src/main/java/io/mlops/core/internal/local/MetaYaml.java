package io.mlops.core.internal.local;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mlops.core.SerializationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes {@code meta.yaml} files as MLflow does: a flat mapping with sorted keys. Strings are always
 * quoted so that Python's YAML 1.1 reader never turns a name such as {@code on} or {@code 0123} into a boolean or
 * a number.
 */
final class MetaYaml {
  private static final YAMLMapper MAPPER = new YAMLMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .disable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .build());
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<Map<String, Object>>() {};

  private MetaYaml() {}

  /** Reads a meta.yaml into a map; an empty file gives an empty map. */
  static Map<String, Object> read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length == 0) {
      return new TreeMap<>();
    }
    try {
      Map<String, Object> map = MAPPER.readValue(bytes, MAP);
      return map == null ? new TreeMap<>() : map;
    } catch (IOException e) {
      throw new SerializationException("Malformed " + file + ": " + e.getMessage(), e);
    }
  }

  /** Encodes a map as meta.yaml content, keys sorted. */
  static byte[] encode(Map<String, Object> values) {
    try {
      return MAPPER.writeValueAsBytes(new TreeMap<>(values));
    } catch (IOException e) {
      throw new SerializationException("Cannot encode meta.yaml: " + e.getMessage(), e);
    }
  }

  /** A number field: {@code dflt} when absent; a number or a numeric string (MLflow writes both) otherwise. */
  static long asLong(Object o, long dflt) {
    if (o == null) {
      return dflt;
    }
    if (o instanceof Number) {
      return ((Number) o).longValue();
    }
    try {
      return Long.parseLong(o.toString().trim());
    } catch (NumberFormatException e) {
      throw new io.mlops.core.SerializationException("meta.yaml holds a non-numeric value where a number belongs: "
          + o, e);
    }
  }
}
