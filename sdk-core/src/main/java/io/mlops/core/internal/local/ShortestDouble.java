package io.mlops.core.internal.local;

import java.math.BigInteger;

/**
 * Writes a double as the shortest decimal that reads back as exactly that double, in
 * {@link Double#toString(double)}'s spelling ({@code 0.5}, {@code 1.0E-5}, {@code 1.2345678E7}, {@code -0.0},
 * {@code NaN}, {@code Infinity}), straight into a byte array: no {@code String}, no per-call object.
 *
 * <p>The digits come from Ulf Adams' Ryū algorithm ("Ryū: fast float-to-string conversion", PLDI 2018): the
 * interval of decimals that round to the double is scaled by a 125-bit power of five (tables computed once, with
 * {@link BigInteger}, when the class loads), and digits are removed while both ends of the interval still differ.
 * Among the shortest decimals it picks the one closest to the double (ties to even), as the JDK 19+ and
 * jackson-core's Schubfach do, so the text is the same as before for every normal double. Subnormal doubles (below
 * 2.2E-308) take jackson-core's formatter, whose rule for them keeps at least two digits.
 */
final class ShortestDouble {
  /** The longest text: {@code -d.ddddddddddddddddE-ddd}. */
  static final int MAX_LENGTH = 24;

  private static final int POW5_INV_BITCOUNT = 125;
  private static final int POW5_BITCOUNT = 125;
  private static final int POW5_INV_TABLE_SIZE = 342;
  private static final int POW5_TABLE_SIZE = 326;
  private static final long[] POW5_INV_LO = new long[POW5_INV_TABLE_SIZE];
  private static final long[] POW5_INV_HI = new long[POW5_INV_TABLE_SIZE];
  private static final long[] POW5_LO = new long[POW5_TABLE_SIZE];
  private static final long[] POW5_HI = new long[POW5_TABLE_SIZE];
  private static final BigInteger MASK_64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final byte[] NAN = {'N', 'a', 'N'};
  private static final byte[] DIGIT_TENS = new byte[100];
  private static final byte[] DIGIT_ONES = new byte[100];
  private static final long[] POW10 = new long[19];
  private static final byte[] INFINITY = {'I', 'n', 'f', 'i', 'n', 'i', 't', 'y'};

  static {
    for (int i = 0; i < 100; i++) {
      DIGIT_TENS[i] = (byte) ('0' + i / 10);
      DIGIT_ONES[i] = (byte) ('0' + i % 10);
    }
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
    BigInteger five = BigInteger.valueOf(5);
    for (int i = 0; i < POW5_TABLE_SIZE; i++) {
      BigInteger pow = five.pow(i);
      int bits = pow.bitLength();
      BigInteger top = bits > POW5_BITCOUNT ? pow.shiftRight(bits - POW5_BITCOUNT)
          : pow.shiftLeft(POW5_BITCOUNT - bits);
      POW5_LO[i] = top.and(MASK_64).longValue();
      POW5_HI[i] = top.shiftRight(64).longValue();
    }
    for (int i = 0; i < POW5_INV_TABLE_SIZE; i++) {
      BigInteger pow = five.pow(i);
      int j = pow.bitLength() - 1 + POW5_INV_BITCOUNT;
      BigInteger inv = BigInteger.ONE.shiftLeft(j).divide(pow).add(BigInteger.ONE);
      POW5_INV_LO[i] = inv.and(MASK_64).longValue();
      POW5_INV_HI[i] = inv.shiftRight(64).longValue();
    }
  }

  private ShortestDouble() {}

  /** Writes {@code value} at {@code pos} (room for {@value #MAX_LENGTH} bytes needed) and returns the end. */
  static int write(double value, byte[] out, int pos) {
    long bits = Double.doubleToRawLongBits(value);
    long mantissa = bits & ((1L << 52) - 1);
    int exponent = (int) ((bits >>> 52) & 0x7ff);
    if (exponent == 0x7ff) {
      if (mantissa != 0) {
        return copy(NAN, out, pos);
      }
      if (bits < 0) {
        out[pos++] = '-';
      }
      return copy(INFINITY, out, pos);
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        if (bits < 0) {
          out[pos++] = '-';
        }
        out[pos] = '0';
        out[pos + 1] = '.';
        out[pos + 2] = '0';
        return pos + 3;
      }
      String s = com.fasterxml.jackson.core.io.NumberOutput.toString(value, true); // subnormal: rare
      for (int i = 0; i < s.length(); i++) {
        out[pos++] = (byte) s.charAt(i);
      }
      return pos;
    }
    if (bits < 0) {
      out[pos++] = '-';
    }
    int e2 = exponent - 1023 - 52 - 2;
    long m2 = (1L << 52) | mantissa;
    boolean acceptBounds = (m2 & 1) == 0;
    long mv = 4 * m2;
    int mmShift = mantissa != 0 || exponent <= 1 ? 1 : 0;

