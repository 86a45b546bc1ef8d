/**
 * Spark integration: {@link io.mlops.spark.MlopsSparkListener} tracks a Spark application as one candidate, with
 * its settings as params and per-job and per-stage metrics; {@link io.mlops.spark.MlopsQueryListener} records the
 * datasets its queries read and wrote; {@link io.mlops.spark.ExecutorLogging} gives Spark tasks a
 * {@link io.mlops.spark.CandidateHandle} to log metrics into the driver's candidate;
 * {@link io.mlops.spark.SparkMlTracking} tracks Spark ML (pipeline params, tuning as child candidates, fitted models
 * as artifacts). See {@code docs/spark.md}.
 */
package io.mlops.spark;
