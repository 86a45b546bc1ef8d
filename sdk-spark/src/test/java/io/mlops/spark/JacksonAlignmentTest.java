package io.mlops.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateStatus;
import io.mlops.core.Experiment;
import io.mlops.core.Metric;
import io.mlops.core.NewCandidate;
import io.mlops.core.Param;
import io.mlops.core.Tag;
import io.mlops.core.TrackingClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * This module's tests run with Spark's own Jackson (Spark 3.5.9: 2.15.2; Spark 4.2: 2.21.2) instead of the SDK's
 * 2.18.2, and the SDK's local store (JSON with jackson-databind, meta.yaml with jackson-dataformat-yaml) works with
 * it. The versions come from the build (sdk-spark-parent's surefire configuration).
 */
class JacksonAlignmentTest {
  private static final String SPARK_JACKSON = System.getProperty("mlops.test.sparkJacksonVersion");
  private static final String SDK_JACKSON = System.getProperty("mlops.test.sdkJacksonVersion");
  private static final String SCALA = System.getProperty("mlops.test.scalaBinaryVersion");

  @TempDir
  Path dir;

  @Test
  void theTestClasspathHasSparksJackson_onlyOnce() {
    assertThat(SPARK_JACKSON).isNotBlank().isNotEqualTo(SDK_JACKSON);
    assertThat(SDK_JACKSON).isNotBlank();
    assertThat(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString()).isEqualTo(SPARK_JACKSON);
    assertThat(com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString()).isEqualTo(SPARK_JACKSON);
    assertThat(com.fasterxml.jackson.dataformat.yaml.PackageVersion.VERSION.toString()).isEqualTo(SPARK_JACKSON);
    assertThat(com.fasterxml.jackson.module.scala.JacksonModule.class.getPackage().getImplementationVersion())
        .isEqualTo(SPARK_JACKSON);
    String classpath = System.getProperty("java.class.path");
    assertThat(classpath).contains("jackson-module-scala_" + SCALA + "-" + SPARK_JACKSON)
        .doesNotContain("jackson-databind-" + SDK_JACKSON).doesNotContain("jackson-core-" + SDK_JACKSON)
        .doesNotContain("jackson-module-scala_" + SCALA + "-" + SDK_JACKSON);
    assertThat(classpath.split(java.io.File.pathSeparator)).filteredOn(p -> p.contains("scala-library")).hasSize(1);
  }

  @Test
  void theLocalStoreWritesAndReadsBack_withSparksJackson() {
    try (TrackingClient client = SparkTestSessions.client(dir.resolve("mlruns"))) {
      Experiment e = client.getOrCreateExperiment("jackson-" + SPARK_JACKSON);
      CandidateInfo info = client.createCandidate(NewCandidate.builder().experimentId(e.id()).name("c")
          .startTime(1_000L).build());
      client.logBatch(info.id(), List.of(Metric.of("m", 0.5, 2_000L, 3)), List.of(Param.of("p", "v")),
          List.of(Tag.of("t", "x")));
      client.endCandidate(info.id(), CandidateStatus.FINISHED);
      Candidate read = client.getCandidate(info.id());
      assertThat(read.info().status()).isEqualTo(CandidateStatus.FINISHED);
      assertThat(read.info().name()).isEqualTo("c");
      assertThat(read.data().params()).containsEntry("p", "v");
      assertThat(read.data().tags()).containsEntry("t", "x");
      assertThat(client.getMetricHistory(info.id(), "m")).singleElement()
          .satisfies(m -> assertThat(m.step()).isEqualTo(3));
      assertThat(client.getExperimentByName("jackson-" + SPARK_JACKSON).id()).isEqualTo(e.id());
    }
  }
}