    long vr;
    long vp;
    long vm;
    int e10;
    boolean vmIsTrailingZeros = false;
    boolean vrIsTrailingZeros = false;
    if (e2 >= 0) {
      int q = log10Pow2(e2) - (e2 > 3 ? 1 : 0);
      e10 = q;
      int k = POW5_INV_BITCOUNT + pow5bits(q) - 1;
      int i = -e2 + q + k;
      long lo = POW5_INV_LO[q];
      long hi = POW5_INV_HI[q];
      vr = mulShift(mv, lo, hi, i);
      vp = mulShift(mv + 2, lo, hi, i);
      vm = mulShift(mv - 1 - mmShift, lo, hi, i);
      if (q <= 21) {
        if (mv % 5 == 0) {
          vrIsTrailingZeros = multipleOfPowerOf5(mv, q);
        } else if (acceptBounds) {
          vmIsTrailingZeros = multipleOfPowerOf5(mv - 1 - mmShift, q);
        } else if (multipleOfPowerOf5(mv + 2, q)) {
          vp--;
        }
      }
    } else {
      int q = log10Pow5(-e2) - (-e2 > 1 ? 1 : 0);
      e10 = q + e2;
      int i = -e2 - q;
      int k = pow5bits(i) - POW5_BITCOUNT;
      int j = q - k;
      long lo = POW5_LO[i];
      long hi = POW5_HI[i];
      vr = mulShift(mv, lo, hi, j);
      vp = mulShift(mv + 2, lo, hi, j);
      vm = mulShift(mv - 1 - mmShift, lo, hi, j);
      if (q <= 1) {
        vrIsTrailingZeros = true;
        if (acceptBounds) {
          vmIsTrailingZeros = mmShift == 1;
        } else {
          vp--;
        }
      } else if (q < 63) {
        vrIsTrailingZeros = (mv & ((1L << q) - 1)) == 0;
      }
    }

    int removed = 0;
    int lastRemovedDigit = 0;
    long output;
    if (vmIsTrailingZeros || vrIsTrailingZeros) {
      while (vp / 10 > vm / 10) {
        vmIsTrailingZeros &= vm % 10 == 0;
        vrIsTrailingZeros &= lastRemovedDigit == 0;
        lastRemovedDigit = (int) (vr % 10);
        vr /= 10;
        vp /= 10;
        vm /= 10;
        removed++;
      }
      if (vmIsTrailingZeros) {
        while (vm % 10 == 0) {
          vrIsTrailingZeros &= lastRemovedDigit == 0;
          lastRemovedDigit = (int) (vr % 10);
          vr /= 10;
          vp /= 10;
          vm /= 10;
          removed++;
        }
      }
      if (vrIsTrailingZeros && lastRemovedDigit == 5 && vr % 2 == 0) {
        lastRemovedDigit = 4; // exactly halfway: round to even
      }
      output = vr + ((vr == vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemovedDigit >= 5 ? 1 : 0);
    } else {
      boolean roundUp = false;
      if (vp / 100 > vm / 100) {
        roundUp = vr % 100 >= 50;
        vr /= 100;
        vp /= 100;
        vm /= 100;
        removed += 2;
      }
      while (vp / 10 > vm / 10) {
        roundUp = vr % 10 >= 5;
        vr /= 10;
        vp /= 10;
        vm /= 10;
        removed++;
      }
      output = vr + (vr == vm || roundUp ? 1 : 0);
    }
    return format(output, e10 + removed, out, pos);
  }

