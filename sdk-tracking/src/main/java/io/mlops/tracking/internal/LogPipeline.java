package io.mlops.tracking.internal;

import io.mlops.core.BatchResult;
import io.mlops.core.CandidateStatus;
import io.mlops.core.CandidateUpdate;
import io.mlops.core.Metric;
import io.mlops.core.MlopsServiceException;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.Param;
import io.mlops.core.RefusedEntry;
import io.mlops.core.Tag;
import io.mlops.core.TransportException;
import io.mlops.core.internal.Backoff;
import io.mlops.core.internal.BatchDelivery;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.Capabilities;
import io.mlops.core.spi.Operation;
import io.mlops.core.spi.TrackingStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asynchronous logging pipeline of one tracker (design §5): log calls put metric points into a lock-free
 * {@link MetricRing} and everything else (params, tags, ends, flushes) into a queue of operations; one daemon
 * worker groups the work by candidate, cuts batches at the backend's limits and delivers them, retrying transient
 * failures with jittered exponential backoff. What cannot be delivered goes to the on-disk {@link Journal} and is
 * replayed, in order, when the backend answers again (or by the next pipeline opened on the same journal).
 *
 * <p>The worker talks to the backend's SPI directly, through core's {@link BatchDelivery} (the same refusal
 * isolation {@code TrackingClient.tryLogBatch} uses), never through the public client: the log calls validated
 * every entry already, so it is not validated again; only records adopted from another process's journal are.
 * The pipeline does not own the backend: whoever opened it closes it, after closing the pipeline.
 *
 * <p>Ordering: an operation records the ring's claim count when it is queued, and the worker drains the ring up
 * to that count before running it, so a flush or an end sees every point logged before it.
 */
