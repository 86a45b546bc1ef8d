package io.mlops.core.internal.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShortestDoubleTest {
  private static String text(double v) {
    byte[] out = new byte[ShortestDouble.MAX_LENGTH + 8];
    int end = ShortestDouble.write(v, out, 3);
    return new String(out, 3, end - 3, StandardCharsets.US_ASCII);
  }

  private static void check(double v) {
    String ours = text(v);
    assertThat(ours).as("bits %x", Double.doubleToRawLongBits(v)).isEqualTo(NumberOutput.toString(v, true));
    assertThat(Double.parseDouble(ours)).isEqualTo(v);
  }

  @Test
  void write_spellsSpecialValuesAsDoubleToString() {
    assertThat(text(Double.NaN)).isEqualTo("NaN");
    assertThat(text(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
    assertThat(text(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    assertThat(text(0.0)).isEqualTo("0.0");
    assertThat(text(-0.0)).isEqualTo("-0.0");
    assertThat(text(1.0)).isEqualTo("1.0");
    assertThat(text(0.1)).isEqualTo("0.1");
    assertThat(text(1.0E-5)).isEqualTo("1.0E-5");
    assertThat(text(0.001)).isEqualTo("0.001");
    assertThat(text(1234567.0)).isEqualTo("1234567.0");
    assertThat(text(1.2345678E7)).isEqualTo("1.2345678E7");
    assertThat(text(-2.5E300)).isEqualTo("-2.5E300");
    assertThat(text(1.0 / 3)).isEqualTo("0.3333333333333333");
    assertThat(text(Double.MAX_VALUE)).isEqualTo("1.7976931348623157E308");
    assertThat(text(Double.MIN_NORMAL)).isEqualTo("2.2250738585072014E-308");
    assertThat(text(Double.MIN_VALUE)).isEqualTo(NumberOutput.toString(Double.MIN_VALUE, true));
  }

  @Test
  void write_matchesJacksonsSchubfachOnRandomBitPatterns() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 2_000_000; i++) {
      double v = Double.longBitsToDouble(random.nextLong());
      if (!Double.isNaN(v)) {
        check(v);
      }
    }
  }

  @Test
  void write_matchesJacksonsSchubfachOnTypicalMetricValues() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 300_000; i++) {
      check(random.nextDouble());
      check(1.0 / (i + 1));
      check(i);
      check(i / 1000.0);
      check(i * 1e-7);
      check(Math.pow(10, (i % 600) - 300));
      check((i % 1000) * Math.pow(10, (i % 40) - 20));
    }
    for (int e = -1074; e <= 1023; e++) {
      check(Math.scalb(1.0, e));
      check(Math.nextUp(Math.scalb(1.0, e)));
      check(Math.nextDown(Math.scalb(1.0, e)));
    }
  }
}
