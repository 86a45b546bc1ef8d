package io.mlops.tracking.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk journal: append-only segment files of checksummed records, for work that could not reach the
 * backend (an outage, or a full queue under the SPILL policy). Records are replayed in order and acknowledged one
 * by one; the acknowledged offset of each segment is kept in a small {@code .ack} file, replaced atomically.
 *
 * <p>Layout of the directory: {@code <writer>.lock} (held with an OS file lock while the writing process lives),
 * {@code <writer>-<n>.seg} and {@code <writer>-<n>.ack}. A journal opened on a directory adopts the segments of
 * writers whose lock is free (a crashed or killed process) and replays them first. Nothing is created on disk
 * until a record is appended, and an empty directory is removed on close. Record format:
 * {@code int length, int crc32(payload), payload}; a torn or corrupt record ends a segment.
 */
public final class Journal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
  private static final int HEADER = 8;
  static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

  private final Path dir;
  private final String writerId;
  private final long maxSegmentBytes;
  private FileLock lock;
  private final Deque<Segment> pending = new ArrayDeque<>();
  private final List<FileLock> adoptedLocks = new ArrayList<>();
  private final List<String> adoptedWriters = new ArrayList<>();
  private Segment current;
  private long nextSegmentNumber;
  private boolean closed;
  /**
   * Spilled points not yet written to the current segment: a log call that finds the queue full spills here in
   * memory (no system call), and the next {@link #flush()} (the worker runs one every round), append, read, sync or
   * close writes them, so they are held no longer than points in the queue would be.
   */
  private final ByteBuffer spillBuffer = ByteBuffer.allocate(SPILL_BUFFER_BYTES);
  /** Channels of full segments written since the last {@link #sync()}. */
  private final List<FileChannel> unsynced = new ArrayList<>();
  private final CRC32 spillCrc = new CRC32();
  private static final int SPILL_BUFFER_BYTES = 64 << 10;

  /** Opens a journal in {@code dir}, adopting the segments of dead writers. */
  public Journal(Path dir) throws IOException {
    this(dir, DEFAULT_SEGMENT_BYTES);
  }

  Journal(Path dir, long maxSegmentBytes) throws IOException {
    this.dir = dir;
    this.maxSegmentBytes = maxSegmentBytes;
    this.writerId = System.currentTimeMillis() + "-" + UUID.randomUUID().toString().substring(0, 8);
    if (Files.isDirectory(dir)) {
      adoptOrphans();
    }
  }

  /** The journal directory. */
  public Path directory() {
    return dir;
  }

  /** Appends a record (any thread). The data reaches the disk at the latest on {@link #sync()}. */
  public void append(JournalRecord record) throws IOException {
    byte[] payload = record.encode(); // outside the lock: a spilling log call never waits for an encoding
    append(payload);
  }

  private synchronized void append(byte[] payload) throws IOException {
    ensureOpen();
    flushSpilled();
    if (current == null || current.size + HEADER + payload.length > maxSegmentBytes && current.size > 0) {
      startSegment();
    }
    CRC32 crc = new CRC32();
    crc.update(payload);
    ByteBuffer buf = ByteBuffer.allocate(HEADER + payload.length);
    buf.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
    while (buf.hasRemaining()) {
      current.channel.write(buf);
    }
    current.size += HEADER + payload.length;
  }

  /**
   * Appends one metric point that a log call spilled from a full queue, as a spilled one-point batch record (the
   * same bytes {@link JournalRecord#encode()} writes). It goes to an in-memory buffer without allocating, so a
   * spilling log call stays in the sub-microsecond range; the buffer reaches the segment at the next
   * {@link #flush()}.
   */
  public synchronized void appendSpilledPoint(String candidateId, String key, double value, long timestamp,
      long step) throws IOException {
    ensureOpen();
    int payload = 2 + 2 + modifiedUtf8Length(candidateId) + 4 + 2 + modifiedUtf8Length(key) + 24 + 4 + 4;
    if (spillBuffer.remaining() < HEADER + payload) {
      flushSpilled();
    }
    if (spillBuffer.remaining() < HEADER + payload) {
      // larger than the whole buffer cannot happen (ids and keys are short), but never drop a point over it
      append(JournalRecord.batch(candidateId, java.util.List.of(io.mlops.core.Metric.of(key, value, timestamp,
          step)), java.util.List.of(), java.util.List.of()).asSpilled().encode());
      return;
    }
    int start = spillBuffer.position();
    spillBuffer.position(start + HEADER);
    spillBuffer.put(JournalRecord.BATCH).put((byte) 2); // flags: spilled
    putModifiedUtf8(spillBuffer, candidateId);
    spillBuffer.putInt(1);
    putModifiedUtf8(spillBuffer, key);
    spillBuffer.putDouble(value).putLong(timestamp).putLong(step);
    spillBuffer.putInt(0).putInt(0); // no params, no tags
    spillCrc.reset();
    spillCrc.update(spillBuffer.array(), start + HEADER, payload);
    spillBuffer.putInt(start, payload).putInt(start + 4, (int) spillCrc.getValue());
  }

  /** Writes the spilled points buffered in memory to the current segment (the disk sees them at {@link #sync()}). */
  public synchronized void flush() throws IOException {
    if (!closed) {
      flushSpilled();
    }
  }

  private void flushSpilled() throws IOException {
    if (spillBuffer.position() == 0) {
      return;
    }
    if (current == null || current.size + spillBuffer.position() > maxSegmentBytes && current.size > 0) {
      startSegment();
    }
    spillBuffer.flip();
    int n = spillBuffer.remaining();
    while (spillBuffer.hasRemaining()) {
      current.channel.write(spillBuffer);
    }
    spillBuffer.clear();
    current.size += n;
  }

  /** The length of {@link java.io.DataOutputStream#writeUTF}'s encoding, without the two length bytes. */
  private static int modifiedUtf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n += c >= 0x0001 && c <= 0x007F ? 1 : c <= 0x07FF ? 2 : 3;
    }
    return n;
  }

  /** {@link java.io.DataOutputStream#writeUTF}'s encoding into a buffer. */
  private static void putModifiedUtf8(ByteBuffer b, String s) {
    b.putShort((short) modifiedUtf8Length(s));
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x0001 && c <= 0x007F) {
        b.put((byte) c);
      } else if (c <= 0x07FF) {
        b.put((byte) (0xC0 | (c >> 6))).put((byte) (0x80 | (c & 0x3F)));
      } else {
        b.put((byte) (0xE0 | (c >> 12))).put((byte) (0x80 | ((c >> 6) & 0x3F))).put((byte) (0x80 | (c & 0x3F)));
      }
    }
  }

  /** Forces appended records, buffered spilled points included, to the disk. */
  public void sync() throws IOException {
    List<FileChannel> toForce;
    synchronized (this) {
      if (closed) {
        return;
      }
      flushSpilled();
      toForce = new ArrayList<>(unsynced);
      unsynced.clear();
      if (current != null) {
        toForce.add(current.channel);
      }
    }
    // fsync outside the lock: it can take long on a busy disk, and appends (a spilling log call) must not wait
    for (FileChannel ch : toForce) {
      try {
        ch.force(false);
      } catch (java.nio.channels.ClosedChannelException retired) {
        // a segment replayed and deleted meanwhile needs no forcing
      }
    }
  }

  /** True when some record has not been acknowledged. */
  public synchronized boolean hasPending() {
    if (spillBuffer.position() > 0) {
      return true;
    }
    for (Segment s : pending) {
      if (s.acked < Math.min(s.size, s.end)) {
        return true;
      }
    }
    return false;
  }

  /** A record read for replay, with the position to acknowledge. */
  public static final class Entry {
    final Segment segment;
    final long next;
    /** The record. */
    public final JournalRecord record;

    final boolean firstOfAdopted;

    Entry(Segment segment, long offset, long next, JournalRecord record) {
      this.segment = segment;
      this.next = next;
      this.record = record;
      this.firstOfAdopted = segment.adopted && offset == segment.initialAck;
    }

    /** True when the record comes from the journal of an earlier writer (a crashed or closed process). */
    public boolean adopted() {
      return segment.adopted;
    }

    /**
     * True when the backend may hold this record already: its delivery was attempted before it was journaled,
     * or it is where a dead writer stopped acknowledging (it may have crashed between delivery and ack).
     */
    public boolean mayHaveBeenDelivered() {
      return record.attempted || firstOfAdopted;
    }
  }

  /** The oldest unacknowledged record, if any. */
  public Optional<Entry> peek() throws IOException {
    List<Entry> one = peek(1, Integer.MAX_VALUE);
    return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
  }

  /**
   * Up to {@code max} consecutive unacknowledged records of the oldest segment, in order. Acknowledging the last
   * one acknowledges them all.
   */
  public List<Entry> peek(int max) throws IOException {
    return peek(max, Integer.MAX_VALUE);
  }

  /**
   * Like {@link #peek(int)}, also stopping once the records hold {@code maxEntities} metrics, params and tags.
   * The records are read outside the journal's lock (up to the segment's length when the call began), so that
   * appends, above all a log call spilling a point, never wait for this disk read. One thread peeks and acks.
   */
  public List<Entry> peek(int max, int maxEntities) throws IOException {
    Segment s;
    long from;
    long size;
    synchronized (this) {
      flushSpilled();
      while (true) {
        if (pending.isEmpty()) {
          return new ArrayList<>();
        }
        s = pending.peekFirst();
        size = Math.min(s.channel == null ? Files.size(s.path) : s.size, s.end);
        if (s.acked + HEADER <= size) {
          break;
        }
        if (s == current) {
          return new ArrayList<>();
        }
        retire(pending.pollFirst());
      }
      from = s.acked;
    }
    List<Entry> out = new ArrayList<>();
    try (FileChannel in = FileChannel.open(s.path, StandardOpenOption.READ)) {
      Region region = new Region(in, size);
      long pos = from;
      int entities = 0;
      while (out.size() < max && entities < maxEntities && pos + HEADER <= size) {
        ByteBuffer header = region.at(pos, HEADER);
        int length = header.getInt();
        int crc = header.getInt();
        if (length < 0 || pos + HEADER + length > size) {
          torn(s, "a torn record", pos);
          break;
        }
        ByteBuffer payload = region.at(pos + HEADER, length);
        byte[] bytes = new byte[length];
        payload.get(bytes);
        CRC32 check = new CRC32();
        check.update(bytes);
        if ((int) check.getValue() != crc) {
          torn(s, "a record with a bad checksum", pos);
          break;
        }
        long next = pos + HEADER + length;
        Entry e = new Entry(s, pos, next, JournalRecord.decode(bytes));
        out.add(e);
        entities += e.record.entities();
        pos = next;
      }
    }
    return out;
  }

  /** Reads a segment in large chunks, so a window of small records costs a few system calls. */
  private static final class Region {
    private static final int CHUNK = 4 << 20;
    private final FileChannel in;
    private final long size;
    private ByteBuffer buffer = ByteBuffer.allocate(0);
    private long start;

    Region(FileChannel in, long size) {
      this.in = in;
      this.size = size;
    }

    /** A buffer positioned at {@code position}, holding at least {@code length} bytes. */
    ByteBuffer at(long position, int length) throws IOException {
      if (position < start || position + length > start + buffer.limit()) {
        int want = (int) Math.min(Math.max(CHUNK, length), size - position);
        if (buffer.capacity() < want) {
          buffer = ByteBuffer.allocate(want);
        }
        buffer.clear().limit(want);
        readFully(in, buffer, position);
        buffer.flip();
        start = position;
      }
      ByteBuffer view = buffer.duplicate();
      view.position((int) (position - start));
      view.limit((int) (position - start) + length);
      return view;
    }
  }

  /** Marks a record (and every record before it in its segment) delivered. */
  public void ack(Entry entry) throws IOException {
    Segment s = entry.segment;
    synchronized (this) {
      s.acked = entry.next;
    }
    // the ack file outside the lock: only the reading thread acks, and appends need not wait for this write
    Path tmp = dir.resolve(s.name + ".ack.tmp");
    Files.write(tmp, ByteBuffer.allocate(8).putLong(s.acked).array());
    Files.move(tmp, dir.resolve(s.name + ".ack"), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** Closes the journal; segments with unacknowledged records stay for the next process. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    flushSpilled();
    closed = true;
    for (Segment s : new ArrayList<>(pending)) {
      if (s.channel != null) {
        s.channel.close();
      }
      if (s.acked >= Math.min(s.size, s.end)) {
        delete(s);
      }
    }
    if (lock != null) {
      releaseWriterLock(writerId, lock);
    }
    for (int i = 0; i < adoptedLocks.size(); i++) {
      releaseWriterLock(adoptedWriters.get(i), adoptedLocks.get(i));
    }
    if (Files.isDirectory(dir)) {
      try (Stream<Path> left = Files.list(dir)) {
        if (!left.findAny().isPresent()) {
          Files.deleteIfExists(dir);
        }
      } catch (IOException e) {
        // another process may be using the directory; leaving it is harmless
      }
    }
  }

  /** Releases a writer's lock; its lock file goes only once none of its segments is left, so a crash during
   * replay leaves the segments adoptable by the next process. */
  private void releaseWriterLock(String writer, FileLock writerLock) throws IOException {
    boolean anyLeft;
    try (Stream<Path> files = Files.list(dir)) {
      anyLeft = files.anyMatch(p -> p.getFileName().toString().startsWith(writer + "-"));
    }
    if (!anyLeft) {
      Files.deleteIfExists(dir.resolve(writer + ".lock"));
    }
    writerLock.release();
    writerLock.channel().close();
  }

  /** A damaged record ends a segment (not the one being written, whose last record may still be arriving). */
  private synchronized void torn(Segment s, String what, long offset) {
    if (s != current) {
      LOG.warn("Journal segment {} ends with {} at offset {}; the rest of it is skipped", s.path, what, offset);
      s.end = offset;
    }
  }

  private void startSegment() throws IOException {
    if (lock == null) {
      Files.createDirectories(dir);
      FileChannel ch = FileChannel.open(dir.resolve(writerId + ".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      lock = ch.lock();
    }
    if (current != null) {
      unsynced.add(current.channel); // forced at the next sync(), outside the lock, not here under it
    }
    String name = writerId + "-" + String.format("%010d", nextSegmentNumber++);
    Segment s = new Segment(name, dir.resolve(name + ".seg"), false);
    s.channel = FileChannel.open(s.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    current = s;
    pending.addLast(s);
  }

  private void retire(Segment s) throws IOException {
    if (s.channel != null) {
      s.channel.close();
    }
    delete(s);
  }

  private void delete(Segment s) throws IOException {
    Files.deleteIfExists(s.path);
    Files.deleteIfExists(dir.resolve(s.name + ".ack"));
  }

  private void adoptOrphans() throws IOException {
    List<Path> locks;
    try (Stream<Path> files = Files.list(dir)) {
      locks = files.filter(p -> p.getFileName().toString().endsWith(".lock")).sorted().collect(Collectors.toList());
    }
    for (Path lockFile : locks) {
      String writer = lockFile.getFileName().toString().replace(".lock", "");
      if (writer.equals(writerId)) {
        continue;
      }
      FileChannel ch;
      try {
        ch = FileChannel.open(lockFile, StandardOpenOption.WRITE);
      } catch (java.nio.file.NoSuchFileException gone) {
        continue; // finished by its owner meanwhile
      }
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException sameJvm) {
        l = null;
      }
      if (l == null) {
        ch.close(); // a live writer
        continue;
      }
      adoptedLocks.add(l);
      adoptedWriters.add(writer);
      List<Path> segments;
      try (Stream<Path> files = Files.list(dir)) {
        segments = files.filter(p -> {
          String n = p.getFileName().toString();
          return n.startsWith(writer + "-") && n.endsWith(".seg");
        }).sorted().collect(Collectors.toList());
      }
      for (Path seg : segments) {
        String name = seg.getFileName().toString().replace(".seg", "");
        Segment s = new Segment(name, seg, true);
        s.size = Files.size(seg);
        Path ack = dir.resolve(name + ".ack");
        if (Files.exists(ack)) {
          s.acked = ByteBuffer.wrap(Files.readAllBytes(ack)).getLong();
        }
        s.initialAck = s.acked;
        pending.addLast(s);
      }
      if (!segments.isEmpty()) {
        LOG.info("Adopting {} journal segment(s) left by writer {} in {} for replay", segments.size(), writer, dir);
      }
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of journal segment");
      }
      pos += n;
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("journal is closed");
    }
  }

  /** One segment file. */
  static final class Segment {
    final String name;
    final Path path;
    final boolean adopted;
    FileChannel channel;
    long size;
    long acked;
    long initialAck;
    /** Where the readable records end: before a torn or corrupt one, else at the end of the file. */
    long end = Long.MAX_VALUE;

    Segment(String name, Path path, boolean adopted) {
      this.name = name;
      this.path = path;
      this.adopted = adopted;
    }
  }
}
