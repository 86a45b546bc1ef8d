package io.mlops.spark;

import io.mlops.spark.internal.ApplicationDatasources;
import io.mlops.spark.internal.DatasourceTags;
import io.mlops.spark.internal.PlanDatasources;
import io.mlops.spark.internal.ScalaCollections;
import io.mlops.tracking.ActiveCandidate;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the datasets (paths and tables) that each Spark SQL query reads and writes, with their format and, where
 * the source has one, their version, as two tags of a candidate: {@value #READ_TAG}, MLflow's tag for the data
 * sources a run read (the convention of {@code mlflow.spark.autolog}), and {@value #WRITTEN_TAG} for what it wrote.
 * Each tag holds one line per dataset, lines joined by {@code \n}, each line
 * {@code path=<path or table>,format=<format>}, or {@code path=<path>,version=<version>,format=<format>} when the
 * source has a version, for example:
 *
 * <pre>
 * path=file:/data/events.parquet,format=parquet
 * path=file:/data/users.csv,format=csv
 * path=spark_catalog.default.daily,format=parquet
 * </pre>
 *
 * <p>Zero code, beside {@link MlopsSparkListener} (the query listener then records into that listener's candidate,
 * found by the application id):
 *
 * <pre>{@code
 * spark-submit --conf spark.extraListeners=io.mlops.spark.MlopsSparkListener \
 *   --conf spark.sql.queryExecutionListeners=io.mlops.spark.MlopsQueryListener ...
 * }</pre>
 *
 * <p>In code, into a candidate the caller owns:
 *
 * <pre>{@code
 * MlopsQueryListener datasets = MlopsQueryListener.attach(spark, candidate);
 * spark.read().parquet(input).groupBy("day").count().write().parquet(output);
 * spark.listenerManager().unregister(datasets);
 * }</pre>
 *
 * <p>Spark calls the listener on its listener-bus thread once a query has run (an action such as {@code collect},
 * or a write). A query that failed records what it read, not what it wrote. Credentials in paths and JDBC URLs are
 * masked. A tag holds at most the backend's longest tag value (MLflow's 8000 characters): datasets that do not fit
 * are left out whole and counted in {@link #droppedCount()}. The listener never throws into Spark: an error is
 * logged once (later ones at debug level) and counted in {@link #errorCount()}. See {@code docs/spark.md}.
 */
public final class MlopsQueryListener implements QueryExecutionListener {
  /** MLflow's tag of the data sources a run read ({@code mlflow.spark.autologging._SPARK_TABLE_INFO_TAG_NAME}). */
  public static final String READ_TAG = "sparkDatasourceInfo";
  /** The tag of the datasets the application wrote, lines in the form of {@value #READ_TAG}'s. */
  public static final String WRITTEN_TAG = "mlops.spark.datasetsWritten";
  /** The longest tag value when the backend's is not known here: MLflow's {@code MAX_TAG_VAL_LENGTH}. */
  public static final int DEFAULT_MAX_TAG_VALUE_LENGTH = 8000;

  private static final Logger LOG = LoggerFactory.getLogger(MlopsQueryListener.class);

  /** The tags of the caller's candidate; null when each query's application is looked up. */
  private final DatasourceTags fixedTags;
  private volatile DatasourceTags lastTags;
  private final AtomicLong errors = new AtomicLong();
  private final AtomicBoolean warnedUnbound = new AtomicBoolean();

  /**
   * The listener for {@code spark.sql.queryExecutionListeners}: it records into the candidate of the
   * {@link MlopsSparkListener} of the same application. Until that candidate has started, what it records waits
   * (in memory, bounded by the tag length) and is set on the candidate when it starts.
   */
  public MlopsQueryListener() {
    this.fixedTags = null;
  }

  private MlopsQueryListener(DatasourceTags tags) {
    this.fixedTags = tags;
    this.lastTags = tags;
  }

  /**
   * Registers a listener on {@code spark}'s listener manager that records into {@code candidate}, a candidate the
   * caller started and ends, with tags of at most {@value #DEFAULT_MAX_TAG_VALUE_LENGTH} characters.
   *
   * @return the registered listener, for {@code spark.listenerManager().unregister(listener)}
   */
  public static MlopsQueryListener attach(SparkSession spark, ActiveCandidate candidate) {
    if (spark == null || candidate == null) {
      throw new IllegalArgumentException("spark and candidate are required");
    }
    DatasourceTags tags = new DatasourceTags(DEFAULT_MAX_TAG_VALUE_LENGTH);
    tags.bind(candidate);
    MlopsQueryListener listener = new MlopsQueryListener(tags);
    spark.listenerManager().register(listener);
    return listener;
  }

  @Override
  public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
    record(qe, true);
  }

  @Override
  public void onFailure(String funcName, QueryExecution qe, Exception exception) {
    record(qe, false);
  }

  private void record(QueryExecution qe, boolean succeeded) {
    try {
      DatasourceTags tags = fixedTags != null ? fixedTags
          : ApplicationDatasources.forApplication(applicationId(qe),
              DEFAULT_MAX_TAG_VALUE_LENGTH);
      lastTags = tags;
      PlanDatasources found = PlanDatasources.of(qe.analyzed());
      boolean changed = tags.record(found.reads(), succeeded ? found.writes() : Collections.emptyList());
      if (changed && tags.candidate() == null && warnedUnbound.compareAndSet(false, true)) {
        LOG.warn("MlopsQueryListener: no MlopsSparkListener candidate for application {} yet (is it in "
            + "spark.extraListeners, and enabled?); the datasets are kept for it until it starts",
            applicationId(qe));
      }
    } catch (RuntimeException | LinkageError e) {
      recordError(e);
    }
  }

  /** Errors the listener caught (and so kept from Spark) so far. */
  public long errorCount() {
    return errors.get();
  }

  /** Datasets left out so far because their tag was full (counted each time one was seen). */
  public long droppedCount() {
    DatasourceTags t = lastTags;
    return t == null ? 0 : t.dropped();
  }

  /**
   * The query's application id. {@code QueryExecution.sparkSession()} is called by name: it returns
   * {@code org.apache.spark.sql.SparkSession} on Spark 3.5 and {@code org.apache.spark.sql.classic.SparkSession} (a
   * subclass) on Spark 4, so a compiled call to it links on one of them only.
   */
  private static String applicationId(QueryExecution qe) {
    return ((SparkSession) ScalaCollections.call(qe, "sparkSession")).sparkContext().applicationId();
  }

  private void recordError(Throwable e) {
    long n = errors.incrementAndGet();
    if (n == 1) {
      LOG.warn("MlopsQueryListener: recording a query's datasets failed; the query is not affected, the dataset "
          + "tags may be incomplete (later errors are logged at debug level and counted)", e);
    } else {
      LOG.debug("MlopsQueryListener: recording a query's datasets failed (error {})", n, e);
    }
  }
}
