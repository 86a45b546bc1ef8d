package io.mlops.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfParamsTest {
  private static Map<String, String> conf() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.app.name", "etl");
    conf.put("spark.master", "yarn");
    conf.put("spark.executor.memory", "4g");
    conf.put("spark.sql.shuffle.partitions", "400");
    conf.put("spark.driver.extraJavaOptions", "-Xss4m");
    conf.put("spark.hadoop.fs.s3a.access.key", "AKIA");
    conf.put("spark.hadoop.fs.s3a.endpoint", "s3.example.org");
    conf.put("spark.mlops.test.password", "hunter2");
    return conf;
  }

  @Test
  void theAllowList_andTheSparkVersion_areLogged_otherKeysAreNot() {
    Map<String, String> params = ConfParams.of(conf(), "3.5.9", List.of(), 6000);
    assertThat(params).containsOnly(Map.entry("spark.version", "3.5.9"), Map.entry("spark.app.name", "etl"),
        Map.entry("spark.master", "yarn"), Map.entry("spark.executor.memory", "4g"),
        Map.entry("spark.sql.shuffle.partitions", "400"));
  }

  @Test
  void extraKeysAndPrefixes_areLogged_redacted() {
    Map<String, String> params = ConfParams.of(conf(), "3.5.9",
        List.of("spark.hadoop.fs.s3a.*", "spark.mlops.test.password", "spark.not.set"), 6000);
    assertThat(params)
        .containsEntry("spark.hadoop.fs.s3a.endpoint", "s3.example.org")
        .containsEntry("spark.hadoop.fs.s3a.access.key", ConfRedaction.REPLACEMENT)
        .containsEntry("spark.mlops.test.password", ConfRedaction.REPLACEMENT)
        .doesNotContainKey("spark.not.set")
        .doesNotContainKey("spark.driver.extraJavaOptions");
    assertThat(params.values()).doesNotContain("hunter2", "AKIA");
  }

  @Test
  void theConfsRedactionRegex_isTheOneApplied() {
    Map<String, String> conf = conf();
    conf.put("spark.redaction.regex", "(?i)endpoint");
    Map<String, String> params = ConfParams.of(conf, "3.5.9", List.of("spark.hadoop.fs.s3a.*"), 6000);
    assertThat(params).containsEntry("spark.hadoop.fs.s3a.endpoint", ConfRedaction.REPLACEMENT)
        .containsEntry("spark.hadoop.fs.s3a.access.key", "AKIA"); // Spark's semantics: the regex replaces the default
  }

  @Test
  void aValueLongerThanTheBackendsLimit_isCutToIt() {
    Map<String, String> conf = conf();
    conf.put("spark.executor.memory", "x".repeat(50));
    assertThat(ConfParams.of(conf, "3.5.9", List.of(), 10)).containsEntry("spark.executor.memory", "x".repeat(10));
  }
}
