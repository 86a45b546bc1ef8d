package io.mlops.spark.internal;

import io.mlops.core.internal.UriCredentials;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.catalyst.analysis.NamedRelation;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.HiveTableRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.V2WriteCommand;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.execution.command.CreateDataSourceTableAsSelectCommand;
import org.apache.spark.sql.execution.datasources.FileFormat;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.InsertIntoDataSourceCommand;
import org.apache.spark.sql.execution.datasources.InsertIntoHadoopFsRelationCommand;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.SaveIntoDataSourceCommand;
import org.apache.spark.sql.execution.datasources.jdbc.JDBCOptions;
import org.apache.spark.sql.execution.datasources.jdbc.JDBCRelation;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import org.apache.spark.sql.execution.datasources.v2.FileTable;
import org.apache.spark.sql.sources.BaseRelation;
import org.apache.spark.sql.sources.DataSourceRegister;
import scala.Option;
import scala.Tuple2;
import scala.collection.Iterator;

/**
 * The datasets a query's analyzed logical plan reads and writes. This is the one class that knows Spark's plan
 * nodes, all of them Spark internals (in Spark 3.5.9 and 4.2.0 alike, under the same names, with the accessors used
 * here); sequences are only iterated ({@code iterator()}), so the source compiles against Scala 2.12 and 2.13.
 *
 * <p>Reads are the plan's relations: file sources ({@code LogicalRelation} over a {@code HadoopFsRelation}: each
 * root path, with the file format's short name), catalog tables (their qualified name and provider), JDBC (the URL
 * without its user info and properties, then {@code ?dbtable=} and the table or query), Data Source V2 relations
 * (file tables by path, other tables by name) and Hive tables. Writes are the write commands: inserts into files or
 * tables ({@code InsertIntoHadoopFsRelationCommand}, {@code InsertIntoDataSourceCommand}), {@code saveAsTable}
 * ({@code CreateDataSourceTableAsSelectCommand}), other {@code DataFrameWriter.save} targets
 * ({@code SaveIntoDataSourceCommand}: their {@code path} option, or JDBC's {@code url} and {@code dbtable}) and
 * Data Source V2 appends and overwrites. Any other node is walked through and ignored. The walk covers children,
 * inner children (the query of a write command) and subqueries, depth first and left to right (a join's left
 * side first), and stops after {@value #MAX_NODES} nodes.
 *
 * <p>A version is the {@code versionAsOf} option of the read, else its {@code timestampAsOf} option, as given: the
 * options Delta Lake and other versioned sources take for time travel. Delta's own table version, kept in its file
 * index, is not read (Delta is not on this module's classpath); a Delta path reads as {@code parquet}.
 *
 * <p>Spark's CSV reader infers the header and schema with a query that reads the same files as text, with the
 * internal option {@value #GLOB_PATHS_KEY}{@code =false}; such a text read is left out. (MLflow's listener leaves out
 * every {@code text} read for the same reason.)
 */
public final class PlanDatasources {
  /** The most plan nodes one walk visits; a larger plan is recorded in part. */
  public static final int MAX_NODES = 10_000;
  /** A plan node's sequences of plans walked: children, the plans inside a command, subqueries. */
  private static final List<String> NODE_SEQUENCES = List.of("children", "innerChildren", "subqueries");
  /** Spark's {@code DataSource.GLOB_PATHS_KEY}, set on the internal text read of CSV and JSON inference. */
  static final String GLOB_PATHS_KEY = "__globPaths__";

  private final Set<SparkDatasource> reads = new LinkedHashSet<>();
  private final Set<SparkDatasource> writes = new LinkedHashSet<>();
  private boolean truncated;

  private PlanDatasources() {}

  /** Walks {@code plan} (a query's analyzed plan). */
  public static PlanDatasources of(LogicalPlan plan) {
    PlanDatasources out = new PlanDatasources();
    if (plan != null) {
      out.walk(plan);
    }
    return out;
  }

