package io.mlops.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SparkDatasourceTest {
  @Test
  void line_isMlflowsForm_pathThenFormat() {
    assertThat(SparkDatasource.of("file:/data/a.parquet", null, "parquet").line())
        .isEqualTo("path=file:/data/a.parquet,format=parquet");
  }

  @Test
  void line_putsTheVersionBetweenPathAndFormat_asMlflowDoesForDelta() {
    assertThat(SparkDatasource.of("s3a://b/t", "12", "delta").line()).isEqualTo("path=s3a://b/t,version=12,format=delta");
  }

  @Test
  void line_namesAnUnknownFormat_unknown() {
    assertThat(SparkDatasource.of("cat.db.t", null, null).line()).isEqualTo("path=cat.db.t,format=unknown");
  }

  @Test
  void lineBreaksInAPath_becomeSpaces_soOneDatasetStaysOneLine() {
    assertThat(SparkDatasource.of("file:/a\nb\rc", "1\n2", "csv").line()).isEqualTo("path=file:/a b c,version=1 2,format=csv");
  }

  @Test
  void equality_coversPathVersionAndFormat() {
    assertThat(SparkDatasource.of("p", null, "csv")).isEqualTo(SparkDatasource.of("p", null, "csv"))
        .hasSameHashCodeAs(SparkDatasource.of("p", null, "csv"))
        .isNotEqualTo(SparkDatasource.of("p", "1", "csv"))
        .isNotEqualTo(SparkDatasource.of("p", null, "json"));
  }
}
