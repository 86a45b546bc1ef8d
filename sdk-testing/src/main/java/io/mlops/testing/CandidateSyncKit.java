package io.mlops.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.ArtifactInfo;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateQuery;
import io.mlops.core.CandidateStatus;
import io.mlops.core.CandidateSync;
import io.mlops.core.CandidateUpdate;
import io.mlops.core.Experiment;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.LifecycleStage;
import io.mlops.core.Metric;
import io.mlops.core.MlopsConfig;
import io.mlops.core.NewCandidate;
import io.mlops.core.Param;
import io.mlops.core.SyncResult;
import io.mlops.core.Tag;
import io.mlops.core.TrackingClient;
import io.mlops.core.ViewType;
import io.mlops.core.spi.TrackingStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link CandidateSync} must do from a local store to any target backend. A target's test extends this class
 * and opens a client on the target; names are unique per test, so a shared server works too.
 */
public abstract class CandidateSyncKit {
  protected static final long START = 1_700_000_000_000L;
  protected static final long END = START + 3_600_000L;

  @TempDir protected Path temp;
  /** A local store in a temporary folder: what is pushed. */
  protected TrackingClient source;
  /** The backend under test: where it is pushed. */
  protected TrackingClient target;
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);

  /** Opens a client on the target backend. */
  protected abstract TrackingClient openTarget();

  /**
   * True when the target returns ±Infinity and -0.0 as they were logged. MLflow's SQL store gives back
   * ±Double.MAX_VALUE and 0.0.
   */
  protected abstract boolean targetKeepsInfinityAndNegativeZero();

  @BeforeEach
  void openClients() {
    source = TrackingClient.create(MlopsConfig.builder().trackingUri(temp.resolve("source-mlruns").toString())
        .build());
    target = openTarget();
  }

  @AfterEach
  void closeClients() {
    source.close();
    target.close();
  }

  protected String name(String base) {
    return base + "-" + suffix;
  }

  // ---------------------------------------------------------------- fixtures

  /** A finished candidate with params, tags, metrics (NaN, ±Infinity, -0.0, keys with '/') and nested artifacts. */
  protected CandidateInfo richCandidate(Experiment exp, String name) throws Exception {
    CandidateInfo c = source.createCandidate(NewCandidate.builder().experimentId(exp.id()).name(name)
        .startTime(START).putTag("mlflow.user", "alice").putTag("mlflow.source.name", "train.py").build());
    List<Metric> metrics = new ArrayList<>();
    for (int s = 0; s < 2500; s++) { // more than one logBatch request
      metrics.add(Metric.of("loss", 1.0 / (s + 1), START + s, s));
    }
    metrics.add(Metric.of("loss", 0.5, START + 10, 3)); // a second point at step 3, another timestamp
    metrics.add(Metric.of("special", Double.NaN, START, 0));
    metrics.add(Metric.of("special", Double.POSITIVE_INFINITY, START + 1, 1));
    metrics.add(Metric.of("special", Double.NEGATIVE_INFINITY, START + 2, 2));
    metrics.add(Metric.of("special", -0.0, START + 3, 3));
    metrics.add(Metric.of("special", 4.9e-324, START + 4, 4));
    metrics.add(Metric.of("eval/acc", 0.25, START, 0));
    metrics.add(Metric.of("eval/acc", 0.75, START + 5, 0)); // same step, later timestamp
    metrics.add(Metric.of("opt/lr/group 0", 1e-5, START, -1));
    source.logBatch(c.id(), metrics,
        List.of(Param.of("lr", "0.01"), Param.of("model/depth", "6"), Param.of("empty", "")),
        List.of(Tag.of("team", "risk"), Tag.of("data/split", "train"),
            Tag.of(TrackingStore.CLIENT_REQUEST_ID_TAG, "bookkeeping-of-the-source")));
    Path art = Files.createDirectories(temp.resolve("art-" + name).resolve("model/sub/deeper"));
    Files.write(art.resolve("w.bin"), new byte[] {1, 2, 3, 4});
    Files.write(art.getParent().resolve("config.json"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    Files.write(art.getParent().getParent().resolve("README.md"), "# model".getBytes(StandardCharsets.UTF_8));
    source.uploadArtifacts(c.id(), temp.resolve("art-" + name).resolve("model"), "model");
    source.uploadArtifacts(c.id(), Files.write(temp.resolve("notes-" + name + ".txt"),
        "hello".getBytes(StandardCharsets.UTF_8)), "");
    source.updateCandidate(c.id(), CandidateUpdate.end(CandidateStatus.FINISHED, END));
    return source.getCandidate(c.id()).info();
  }

  protected List<Candidate> targetCandidates(String experimentName) {
    Experiment e = target.getExperimentByName(experimentName);
    return target.searchCandidates(CandidateQuery.builder().addExperimentId(e.id()).viewType(ViewType.ALL)
        .build()).stream().collect(Collectors.toList());
  }

  /** The only candidate of a target experiment. */
  protected Candidate onlyTargetCandidate(String experimentName) {
    List<Candidate> all = targetCandidates(experimentName);
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  /** A history as a multiset of (timestamp, step, value bits), in the target's representation of values. */
  protected Map<List<Long>, Integer> points(List<Metric> history, boolean asTargetKeepsThem) {
    Map<List<Long>, Integer> out = new HashMap<>();
    for (Metric m : history) {
      double v = m.value();
      if (!asTargetKeepsThem) {
        v = v == Double.POSITIVE_INFINITY ? Double.MAX_VALUE : v == Double.NEGATIVE_INFINITY ? -Double.MAX_VALUE
            : v == 0.0 ? 0.0 : v;
      }
      out.merge(List.of(m.timestamp(), m.step(), Double.doubleToLongBits(v)), 1, Integer::sum);
    }
    return out;
  }

  /** Asserts that every metric history, param, tag, artifact and the metadata of a copy match its source. */
  protected void assertFaithfulCopy(String sourceId, String copyId) throws Exception {
    Candidate src = source.getCandidate(sourceId);
    Candidate dst = target.getCandidate(copyId);
    assertThat(dst.info().name()).isEqualTo(src.info().name());
    assertThat(dst.info().status()).isEqualTo(src.info().status());
    assertThat(dst.info().startTime()).isEqualTo(src.info().startTime());
    assertThat(dst.info().endTime()).isEqualTo(src.info().endTime());
    assertThat(dst.data().params()).isEqualTo(src.data().params());
    Map<String, String> expectedTags = new HashMap<>(src.data().tags());
    expectedTags.remove(TrackingStore.CLIENT_REQUEST_ID_TAG);
    expectedTags.put(CandidateSync.SOURCE_TAG, sourceId);
    Map<String, String> copiedTags = new HashMap<>(dst.data().tags());
    copiedTags.remove(TrackingStore.CLIENT_REQUEST_ID_TAG); // a server target's own bookkeeping
    assertThat(copiedTags).isEqualTo(expectedTags);
    assertThat(dst.data().tags()).containsEntry("mlflow.runName", src.info().name())
        .doesNotContainEntry(TrackingStore.CLIENT_REQUEST_ID_TAG, "bookkeeping-of-the-source");
    assertThat(dst.data().metrics().keySet()).isEqualTo(src.data().metrics().keySet());
    for (String key : src.data().metrics().keySet()) {
      List<Metric> expected = source.getMetricHistory(sourceId, key);
      List<Metric> actual = target.getMetricHistory(copyId, key);
      assertThat(actual).as("history of %s", key).hasSameSizeAs(expected);
      assertThat(points(actual, true)).as("points of %s", key)
          .isEqualTo(points(expected, targetKeepsInfinityAndNegativeZero()));
    }
    List<ArtifactInfo> files = source.listArtifactsRecursively(sourceId, "");
    assertThat(target.listArtifactsRecursively(copyId, "")).containsExactlyInAnyOrderElementsOf(files);
    for (ArtifactInfo f : files) {
      Path a = source.downloadArtifacts(sourceId, f.path(), temp.resolve("check-src-" + copyId));
      Path b = target.downloadArtifacts(copyId, f.path(), temp.resolve("check-dst-" + copyId));
      assertThat(Files.readAllBytes(b)).as(f.path()).isEqualTo(Files.readAllBytes(a));
    }
  }

  private static long pointCount(TrackingClient client, String candidateId) {
    long n = 0;
    for (String key : client.getCandidate(candidateId).data().metrics().keySet()) {
      n += client.getMetricHistory(candidateId, key).size();
    }
    return n;
  }

  // ---------------------------------------------------------------- tests

  @Test
  void pushCandidate_copiesEverythingFaithfully() throws Exception {
    Experiment exp = source.createExperiment(name("full"));
    CandidateInfo c = richCandidate(exp, "rich");

    SyncResult r = CandidateSync.between(source, target).pushCandidate(c.id(), name("full-target"));

    Candidate copy = onlyTargetCandidate(name("full-target"));
    assertThat(r.candidateIds()).containsExactly(Map.entry(c.id(), copy.id()));
    assertThat(r.candidatesCreated()).isEqualTo(1);
    assertThat(r.conflicts()).isEmpty();
    assertThat(r.metricPointsSent()).isEqualTo(pointCount(source, c.id())).isEqualTo(2500 + 1 + 5 + 2 + 1);
    assertThat(r.metricPointsSkipped()).isZero();
    assertThat(r.paramsLogged()).isEqualTo(3);
    assertThat(r.artifactFilesUploaded()).isEqualTo(4);
    assertFaithfulCopy(c.id(), copy.id());
    assertThat(target.getMetricHistory(copy.id(), "special")).filteredOn(m -> m.step() == 0)
        .singleElement().satisfies(m -> assertThat(m.value()).isNaN());
  }

  @Test
  void pushCandidate_twiceCreatesNothingTwice() throws Exception {
    Experiment exp = source.createExperiment(name("twice"));
    CandidateInfo c = richCandidate(exp, "rich");
    CandidateSync sync = CandidateSync.between(source, target);
    SyncResult first = sync.pushCandidate(c.id(), name("twice-target"));
    String copyId = first.candidateIds().get(c.id());
    long pointsAfterFirst = pointCount(target, copyId);

    SyncResult second = sync.pushCandidate(c.id(), name("twice-target"));

    assertThat(second.candidateIds()).containsExactly(Map.entry(c.id(), copyId));
    assertThat(second.candidatesCreated()).isZero();
    assertThat(second.candidatesUpdated()).isZero();
    assertThat(second.candidatesUnchanged()).isEqualTo(1);
    assertThat(second.metricPointsSent()).isZero();
    assertThat(second.metricPointsSkipped()).isEqualTo(first.metricPointsSent());
    assertThat(second.paramsLogged()).isZero();
    assertThat(second.tagsSet()).isZero();
    assertThat(second.artifactFilesUploaded()).isZero();
    assertThat(second.artifactFilesSkipped()).isEqualTo(4);
    assertThat(second.conflicts()).isEmpty();
    assertThat(pointCount(target, copyId)).isEqualTo(pointsAfterFirst);
    onlyTargetCandidate(name("twice-target"));
    assertFaithfulCopy(c.id(), copyId);
  }

  @Test
  void pushCandidate_again_sendsOnlyWhatWasAdded() throws Exception {
    Experiment exp = source.createExperiment(name("delta"));
    CandidateInfo c = source.createCandidate(NewCandidate.builder().experimentId(exp.id()).name("live")
        .startTime(START).build());
    source.logBatch(c.id(), List.of(Metric.of("loss", 1.0, START, 0), Metric.of("loss", 0.9, START + 1, 1)),
        List.of(Param.of("lr", "0.1")), List.of(Tag.of("phase", "warmup")));
    Path a = Files.createDirectories(temp.resolve("delta/ckpt"));
    Files.write(a.resolve("epoch-0.bin"), new byte[] {0});
    Files.write(a.resolve("latest.bin"), new byte[] {0});
    source.uploadArtifacts(c.id(), a, "ckpt");
    CandidateSync sync = CandidateSync.between(source, target);
    SyncResult first = sync.pushCandidate(c.id(), name("delta-target"));
    String copyId = first.candidateIds().get(c.id());
    assertThat(target.getCandidate(copyId).info().status()).isEqualTo(CandidateStatus.RUNNING);

    source.logBatch(c.id(), List.of(Metric.of("loss", 0.8, START + 2, 2), Metric.of("loss", 0.7, START + 3, 3),
        Metric.of("acc", 0.6, START + 3, 3)), List.of(Param.of("epochs", "4")),
        List.of(Tag.of("phase", "done"), Tag.of("best", "3")));
    Files.write(a.resolve("epoch-1.bin"), new byte[] {1});
    Files.write(a.resolve("latest.bin"), new byte[] {1, 1}); // another size: uploaded again
    source.uploadArtifacts(c.id(), a, "ckpt");
    source.updateCandidate(c.id(), CandidateUpdate.builder().status(CandidateStatus.KILLED).endTime(END)
        .name("live-final").build());

    SyncResult second = sync.pushCandidate(c.id(), name("delta-target"));

    assertThat(second.candidatesUpdated()).isEqualTo(1);
    assertThat(second.candidatesCreated()).isZero();
    assertThat(second.metricPointsSent()).isEqualTo(3);
    assertThat(second.metricPointsSkipped()).isEqualTo(2);
    assertThat(second.paramsLogged()).isEqualTo(1);
    assertThat(second.tagsSet()).isEqualTo(3); // phase changed, best new, mlflow.runName follows the new name
    assertThat(second.artifactFilesUploaded()).isEqualTo(2);
    assertThat(second.artifactFilesSkipped()).isEqualTo(1);
    assertThat(second.conflicts()).isEmpty();
    Candidate copy = onlyTargetCandidate(name("delta-target"));
    assertThat(copy.id()).isEqualTo(copyId);
    assertThat(target.getMetricHistory(copyId, "loss")).hasSize(4);
    assertFaithfulCopy(c.id(), copyId);
    assertThat(copy.info().name()).isEqualTo("live-final");
    assertThat(copy.info().status()).isEqualTo(CandidateStatus.KILLED);

    SyncResult third = sync.pushCandidate(c.id(), name("delta-target"));
    assertThat(third.candidatesUnchanged()).isEqualTo(1);
    assertThat(third.metricPointsSent() + third.paramsLogged() + third.tagsSet() + third.artifactFilesUploaded())
        .isZero();
  }

  @Test
  void pushCandidate_reportsAChangedParamInsteadOfFailing() throws Exception {
    Experiment exp = source.createExperiment(name("conflict"));
    CandidateInfo c = source.createCandidate(NewCandidate.builder().experimentId(exp.id()).name("p")
        .startTime(START).build());
    source.logParam(c.id(), "lr", "0.1");
    CandidateSync sync = CandidateSync.between(source, target);
    String copyId = sync.pushCandidate(c.id(), name("conflict-target")).candidateIds().get(c.id());
    target.logParam(copyId, "seed", "7");
    source.logBatch(c.id(), List.of(Metric.of("loss", 0.3, START, 0)), List.of(Param.of("seed", "8"),
        Param.of("batch", "32")), List.of());

    SyncResult r = sync.pushCandidate(c.id(), name("conflict-target"));

    assertThat(r.hasConflicts()).isTrue();
    assertThat(r.conflicts()).singleElement().asString().contains(c.id(), copyId, "'seed'", "'8'", "'7'");
    assertThat(r.paramsLogged()).isEqualTo(1);
    assertThat(r.metricPointsSent()).isEqualTo(1);
    assertThat(r.candidatesUpdated()).isEqualTo(1);
    assertThat(target.getCandidate(copyId).data().params()).containsEntry("seed", "7").containsEntry("batch", "32");
    assertThat(target.getMetricHistory(copyId, "loss")).hasSize(1);
  }

  @Test
  void pushExperiment_pushesActiveCandidatesAndNestedOnesAfterTheirParent() throws Exception {
    Experiment exp = source.createExperiment(name("sweep"), Map.of("mlflow.note.content", "a sweep"));
    CandidateInfo parent = source.createCandidate(NewCandidate.builder().experimentId(exp.id()).name("parent")
        .startTime(START + 10).build());
    List<String> children = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // started before the parent, so a push in start-time order would meet them first
      CandidateInfo child = source.createCandidate(NewCandidate.builder().experimentId(exp.id()).name("child-" + i)
          .startTime(START + i).putTag("mlflow.parentRunId", parent.id()).build());
      source.logBatch(child.id(), List.of(Metric.of("acc", i / 10.0, START, 0)), List.of(Param.of("i", "" + i)),
          List.of());
      source.endCandidate(child.id(), CandidateStatus.FINISHED);
      children.add(child.id());
    }
    CandidateInfo deleted = source.createCandidate(NewCandidate.builder().experimentId(exp.id()).name("gone")
        .startTime(START).build());
    source.deleteCandidate(deleted.id());
    CandidateSync sync = CandidateSync.between(source, target);

    SyncResult r = sync.pushExperiment(name("sweep"));

    assertThat(r.candidatesCreated()).isEqualTo(4);
    assertThat(r.conflicts()).isEmpty();
    assertThat(r.experimentTagsSet()).isEqualTo(1);
    assertThat(r.candidateIds()).containsOnlyKeys(parent.id(), children.get(0), children.get(1), children.get(2));
    List<Candidate> copies = targetCandidates(name("sweep"));
    assertThat(copies).hasSize(4).extracting(Candidate::name)
        .containsExactlyInAnyOrder("parent", "child-0", "child-1", "child-2");
    assertThat(target.getExperimentByName(name("sweep")).tags()).containsEntry("mlflow.note.content", "a sweep");
    String parentCopy = r.candidateIds().get(parent.id());
    for (String child : children) {
      String copyId = r.candidateIds().get(child);
      assertThat(target.getCandidate(copyId).data().tags()).containsEntry("mlflow.parentRunId", parentCopy);
      assertThat(target.getCandidate(copyId).data().params()).isEqualTo(source.getCandidate(child).data().params());
      assertThat(target.getCandidate(copyId).info().status()).isEqualTo(CandidateStatus.FINISHED);
    }

    SyncResult again = sync.pushExperiment(name("sweep"));

    assertThat(again.candidatesCreated()).isZero();
    assertThat(again.candidatesUnchanged()).isEqualTo(4);
    assertThat(again.metricPointsSent() + again.paramsLogged() + again.tagsSet() + again.experimentTagsSet())
        .isZero();
    assertThat(again.candidateIds()).isEqualTo(r.candidateIds());
    assertThat(targetCandidates(name("sweep"))).hasSize(4);
  }

  @Test
  void pushExperiment_intoAnotherName_andANewCandidateLater() throws Exception {
    Experiment exp = source.createExperiment(name("rename"));
    CandidateInfo a = richCandidate(exp, "a");
    CandidateSync sync = CandidateSync.between(source, target);
    sync.pushExperiment(name("rename"), name("renamed-target"));
    CandidateInfo b = source.createCandidate(NewCandidate.builder().experimentId(exp.id()).name("b")
        .startTime(START + 1).build());
    source.logMetric(b.id(), "loss", 1.0, START, 0);

    SyncResult r = sync.pushExperiment(name("rename"), name("renamed-target"));

    assertThat(r.candidatesCreated()).isEqualTo(1);
    assertThat(r.candidatesUnchanged()).isEqualTo(1);
    assertThat(r.metricPointsSent()).isEqualTo(1);
    assertThat(targetCandidates(name("renamed-target"))).hasSize(2);
    assertThat(target.findExperimentByName(name("rename"))).isEmpty();
    assertFaithfulCopy(a.id(), r.candidateIds().get(a.id()));
    assertFaithfulCopy(b.id(), r.candidateIds().get(b.id()));
  }

  @Test
  void pushCandidate_sendsAnExactlyRepeatedPointOnce() {
    Experiment exp = source.createExperiment(name("repeat"));
    CandidateInfo c = source.createCandidate(NewCandidate.builder().experimentId(exp.id()).name("r")
        .startTime(START).build());
    source.logBatch(c.id(), List.of(Metric.of("m", 1.0, START, 0), Metric.of("m", 1.0, START, 0),
        Metric.of("m", 2.0, START, 0)), List.of(), List.of());
    CandidateSync sync = CandidateSync.between(source, target);

    SyncResult first = sync.pushCandidate(c.id(), name("repeat-target"));
    SyncResult second = sync.pushCandidate(c.id(), name("repeat-target"));

    assertThat(first.metricPointsSent()).isEqualTo(2);
    assertThat(first.metricPointsSkipped()).isEqualTo(1);
    assertThat(second.metricPointsSent()).isZero();
    assertThat(second.metricPointsSkipped()).isEqualTo(3);
    assertThat(target.getMetricHistory(first.candidateIds().get(c.id()), "m")).extracting(Metric::value)
        .containsExactlyInAnyOrder(1.0, 2.0);
  }

  @Test
  void pushCandidate_leavesACopyThatWasDeletedOnTheTargetAlone() {
    Experiment exp = source.createExperiment(name("deleted-copy"));
    CandidateInfo c = source.createCandidate(NewCandidate.builder().experimentId(exp.id()).name("d")
        .startTime(START).build());
    CandidateSync sync = CandidateSync.between(source, target);
    String copyId = sync.pushCandidate(c.id(), name("deleted-copy-target")).candidateIds().get(c.id());
    target.deleteCandidate(copyId);
    source.logMetric(c.id(), "m", 1.0, START, 0);

    SyncResult r = sync.pushCandidate(c.id(), name("deleted-copy-target"));

    assertThat(r.candidatesSkipped()).isEqualTo(1);
    assertThat(r.candidatesCreated()).isZero();
    assertThat(r.metricPointsSent()).isZero();
    assertThat(r.conflicts()).singleElement().asString().contains(copyId, "deleted");
    assertThat(targetCandidates(name("deleted-copy-target"))).singleElement()
        .satisfies(x -> assertThat(x.info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED));
  }

  @Test
  void pushCandidate_ofADeletedSourceCandidateIsRefused() {
    Experiment exp = source.createExperiment(name("deleted-source"));
    CandidateInfo c = source.createCandidate(NewCandidate.builder().experimentId(exp.id()).name("d")
        .startTime(START).build());
    source.deleteCandidate(c.id());

    assertThatThrownBy(() -> CandidateSync.between(source, target).pushCandidate(c.id(), name("x")))
        .isInstanceOf(InvalidParameterException.class).hasMessageContaining("deleted");
  }
}
