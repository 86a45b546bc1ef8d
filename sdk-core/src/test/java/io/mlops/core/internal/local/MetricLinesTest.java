package io.mlops.core.internal.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.Metric;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metric lines as the store writes them ({@link MetricLineEncoder}): the shortest exact decimal, read back bit for bit. */
class MetricLinesTest {
  @TempDir Path dir;

  private static final double[] EDGES = {
      Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, Double.MIN_VALUE,
      -Double.MIN_VALUE, Double.MIN_NORMAL, Math.nextDown(Double.MIN_NORMAL), Double.MAX_VALUE, -Double.MAX_VALUE,
      1e-5, 1e7, 1e23, 9.999999999999999e22, 0.1, 0.30000000000000004, 123456789.0, 2.2250738585072014E-308,
      4.9e-324, 1.0 / 3, Math.PI, -Math.E};

  /** The line the store writes for one point. */
  private static String line(long timestamp, double value, long step) {
    byte[] out = new byte[MetricLineEncoder.MAX_LINE_BYTES];
    return new String(out, 0, MetricLineEncoder.encode(out, 0, timestamp, value, step), StandardCharsets.US_ASCII);
  }

  private static String formatValue(double value) {
    String line = line(0, value, 0);
    return line.substring(2, line.length() - 3); // "0 <value> 0\n"
  }

  @Test
  void lines_spellLongsPlainly_andLongMinValueToo() {
    assertThat(line(1_700_000_000_000L, 0.5, 42)).isEqualTo("1700000000000 0.5 42\n");
    assertThat(line(-1, -2.0, Long.MIN_VALUE)).isEqualTo("-1 -2.0 " + Long.MIN_VALUE + "\n");
    assertThat(line(Long.MIN_VALUE, -Double.MIN_NORMAL, Long.MIN_VALUE).length())
        .isLessThanOrEqualTo(MetricLineEncoder.MAX_LINE_BYTES);
  }

  @Test
  void formatValue_usesDoubleToStringsSpellingForEdgeValues() {
    assertThat(formatValue(Double.NaN)).isEqualTo("NaN");
    assertThat(formatValue(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
    assertThat(formatValue(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    assertThat(formatValue(-0.0)).isEqualTo("-0.0");
    assertThat(formatValue(1e-5)).isEqualTo("1.0E-5");
    assertThat(formatValue(4.9e-324)).isEqualTo("4.9E-324");
    assertThat(formatValue(0.1)).isEqualTo("0.1");
    assertThat(formatValue(1e7)).isEqualTo("1.0E7");
  }

  @Test
  void everyValue_roundTripsExactly_edgesSubnormalsAndRandomBits() throws Exception {
    List<Metric> points = new ArrayList<>();
    long step = 0;
    for (double v : EDGES) {
      points.add(Metric.of("m", v, 1_700_000_000_000L, step++));
    }
    SplittableRandom random = new SplittableRandom(42);
    while (points.size() < 20_000) {
      double v = Double.longBitsToDouble(random.nextLong()); // every exponent, subnormals included
      if (!Double.isNaN(v)) {
        points.add(Metric.of("m", v, 1_700_000_000_000L, step++));
      }
    }
    byte[] bytes = new byte[points.size() * MetricLineEncoder.MAX_LINE_BYTES];
    int end = 0;
    for (Metric p : points) {
      end = MetricLineEncoder.encode(bytes, end, p.timestamp(), p.value(), p.step());
    }
    Path file = dir.resolve("m");
    Files.write(file, java.util.Arrays.copyOf(bytes, end));

    List<Metric> read = MetricLines.read(file, "m");

    assertThat(read).hasSize(points.size());
    for (int i = 0; i < points.size(); i++) {
      assertThat(Double.doubleToLongBits(read.get(i).value())).as("point %d: %s", i, points.get(i).value())
          .isEqualTo(Double.doubleToLongBits(points.get(i).value()));
      double parsed = Double.parseDouble(formatValue(points.get(i).value()));
      assertThat(Double.doubleToLongBits(parsed)).isEqualTo(Double.doubleToLongBits(points.get(i).value()));
    }
  }
}