  /** What the plan reads, in the order found, without duplicates. */
  public List<SparkDatasource> reads() {
    return new ArrayList<>(reads);
  }

  /** What the plan writes, in the order found, without duplicates. */
  public List<SparkDatasource> writes() {
    return new ArrayList<>(writes);
  }

  /** True when the plan had more than {@value #MAX_NODES} nodes and the rest was not looked at. */
  public boolean truncated() {
    return truncated;
  }

  private void walk(LogicalPlan root) {
    Deque<LogicalPlan> todo = new ArrayDeque<>();
    List<LogicalPlan> next = new ArrayList<>();
    todo.push(root);
    int visited = 0;
    while (!todo.isEmpty()) {
      if (++visited > MAX_NODES) {
        truncated = true;
        return;
      }
      LogicalPlan node = todo.pop();
      visit(node);
      next.clear();
      // by name: these return scala.collection.Seq on Scala 2.12 and immutable.Seq on 2.13 (ScalaCollections)
      for (String sequence : NODE_SEQUENCES) {
        for (Object child : ScalaCollections.elementsOf(node, sequence)) {
          if (child instanceof LogicalPlan) { // innerChildren: not a physical plan (a cached relation's)
            next.add((LogicalPlan) child);
          }
        }
      }
      for (int i = next.size() - 1; i >= 0; i--) { // depth first, left to right: a join's datasets in query order
        todo.push(next.get(i));
      }
    }
  }

  private void visit(LogicalPlan node) {
    if (node instanceof InsertIntoHadoopFsRelationCommand) {
      InsertIntoHadoopFsRelationCommand c = (InsertIntoHadoopFsRelationCommand) node;
      String format = formatName(c.fileFormat());
      writes.add(c.catalogTable().isDefined() ? table(c.catalogTable().get(), format)
          : SparkDatasource.of(maskPath(c.outputPath().toString()), null, format));
    } else if (node instanceof CreateDataSourceTableAsSelectCommand) {
      writes.add(table(((CreateDataSourceTableAsSelectCommand) node).table(), null));
    } else if (node instanceof SaveIntoDataSourceCommand) {
      SaveIntoDataSourceCommand c = (SaveIntoDataSourceCommand) node;
      SparkDatasource d = fromWriteOptions(c.options(), c.dataSource() instanceof DataSourceRegister
          ? ((DataSourceRegister) c.dataSource()).shortName() : c.dataSource().getClass().getName());
      if (d != null) {
        writes.add(d);
      }
    } else if (node instanceof InsertIntoDataSourceCommand) {
      relation(((InsertIntoDataSourceCommand) node).logicalRelation(), writes);
    } else if (node instanceof V2WriteCommand) {
      NamedRelation target = ((V2WriteCommand) node).table();
      if (target instanceof DataSourceV2Relation) {
        v2Relation((DataSourceV2Relation) target, writes);
      } else {
        writes.add(SparkDatasource.of(target.name(), null, null));
      }
    } else if (node instanceof LogicalRelation) {
      relation((LogicalRelation) node, reads);
    } else if (node instanceof DataSourceV2Relation) {
      v2Relation((DataSourceV2Relation) node, reads);
    } else if (node instanceof HiveTableRelation) {
      reads.add(table(((HiveTableRelation) node).tableMeta(), "hive"));
    }
  }

  private static void relation(LogicalRelation lr, Set<SparkDatasource> into) {
    BaseRelation r = lr.relation();
    if (r instanceof HadoopFsRelation) {
      HadoopFsRelation fs = (HadoopFsRelation) r;
      String format = formatName(fs.fileFormat());
      if ("text".equals(format) && "false".equalsIgnoreCase(option(fs.options(), GLOB_PATHS_KEY))) {
        return; // the CSV reader's own look at the files (header, schema), not a read of the user's
      }
      if (lr.catalogTable().isDefined()) {
        into.add(table(lr.catalogTable().get(), format));
        return;
      }
      String version = version(option(fs.options(), "versionAsOf"), option(fs.options(), "timestampAsOf"));
      for (Object path : ScalaCollections.elementsOf(fs.location(), "rootPaths")) {
        into.add(SparkDatasource.of(maskPath(path.toString()), version, format));
      }
    } else if (r instanceof JDBCRelation) {
      JDBCOptions o = ((JDBCRelation) r).jdbcOptions();
      into.add(SparkDatasource.of(jdbcPath(o.url(), o.tableOrQuery()), null, "jdbc"));
    } else if (lr.catalogTable().isDefined()) {
      into.add(table(lr.catalogTable().get(), null));
    }
  }

