package io.mlops.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.ValidationException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The driver's side of executor logging, driven as Spark's DAG scheduler drives it: {@code merge} on the registered
 * accumulator with the copies of task attempts. Local mode cannot launch a speculative copy (the task set manager
 * never runs two attempts of a task on one host), so the speculative duplicates are made here: two successful
 * attempts of one partition, and a stage attempt rerunning it.
 */
class DriverPointsTest {
  private final List<String> logged = new CopyOnWriteArrayList<>();
  private DriverPoints driver;

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close(Duration.ofSeconds(5));
    }
  }

  private TaskPoints registered(DriverPoints.Target target, long maxQueued) {
    driver = new DriverPoints("c1", target, maxQueued);
    TaskPoints acc = new TaskPoints(100, target != null);
    acc.attachSink(driver);
    return acc;
  }

  /**
   * A task attempt's copy as it comes back with the task's result. (Serializing it here is not possible: an
   * accumulator created outside Spark counts as the driver's, and the driver's must be registered to be written.
   * The Spark tests send real copies.)
   */
  private static TaskPoints attempt(int stage, int stageAttempt, int partition, int attemptNumber, int points,
      boolean succeeded) throws Exception {
    TaskPoints p = new TaskPoints(100, true);
    p.identify(stage, stageAttempt, partition, attemptNumber, 1000L * stage + 10L * partition + attemptNumber);
    for (int i = 0; i < points; i++) {
      p.add(null, "m", attemptNumber, partition * 1000L + i, 1_700_000_000_000L + i);
    }
    p.end(succeeded);
    return p;
  }

  private DriverPoints.Target collecting() {
    return (key, value, step, ts) -> logged.add(key + "@" + step + "=" + value + "/" + ts);
  }

  @Test
  void twoSuccessfulAttemptsOfOnePartition_theFirstCounts_theSecondIsIgnored() throws Exception {
    TaskPoints acc = registered(collecting(), 1000);
    acc.merge(attempt(3, 0, 1, 0, 5, true)); // the original
    acc.merge(attempt(3, 0, 1, 1, 5, true)); // its speculative copy, also successful

    assertThat(driver.flush(Duration.ofSeconds(5))).isTrue();
    assertThat(logged).hasSize(5).allMatch(s -> s.contains("=0.0/")); // attempt 0's values
    DriverPoints.Counts c = driver.counts();
    assertThat(c.acceptedAttempts).isEqualTo(1);
    assertThat(c.acceptedPoints).isEqualTo(5);
    assertThat(c.loggedPoints).isEqualTo(5);
    assertThat(c.duplicateAttempts).isEqualTo(1);
    assertThat(c.duplicatePoints).isEqualTo(5);
    assertThat(acc.value()).isEqualTo(5L);
  }

  @Test
  void aStageAttemptRerunningAPartition_isIgnored_otherPartitionsAndStagesCount() throws Exception {
    TaskPoints acc = registered(collecting(), 1000);
    acc.merge(attempt(2, 0, 0, 0, 3, true));
    acc.merge(attempt(2, 0, 1, 0, 3, true));
    acc.merge(attempt(2, 1, 0, 0, 3, true)); // map output lost: stage 2 attempt 1 recomputes partition 0
    acc.merge(attempt(4, 0, 0, 0, 3, true)); // another stage, same partition number

    assertThat(driver.flush(Duration.ofSeconds(5))).isTrue();
    DriverPoints.Counts c = driver.counts();
    assertThat(c.acceptedAttempts).isEqualTo(3);
    assertThat(c.loggedPoints).isEqualTo(9);
    assertThat(c.duplicateAttempts).isEqualTo(1);
    assertThat(logged).hasSize(9);
  }

  @Test
  void anAttemptThatDidNotSucceed_isIgnored_evenIfSparkSentIt() throws Exception {
    TaskPoints acc = registered(collecting(), 1000);
    acc.merge(attempt(1, 0, 0, 0, 4, false));
    acc.merge(attempt(1, 0, 0, 1, 4, true)); // the retry counts: the failed one took no slot

    assertThat(driver.flush(Duration.ofSeconds(5))).isTrue();
    assertThat(logged).hasSize(4).allMatch(s -> s.contains("=1.0/"));
    assertThat(driver.counts().duplicateAttempts).isZero();
  }

  @Test
  void emptyCopies_areNoOps_andTakeNoSlot() throws Exception {
    TaskPoints acc = registered(collecting(), 1000);
    TaskPoints empty = new TaskPoints(100, true);
    empty.identify(1, 0, 0, 0, 7L);
    empty.end(true);
    acc.merge(empty);
    acc.merge(attempt(1, 0, 0, 1, 2, true));

    assertThat(driver.flush(Duration.ofSeconds(5))).isTrue();
    assertThat(driver.counts().acceptedAttempts).isEqualTo(1);
    assertThat(logged).hasSize(2);
  }

  @Test
  void pointsKeepTheirExecutorTimestamps() throws Exception {
    TaskPoints acc = registered(collecting(), 1000);
    acc.merge(attempt(1, 0, 2, 0, 2, true));
    assertThat(driver.flush(Duration.ofSeconds(5))).isTrue();
    assertThat(logged).containsExactly("m@2000=0.0/1700000000000", "m@2001=0.0/1700000000001");
  }

  @Test
  void overTheCap_pointsAreDroppedOnTheExecutor_andCountedOnTheDriver() throws Exception {
    TaskPoints acc = registered(collecting(), 1000);
    TaskPoints p = new TaskPoints(3, true);
    p.identify(1, 0, 0, 0, 1L);
    for (int i = 0; i < 10; i++) {
      p.add(null, "m", i, i, 1L);
    }
    p.end(true);
    acc.merge(p);

    assertThat(driver.flush(Duration.ofSeconds(5))).isTrue();
    assertThat(logged).hasSize(3);
    assertThat(driver.counts().droppedPoints).isEqualTo(7);
  }

  @Test
  void aFullQueue_losesTheWholeAttempt_withoutBlockingTheMerge() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    TaskPoints acc = registered((key, value, step, ts) -> {
      try {
        release.await(10, TimeUnit.SECONDS); // a candidate that cannot keep up
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      logged.add(key);
    }, 5);
    acc.merge(attempt(1, 0, 0, 0, 5, true)); // fills the queue
    long start = System.nanoTime();
    acc.merge(attempt(1, 0, 1, 0, 5, true)); // would go past it
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000);
    release.countDown();

    assertThat(driver.flush(Duration.ofSeconds(5))).isTrue();
    DriverPoints.Counts c = driver.counts();
    assertThat(c.loggedPoints).isEqualTo(5);
    assertThat(c.lostPoints).isEqualTo(5);
  }

  @Test
  void refusedPoints_andAnEndedCandidate_areCounted() throws Exception {
    TaskPoints acc = registered((key, value, step, ts) -> {
      if (step == 1) {
        throw new ValidationException(key, "key-characters", "refused by the backend");
      }
      logged.add(key);
    }, 1000);
    acc.merge(attempt(1, 0, 0, 0, 3, true)); // steps 0, 1, 2: step 1 is refused

    assertThat(driver.flush(Duration.ofSeconds(5))).isTrue();
    assertThat(driver.counts().refusedPoints).isEqualTo(1);
    assertThat(driver.counts().loggedPoints).isEqualTo(2);
  }

  @Test
  void afterClose_arrivingPointsAreLost() throws Exception {
    TaskPoints acc = registered(collecting(), 1000);
    assertThat(driver.close(Duration.ofSeconds(5))).isTrue();
    acc.merge(attempt(1, 0, 0, 0, 3, true));
    assertThat(driver.counts().lostPoints).isEqualTo(3);
    assertThat(logged).isEmpty();
  }

  @Test
  void directDelivery_onlyCountsArrive_andASecondDeliveryOfAPartitionIsCountedAsDuplicate() throws Exception {
    TaskPoints acc = registered(null, 1000);
    for (int attemptNumber = 0; attemptNumber < 2; attemptNumber++) {
      TaskPoints p = new TaskPoints(100, false);
      p.identify(5, attemptNumber, 3, 0, 50L + attemptNumber);
      p.add(null, "m", 1.0, 0, 1L);
      p.add(null, "m", 1.0, 1, 1L);
      TaskPoints.Batch taken = p.endAndTake();
      p.recordDelivery(taken.size(), 0);
      assertThat(p.size()).isZero(); // the points stayed on the executor
      acc.merge(p);
    }
    DriverPoints.Counts c = driver.counts();
    assertThat(c.acceptedAttempts).isEqualTo(1);
    assertThat(c.loggedPoints).isEqualTo(2);
    assertThat(c.duplicateAttempts).isEqualTo(1);
    assertThat(c.duplicatePoints).isEqualTo(2);
  }

  @Test
  void theCopyForATask_isEmpty_andHasNoDriverSide() throws Exception {
    TaskPoints acc = registered(collecting(), 1000);
    acc.merge(attempt(1, 0, 0, 0, 2, true));
    TaskPoints copy = acc.copyAndReset();
    assertThat(copy.isZero()).isTrue();
    assertThat(copy.value()).isZero();
    assertThat(copy.taskAttemptId()).isEqualTo(TaskPoints.NO_TASK);
    assertThat(copy.maxPoints()).isEqualTo(100);
    assertThat(copy.shipsPoints()).isTrue();
  }
}
