package io.mlops.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.spark.executor.TaskMetrics;
import org.junit.jupiter.api.Test;

/** The per-stage sums, fed with Spark's own TaskMetrics objects (no Spark running). */
class StageTotalsTest {
  private static TaskMetrics task(long records, long runMs, long cpuNs, long shuffleWriteBytes) {
    TaskMetrics m = new TaskMetrics();
    m.inputMetrics().setRecordsRead(records);
    m.inputMetrics().setBytesRead(records * 8);
    m.outputMetrics().setRecordsWritten(records / 2);
    m.outputMetrics().setBytesWritten(records * 4);
    m.shuffleReadMetrics().setRemoteBytesRead(100);
    m.shuffleReadMetrics().setLocalBytesRead(11);
    m.shuffleReadMetrics().setRecordsRead(7);
    m.shuffleWriteMetrics().incBytesWritten(shuffleWriteBytes);
    m.shuffleWriteMetrics().incRecordsWritten(3);
    m.incMemoryBytesSpilled(1000);
    m.incDiskBytesSpilled(10);
    m.setExecutorRunTime(runMs);
    m.setExecutorCpuTime(cpuNs);
    m.setJvmGCTime(2);
    return m;
  }

  @Test
  void successfulTasks_areSummed_intoOneValuePerMetric() {
    StageTotals t = new StageTotals();
    t.addTask(true, task(1000, 40, 30_000_000L, 500));
    t.addTask(true, task(24, 60, 5_500_000L, 20));
    Map<String, Double> m = t.metrics(2, 123, true);
    assertThat(m).containsEntry(StageTotals.DURATION, 123.0)
        .containsEntry(StageTotals.TASKS, 2.0)
        .containsEntry(StageTotals.FAILED_TASKS, 0.0)
        .containsEntry(StageTotals.SUCCEEDED, 1.0)
        .containsEntry(StageTotals.INPUT_RECORDS, 1024.0)
        .containsEntry(StageTotals.INPUT_BYTES, 8192.0)
        .containsEntry(StageTotals.OUTPUT_RECORDS, 512.0)
        .containsEntry(StageTotals.OUTPUT_BYTES, 4096.0)
        .containsEntry(StageTotals.SHUFFLE_READ_BYTES, 222.0) // remote + local
        .containsEntry(StageTotals.SHUFFLE_READ_RECORDS, 14.0)
        .containsEntry(StageTotals.SHUFFLE_WRITE_BYTES, 520.0)
        .containsEntry(StageTotals.SHUFFLE_WRITE_RECORDS, 6.0)
        .containsEntry(StageTotals.MEMORY_SPILL_BYTES, 2000.0)
        .containsEntry(StageTotals.DISK_SPILL_BYTES, 20.0)
        .containsEntry(StageTotals.EXECUTOR_RUN_TIME, 100.0)
        .containsEntry(StageTotals.EXECUTOR_CPU_TIME, 35.5) // ns to ms
        .containsEntry(StageTotals.JVM_GC_TIME, 4.0);
    assertThat(m).hasSize(17);
  }

  @Test
  void failedAttempts_areCounted_notSummed() {
    StageTotals t = new StageTotals();
    t.addTask(false, task(1000, 40, 1, 1));
    t.addTask(true, task(10, 5, 1, 1));
    t.addTask(true, null); // Spark may send no metrics for an ended task
    assertThat(t.failedTasks()).isEqualTo(1);
    assertThat(t.succeededTasks()).isEqualTo(2);
    Map<String, Double> m = t.metrics(2, -1, false);
    assertThat(m).containsEntry(StageTotals.INPUT_RECORDS, 10.0)
        .containsEntry(StageTotals.FAILED_TASKS, 1.0)
        .containsEntry(StageTotals.SUCCEEDED, 0.0)
        .doesNotContainKey(StageTotals.DURATION); // no times from Spark: not logged rather than logged as 0
  }

  @Test
  void anEmptyStage_logsZeros() {
    assertThat(new StageTotals().metrics(0, 0, true)).containsEntry(StageTotals.INPUT_RECORDS, 0.0)
        .containsEntry(StageTotals.TASKS, 0.0);
  }
}
