package io.mlops.tracking.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MetricRingTest {
  @Test
  void offer_failsWhenFullAndSucceedsAfterDrain() {
    MetricRing ring = new MetricRing(3);
    assertThat(ring.capacity()).isEqualTo(4);
    Object owner = new Object();
    for (int i = 0; i < 4; i++) {
      assertThat(ring.offer(owner, "k", i, 1, i)).isTrue();
    }
    assertThat(ring.offer(owner, "k", 9, 1, 9)).isFalse();
    List<Long> steps = new ArrayList<>();
    assertThat(ring.drain((o, k, v, ts, step) -> steps.add(step), 2)).isEqualTo(2);
    assertThat(ring.offer(owner, "k", 4, 1, 4)).isTrue();
    ring.drain((o, k, v, ts, step) -> steps.add(step), 100);
    assertThat(steps).containsExactly(0L, 1L, 2L, 3L, 4L);
  }

  @Test
  void manyProducers_oneConsumer_everyPointOnceAndInProducerOrder() throws Exception {
    MetricRing ring = new MetricRing(1024);
    int producers = 4;
    int perProducer = 200_000;
    Object[] owners = new Object[producers];
    for (int p = 0; p < producers; p++) {
      owners[p] = "producer-" + p;
    }
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      Thread t = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perProducer; i++) {
          while (!ring.offer(owners[producer], "k", producer, i, i)) {
            Thread.onSpinWait();
          }
        }
      });
      threads.add(t);
      t.start();
    }
    long[] next = new long[producers];
    AtomicBoolean ordered = new AtomicBoolean(true);
    long total = 0;
    start.countDown();
    long expected = (long) producers * perProducer;
    while (total < expected) {
      total += ring.drain((owner, key, value, ts, step) -> {
        int p = (int) value;
        if (owner != owners[p] || step != next[p]) {
          ordered.set(false);
        }
        next[p] = step + 1;
      }, 512);
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(ordered).isTrue();
    for (int p = 0; p < producers; p++) {
      assertThat(next[p]).isEqualTo(perProducer);
    }
    assertThat(ring.claimedCount()).isEqualTo(expected);
  }
}