public final class LogPipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogPipeline.class);
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final int DRAIN_CHUNK = 4096;
  private static final int REPLAY_RECORDS = 8192;
  private static final int REPLAY_WINDOW_ENTITIES = 20_000;
  /** Points drained per worker round, so flushes, ends and replay run even while a producer never pauses. */
  private static final int DRAIN_PER_ROUND = 1 << 16;
  private static final int REPLAY_BATCH_ENTITIES = 10_000;
  /** Distinct refused keys warned about one by one; past this, refusals share one rate-limited warning. */
  private static final int MAX_WARNED_REFUSALS = 10_000;

  /** Full-queue behaviour; mirrors the public enum so the internals do not depend on the API package. */
  public enum Overflow { SPILL, BLOCK, DROP }

  /** How the pipeline runs. */
  public static final class Settings {
    public Duration flushInterval = Duration.ofSeconds(1);
    public int queueCapacity = 1 << 16;
    public Overflow overflow = Overflow.SPILL;
    public Duration blockTimeout = Duration.ofSeconds(5);
    public Duration spillGrace = Duration.ofMillis(5);
    public Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), 4);
    public Duration warningInterval = Duration.ofSeconds(30);
    public Sleeper sleeper = Sleeper.SYSTEM;
  }

  /** Sleeps between retries; replaced in tests. */
  public interface Sleeper {
    Sleeper SYSTEM = nanos -> TimeUnit.NANOSECONDS.sleep(nanos);

    void sleep(long nanos) throws InterruptedException;
  }

  /**
   * Counter values at one moment. The entities this pipeline was given balance:
   * {@code queued = delivered + inJournal + dropped + rejected + (still in memory)}; what it replays from journals
   * of earlier pipelines is counted apart, in {@code recovered} and {@code recoveredRejected}.
   */
  public static final class Counters {
    public final long queued;
    public final long delivered;
    public final long retried;
    public final long journaled;
    public final long inJournal;
    public final long replayed;
    public final long dropped;
    public final long rejected;
    public final long recovered;
    public final long recoveredRejected;
    public final String lastError;

    Counters(long queued, long delivered, long retried, long journaled, long inJournal, long replayed, long dropped,
        long rejected, long recovered, long recoveredRejected, String lastError) {
      this.queued = queued;
      this.delivered = delivered;
      this.retried = retried;
      this.journaled = journaled;
      this.inJournal = inJournal;
      this.replayed = replayed;
      this.dropped = dropped;
      this.rejected = rejected;
      this.recovered = recovered;
      this.recoveredRejected = recoveredRejected;
      this.lastError = lastError;
    }
  }

  private final TrackingStore store;
  private final BatchDelivery delivery;
  private final Capabilities limits;
  /** Capacity of a candidate's list of pending points: one batch (within reason for a backend without a limit). */
  private final int metricBatch;
  private final Settings settings;
  private final MetricRing ring;
  private final Journal journal;
  private final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();
  private final Thread worker;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final RateLimitedWarning warnings;

  private final LongAdder queuedOther = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder retried = new LongAdder();
  private final LongAdder journaled = new LongAdder();
  private final LongAdder replayed = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  /** This pipeline's entities in the journal now: + on append, - when their record is acknowledged. */
  private final LongAdder inJournal = new LongAdder();
  private final LongAdder recovered = new LongAdder();
  private final LongAdder recoveredRejected = new LongAdder();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  /**
   * True while the backend is known down, or the journal holds an outage's backlog (records that live data must
   * queue behind): a full queue then spills at once, since waiting for room would only slow the caller (the grace
   * is for a healthy backend's pauses, not outages). Points spilled from a full queue alone do not set it: a
   * healthy worker that fell behind for a moment must get its grace, or a fast loop would push everything through
   * the journal for good.
   */
  private volatile boolean spillAtOnce;
  /** {@code System.nanoTime()} when the worker began its current delivery (retries included), 0 when idle. */
  private volatile long deliveringSince;

  // worker-thread state
  private final Map<CandidateHandle, Pending> pending = new IdentityHashMap<>();
  /** The candidate of the last point and its entry of {@link #pending}; null once that entry is removed. */
  private CandidateHandle lastCandidate;
  private Pending lastPending;
  private final ReplayDeduplicator dedupe;
  /** Keys whose refusal was warned about (once each); bounded, then refusals share one rate-limited warning. */
  private final java.util.Set<String> warnedRefusals = new java.util.HashSet<>();
  private boolean outage;
  private long nextProbeNanos;
  private int probeAttempt;
  private long acknowledged;
  /**
   * Journaled records whose order matters (all but spilled points) and are not yet replayed.
   */
  private long orderedInJournal;
  /** A dead writer's journal was adopted and is not replayed completely yet: its order is unknown. */
  private boolean adoptedPending;
  private boolean dedupeNextWindow;

  /**
   * Starts a pipeline and its worker. A journal left in the directory by a dead process is replayed first.
   *
   * @throws IOException when the journal directory cannot be opened
   */
  public LogPipeline(Backend backend, Journal journal, Settings settings) {
    this.store = backend.trackingStore();
    this.limits = backend.capabilities();
    this.delivery = new BatchDelivery(store, limits);
    this.metricBatch = Math.min(limits.maxMetricsPerBatch(), 1 << 14);
    this.settings = settings;
    this.ring = new MetricRing(settings.queueCapacity);
    this.journal = journal;
    this.warnings = new RateLimitedWarning(LOG, settings.warningInterval);
    this.dedupe = new ReplayDeduplicator(delivery);
    this.adoptedPending = journal.hasPending();
    this.spillAtOnce = adoptedPending;
    this.worker = new Thread(this::runWorker, "mlops-tracker-worker-" + THREADS.incrementAndGet());
    worker.setDaemon(true);
    worker.setContextClassLoader(null);
    worker.start();
  }

  // ------------------------------------------------------------------ producer side (any thread)

  /** Queues one metric point; lock-free and allocation-free unless the queue is full. */
  public void offerMetric(CandidateHandle candidate, String key, double value, long timestamp, long step) {
    if (!ring.offer(candidate, key, value, timestamp, step)) {
      overflow(candidate, key, value, timestamp, step);
    }
  }

  /** Queues params and tags of a candidate. */
  public void offer(CandidateHandle candidate, List<Param> params, List<Tag> tags) {
    queuedOther.add(params.size() + tags.size());
    enqueue(new DataOp(ring.claimedCount(), candidate, params, tags));
  }

  /** Queues the end of a candidate and returns a flush that completes once the end is durable. */
  public CompletableFuture<Counters> end(CandidateHandle candidate, CandidateStatus status, long endTime) {
    enqueue(new EndOp(ring.claimedCount(), candidate, status, endTime));
    return flush();
  }

  /** Completes when everything queued before this call is in the backend or in the journal. */
  public CompletableFuture<Counters> flush() {
    FlushOp op = new FlushOp(ring.claimedCount());
    if (!worker.isAlive()) {
      op.future.completeExceptionally(new IllegalStateException("the tracker's logging pipeline is closed"));
      return op.future;
    }
    enqueue(op);
    LockSupport.unpark(worker);
    return op.future;
  }

  /**
   * Replays the journal now (instead of waiting for the next probe) and completes when it is empty or the
   * backend fails again.
   */
  public CompletableFuture<Counters> replay() {
    ReplayOp op = new ReplayOp(ring.claimedCount());
    enqueue(op);
    LockSupport.unpark(worker);
    return op.future;
  }

  /** True when the journal holds records not yet delivered. */
  public boolean journalPending() {
    return journal.hasPending();
  }

  /** Counter values now. */
  public Counters counters() {
    return new Counters(ring.claimedCount() + queuedOther.sum(), delivered.sum(), retried.sum(), journaled.sum(),
        Math.max(0, inJournal.sum()), replayed.sum(), dropped.sum(), rejected.sum(), recovered.sum(),
        recoveredRejected.sum(), lastError.get());
  }

  /**
   * Flushes, stops the worker and closes the journal. Waits at most {@code timeout} for the worker; what is
   * still queued then stays undelivered (and is counted as dropped). Idempotent.
   */
  public void close(Duration timeout) {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    FlushOp last = new FlushOp(ring.claimedCount());
    enqueue(last);
    LockSupport.unpark(worker);
    try {
      worker.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (worker.isAlive()) {
      LOG.warn("The tracker's worker did not finish within {}; undelivered entries stay in memory and are lost",
          timeout);
      worker.interrupt();
    }
    try {
      journal.close();
    } catch (IOException e) {
      LOG.warn("Closing the journal in {} failed: {}", journal.directory(), e.toString());
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  private void enqueue(Op op) {
    ops.add(op);
  }

  private void overflow(CandidateHandle candidate, String key, double value, long timestamp, long step) {
    switch (settings.overflow) {
      case BLOCK:
        long deadline = System.nanoTime() + settings.blockTimeout.toNanos();
        while (System.nanoTime() < deadline) {
          LockSupport.unpark(worker);
          Thread.onSpinWait();
          if (ring.offer(candidate, key, value, timestamp, step)) {
            return;
          }
          LockSupport.parkNanos(50_000);
        }
        drop(1, "the queue stayed full for " + settings.blockTimeout + " (BLOCK policy)");
        return;
      case DROP:
        drop(1, "the queue is full (DROP policy)");
        return;
      default:
        // A burst can outrun a healthy worker for a moment: give it a short grace before spilling to disk, so the
        // journal takes real backlogs, not every burst. Not when the backend is known down, the journal holds an
        // outage's backlog, or the worker has been stuck in one delivery for longer than the grace: then waiting
        // would only hold the training loop up (the point goes to the journal at once, in order-free form).
        if (!spillAtOnce && !deliveryStuck()) {
          long graceEnd = System.nanoTime() + settings.spillGrace.toNanos();
          while (System.nanoTime() - graceEnd < 0) {
            LockSupport.unpark(worker);
            Thread.onSpinWait();
            if (ring.offer(candidate, key, value, timestamp, step)) {
              return;
            }
            LockSupport.parkNanos(20_000);
          }
        }
        try {
          journal.appendSpilledPoint(candidate.id, key, value, timestamp, step);
          queuedOther.increment();
          journaled.increment();
          inJournal.increment();
        } catch (IOException e) {
          drop(1, "the queue is full and the journal cannot be written: " + e);
        }
    }
  }

  private boolean deliveryStuck() {
    long since = deliveringSince;
    return since != 0 && System.nanoTime() - since > settings.spillGrace.toNanos();
  }

  private void drop(int n, String why) {
    dropped.add(n);
    warnings.warn("drop", "Dropping logged data: {} (dropped so far: {})", why, dropped.sum());
  }

  // ------------------------------------------------------------------ worker

  private void runWorker() {
    nextFlush = System.nanoTime() + settings.flushInterval.toNanos();
    try {
      while (true) {
        try {
          if (iterate()) {
            return;
          }
        } catch (RuntimeException e) {
          // Never let a backend or store problem end the worker: what it was doing stays in memory or in the
          // journal, and the next iteration tries again.
          lastError.set(describe(e));
          warnings.warn("worker", "The tracker's worker hit an unexpected error and continues: {}", e.toString());
          LockSupport.parkNanos(50_000_000L);
        }
        if (Thread.interrupted() && closing.get()) {
          return;
        }
      }
    } catch (Throwable t) {
      LOG.error("The tracker's logging worker stopped unexpectedly; logged data may be lost", t);
      lastError.set(t.toString());
      failOutstandingFlushes(t);
    }
  }

  private long nextFlush = System.nanoTime();

  /** One round of the worker; returns true when the pipeline has closed. */
  private boolean iterate() {
    boolean busy = drainRing(DRAIN_PER_ROUND) > 0;
    boolean stop = false;
    Op op;
    while ((op = ops.poll()) != null) {
      busy = true;
      try {
        drainRingUpTo(op.ringSequence);
        if (run(op) && closing.get() && ops.isEmpty()) {
          stop = true;
        }
      } catch (RuntimeException e) {
        // a waiting flush must not hang: it completes with the counters, and lastError tells what happened
        if (op instanceof FlushOp) {
          ((FlushOp) op).future.complete(counters());
        } else if (op instanceof ReplayOp) {
          ((ReplayOp) op).future.complete(counters());
        }
        throw e;
      }
    }
    if (System.nanoTime() - nextFlush >= 0) {
      deliverAll();
      nextFlush = System.nanoTime() + settings.flushInterval.toNanos();
    }
    try {
      journal.flush(); // points that log calls spilled to memory go to the segment within one round
    } catch (IOException e) {
      lastError.set(e.toString());
      warnings.warn("journal-write", "Cannot write the journal in {}: {}", journal.directory(), e.toString());
    }
    replayJournal();
    if (stop) {
      return true;
    }
    if (!busy) {
      LockSupport.parkNanos(Math.min(Math.max(nextFlush - System.nanoTime(), 0), 5_000_000L));
    }
    return false;
  }

  private void failOutstandingFlushes(Throwable t) {
    Op op;
    while ((op = ops.poll()) != null) {
      if (op instanceof FlushOp) {
        ((FlushOp) op).future.completeExceptionally(t);
      } else if (op instanceof ReplayOp) {
        ((ReplayOp) op).future.completeExceptionally(t);
      }
    }
  }

  private final MetricRing.Sink toPending = this::acceptPoint;

  private void acceptPoint(Object owner, String key, double value, long ts, long step) {
    CandidateHandle c = (CandidateHandle) owner;
    Pending p = pendingFor(c);
    p.metrics.add(Metric.of(key, value, ts, step));
    if (p.metrics.size() >= limits.maxMetricsPerBatch()) {
      deliver(c, p);
    }
  }

  private int drainRing(long max) {
    int total = 0;
    int n;
    while (total < max && (n = ring.drain(toPending, DRAIN_CHUNK)) > 0) {
      total += n;
    }
    return total;
  }

  /** Drains until every point claimed before {@code sequence} is taken, waiting for producers mid-publish. */
  private void drainRingUpTo(long sequence) {
    while (ring.consumedCount() < sequence) {
      if (ring.drain(toPending, DRAIN_CHUNK) == 0) {
        Thread.onSpinWait(); // a producer claimed a slot and is about to publish it
      }
    }
  }

  /** Runs an operation; returns true for a flush. */
  private boolean run(Op op) {
    if (op instanceof DataOp) {
      DataOp d = (DataOp) op;
      Pending p = pendingFor(d.candidate);
      p.params.addAll(d.params);
      p.tags.addAll(d.tags);
      if (p.params.size() >= limits.maxParamsPerBatch() || p.tags.size() >= limits.maxTagsPerBatch()) {
        deliver(d.candidate, p);
      }
      return false;
    }
    if (op instanceof EndOp) {
      EndOp e = (EndOp) op;
      Pending p = pending.get(e.candidate);
      if (p != null) {
        deliver(e.candidate, p);
      }
      pending.remove(e.candidate);
      if (lastCandidate == e.candidate) {
        lastCandidate = null;
        lastPending = null;
      }
      deliver(JournalRecord.end(e.candidate.id, e.status, e.endTime));
      return false;
    }
    if (op instanceof ReplayOp) {
      nextProbeNanos = System.nanoTime();
      long before;
      do {
        before = acknowledged;
        replayJournal();
      } while (!outage && journal.hasPending() && acknowledged > before);
      ((ReplayOp) op).future.complete(counters());
      return false;
    }
    FlushOp f = (FlushOp) op;
    deliverAll();
    try {
      journal.sync();
    } catch (IOException ex) {
      lastError.set(ex.toString());
    }
    f.future.complete(counters());
    return true;
  }

  private Pending pendingFor(CandidateHandle c) {
    if (c == lastCandidate) {
      return lastPending; // consecutive points nearly always belong to one candidate
    }
    Pending p = pending.get(c);
    if (p == null) {
      p = new Pending(metricBatch);
      pending.put(c, p);
    }
    lastCandidate = c;
    lastPending = p;
    return p;
  }

  private void deliverAll() {
    lastCandidate = null; // its entry is about to go
    lastPending = null;
    for (Iterator<Map.Entry<CandidateHandle, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<CandidateHandle, Pending> e = it.next();
      deliver(e.getKey(), e.getValue());
      it.remove(); // an idle candidate holds no memory
    }
    lastCandidate = null;
    lastPending = null;
  }

  private void deliver(CandidateHandle c, Pending p) {
    if (p.isEmpty()) {
      return;
    }
    // The record takes the lists over (nothing is copied; a store may keep what it is given) and, once it is
    // delivered or journaled, the candidate gets fresh ones, the metrics' sized for a whole batch so that filling it
    // never grows an array. Should the delivery throw, the entries stay pending, as they did when they were copied.
    // The delivery splits a batch further at the backend's size limits when it must.
    List<Metric> metrics = p.metrics;
    List<Param> params = p.params;
    List<Tag> tags = p.tags;
    deliver(JournalRecord.batch(c.id, metrics.isEmpty() ? List.of() : metrics, params.isEmpty() ? List.of() : params,
        tags.isEmpty() ? List.of() : tags));
    if (!metrics.isEmpty()) {
      p.metrics = new ArrayList<>(metricBatch);
    }
    if (!params.isEmpty()) {
      p.params = new ArrayList<>();
    }
    if (!tags.isEmpty()) {
      p.tags = new ArrayList<>();
    }
  }

  /**
   * Delivers with retries, or journals when the backend stays down (or is known down). Retries live here alone:
   * the tracker's client does not retry in its transport, so an outage is declared after
   * {@code backoff.maxRetries + 1} attempts (a timed-out attempt declares it at once), and what is still undelivered
   * then goes to the journal. Only what a failed attempt did not deliver is tried again.
   */
  private void deliver(JournalRecord record) {
    if (outage || orderedInJournal > 0 || adoptedPending) {
      // keeps this record behind journaled ones whose order matters (tags are last-write-wins, an end comes
      // last); spilled metric points carry their own step and timestamp and do not hold live data back
      toJournal(record);
      return;
    }
    Backoff.Sequence delays = settings.backoff.sequence();
    JournalRecord left = record;
    deliveringSince = System.nanoTime() | 1;
    try {
      while (true) {
        Attempt a = attempt(left, false);
        delivered.add(a.delivered);
        rejected.add(a.rejected);
        if (a.rest == null) {
          return;
        }
        left = a.rest;
        lastError.set(describe(a.failure));
        long delay = timedOut(a.failure) ? -1 : delays.next();
        long asked = retryAfterNanos(a.failure);
        if (delay < 0 || asked > delay) {
          // out of retries, a hanging server, or one that asks for a longer pause than ours: the data goes to the
          // journal now, and the first probe waits at least as long as the server asked
          warnings.warn("outage", "The backend is unavailable ({}); logging to the journal in {} until it answers",
              describe(a.failure), journal.directory());
          outage = true;
          spillAtOnce = true;
          probeAttempt = 0;
          nextProbeNanos = System.nanoTime() + Math.max(settings.backoff.delayNanos(probeAttempt++), asked);
          toJournal(left.asAttempted(true));
          return;
        }
        retried.increment();
        sleep(delay);
      }
    } finally {
      deliveringSince = 0;
    }
  }

  /** What one attempt at a record did. */
  private static final class Attempt {
    int delivered;
    int rejected;
    /** What is left to send after a transient failure, or null. */
    JournalRecord rest;
    RuntimeException failure;
  }

  /**
   * Sends a record once: a batch through {@link BatchDelivery}, which isolates refused entities and hands back what
   * a transient failure left undelivered; an end through the store's {@code updateCandidate}. Entries are validated
   * only when {@code validate} is set (records adopted from another process's journal): the log calls of this
   * process validated the others already.
   */
  private Attempt attempt(JournalRecord record, boolean validate) {
    Attempt a = new Attempt();
    try {
      if (record.type == JournalRecord.END) {
        require(Operation.UPDATE_CANDIDATE, "updateCandidate");
        store.updateCandidate(record.candidateId, CandidateUpdate.end(record.status, record.endTime));
        return a;
      }
      if (record.entities() == 0) {
        return a;
      }
      require(Operation.LOG_BATCH, "logBatch");
      BatchResult r = validate
          ? delivery.validateAndDeliver(record.candidateId, record.metrics, record.params, record.tags)
          : delivery.deliverValidated(record.candidateId, record.metrics, record.params, record.tags);
      a.delivered = r.delivered();
      a.rejected = r.refused().size();
      warnRefused(record.candidateId, r.refused());
      if (r.interruption().isPresent()) {
        a.failure = r.interruption().get();
        a.rest = JournalRecord.batch(record.candidateId, r.undeliveredMetrics(), r.undeliveredParams(),
            r.undeliveredTags());
      }
    } catch (RuntimeException e) {
      if (isTransient(e)) {
        a.failure = e;
        a.rest = record;
        return a;
      }
      // a refusal of the whole record: an end the backend will not take, or a failure outside the SDK's errors
      a.delivered = 0;
      a.rejected = record.entities();
      lastError.set(describe(e));
      warnings.warn("rejected", "The backend refused logged data for candidate {} and it is not retried: {}",
          record.candidateId, describe(e));
    }
    return a;
  }

  private void require(Operation op, String name) {
    if (!limits.supports(op)) {
      throw new OperationNotSupportedException(limits.backendName(), name);
    }
  }

  /** Warns once per candidate and key, naming the key and the backend's own message. */
  private void warnRefused(String candidateId, List<RefusedEntry> refused) {
    for (RefusedEntry e : refused) {
      lastError.set(describe(e.reason()));
      String key = candidateId + '\u0000' + e.kind() + '\u0000' + e.key();
      if (warnedRefusals.contains(key)) {
        continue;
      }
      String kind = e.kind().name().toLowerCase(java.util.Locale.ROOT);
      if (warnedRefusals.size() < MAX_WARNED_REFUSALS) {
        warnedRefusals.add(key);
        LOG.warn("The backend refused {} '{}' of candidate {}; it is not retried: {}", kind, e.key(), candidateId,
            e.reason().getMessage());
      } else {
        warnings.warn("rejected", "The backend refused {} '{}' of candidate {}; it is not retried: {}", kind,
            e.key(), candidateId, e.reason().getMessage());
      }
    }
  }

  private void replayJournal() {
    try {
      if (!journal.hasPending()) {
        outage = false;
        orderedInJournal = 0;
        adoptedPending = false;
        spillAtOnce = false;
        dedupe.clear();
        return;
      }
      if (outage && System.nanoTime() - nextProbeNanos < 0) {
        return;
      }
      // While log calls are filling the ring, one window per round: the ring comes first, or a replay of spilled
      // points (up to 64 windows of 20,000) would keep the worker from draining it and make the next calls spill.
      int rounds = ring.claimedCount() - ring.consumedCount() > 0 ? 1 : 64;
      for (int round = 0; round < rounds; round++) {
        List<Journal.Entry> entries = journal.peek(REPLAY_RECORDS, REPLAY_WINDOW_ENTITIES);
        if (entries.isEmpty()) {
          break;
        }
        boolean mayBeThere = dedupeNextWindow;
        for (Journal.Entry e : entries) {
          mayBeThere |= e.mayHaveBeenDelivered();
        }
        // A window comes from one segment, so its records are all this pipeline's or all an earlier one's; its
        // counts are taken when it is acknowledged, since a window that fails part way is sent again.
        Window window = new Window();
        window.adopted = entries.get(0).adopted();
        // Within a window, each candidate's records keep their order; different candidates are independent, so
        // spilled points of interleaved candidates still go out in few large batches.
        Map<String, ReplayGroup> groups = new java.util.LinkedHashMap<>();
        for (Journal.Entry e : entries) {
          JournalRecord r = e.record;
          ReplayGroup g = groups.get(r.candidateId);
          if (r.type != JournalRecord.BATCH || g != null && !g.accepts(r)) {
            if (g != null && !replaySend(g.toRecord(), mayBeThere, window)) {
              return;
            }
            groups.remove(r.candidateId);
            g = null;
          }
          if (r.type != JournalRecord.BATCH) {
            if (!replaySend(r, false, window)) {
              return;
            }
            continue;
          }
          if (g == null) {
            g = new ReplayGroup(r.candidateId);
            groups.put(r.candidateId, g);
          }
          g.add(r);
        }
        for (ReplayGroup g : groups.values()) {
          if (!replaySend(g.toRecord(), mayBeThere, window)) {
            return;
          }
        }
        journal.ack(entries.get(entries.size() - 1));
        acknowledged += entries.size();
        int entities = 0;
        for (Journal.Entry e : entries) {
          entities += e.record.entities();
          if (!e.record.spilled && orderedInJournal > 0) {
            orderedInJournal--;
          }
        }
        if (entries.get(0).adopted()) {
          recovered.add(window.delivered);
          recoveredRejected.add(window.rejected);
        } else {
          delivered.add(window.delivered);
          replayed.add(window.delivered);
          rejected.add(window.rejected);
          inJournal.add(-entities);
        }
        dedupeNextWindow = false;
      }
      if (outage) {
        LOG.info("The backend answers again; replaying the journal in {}", journal.directory());
      }
      outage = false;
      probeAttempt = 0;
      spillAtOnce = orderedInJournal > 0 || adoptedPending;
    } catch (IOException e) {
      lastError.set(e.toString());
      warnings.warn("journal-read", "Cannot read the journal in {}: {}", journal.directory(), e.toString());
    }
  }

  /** What the sends of one replay window did, taken into the counters when the window is acknowledged. */
  private static final class Window {
    long delivered;
    long rejected;
    /** The window comes from another process's journal: its entries are validated before they are sent. */
    boolean adopted;
  }

  /**
   * Sends one replayed record, once. On a transient failure the window is tried again later, with deduplication,
   * since part of it may have been delivered; returns false then.
   */
  private boolean replaySend(JournalRecord record, boolean mayBeThere, Window window) {
    deliveringSince = System.nanoTime() | 1;
    try {
      JournalRecord toSend = record;
      if (mayBeThere) {
        try {
          // reading the backend's histories for deduplication can fail like any other request
          toSend = dedupe.filter(record);
        } catch (RuntimeException e) {
          if (isTransient(e)) {
            return replayFailed(e);
          }
          // a read the backend refuses for good: send as it is (a point may repeat; nothing is lost or stuck)
          lastError.set(describe(e));
        }
      }
      Attempt a = attempt(toSend, window.adopted);
      if (a.rest != null) {
        return replayFailed(a.failure);
      }
      window.delivered += a.delivered + (record.entities() - toSend.entities()); // deduplicated: already there
      window.rejected += a.rejected;
      return true;
    } finally {
      deliveringSince = 0;
    }
  }

  private boolean replayFailed(RuntimeException e) {
    lastError.set(describe(e));
    outage = true;
    spillAtOnce = true;
    dedupeNextWindow = true;
    dedupe.clear(); // part of the window may have gone out: read the backend's histories afresh
    nextProbeNanos = System.nanoTime() + Math.max(settings.backoff.delayNanos(probeAttempt++), retryAfterNanos(e));
    return false;
  }

  /** Consecutive batch records of one candidate merged for replay. */
  private static final class ReplayGroup {
    final String candidateId;
    final List<Metric> metrics = new ArrayList<>();
    final List<Param> params = new ArrayList<>();
    final List<Tag> tags = new ArrayList<>();
    final java.util.Set<String> paramKeys = new java.util.HashSet<>();

    ReplayGroup(String candidateId) {
      this.candidateId = candidateId;
    }

    /** False when merging would exceed the batch size or repeat a param key (a backend refuses that). */
    boolean accepts(JournalRecord r) {
      if (metrics.size() + params.size() + tags.size() + r.entities() > REPLAY_BATCH_ENTITIES) {
        return false;
      }
      for (Param p : r.params) {
        if (paramKeys.contains(p.key())) {
          return false;
        }
      }
      return true;
    }

    void add(JournalRecord r) {
      metrics.addAll(r.metrics);
      params.addAll(r.params);
      tags.addAll(r.tags);
      r.params.forEach(p -> paramKeys.add(p.key()));
    }

    JournalRecord toRecord() {
      return JournalRecord.batch(candidateId, metrics, params, tags);
    }
  }

  private void toJournal(JournalRecord record) {
    try {
      journal.append(record);
      orderedInJournal++;
      spillAtOnce = true;
      journaled.add(record.entities());
      inJournal.add(record.entities());
    } catch (IOException e) {
      drop(record.entities(), "the backend is down and the journal cannot be written: " + e);
    }
  }

  private void sleep(long nanos) {
    try {
      settings.sleeper.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static boolean isTransient(RuntimeException e) {
    return e instanceof TransportException
        || e instanceof MlopsServiceException && ((MlopsServiceException) e).isRetryable();
  }

  /** A request that timed out: the backend hangs, and another attempt would hang as long. */
  private static boolean timedOut(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.io.InterruptedIOException) {
        return true;
      }
    }
    return false;
  }

  /** The server's {@code Retry-After} in nanoseconds (at most an hour); 0 without one. */
  private static long retryAfterNanos(RuntimeException e) {
    if (e instanceof MlopsServiceException) {
      return ((MlopsServiceException) e).retryAfter()
          .map(d -> Math.min(d.toNanos(), TimeUnit.HOURS.toNanos(1))).orElse(0L);
    }
    return 0L;
  }

  private static String describe(RuntimeException e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  // ------------------------------------------------------------------ operations

  private abstract static class Op {
    final long ringSequence;

    Op(long ringSequence) {
      this.ringSequence = ringSequence;
    }
  }

  private static final class DataOp extends Op {
    final CandidateHandle candidate;
    final List<Param> params;
    final List<Tag> tags;

    DataOp(long seq, CandidateHandle candidate, List<Param> params, List<Tag> tags) {
      super(seq);
      this.candidate = candidate;
      this.params = params;
      this.tags = tags;
    }
  }

  private static final class EndOp extends Op {
    final CandidateHandle candidate;
    final CandidateStatus status;
    final long endTime;

    EndOp(long seq, CandidateHandle candidate, CandidateStatus status, long endTime) {
      super(seq);
      this.candidate = candidate;
      this.status = status;
      this.endTime = endTime;
    }
  }

  private static final class FlushOp extends Op {
    final CompletableFuture<Counters> future = new CompletableFuture<>();

    FlushOp(long seq) {
      super(seq);
    }
  }

  private static final class ReplayOp extends Op {
    final CompletableFuture<Counters> future = new CompletableFuture<>();

    ReplayOp(long seq) {
      super(seq);
    }
  }

  private static final class Pending {
    List<Metric> metrics;
    List<Param> params = new ArrayList<>();
    List<Tag> tags = new ArrayList<>();

    Pending(int metricBatch) {
      metrics = new ArrayList<>(metricBatch);
    }

    boolean isEmpty() {
      return metrics.isEmpty() && params.isEmpty() && tags.isEmpty();
    }
  }

  /** Keeps counts of points per candidate and key during one replay, to skip points delivered before a crash. */
  static final class ReplayDeduplicator {
    private final BatchDelivery delivery;
    private final Map<String, Map<PointKey, Integer>> seen = new HashMap<>();

    ReplayDeduplicator(BatchDelivery delivery) {
      this.delivery = delivery;
    }

    JournalRecord filter(JournalRecord record) {
      if (record.type != JournalRecord.BATCH || record.metrics.isEmpty()) {
        return record;
      }
      List<Metric> fresh = new ArrayList<>(record.metrics.size());
      for (Metric m : record.metrics) {
        Map<PointKey, Integer> existing = history(record.candidateId, m.key());
        PointKey k = new PointKey(m);
        Integer n = existing.get(k);
        if (n != null && n > 0) {
          existing.put(k, n - 1); // already in the backend: this is the copy delivered before the crash
        } else {
          fresh.add(m);
        }
      }
      return JournalRecord.batch(record.candidateId, fresh, record.params, record.tags);
    }

    void clear() {
      seen.clear();
    }

    private Map<PointKey, Integer> history(String candidateId, String key) {
      return seen.computeIfAbsent(candidateId + "\u0000" + key, k -> {
        Map<PointKey, Integer> counts = new HashMap<>();
        for (Metric m : delivery.metricHistory(candidateId, key)) {
          counts.merge(new PointKey(m), 1, Integer::sum);
        }
        return counts;
      });
    }

    private static final class PointKey {
      final long timestamp;
      final long step;
      final long valueBits;

      PointKey(Metric m) {
        this.timestamp = m.timestamp();
        this.step = m.step();
        this.valueBits = Double.doubleToLongBits(m.value());
      }

      @Override
      public boolean equals(Object o) {
        if (!(o instanceof PointKey)) {
          return false;
        }
        PointKey k = (PointKey) o;
        return k.timestamp == timestamp && k.step == step && k.valueBits == valueBits;
      }

      @Override
      public int hashCode() {
        return Long.hashCode(timestamp) * 31 * 31 + Long.hashCode(step) * 31 + Long.hashCode(valueBits);
      }
    }
  }
}
