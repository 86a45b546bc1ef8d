package io.mlops.spark.internal;

import java.util.Objects;

/**
 * One dataset a query read or wrote: a path or a table name, its format, and the version the source reports, if
 * any. {@link #line()} is the line MLflow's Spark autologging writes into its {@code sparkDatasourceInfo} tag.
 */
public final class SparkDatasource {
  private final String path;
  private final String version;
  private final String format;

  private SparkDatasource(String path, String version, String format) {
    this.path = path;
    this.version = version;
    this.format = format;
  }

  /**
   * A dataset. Line breaks in the parts become spaces, since one dataset is one line of the tag.
   *
   * @param path a path or a table name, required
   * @param version the source's version, or null when it has none
   * @param format the format ({@code parquet}, {@code csv}, {@code jdbc}...), or null when unknown
   */
  public static SparkDatasource of(String path, String version, String format) {
    return new SparkDatasource(oneLine(Objects.requireNonNull(path, "path")), version == null ? null
        : oneLine(version), format == null ? null : oneLine(format));
  }

  private static String oneLine(String s) {
    return s.indexOf('\n') < 0 && s.indexOf('\r') < 0 ? s : s.replace('\n', ' ').replace('\r', ' ');
  }

  /** The path or table name. */
  public String path() {
    return path;
  }

  /** The version, or null. */
  public String version() {
    return version;
  }

  /** The format, or null. */
  public String format() {
    return format;
  }

  /**
   * {@code path=<path>,format=<format>}, or {@code path=<path>,version=<version>,format=<format>} when the source
   * has a version: the form of MLflow's {@code mlflow.spark.autologging._get_table_info_string} (MLflow 3.17),
   * which writes a version for Delta tables only; a format the source does not name is {@code unknown}, as in
   * MLflow's {@code MlflowAutologEventPublisher}.
   */
  public String line() {
    String f = format == null ? "unknown" : format;
    return version == null ? "path=" + path + ",format=" + f : "path=" + path + ",version=" + version + ",format=" + f;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SparkDatasource)) {
      return false;
    }
    SparkDatasource d = (SparkDatasource) o;
    return path.equals(d.path) && Objects.equals(version, d.version) && Objects.equals(format, d.format);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, version, format);
  }

  @Override
  public String toString() {
    return line();
  }
}
