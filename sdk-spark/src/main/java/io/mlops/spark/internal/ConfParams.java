package io.mlops.spark.internal;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Picks the Spark conf entries logged as the candidate's params: the application's name and master, the Spark
 * version, the keys of {@link #DEFAULT_KEYS} that are set, and the keys and prefixes of
 * {@link ListenerSettings#LOG_CONF}. Every value goes through {@link ConfRedaction}, and one longer than the
 * backend's limit is cut to it (a param cannot be re-logged, so it is better cut than refused).
 */
public final class ConfParams {
  /** The param holding the Spark version (no conf key has it). */
  public static final String SPARK_VERSION = "spark.version";

  /** Conf keys logged as params when they are set. */
  public static final List<String> DEFAULT_KEYS = Collections.unmodifiableList(Arrays.asList(
      "spark.app.name",
      "spark.master",
      "spark.submit.deployMode",
      "spark.driver.memory",
      "spark.driver.cores",
      "spark.executor.memory",
      "spark.executor.cores",
      "spark.executor.instances",
      "spark.executor.memoryOverhead",
      "spark.task.cpus",
      "spark.task.maxFailures",
      "spark.default.parallelism",
      "spark.sql.shuffle.partitions",
      "spark.sql.adaptive.enabled",
      "spark.sql.autoBroadcastJoinThreshold",
      "spark.serializer",
      "spark.memory.fraction",
      "spark.memory.storageFraction",
      "spark.dynamicAllocation.enabled",
      "spark.dynamicAllocation.minExecutors",
      "spark.dynamicAllocation.maxExecutors",
      "spark.speculation"));

  private ConfParams() {}

  /**
   * The params for a conf.
   *
   * @param conf every conf entry ({@code SparkConf.getAll()})
   * @param sparkVersion the running Spark's version
   * @param extraKeys {@link ListenerSettings#logConf()}
   * @param maxValueLength the backend's longest param value
   */
  public static Map<String, String> of(Map<String, String> conf, String sparkVersion, List<String> extraKeys,
      int maxValueLength) {
    ConfRedaction redaction = ConfRedaction.of(conf.get(ConfRedaction.REGEX_KEY));
    Map<String, String> params = new TreeMap<>();
    params.put(SPARK_VERSION, sparkVersion);
    for (Map.Entry<String, String> e : conf.entrySet()) {
      if (e.getValue() != null && isLogged(e.getKey(), extraKeys)) {
        String value = redaction.redact(e.getKey(), e.getValue());
        params.put(e.getKey(), value.length() > maxValueLength ? value.substring(0, maxValueLength) : value);
      }
    }
    return params;
  }

  private static boolean isLogged(String key, List<String> extraKeys) {
    if (DEFAULT_KEYS.contains(key)) {
      return true;
    }
    for (String k : extraKeys) {
      if (k.endsWith("*") ? key.startsWith(k.substring(0, k.length() - 1)) : key.equals(k)) {
        return true;
      }
    }
    return false;
  }
}
