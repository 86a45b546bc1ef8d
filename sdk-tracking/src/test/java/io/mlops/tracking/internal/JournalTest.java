package io.mlops.tracking.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.CandidateStatus;
import io.mlops.core.Metric;
import io.mlops.core.Param;
import io.mlops.core.Tag;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path temp;
  private Path dir;

  @org.junit.jupiter.api.BeforeEach
  void setUp() {
    dir = temp.resolve("journal");
  }

  private static JournalRecord batch(String id, int step) {
    return JournalRecord.batch(id, List.of(Metric.of("loss", step / 10.0, 1000 + step, step)),
        List.of(Param.of("p", "ü".repeat(30_000))), List.of(Tag.of("t", "v" + step)));
  }

  private static List<JournalRecord> drain(Journal j) throws Exception {
    List<JournalRecord> out = new ArrayList<>();
    Optional<Journal.Entry> e;
    while ((e = j.peek()).isPresent()) {
      out.add(e.get().record);
      j.ack(e.get());
    }
    return out;
  }

  private List<Path> files(String suffix) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(suffix)).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void appendPeekAck_roundTripsRecordsInOrderAcrossSegments() throws Exception {
    try (Journal j = new Journal(dir, 200_000)) {
      for (int i = 0; i < 10; i++) {
        j.append(batch("c1", i));
      }
      j.append(JournalRecord.end("c1", CandidateStatus.FAILED, 77L));
      assertThat(files(".seg")).hasSizeGreaterThan(1);
      assertThat(j.hasPending()).isTrue();
      List<JournalRecord> records = drain(j);
      assertThat(records).hasSize(11);
      for (int i = 0; i < 10; i++) {
        assertThat(records.get(i).metrics.get(0).step()).isEqualTo(i);
        assertThat(records.get(i).params.get(0).value()).hasSize(30_000);
        assertThat(records.get(i).tags.get(0).value()).isEqualTo("v" + i);
      }
      assertThat(records.get(10).status).isEqualTo(CandidateStatus.FAILED);
      assertThat(records.get(10).endTime).isEqualTo(77L);
      assertThat(j.hasPending()).isFalse();
    }
    assertThat(files(".seg")).isEmpty();
    assertThat(files(".lock")).isEmpty();
    assertThat(dir).as("an empty journal directory is removed").doesNotExist();
  }

  @Test
  void journalThatNeverWrites_createsNothingOnDisk() throws Exception {
    try (Journal j = new Journal(dir)) {
      assertThat(j.hasPending()).isFalse();
      assertThat(j.peek()).isEmpty();
    }
    assertThat(dir).doesNotExist();
  }

  @Test
  void unacknowledgedRecords_areAdoptedByTheNextJournal() throws Exception {
    Journal first = new Journal(dir);
    for (int i = 0; i < 5; i++) {
      first.append(batch("c", i));
    }
    Optional<Journal.Entry> e = first.peek();
    first.ack(e.get());
    first.close(); // like a process that stopped before everything was delivered
    try (Journal second = new Journal(dir)) {
      Optional<Journal.Entry> adopted = second.peek();
      assertThat(adopted.get().mayHaveBeenDelivered()).as("first record after the last ack").isTrue();
      List<JournalRecord> records = drain(second);
      assertThat(records).extracting(r -> r.metrics.get(0).step()).containsExactly(1L, 2L, 3L, 4L);
    }
    assertThat(files(".seg")).isEmpty();
  }

  @Test
  void liveWritersJournal_isNotAdopted() throws Exception {
    try (Journal live = new Journal(dir); Journal other = new Journal(dir)) {
      live.append(batch("c", 1));
      assertThat(other.hasPending()).isFalse();
      assertThat(other.peek()).isEmpty();
      assertThat(live.hasPending()).isTrue();
    }
  }

  @Test
  void tornLastRecord_isSkippedAndEverythingBeforeIsReplayed() throws Exception {
    Journal first = new Journal(dir);
    for (int i = 0; i < 3; i++) {
      first.append(batch("c", i));
    }
    first.close();
    Path seg = files(".seg").get(0);
    try (RandomAccessFile raf = new RandomAccessFile(seg.toFile(), "rw")) {
      raf.setLength(raf.length() - 10); // a crash in the middle of the last write
    }
    try (Journal second = new Journal(dir)) {
      assertThat(drain(second)).extracting(r -> r.metrics.get(0).step()).containsExactly(0L, 1L);
    }
  }

  @Test
  void corruptRecord_endsItsSegmentWithoutFailing() throws Exception {
    Journal first = new Journal(dir);
    for (int i = 0; i < 3; i++) {
      first.append(batch("c", i));
    }
    first.close();
    Path seg = files(".seg").get(0);
    long size = Files.size(seg);
    try (RandomAccessFile raf = new RandomAccessFile(seg.toFile(), "rw")) {
      raf.seek(size - 5);
      raf.write(0x5A); // flip a payload byte of the last record
    }
    try (Journal second = new Journal(dir)) {
      assertThat(drain(second)).hasSize(2);
      assertThat(second.hasPending()).isFalse();
    }
  }

  @Test
  void attemptedFlag_survivesTheDisk() throws Exception {
    try (Journal j = new Journal(dir)) {
      j.append(batch("c", 1).asAttempted(true));
      j.append(batch("c", 2));
      Journal.Entry a = j.peek().get();
      assertThat(a.mayHaveBeenDelivered()).isTrue();
      j.ack(a);
      assertThat(j.peek().get().mayHaveBeenDelivered()).isFalse();
    }
  }

  @Test
  void spilledPoints_areBufferedAndReadBackAsSpilledOnePointBatches() throws Exception {
    String key = "loss/\u03b4\u00e9" + new String(Character.toChars(0x1D49C)); // 1-, 2-, 3-byte and paired chars
    try (Journal j = new Journal(dir)) {
      for (int i = 0; i < 5000; i++) { // more than the 64 KiB buffer holds
        j.appendSpilledPoint("cand1", key, i / 2.0, 1000 + i, i);
      }
      j.append(JournalRecord.end("cand1", CandidateStatus.FINISHED, 5L));
      assertThat(j.hasPending()).isTrue();
      List<JournalRecord> read = drain(j);
      assertThat(read).hasSize(5001);
      for (int i = 0; i < 5000; i++) {
        JournalRecord r = read.get(i);
        assertThat(r.spilled).isTrue();
        assertThat(r.candidateId).isEqualTo("cand1");
        assertThat(r.params).isEmpty();
        assertThat(r.tags).isEmpty();
        assertThat(r.metrics).containsExactly(Metric.of(key, i / 2.0, 1000 + i, i));
        assertThat(r.encode()).isEqualTo(JournalRecord.batch("cand1", List.of(Metric.of(key, i / 2.0, 1000 + i,
            i)), List.of(), List.of()).asSpilled().encode());
      }
      assertThat(read.get(5000).type).isEqualTo(JournalRecord.END);
    }
  }
}
