package io.mlops.core.internal.search;

import java.math.BigInteger;

/** Comparisons with Python's semantics, shared by the filters and orderings. */
final class Values {
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private Values() {}

  /**
   * Compares strings by Unicode code point, as Python compares {@code str}. {@link String#compareTo} compares
   * UTF-16 units, which orders characters above U+FFFF before U+E000..U+FFFF.
   */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return ca < cb ? -1 : 1;
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    boolean aLeft = i < a.length();
    boolean bLeft = j < b.length();
    return aLeft == bLeft ? 0 : aLeft ? 1 : -1;
  }

  /** Compares two non-NaN doubles as Python does: {@code -0.0} equals {@code 0.0}. */
  static int compareDoubles(double a, double b) {
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** A numeric literal compared with a long attribute as Python compares numbers: exactly. */
  interface NumberLiteral {
    /** Sign of {@code lhs - literal}. */
    int compareFrom(long lhs);
  }

  /**
   * The literal as MLflow reads it for a numeric attribute ({@code SearchUtils._get_value}): an integer token
   * becomes {@code int(value)}, any other number {@code float(value)}.
   */
  static NumberLiteral numberLiteral(String text, boolean integer) {
    return integer ? new IntLiteral(text) : new DoubleLiteral(Double.parseDouble(text));
  }

  /**
   * A literal integer, possibly beyond {@code long}: Python's {@code int(value)} has no bound, so a literal
   * past the range of every timestamp still compares (it is simply larger or smaller than all of them).
   */
  static final class IntLiteral implements NumberLiteral {
    private final long value;
    private final int overflow; // +1 above Long.MAX_VALUE, -1 below Long.MIN_VALUE, else 0

    IntLiteral(String text) {
      BigInteger big = new BigInteger(text);
      if (big.compareTo(LONG_MAX) > 0) {
        value = Long.MAX_VALUE;
        overflow = 1;
      } else if (big.compareTo(LONG_MIN) < 0) {
        value = Long.MIN_VALUE;
        overflow = -1;
      } else {
        value = big.longValue();
        overflow = 0;
      }
    }

    @Override
    public int compareFrom(long lhs) {
      if (overflow != 0) {
        return -overflow;
      }
      return Long.compare(lhs, value);
    }
  }

  /** A double compared with long attributes exactly, as Python compares an {@code int} with a {@code float}. */
  static final class DoubleLiteral implements NumberLiteral {
    private final double value;

    DoubleLiteral(double value) {
      // A numeric literal never parses to NaN, so the comparison is always ordered.
      this.value = value;
    }

    /** Computed without rounding {@code lhs} to a double. */
    @Override
    public int compareFrom(long lhs) {
      if (value >= 0x1p63) {
        return -1;
      }
      if (value < -0x1p63) {
        return 1;
      }
      double floor = Math.floor(value);
      long f = (long) floor;
      if (floor == value) {
        return Long.compare(lhs, f);
      }
      // value lies strictly between f and f + 1
      return lhs <= f ? -1 : 1;
    }
  }
}
