package io.mlops.tracking.internal;

import io.mlops.core.CandidateStatus;
import io.mlops.core.Metric;
import io.mlops.core.Param;
import io.mlops.core.Tag;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One unit of work for a backend: a batch of a candidate's metrics, params and tags, or the end of a candidate.
 * Encoded with {@link DataOutputStream} for the journal.
 */
public final class JournalRecord {
  static final byte BATCH = 1;
  static final byte END = 2;

  final byte type;
  final String candidateId;
  final List<Metric> metrics;
  final List<Param> params;
  final List<Tag> tags;
  final CandidateStatus status;
  final long endTime;
  /** True when a delivery was attempted before journaling, so the backend may hold part of it already. */
  final boolean attempted;
  /** True for a metric point spilled by a log call (full queue): its order relative to live data is free. */
  final boolean spilled;

  private JournalRecord(byte type, String candidateId, List<Metric> metrics, List<Param> params, List<Tag> tags,
      CandidateStatus status, long endTime) {
    this(type, candidateId, metrics, params, tags, status, endTime, false, false);
  }

  private JournalRecord(byte type, String candidateId, List<Metric> metrics, List<Param> params, List<Tag> tags,
      CandidateStatus status, long endTime, boolean attempted, boolean spilled) {
    this.attempted = attempted;
    this.spilled = spilled;
    this.type = type;
    this.candidateId = candidateId;
    this.metrics = metrics;
    this.params = params;
    this.tags = tags;
    this.status = status;
    this.endTime = endTime;
  }

  /** A batch of data for one candidate. */
  public static JournalRecord batch(String candidateId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    return new JournalRecord(BATCH, candidateId, metrics, params, tags, null, 0L);
  }

  /** The end of a candidate. */
  public static JournalRecord end(String candidateId, CandidateStatus status, long endTime) {
    return new JournalRecord(END, candidateId, List.of(), List.of(), List.of(), status, endTime);
  }

  /** This record, marked as attempted (or not). */
  JournalRecord asAttempted(boolean wasAttempted) {
    return new JournalRecord(type, candidateId, metrics, params, tags, status, endTime, wasAttempted, spilled);
  }

  /** This record, marked as spilled from a full queue. */
  JournalRecord asSpilled() {
    return new JournalRecord(type, candidateId, metrics, params, tags, status, endTime, attempted, true);
  }

  /** Metrics, params and tags in this record. */
  int entities() {
    return metrics.size() + params.size() + tags.size();
  }

  byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + metrics.size() * 40);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(type);
      out.writeByte((attempted ? 1 : 0) | (spilled ? 2 : 0));
      out.writeUTF(candidateId);
      if (type == END) {
        out.writeByte(status.number());
        out.writeLong(endTime);
      } else {
        out.writeInt(metrics.size());
        for (Metric m : metrics) {
          out.writeUTF(m.key());
          out.writeDouble(m.value());
          out.writeLong(m.timestamp());
          out.writeLong(m.step());
        }
        out.writeInt(params.size());
        for (Param p : params) {
          writeLongUtf(out, p.key());
          writeLongUtf(out, p.value());
        }
        out.writeInt(tags.size());
        for (Tag t : tags) {
          writeLongUtf(out, t.key());
          writeLongUtf(out, t.value());
        }
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory encoding failed", e);
    }
  }

  static JournalRecord decode(byte[] data) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
    byte type = in.readByte();
    int flags = in.readByte();
    boolean attempted = (flags & 1) != 0;
    boolean spilled = (flags & 2) != 0;
    String id = in.readUTF();
    if (type == END) {
      CandidateStatus status = CandidateStatus.fromNumber(in.readByte());
      return end(id, status, in.readLong()).asAttempted(attempted);
    }
    if (type != BATCH) {
      throw new IOException("unknown journal record type " + type);
    }
    int n = in.readInt();
    List<Metric> metrics = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      metrics.add(Metric.of(in.readUTF(), in.readDouble(), in.readLong(), in.readLong()));
    }
    n = in.readInt();
    List<Param> params = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      params.add(Param.of(readLongUtf(in), readLongUtf(in)));
    }
    n = in.readInt();
    List<Tag> tags = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      tags.add(Tag.of(readLongUtf(in), readLongUtf(in)));
    }
    JournalRecord r = batch(id, metrics, params, tags).asAttempted(attempted);
    return spilled ? r.asSpilled() : r;
  }

  // writeUTF is limited to 65535 bytes; tag values may be 8000 characters of up to 3 bytes each
  private static void writeLongUtf(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readLongUtf(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }
}
