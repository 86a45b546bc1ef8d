/**
 * Spark integration: {@link io.mlops.spark.MlopsSparkListener} tracks a Spark application as one candidate, with
 * its settings as params and per-job and per-stage metrics; {@link io.mlops.spark.MlopsQueryListener} records the
 * datasets its queries read and wrote. See {@code docs/spark.md}.
 */
package io.mlops.spark;
