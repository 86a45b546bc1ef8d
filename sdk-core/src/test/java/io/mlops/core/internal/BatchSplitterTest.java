package io.mlops.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.Metric;
import io.mlops.core.Param;
import io.mlops.core.Tag;
import io.mlops.core.spi.Capabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchSplitterTest {
  private final BatchSplitter splitter = new BatchSplitter(Capabilities.mlflowDefaults("MLflow"));

  @Test
  void split_respectsMlflowCountLimitsAndKeepsOrder() {
    List<Metric> metrics = IntStream.range(0, 2500).mapToObj(i -> Metric.of("m", i, 1, i)).collect(Collectors.toList());
    List<Param> params = IntStream.range(0, 250).mapToObj(i -> Param.of("p" + i, "v")).collect(Collectors.toList());
    List<Tag> tags = IntStream.range(0, 150).mapToObj(i -> Tag.of("t" + i, "v")).collect(Collectors.toList());
    List<BatchSplitter.Batch> batches = new ArrayList<>();
    splitter.split(metrics, params, tags, batches::add);
    for (BatchSplitter.Batch b : batches) {
      assertThat(b.metrics.size()).isLessThanOrEqualTo(1000);
      assertThat(b.params.size()).isLessThanOrEqualTo(100);
      assertThat(b.tags.size()).isLessThanOrEqualTo(100);
      assertThat(b.metrics.size() + b.params.size() + b.tags.size()).isLessThanOrEqualTo(1000);
    }
    assertThat(batches.stream().flatMap(b -> b.metrics.stream()).collect(Collectors.toList())).isEqualTo(metrics);
    assertThat(batches.stream().flatMap(b -> b.params.stream()).collect(Collectors.toList())).isEqualTo(params);
    assertThat(batches.stream().flatMap(b -> b.tags.stream()).collect(Collectors.toList())).isEqualTo(tags);
  }

  @Test
  void split_cutsOnRequestSize() {
    String big = "x".repeat(6000);
    List<Param> params = IntStream.range(0, 100).mapToObj(i -> Param.of("p" + i, big)).collect(Collectors.toList());
    List<Tag> tags = IntStream.range(0, 100).mapToObj(i -> Tag.of("t" + i, "y".repeat(8000)))
        .collect(Collectors.toList());
    List<BatchSplitter.Batch> batches = new ArrayList<>();
    splitter.split(List.of(), params, tags, batches::add);
    assertThat(batches).hasSizeGreaterThan(1);
    for (BatchSplitter.Batch b : batches) {
      long bytes = b.params.stream().mapToLong(p -> p.value().length() + 40).sum()
          + b.tags.stream().mapToLong(t -> t.value().length() + 40).sum();
      assertThat(bytes).isLessThanOrEqualTo(1_000_000);
    }
  }

  @Test
  void utf8Length_countsMultibyteCharacters() {
    assertThat(BatchSplitter.utf8Length("aé步😀")).isEqualTo(1 + 2 + 3 + 4);
  }
}
