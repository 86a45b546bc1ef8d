package io.mlops.spark.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.executor.ShuffleReadMetrics;
import org.apache.spark.executor.ShuffleWriteMetrics;
import org.apache.spark.executor.TaskMetrics;

/**
 * The task metrics of one stage attempt, summed in memory as its tasks end, and turned into the stage's metrics
 * when it completes: a stage of 10,000 tasks logs one value per metric, never one per task. Sums cover the task
 * attempts that succeeded (a failed attempt that is retried would otherwise count its records twice); failed
 * attempts are counted in {@value #FAILED_TASKS}. Not thread-safe: Spark delivers a listener's events on one thread.
 */
public final class StageTotals {
  /** Wall-clock time from submission to completion, ms. */
  public static final String DURATION = "spark.stage.duration_ms";
  /** Tasks the stage attempt ran (its partitions to compute). */
  public static final String TASKS = "spark.stage.tasks";
  /** Task attempts of the stage that failed. */
  public static final String FAILED_TASKS = "spark.stage.failed_tasks";
  /** 1 when the stage attempt succeeded, 0 when it failed. */
  public static final String SUCCEEDED = "spark.stage.succeeded";
  public static final String INPUT_RECORDS = "spark.stage.input_records";
  public static final String INPUT_BYTES = "spark.stage.input_bytes";
  public static final String OUTPUT_RECORDS = "spark.stage.output_records";
  public static final String OUTPUT_BYTES = "spark.stage.output_bytes";
  /** Local and remote shuffle bytes read. */
  public static final String SHUFFLE_READ_BYTES = "spark.stage.shuffle_read_bytes";
  public static final String SHUFFLE_READ_RECORDS = "spark.stage.shuffle_read_records";
  public static final String SHUFFLE_WRITE_BYTES = "spark.stage.shuffle_write_bytes";
  public static final String SHUFFLE_WRITE_RECORDS = "spark.stage.shuffle_write_records";
  public static final String MEMORY_SPILL_BYTES = "spark.stage.memory_spill_bytes";
  public static final String DISK_SPILL_BYTES = "spark.stage.disk_spill_bytes";
  /** Sum of the tasks' run times, ms. */
  public static final String EXECUTOR_RUN_TIME = "spark.stage.executor_run_time_ms";
  /** Sum of the tasks' CPU times, ms (Spark measures it in ns). */
  public static final String EXECUTOR_CPU_TIME = "spark.stage.executor_cpu_time_ms";
  /** Sum of the tasks' JVM GC times, ms. */
  public static final String JVM_GC_TIME = "spark.stage.jvm_gc_time_ms";

  private long succeededTasks;
  private long failedTasks;
  private long inputRecords;
  private long inputBytes;
  private long outputRecords;
  private long outputBytes;
  private long shuffleReadBytes;
  private long shuffleReadRecords;
  private long shuffleWriteBytes;
  private long shuffleWriteRecords;
  private long memorySpill;
  private long diskSpill;
  private long runTimeMs;
  private long cpuTimeNs;
  private long gcTimeMs;

  /** Adds a task attempt that ended: its metrics when it succeeded, a count when it failed. */
  public void addTask(boolean successful, TaskMetrics m) {
    if (!successful) {
      failedTasks++;
      return;
    }
    succeededTasks++;
    if (m == null) {
      return; // Spark sends none for some ends (e.g. a task whose result was lost); it still counts
    }
    inputRecords += m.inputMetrics().recordsRead();
    inputBytes += m.inputMetrics().bytesRead();
    outputRecords += m.outputMetrics().recordsWritten();
    outputBytes += m.outputMetrics().bytesWritten();
    ShuffleReadMetrics read = m.shuffleReadMetrics();
    shuffleReadBytes += read.totalBytesRead();
    shuffleReadRecords += read.recordsRead();
    ShuffleWriteMetrics write = m.shuffleWriteMetrics();
    shuffleWriteBytes += write.bytesWritten();
    shuffleWriteRecords += write.recordsWritten();
    memorySpill += m.memoryBytesSpilled();
    diskSpill += m.diskBytesSpilled();
    runTimeMs += m.executorRunTime();
    cpuTimeNs += m.executorCpuTime();
    gcTimeMs += m.jvmGCTime();
  }

  /** Task attempts that succeeded so far. */
  public long succeededTasks() {
    return succeededTasks;
  }

  /** Task attempts that failed so far. */
  public long failedTasks() {
    return failedTasks;
  }

  /**
   * The stage's metrics, in a stable order.
   *
   * @param tasks the stage attempt's number of tasks
   * @param durationMillis submission to completion, or negative when Spark gave no times (then not logged)
   * @param succeeded whether the stage attempt succeeded
   */
  public Map<String, Double> metrics(int tasks, long durationMillis, boolean succeeded) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (durationMillis >= 0) {
      out.put(DURATION, (double) durationMillis);
    }
    out.put(TASKS, (double) tasks);
    out.put(FAILED_TASKS, (double) failedTasks);
    out.put(SUCCEEDED, succeeded ? 1.0 : 0.0);
    out.put(INPUT_RECORDS, (double) inputRecords);
    out.put(INPUT_BYTES, (double) inputBytes);
    out.put(OUTPUT_RECORDS, (double) outputRecords);
    out.put(OUTPUT_BYTES, (double) outputBytes);
    out.put(SHUFFLE_READ_BYTES, (double) shuffleReadBytes);
    out.put(SHUFFLE_READ_RECORDS, (double) shuffleReadRecords);
    out.put(SHUFFLE_WRITE_BYTES, (double) shuffleWriteBytes);
    out.put(SHUFFLE_WRITE_RECORDS, (double) shuffleWriteRecords);
    out.put(MEMORY_SPILL_BYTES, (double) memorySpill);
    out.put(DISK_SPILL_BYTES, (double) diskSpill);
    out.put(EXECUTOR_RUN_TIME, (double) runTimeMs);
    out.put(EXECUTOR_CPU_TIME, cpuTimeNs / 1_000_000.0);
    out.put(JVM_GC_TIME, (double) gcTimeMs);
    return out;
  }
}
