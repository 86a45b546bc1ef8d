package io.mlops.core.internal.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.ArtifactInfo;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateQuery;
import io.mlops.core.CandidateStatus;
import io.mlops.core.CandidateUpdate;
import io.mlops.core.Experiment;
import io.mlops.core.ExperimentQuery;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.LifecycleStage;
import io.mlops.core.Metric;
import io.mlops.core.NewCandidate;
import io.mlops.core.Param;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.Tag;
import io.mlops.core.ValidationException;
import io.mlops.core.ViewType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFileStoreTest {
  @TempDir Path dir;
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  private LocalFileStore store;

  @BeforeEach
  void open() {
    store = new LocalFileStore(dir.resolve("mlruns"), clock::incrementAndGet);
  }

  private CandidateInfo newCandidate(String experimentId, String name) {
    return store.createCandidate(NewCandidate.builder().experimentId(experimentId).name(name)
        .startTime(clock.incrementAndGet()).putTag("mlflow.user", "alice").userId("alice").build());
  }

  @Test
  void open_createsDefaultExperimentAndTrashInMlflowLayout() throws Exception {
    Path root = dir.resolve("mlruns");
    assertThat(root.resolve(".trash")).isDirectory();
    String meta = Files.readString(root.resolve("0/meta.yaml"));
    assertThat(meta).contains("experiment_id: \"0\"").contains("name: \"Default\"")
        .contains("lifecycle_stage: \"active\"").contains("artifact_location: \"file:///");
    assertThat(meta).doesNotStartWith("---");
    Experiment def = store.getExperiment("0");
    assertThat(def.name()).isEqualTo("Default");
    assertThat(def.lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
  }

  @Test
  void createExperiment_rejectsDuplicateNamesIncludingDeletedOnes() {
    String id = store.createExperiment("churn", Optional.empty(), Map.of("team", "risk"));
    assertThat(id).hasSize(18).doesNotStartWith("0");
    assertThat(store.getExperiment(id).tags()).containsEntry("team", "risk");
    assertThatThrownBy(() -> store.createExperiment("churn", Optional.empty(), Map.of()))
        .isInstanceOf(ResourceAlreadyExistsException.class).hasMessageContaining("churn");
    store.deleteExperiment(id);
    assertThatThrownBy(() -> store.createExperiment("churn", Optional.empty(), Map.of()))
        .isInstanceOf(ResourceAlreadyExistsException.class).hasMessageContaining("deleted state");
  }

  @Test
  void deleteAndRestoreExperiment_moveThroughTrashAndMarkCandidates() {
    String id = store.createExperiment("e", Optional.empty(), Map.of());
    CandidateInfo c = newCandidate(id, "a");
    store.deleteExperiment(id);
    assertThat(dir.resolve("mlruns/.trash").resolve(id)).isDirectory();
    assertThat(store.getExperiment(id).lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
    assertThat(store.getCandidate(c.id()).info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
    assertThat(store.searchExperiments(ExperimentQuery.all()).items()).extracting(Experiment::id).doesNotContain(id);
    assertThat(store.searchExperiments(ExperimentQuery.builder().viewType(ViewType.DELETED_ONLY).build()).items())
        .extracting(Experiment::id).containsExactly(id);
    store.restoreExperiment(id);
    assertThat(store.getExperiment(id).lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
    assertThat(store.getCandidate(c.id()).info().lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
  }

  @Test
  void deleteExperiment_refusesTheDefaultExperiment() {
    assertThatThrownBy(() -> store.deleteExperiment("0")).isInstanceOf(InvalidParameterException.class);
  }

  @Test
  void renameExperiment_changesNameAndRefusesTakenNames() {
    String a = store.createExperiment("a", Optional.empty(), Map.of());
    store.createExperiment("b", Optional.empty(), Map.of());
    store.renameExperiment(a, "c");
    assertThat(store.getExperiment(a).name()).isEqualTo("c");
    assertThat(store.findExperimentByName("a")).isEmpty();
    assertThatThrownBy(() -> store.renameExperiment(a, "b")).isInstanceOf(ResourceAlreadyExistsException.class);
  }

  @Test
  void experimentTags_setOverwriteAndDelete() {
    String id = store.createExperiment("t", Optional.empty(), Map.of());
    store.setExperimentTag(id, "k/sub", "1");
    store.setExperimentTag(id, "k/sub", "2");
    assertThat(store.getExperiment(id).tags()).containsEntry("k/sub", "2");
    store.deleteExperimentTag(id, "k/sub");
    assertThat(store.getExperiment(id).tags()).doesNotContainKey("k/sub");
    assertThatThrownBy(() -> store.deleteExperimentTag(id, "k/sub")).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void getExperiment_unknownIdIsNotFound() {
    assertThatThrownBy(() -> store.getExperiment("12345")).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void createCandidate_writesRunFoldersMetaAndRunNameTag() throws Exception {
    CandidateInfo c = newCandidate("0", "first");
    Path runDir = dir.resolve("mlruns/0").resolve(c.id());
    assertThat(c.id()).hasSize(32).matches("[0-9a-f]+");
    assertThat(runDir.resolve("metrics")).isDirectory();
    assertThat(runDir.resolve("params")).isDirectory();
    assertThat(runDir.resolve("artifacts")).isDirectory();
    assertThat(Files.readString(runDir.resolve("tags/mlflow.runName"))).isEqualTo("first");
    String meta = Files.readString(runDir.resolve("meta.yaml"));
    assertThat(meta).contains("status: 1").contains("source_type: 4").contains("end_time: null")
        .contains("run_id: \"" + c.id() + "\"").contains("tags: []");
    assertThat(c.status()).isEqualTo(CandidateStatus.RUNNING);
    assertThat(c.artifactUri()).endsWith("/0/" + c.id() + "/artifacts").startsWith("file:///");
    assertThat(c.userId()).contains("alice");
  }

  @Test
  void createCandidate_rejectsNameThatContradictsRunNameTag() {
    assertThatThrownBy(() -> store.createCandidate(NewCandidate.builder().experimentId("0").name("a")
        .putTag("mlflow.runName", "b").startTime(1).build())).isInstanceOf(InvalidParameterException.class);
  }

  @Test
  void createCandidate_inUnknownExperimentIsNotFound() {
    assertThatThrownBy(() -> newCandidate("424242", "x")).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void logBatch_storesMetricLinesParamsAndTagsInMlflowFormat() throws Exception {
    CandidateInfo c = newCandidate("0", "r");
    store.logBatch(c.id(),
        List.of(Metric.of("loss", 0.5, 10, 0), Metric.of("loss", Double.NaN, 11, 1),
            Metric.of("opt/lr", 1e-5, 12, 0), Metric.of("loss", Double.POSITIVE_INFINITY, 13, 2)),
        List.of(Param.of("model", "lr"), Param.of("opt/beta", "0.9")),
        List.of(Tag.of("team", "x")));
    Path runDir = dir.resolve("mlruns/0").resolve(c.id());
    assertThat(Files.readString(runDir.resolve("metrics/loss"))).isEqualTo("10 0.5 0\n11 NaN 1\n13 Infinity 2\n");
    assertThat(Files.readString(runDir.resolve("metrics/opt/lr"))).isEqualTo("12 1.0E-5 0\n");
    assertThat(Files.readString(runDir.resolve("params/opt/beta"))).isEqualTo("0.9");
    Candidate read = store.getCandidate(c.id());
    assertThat(read.data().params()).containsEntry("model", "lr").containsEntry("opt/beta", "0.9");
    assertThat(read.data().tags()).containsEntry("team", "x").containsEntry("mlflow.runName", "r");
    // latest = max by (step, timestamp, value)
    assertThat(read.data().metrics().get("loss").value()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(store.getMetricHistory(c.id(), "loss", Optional.empty()).items()).extracting(Metric::step)
        .containsExactly(0L, 1L, 2L);
  }

  @Test
  void logBatch_sameParamValueIsNoOpDifferentValueRefusesTheBatchWritingNothing() {
    CandidateInfo c = newCandidate("0", "r");
    store.logBatch(c.id(), List.of(), List.of(Param.of("p", "1")), List.of());
    store.logBatch(c.id(), List.of(), List.of(Param.of("p", "1")), List.of());
    assertThatThrownBy(() -> store.logBatch(c.id(), List.of(Metric.of("m", 1, 1, 1)),
        List.of(Param.of("q", "3"), Param.of("p", "2")), List.of(Tag.of("t", "v"))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("key='p'").hasMessageContaining("'1'").hasMessageContaining("'2'");
    // the TrackingStore contract: a refusal writes nothing, so the caller can send the good entries again
    Candidate read = store.getCandidate(c.id());
    assertThat(read.data().params()).containsExactly(org.assertj.core.api.Assertions.entry("p", "1"));
    assertThat(read.data().metrics()).isEmpty();
    assertThat(read.data().tags()).doesNotContainKey("t");
  }

  @Test
  void logBatch_keysThatCanNeverBeFilesRefuseTheBatchWritingNothing() {
    CandidateInfo c = newCandidate("0", "r");
    store.logBatch(c.id(), List.of(Metric.of("a", 1, 1, 1)), List.of(), List.of());
    String longPart = "\u03b4".repeat(200); // 400 bytes: over the file-name limit, within 250 characters
    assertThatThrownBy(() -> store.logBatch(c.id(), List.of(Metric.of("b", 1, 1, 1), Metric.of(longPart, 1, 1, 1)),
        List.of(), List.of())).isInstanceOf(InvalidParameterException.class).hasMessageContaining("400 bytes");
    assertThatThrownBy(() -> store.logBatch(c.id(), List.of(Metric.of("b", 1, 1, 1), Metric.of("a/x", 1, 1, 1)),
        List.of(), List.of())).isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("'a' is already a key");
    store.logBatch(c.id(), List.of(), List.of(), List.of(Tag.of("t/u", "v")));
    assertThatThrownBy(() -> store.logBatch(c.id(), List.of(Metric.of("b", 1, 1, 1)), List.of(),
        List.of(Tag.of("t", "v")))).isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("keys under 't/' exist");
    assertThat(store.getMetricHistory(c.id(), "b", java.util.Optional.empty()).items()).isEmpty();
  }

  @Test
  void logBatch_rejectsDuplicateParamKeysInOneBatch() {
    CandidateInfo c = newCandidate("0", "r");
    assertThatThrownBy(() -> store.logBatch(c.id(), List.of(), List.of(Param.of("p", "1"), Param.of("p", "1")),
        List.of())).isInstanceOf(InvalidParameterException.class).hasMessageContaining("Duplicate");
  }

  @Test
  void logBatch_intoDeletedCandidateIsRejected() {
    CandidateInfo c = newCandidate("0", "r");
    store.deleteCandidate(c.id());
    assertThatThrownBy(() -> store.logBatch(c.id(), List.of(Metric.of("m", 1, 1, 1)), List.of(), List.of()))
        .isInstanceOf(InvalidParameterException.class).hasMessageContaining("active");
    store.restoreCandidate(c.id());
    store.logBatch(c.id(), List.of(Metric.of("m", 1, 1, 1)), List.of(), List.of());
  }

  @Test
  void runNameTag_keepsMetaRunNameInSync() {
    CandidateInfo c = newCandidate("0", "old");
    store.logBatch(c.id(), List.of(), List.of(), List.of(Tag.of("mlflow.runName", "new")));
    assertThat(store.getCandidate(c.id()).info().name()).isEqualTo("new");
    store.updateCandidate(c.id(), CandidateUpdate.builder().name("newer").build());
    assertThat(store.getCandidate(c.id()).data().tags()).containsEntry("mlflow.runName", "newer");
  }

  @Test
  void updateCandidate_setsStatusAndEndTime() throws Exception {
    CandidateInfo c = newCandidate("0", "r");
    CandidateInfo ended = store.updateCandidate(c.id(), CandidateUpdate.end(CandidateStatus.FAILED, 99L));
    assertThat(ended.status()).isEqualTo(CandidateStatus.FAILED);
    assertThat(ended.endTime()).hasValue(99L);
    assertThat(Files.readString(dir.resolve("mlruns/0").resolve(c.id()).resolve("meta.yaml")))
        .contains("status: 4").contains("end_time: 99");
  }

  @Test
  void getCandidate_unknownIdIsNotFoundAndMalformedIdIsRejected() {
    assertThatThrownBy(() -> store.getCandidate("0123456789abcdef0123456789abcdef"))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> store.getCandidate("../../etc")).isInstanceOf(ValidationException.class);
  }

  @Test
  void metricFile_tornLastLineIsSkippedOnReadAndCutBeforeNextAppend() throws Exception {
    CandidateInfo c = newCandidate("0", "r");
    Path file = dir.resolve("mlruns/0").resolve(c.id()).resolve("metrics/loss");
    Files.writeString(file, "1 0.5 0\n2 0.4 1\n3 0.3");
    // a crashed writer's leftover: unwritten for longer than a live writer's append takes
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    assertThat(store.getMetricHistory(c.id(), "loss", Optional.empty()).items()).hasSize(2);
    assertThat(store.getCandidate(c.id()).data().metrics().get("loss").value()).isEqualTo(0.4);
    LocalFileStore fresh = new LocalFileStore(dir.resolve("mlruns"));
    fresh.logBatch(c.id(), List.of(Metric.of("loss", 0.2, 4, 2)), List.of(), List.of());
    assertThat(Files.readString(file)).isEqualTo("1 0.5 0\n2 0.4 1\n4 0.2 2\n");
  }

  @Test
  void metricFile_malformedMiddleLineIsSkippedAndPythonSpellingsParse() throws Exception {
    CandidateInfo c = newCandidate("0", "r");
    Path file = dir.resolve("mlruns/0").resolve(c.id()).resolve("metrics/x");
    Files.writeString(file, "1 nan 0\ngarbage\n2 inf 1\n3 -inf 2\n4 1e-05\n");
    List<Metric> h = store.getMetricHistory(c.id(), "x", Optional.empty()).items();
    assertThat(h).extracting(Metric::value)
        .containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-5);
    assertThat(h.get(3).step()).isZero();
  }

  @Test
  void metricFile_fiveFieldLinesOfDatasetLinkedMetricsReadWithStepZeroAsMlflowsFileStoreReadsThem() throws Exception {
    // MLflow 3 writes "<ts> <value> <step> <dataset name> <dataset digest>" for a metric logged with a dataset
    // (FileStore._log_run_metric), but FileStore._get_metric_from_line takes the step from 3-field lines only: the
    // history and the latest value MLflow shows for such a line have step 0.
    String exp = store.createExperiment("five-fields", Optional.empty(), Map.of());
    CandidateInfo c = newCandidate(exp, "r");
    CandidateInfo other = newCandidate(exp, "other");
    Path file = dir.resolve("mlruns").resolve(exp).resolve(c.id()).resolve("metrics/acc");
    Files.writeString(file, "1000 0.5 3 train 2981c147\n1000 0.7 1\n1001 0.6 2 train 2981c147\n");
    store.logBatch(other.id(), List.of(Metric.of("acc", 0.5, 1000, 1)), List.of(), List.of());

    List<Metric> h = store.getMetricHistory(c.id(), "acc", Optional.empty()).items();
    assertThat(h).extracting(Metric::step).containsExactly(0L, 1L, 0L);
    assertThat(h).extracting(Metric::value).containsExactly(0.5, 0.7, 0.6);
    assertThat(h).extracting(Metric::timestamp).containsExactly(1000L, 1000L, 1001L);
    // max by (step, timestamp, value): the 3-field line at step 1 beats both dataset-linked points (step 0)
    Metric latest = store.getCandidate(c.id()).data().metrics().get("acc");
    assertThat(latest.value()).isEqualTo(0.7);
    assertThat(latest.step()).isEqualTo(1L);
    // searches compare the same latest value
    assertThat(store.searchCandidates(CandidateQuery.builder().addExperimentId(exp).filter("metrics.acc = 0.7")
        .build()).items()).extracting(Candidate::id).containsExactly(c.id());
    assertThat(store.searchCandidates(CandidateQuery.builder().addExperimentId(exp).filter("metrics.acc = 0.5")
        .build()).items()).extracting(Candidate::id).containsExactly(other.id());
  }

  @Test
  void latestMetric_ofPointsTiedOnStepAndTimestampFollowsPythonsMaxWhereNaNNeverComparesGreater() throws Exception {
    // FileStore._get_metric_from_file: max(points, key=(step, timestamp, value)). Python's max keeps the first of
    // equal keys and replaces it only by a strictly greater one; a NaN value is neither greater nor smaller than
    // anything, so on a tie of step and timestamp the earlier point stays whenever either value is NaN.
    String exp = store.createExperiment("nan-ties", Optional.empty(), Map.of());
    CandidateInfo numberFirst = newCandidate(exp, "number-first");
    CandidateInfo nanFirst = newCandidate(exp, "nan-first");
    writeMetric(exp, numberFirst, "n", "5 0.5 1\n5 nan 1\n");
    writeMetric(exp, nanFirst, "n", "5 nan 1\n5 0.5 1\n");
    writeMetric(exp, numberFirst, "blocked", "5 nan 1\n5 1.0 1\n5 2.0 1\n");
    writeMetric(exp, numberFirst, "passed", "5 1.0 1\n5 nan 1\n5 2.0 1\n");
    writeMetric(exp, numberFirst, "zero", "5 -0.0 1\n5 0.0 1\n");
    writeMetric(exp, numberFirst, "later", "5 nan 1\n6 0.1 1\n4 9.0 2\n5 nan 2\n");

    Map<String, Metric> a = store.getCandidate(numberFirst.id()).data().metrics();
    assertThat(a.get("n").value()).isEqualTo(0.5);
    assertThat(store.getCandidate(nanFirst.id()).data().metrics().get("n").value()).isNaN();
    assertThat(a.get("blocked").value()).as("a NaN kept on a tie blocks later, larger values of that tie").isNaN();
    assertThat(a.get("passed").value()).isEqualTo(2.0);
    assertThat(a.get("zero").value()).as("-0.0 == 0.0: the first stays").isEqualTo(-0.0);
    assertThat(Double.doubleToRawLongBits(a.get("zero").value())).isEqualTo(Double.doubleToRawLongBits(-0.0));
    // a larger step, then a larger timestamp, still win over anything, NaN included
    assertThat(a.get("later").value()).isNaN();
    assertThat(a.get("later").step()).isEqualTo(2L);
    assertThat(a.get("later").timestamp()).isEqualTo(5L);

    assertThat(store.searchCandidates(CandidateQuery.builder().addExperimentId(exp).filter("metrics.n = 0.5")
        .build()).items()).extracting(Candidate::id).containsExactly(numberFirst.id());
    assertThat(store.searchCandidates(CandidateQuery.builder().addExperimentId(exp).addOrderBy("metrics.n DESC")
        .build()).items()).extracting(Candidate::id).as("NaN sorts after numbers")
        .containsExactly(numberFirst.id(), nanFirst.id());
  }

  private void writeMetric(String experimentId, CandidateInfo c, String key, String lines) throws Exception {
    Files.writeString(dir.resolve("mlruns").resolve(experimentId).resolve(c.id()).resolve("metrics").resolve(key),
        lines);
  }

  @Test
  void concurrentThreads_loggingIntoOneCandidateLoseNothing() throws Exception {
    CandidateInfo c = newCandidate("0", "r");
    int threads = 8;
    int perThread = 250;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      futures.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < perThread; i++) {
          store.logBatch(c.id(), List.of(Metric.of("shared", i, thread, i), Metric.of("t" + thread, i, 1, i)),
              List.of(Param.of("same", "v")), List.of(Tag.of("last", "t" + thread)));
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(store.getMetricHistory(c.id(), "shared", Optional.empty()).items()).hasSize(threads * perThread);
    for (int t = 0; t < threads; t++) {
      assertThat(store.getMetricHistory(c.id(), "t" + t, Optional.empty()).items()).hasSize(perThread);
    }
    assertThat(store.getCandidate(c.id()).data().params()).containsExactly(Map.entry("same", "v"));
  }

  @Test
  void searchCandidates_filtersOrdersAndPages() {
    String exp = store.createExperiment("s", Optional.empty(), Map.of());
    for (int i = 0; i < 5; i++) {
      CandidateInfo c = newCandidate(exp, "c" + i);
      store.logBatch(c.id(), List.of(Metric.of("acc", i / 10.0, 1, 0)), List.of(Param.of("i", "" + i)), List.of());
    }
    CandidateQuery q = CandidateQuery.builder().addExperimentId(exp).filter("metrics.acc >= 0.2")
        .addOrderBy("metrics.acc DESC").maxResults(2).build();
    var first = store.searchCandidates(q);
    assertThat(first.items()).extracting(Candidate::name).containsExactly("c4", "c3");
    var second = store.searchCandidates(CandidateQuery.builder().from(q).pageToken(first.nextPageToken()).build());
    assertThat(second.items()).extracting(Candidate::name).containsExactly("c2");
    assertThat(second.nextPageToken()).isEmpty();
    // default order: start time descending
    assertThat(store.searchCandidates(CandidateQuery.builder().addExperimentId(exp).build()).items())
        .extracting(Candidate::name).containsExactly("c4", "c3", "c2", "c1", "c0");
  }

  @Test
  void artifacts_uploadListAndDownloadNestedFiles() throws Exception {
    CandidateInfo c = newCandidate("0", "r");
    Path src = Files.writeString(dir.resolve("w.bin"), "weights");
    store.uploadFile(c.id(), src, "model/deep/w.bin");
    store.uploadFile(c.id(), src, "top.bin");
    assertThat(store.list(c.id(), "")).containsExactly(ArtifactInfo.directory("model"), ArtifactInfo.file("top.bin", 7));
    assertThat(store.list(c.id(), "model/deep")).containsExactly(ArtifactInfo.file("model/deep/w.bin", 7));
    assertThat(store.list(c.id(), "missing")).isEmpty();
    Path out = dir.resolve("out/w.bin");
    store.downloadFile(c.id(), "model/deep/w.bin", out);
    assertThat(Files.readString(out)).isEqualTo("weights");
    try (var s = Files.list(dir.resolve("out"))) {
      assertThat(s.map(p -> p.getFileName().toString()).collect(Collectors.toList())).containsExactly("w.bin");
    }
  }

  @Test
  void artifacts_uploadAndDownloadReportProgressToTheEnd() throws Exception {
    CandidateInfo c = newCandidate("0", "r");
    Path src = Files.write(dir.resolve("big.bin"), new byte[3 * 1024 * 1024 + 7]);
    List<Long> up = new ArrayList<>();
    store.uploadFile(c.id(), src, "model/big.bin", (p, done, total) -> up.add(done));
    assertThat(up).hasSizeGreaterThanOrEqualTo(6).last().isEqualTo(3L * 1024 * 1024 + 7);
    List<Long> down = new ArrayList<>();
    store.downloadFile(c.id(), "model/big.bin", dir.resolve("back.bin"), (p, done, total) -> down.add(total));
    assertThat(down).last().isEqualTo(3L * 1024 * 1024 + 7);
    assertThat(Files.size(dir.resolve("back.bin"))).isEqualTo(3L * 1024 * 1024 + 7);
  }

  @Test
  void artifacts_pathsCannotEscapeTheArtifactRoot() throws Exception {
    CandidateInfo c = newCandidate("0", "r");
    Path src = Files.writeString(dir.resolve("w.bin"), "x");
    assertThatThrownBy(() -> store.uploadFile(c.id(), src, "../../evil")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.uploadFile(c.id(), src, "/etc/passwd")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.list(c.id(), "a/../../..")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.downloadFile(c.id(), "../meta.yaml", dir.resolve("m")))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void experimentIdsWithPathCharactersAreRejected() {
    assertThatThrownBy(() -> store.getExperiment("../x")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.getExperiment(".trash")).isInstanceOf(ValidationException.class);
  }
}