  /** Writes {@code digits × 10^exp} as {@code Double.toString} spells it. */
  private static int format(long digits, int exp, byte[] out, int pos) {
    int length = decimalLength(digits);
    // the decimal point goes after `point` digits: value = 0.<digits> × 10^point
    int point = exp + length;
    if (point > 0 && point <= 7) {
      if (length <= point) {
        pos = writeDigits(digits, length, out, pos);
        for (int i = length; i < point; i++) {
          out[pos++] = '0';
        }
        out[pos++] = '.';
        out[pos++] = '0';
        return pos;
      }
      // digits on both sides of the point: write them all, then open a gap for the point
      int end = writeDigits(digits, length, out, pos);
      System.arraycopy(out, pos + point, out, pos + point + 1, length - point);
      out[pos + point] = '.';
      return end + 1;
    }
    if (point <= 0 && point > -3) {
      out[pos++] = '0';
      out[pos++] = '.';
      for (int i = point; i < 0; i++) {
        out[pos++] = '0';
      }
      return writeDigits(digits, length, out, pos);
    }
    // computerized scientific notation: d.ddd E n, with at least one digit after the point
    int first = pos;
    int end = writeDigits(digits, length, out, pos + 1);
    out[first] = out[first + 1];
    out[first + 1] = '.';
    if (length == 1) {
      out[end++] = '0';
    }
    out[end++] = 'E';
    int e = point - 1;
    if (e < 0) {
      out[end++] = '-';
      e = -e;
    }
    if (e >= 100) {
      out[end++] = (byte) ('0' + e / 100);
      e %= 100;
      out[end++] = (byte) ('0' + e / 10);
      out[end++] = (byte) ('0' + e % 10);
    } else if (e >= 10) {
      out[end++] = (byte) ('0' + e / 10);
      out[end++] = (byte) ('0' + e % 10);
    } else {
      out[end++] = (byte) ('0' + e);
    }
    return end;
  }

  /** Writes the {@code length} decimal digits of a non-negative value at {@code pos}; returns the end. */
  static int writeDigits(long value, int length, byte[] out, int pos) {
    int i = pos + length;
    while (value > Integer.MAX_VALUE) { // eight digits at a time with one long division, the rest in ints
      long q = value / 100_000_000L;
      int r = (int) (value - q * 100_000_000L);
      for (int k = 0; k < 4; k++) {
        int r100 = r / 100;
        int d = r - r100 * 100;
        out[--i] = DIGIT_ONES[d];
        out[--i] = DIGIT_TENS[d];
        r = r100;
      }
      value = q;
    }
    int v = (int) value;
    while (v >= 100) {
      int q = v / 100;
      int d = v - q * 100;
      out[--i] = DIGIT_ONES[d];
      out[--i] = DIGIT_TENS[d];
      v = q;
    }
    if (v >= 10) {
      out[--i] = DIGIT_ONES[v];
      out[--i] = DIGIT_TENS[v];
    } else {
      out[--i] = (byte) ('0' + v);
    }
    return pos + length;
  }

  /** Decimal digits of a non-negative value (1 for 0). */
  static int decimalLength(long v) {
    if (v < 10) {
      return 1;
    }
    int len = ((64 - Long.numberOfLeadingZeros(v)) * 1233) >>> 12; // floor(log10(2^bits)), at most one too low
    return v >= POW10[len] ? len + 1 : len;
  }

  private static int copy(byte[] text, byte[] out, int pos) {
    System.arraycopy(text, 0, out, pos, text.length);
    return pos + text.length;
  }

  /** {@code (m × (hi·2^64 + lo)) >> j} for {@code 0 <= m < 2^62}, {@code 64 < j < 128}. */
  private static long mulShift(long m, long lo, long hi, int j) {
    long b0Hi = Math.multiplyHigh(m, lo) + ((lo >> 63) & m); // unsigned high half of m × lo
    long b2Lo = m * hi;
    long b2Hi = Math.multiplyHigh(m, hi);
    long sum = b0Hi + b2Lo;
    if (Long.compareUnsigned(sum, b0Hi) < 0) {
      b2Hi++;
    }
    int shift = j - 64;
    return (b2Hi << (64 - shift)) | (sum >>> shift);
  }

  /** ceil(log2(5^e)), 1 for e = 0. */
  private static int pow5bits(int e) {
    return (int) (((long) e * 1217359) >>> 19) + 1;
  }

  /** floor(log10(2^e)). */
  private static int log10Pow2(int e) {
    return (int) (((long) e * 78913) >>> 18);
  }

  /** floor(log10(5^e)). */
  private static int log10Pow5(int e) {
    return (int) (((long) e * 732923) >>> 20);
  }

  private static boolean multipleOfPowerOf5(long value, int p) {
    int count = 0;
    while (value > 0 && value % 5 == 0) {
      value /= 5;
      count++;
      if (count >= p) {
        return true;
      }
    }
    return count >= p;
  }
}
