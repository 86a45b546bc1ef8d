package io.mlops.spark;

import static io.mlops.spark.SparkTestSessions.candidates;
import static io.mlops.spark.SparkTestSessions.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateStatus;
import io.mlops.core.TrackingClient;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkException;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SQLContext;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.sources.BaseRelation;
import org.apache.spark.sql.sources.RelationProvider;
import org.apache.spark.sql.sources.TableScan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One application with both listeners named in the conf ({@code spark.extraListeners} and
 * {@code spark.sql.queryExecutionListeners}): it writes parquet, CSV and JSON files, reads them back (a join, a temp
 * view, a time-travel option), saves a table and reads it, runs queries over no dataset and over a relation the
 * listener does not know, and a write that fails. In the middle, a listener attached in code records one query into
 * a candidate of the test's own. Everything is asserted on what the stores hold afterwards.
 */
class DatasetsApplicationTest {
  private static final String EXPERIMENT = "spark-datasets";

  @TempDir
  static Path dir;
  private static String parquet;
  private static String csv;
  private static String json;
  private static String failingInput;
  private static String neverWritten;
  private static String attachedOutput;
  private static String warehouse;
  private static long confListenerErrors = -1;
  private static long attachedErrors = -1;
  private static Tracker userTracker;
  private static TrackingClient client;
  private static TrackingClient userClient;
  private static Candidate candidate;
  private static Candidate userCandidate;

  @BeforeAll
  static void runApplication() throws Exception {
    parquet = "file:" + dir.resolve("events.parquet");
    csv = "file:" + dir.resolve("users.csv");
    json = "file:" + dir.resolve("tags.json");
    failingInput = "file:" + dir.resolve("failing-input.parquet");
    neverWritten = "file:" + dir.resolve("never-written.parquet");
    attachedOutput = "file:" + dir.resolve("attached-output.parquet");
    warehouse = dir.resolve("warehouse").toString();
    userTracker = Tracker.builder().trackingUri(dir.resolve("user-mlruns").toString()).experimentName("user")
        .journalDirectory(dir.resolve("user-journal")).shutdownHook(false).build();
    SparkSession spark = SparkTestSessions.localSession("datasets-app", dir)
        .config("spark.extraListeners", MlopsSparkListener.class.getName())
        .config("spark.sql.queryExecutionListeners", MlopsQueryListener.class.getName())
        .config("spark.task.maxFailures", "1")
        .config("spark.mlops.trackingUri", dir.resolve("mlruns").toString())
        .config("spark.mlops.experimentName", EXPERIMENT)
        .config("spark.mlops.journalDir", dir.resolve("journal").toString())
        .getOrCreate();
    try {
      // writes: three files
      spark.range(0, 20, 1, 2).selectExpr("id", "id % 4 AS user").write().parquet(parquet);
      spark.range(0, 4, 1, 1).selectExpr("id AS user", "concat('u', id) AS name").write().option("header", "true")
          .csv(csv);
      spark.range(0, 4, 1, 1).selectExpr("id AS user", "concat('t', id) AS tag").write().json(json);
      // reads: a join of the three (the CSV's header and schema inference is a query of its own)
      Dataset<Row> users = spark.read().option("header", "true").option("inferSchema", "true").csv(csv);
      Dataset<Row> tags = spark.read().json(json);
      assertThat(spark.read().parquet(parquet).join(users, "user").join(tags, "user").count()).isEqualTo(20);
      // a temp view over the JSON file, read through SQL; a time-travel option
      tags.createOrReplaceTempView("tags_view");
      assertThat(spark.sql("SELECT count(*) FROM tags_view").collectAsList().get(0).getLong(0)).isEqualTo(4);
      assertThat(spark.read().option("versionAsOf", "7").parquet(parquet).count()).isEqualTo(20);
      // a table: saved (parquet, the default provider), then read
      spark.read().parquet(parquet).groupBy("user").count().write().mode(SaveMode.Overwrite).saveAsTable("daily");
      assertThat(spark.table("daily").count()).isEqualTo(4);
      // no dataset at all, and a relation the listener knows nothing of
      assertThat(spark.range(0, 5).collectAsList()).hasSize(5);
      assertThat(spark.createDataFrame(Arrays.asList(RowFactory.create(1L)), new StructType().add("x",
          DataTypes.LongType)).count()).isEqualTo(1);
      assertThat(spark.read().format(CustomSource.class.getName()).load().count()).isEqualTo(3);
      // a failing write: its read is recorded, its output is not
      spark.range(0, 10, 1, 2).write().parquet(failingInput);
      assertThatThrownBy(() -> spark.read().parquet(failingInput)
          .selectExpr("IF(id = 7, raise_error('boom in a write'), id) AS v").write().parquet(neverWritten))
          // Spark 3.5: SparkException; Spark 4: SparkRuntimeException ([USER_RAISED_EXCEPTION])
          .isInstanceOfAny(SparkException.class, RuntimeException.class).hasMessageContaining("boom in a write");
      // in code, into the test's own candidate; then unregistered, so the last query is not on that candidate
      ActiveCandidate own = userTracker.startCandidate("caller-candidate");
      MlopsQueryListener attached = MlopsQueryListener.attach(spark, own);
      spark.read().json(json).write().parquet(attachedOutput);
      spark.sparkContext().listenerBus().waitUntilEmpty(); // the query listener runs on Spark's listener bus
      spark.listenerManager().unregister(attached);
      spark.read().parquet(attachedOutput).count();
      spark.sparkContext().listenerBus().waitUntilEmpty();
      attachedErrors = attached.errorCount();
      own.end(CandidateStatus.FINISHED);
      // listListeners is private[sql] in Scala, public in the bytecode: the test's only way to the conf's instance
      for (QueryExecutionListener l : spark.listenerManager().listListeners()) {
        if (l instanceof MlopsQueryListener) {
          confListenerErrors = ((MlopsQueryListener) l).errorCount();
        }
      }
      userTracker.flush().get(30, TimeUnit.SECONDS);
      userClient = client(dir.resolve("user-mlruns"));
      userCandidate = userClient.getCandidate(own.id());
    } finally {
      spark.stop();
    }
    client = client(dir.resolve("mlruns"));
    List<Candidate> all = candidates(client, EXPERIMENT);
    assertThat(all).hasSize(1);
    candidate = all.get(0);
  }

