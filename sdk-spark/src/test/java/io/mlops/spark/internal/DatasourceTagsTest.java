package io.mlops.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.MlopsConfig;
import io.mlops.core.TrackingClient;
import io.mlops.spark.MlopsQueryListener;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasourceTagsTest {
  private static final SparkDatasource A = SparkDatasource.of("file:/a", null, "parquet"); // 28 characters
  private static final SparkDatasource B = SparkDatasource.of("file:/b", null, "csv"); // 24
  private static final SparkDatasource C = SparkDatasource.of("file:/c", "3", "json"); // 35

  @TempDir
  Path dir;
  private Tracker tracker;

  @BeforeEach
  void openTracker() {
    tracker = Tracker.builder().trackingUri(dir.resolve("mlruns").toString()).experimentName("tags")
        .journalDirectory(dir.resolve("journal")).shutdownHook(false).systemTags(false).build();
  }

  @AfterEach
  void closeTracker() {
    tracker.close();
  }

  private Map<String, String> storedTags(ActiveCandidate c) throws Exception {
    tracker.flush().get(30, TimeUnit.SECONDS);
    try (TrackingClient client = TrackingClient.create(MlopsConfig.builder().environment(Map.of())
        .systemProperties(new Properties()).trackingUri(dir.resolve("mlruns").toString()).build())) {
      return client.getCandidate(c.id()).data().tags();
    }
  }

  private static List<SparkDatasource> list(SparkDatasource... d) {
    return java.util.Arrays.asList(d);
  }

  @Test
  void linesAreJoinedByNewline_inTheOrderFirstSeen_withoutDuplicates() {
    DatasourceTags tags = new DatasourceTags(8000);
    assertThat(tags.record(list(A, B), list(C))).isTrue();
    assertThat(tags.record(list(B, A), list(C))).isFalse(); // nothing new
    assertThat(tags.readValue()).isEqualTo(A.line() + "\n" + B.line());
    assertThat(tags.writtenValue()).isEqualTo(C.line());
    assertThat(tags.dropped()).isZero();
  }

  @Test
  void aLineThatDoesNotFit_isLeftOutWhole_andCounted_andALaterShorterOneStillFits() {
    int max = A.line().length() + 1 + B.line().length(); // room for A and B exactly
    DatasourceTags tags = new DatasourceTags(max);
    tags.record(list(A, C, B), Collections.emptyList());
    assertThat(tags.readValue()).isEqualTo(A.line() + "\n" + B.line()).hasSize(max);
    assertThat(tags.dropped()).isEqualTo(1);
    tags.record(list(C), Collections.emptyList());
    assertThat(tags.dropped()).isEqualTo(2); // counted each time it is seen
  }

  @Test
  void linesRecordedBeforeTheCandidate_areSetOnItWhenBound_andLaterOnesToo() throws Exception {
    DatasourceTags tags = new DatasourceTags(8000);
    tags.record(list(A), list(B));
    ActiveCandidate c = tracker.startCandidate("bound-later");
    assertThat(tags.bindIfUnbound(c)).isTrue();
    tags.record(list(C), Collections.emptyList());
    assertThat(storedTags(c)).containsEntry(MlopsQueryListener.READ_TAG, A.line() + "\n" + C.line())
        .containsEntry(MlopsQueryListener.WRITTEN_TAG, B.line());
  }

  @Test
  void theApplicationsFirstCandidateStays_andOnlyItReleasesTheApplication() throws Exception {
    String appId = "local-test-" + System.nanoTime();
    ActiveCandidate first = tracker.startCandidate("first");
    ActiveCandidate second = tracker.startCandidate("second");
    assertThat(ApplicationDatasources.bind(appId, first, 8000)).isTrue();
    assertThat(ApplicationDatasources.bind(appId, second, 8000)).isFalse();
    DatasourceTags tags = ApplicationDatasources.forApplication(appId, 8000);
    assertThat(tags.candidate()).isSameAs(first);
    ApplicationDatasources.release(appId, second);
    assertThat(ApplicationDatasources.forApplication(appId, 8000)).isSameAs(tags);
    ApplicationDatasources.release(appId, first);
    DatasourceTags fresh = ApplicationDatasources.forApplication(appId, 8000); // forgotten: a new, unbound one
    assertThat(fresh).isNotSameAs(tags);
    assertThat(fresh.candidate()).isNull();
    ApplicationDatasources.release(appId, null);
  }
}