  private static void v2Relation(DataSourceV2Relation r, Set<SparkDatasource> into) {
    Table t = r.table();
    String version = version(r.options().get("versionAsOf"), r.options().get("timestampAsOf"));
    if (t instanceof FileTable) {
      String format = ((FileTable) t).formatName().toLowerCase(Locale.ROOT);
      for (Object path : ScalaCollections.elementsOf(((FileTable) t).fileIndex(), "rootPaths")) {
        into.add(SparkDatasource.of(maskPath(path.toString()), version, format));
      }
    } else {
      into.add(SparkDatasource.of(t.name(), version, t.properties() == null ? null : t.properties().get("provider")));
    }
  }

  private static SparkDatasource table(CatalogTable t, String fallbackFormat) {
    Option<String> provider = t.provider();
    return SparkDatasource.of(t.identifier().unquotedString(), null,
        provider.isDefined() ? provider.get() : fallbackFormat);
  }

  private static SparkDatasource fromWriteOptions(scala.collection.Map<String, String> options, String format) {
    String url = option(options, "url");
    if ("jdbc".equals(format) || url != null && url.startsWith("jdbc:")) {
      String table = option(options, "dbtable");
      return url == null ? null : SparkDatasource.of(jdbcPath(url, table), null, "jdbc");
    }
    String path = option(options, "path");
    return path == null ? null : SparkDatasource.of(maskPath(path), null, format);
  }

  private static String formatName(FileFormat f) {
    return f instanceof DataSourceRegister ? ((DataSourceRegister) f).shortName() : null;
  }

  private static String version(String versionAsOf, String timestampAsOf) {
    return versionAsOf != null ? versionAsOf : timestampAsOf;
  }

  /** An option, its key matched case-insensitively (Spark's data source options are). */
  static String option(scala.collection.Map<String, String> options, String key) {
    Option<String> exact = options.get(key); // a CaseInsensitiveMap answers here whatever the case
    if (exact.isDefined()) {
      return exact.get();
    }
    for (Iterator<Tuple2<String, String>> it = options.iterator(); it.hasNext(); ) {
      Tuple2<String, String> e = it.next();
      if (e._1().equalsIgnoreCase(key)) {
        return e._2();
      }
    }
    return null;
  }

  /** A path with the user info of its URI, if any, shown as {@code ****} ({@code s3a://****@bucket/...}). */
  static String maskPath(String path) {
    return UriCredentials.mask(path);
  }

  /**
   * A JDBC URL without its properties ({@code ?user=...&password=...}, SQL Server's {@code ;password=...}) and
   * with its user info masked ({@code //user:pw@host}, Oracle's {@code thin:user/pw@host}), then
   * {@code ?dbtable=<table or query>}.
   */
  static String jdbcPath(String url, String tableOrQuery) {
    String u = url;
    int cut = u.indexOf('?');
    int semicolon = u.indexOf(';');
    if (semicolon >= 0 && (cut < 0 || semicolon < cut)) {
      cut = semicolon;
    }
    if (cut >= 0) {
      u = u.substring(0, cut);
    }
    u = UriCredentials.mask(u);
    int at = u.indexOf('@');
    if (at >= 0 && !u.startsWith("****", at - 4)) { // user/password@host without "//": Oracle's thin form
      int start = u.lastIndexOf(':', at) + 1;
      u = u.substring(0, start) + "****" + u.substring(at);
    }
    return tableOrQuery == null ? u : u + "?dbtable=" + tableOrQuery;
  }
}