  @AfterAll
  static void close() {
    if (userTracker != null) {
      userTracker.close();
    }
    if (client != null) {
      client.close();
    }
    if (userClient != null) {
      userClient.close();
    }
  }

  private static List<String> lines(Candidate c, String tag) {
    assertThat(c.data().tags()).containsKey(tag);
    return Arrays.asList(c.data().tags().get(tag).split("\n", -1));
  }

  @Test
  void readTag_holdsEachDatasetRead_once_inMlflowsLineFormat_inTheOrderFirstRead() {
    assertThat(lines(candidate, MlopsQueryListener.READ_TAG)).containsExactly(
        "path=" + parquet + ",format=parquet",
        "path=" + csv + ",format=csv",
        "path=" + json + ",format=json",
        "path=" + parquet + ",version=7,format=parquet",
        "path=spark_catalog.default.daily,format=parquet",
        "path=" + failingInput + ",format=parquet",
        "path=" + attachedOutput + ",format=parquet");
  }

  @Test
  void writtenTag_holdsTheFilesAndTheTableWritten_butNotTheFailedWrite() {
    assertThat(lines(candidate, MlopsQueryListener.WRITTEN_TAG)).containsExactly(
        "path=" + parquet + ",format=parquet",
        "path=" + csv + ",format=csv",
        "path=" + json + ",format=json",
        // saveAsTable of a new table: the command names the table, and the insert Spark runs inside it (a query of
        // its own) writes its location
        "path=file:" + warehouse + "/daily,format=parquet",
        "path=spark_catalog.default.daily,format=parquet",
        "path=" + failingInput + ",format=parquet",
        "path=" + attachedOutput + ",format=parquet");
  }

  @Test
  void theConfListener_recordsIntoTheSparkListenersCandidate_withoutErrors() {
    assertThat(candidate.info().name()).isEqualTo("datasets-app");
    assertThat(candidate.info().status()).isEqualTo(CandidateStatus.FINISHED);
    assertThat(confListenerErrors).isZero(); // the unknown relation, Range and LocalRelation broke nothing
  }

  @Test
  void attachedListener_recordsOnlyTheQueriesWhileRegistered_intoTheCallersCandidate() {
    assertThat(attachedErrors).isZero();
    assertThat(lines(userCandidate, MlopsQueryListener.READ_TAG)).containsExactly("path=" + json + ",format=json");
    assertThat(lines(userCandidate, MlopsQueryListener.WRITTEN_TAG))
        .containsExactly("path=" + attachedOutput + ",format=parquet");
  }

  /** A V1 data source the listener knows nothing of: three rows, no path, no catalog table. */
  public static final class CustomSource implements RelationProvider {
    @Override
    public BaseRelation createRelation(SQLContext sqlContext, scala.collection.immutable.Map<String, String> params) {
      return new CustomRelation(sqlContext);
    }
  }

  static final class CustomRelation extends BaseRelation implements TableScan {
    private final SQLContext sqlContext;

    CustomRelation(SQLContext sqlContext) {
      this.sqlContext = sqlContext;
    }

    @Override
    public SQLContext sqlContext() {
      return sqlContext;
    }

    @Override
    public StructType schema() {
      return new StructType().add("x", DataTypes.LongType);
    }

    @Override
    public RDD<Row> buildScan() {
      return sqlContext.sparkSession().range(0, 3).toDF().rdd();
    }
  }
}
