package io.mlops.core.internal.local;

/**
 * Encodes one metric point as the line of MLflow's file store, {@code "<timestamp> <value> <step>\n"}, in ASCII
 * bytes straight into a caller's array: the value as the shortest decimal that reads back exactly
 * ({@link ShortestDouble}, in {@code Double.toString}'s spelling, which Python's {@code float()} reads), the longs
 * in plain digits. Allocation-free; public (in an internal package) so that the benchmarks' append limit formats
 * lines with the very code the store uses.
 */
public final class MetricLineEncoder {
  /** The longest line: two 20-character longs, a 24-character double, two spaces and the newline. */
  public static final int MAX_LINE_BYTES = 20 + 1 + ShortestDouble.MAX_LENGTH + 1 + 20 + 1;

  private MetricLineEncoder() {}

  /** Writes the line at {@code pos}, which needs {@value #MAX_LINE_BYTES} bytes of room; returns its end. */
  public static int encode(byte[] out, int pos, long timestamp, double value, long step) {
    pos = writeLong(timestamp, out, pos);
    out[pos++] = ' ';
    pos = ShortestDouble.write(value, out, pos);
    out[pos++] = ' ';
    pos = writeLong(step, out, pos);
    out[pos++] = '\n';
    return pos;
  }

  /** Writes a long in decimal, as {@link Long#toString(long)} does; returns the end. */
  static int writeLong(long v, byte[] out, int pos) {
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        String s = Long.toString(v);
        for (int i = 0; i < s.length(); i++) {
          out[pos++] = (byte) s.charAt(i);
        }
        return pos;
      }
      out[pos++] = '-';
      v = -v;
    }
    return ShortestDouble.writeDigits(v, ShortestDouble.decimalLength(v), out, pos);
  }
}
