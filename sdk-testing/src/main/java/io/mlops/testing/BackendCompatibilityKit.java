package io.mlops.testing;

import io.mlops.core.spi.Operation;
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
import io.mlops.core.MlopsException;
import io.mlops.core.NewCandidate;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.Page;
import io.mlops.core.Param;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.Tag;
import io.mlops.core.TrackingClient;
import io.mlops.core.ViewType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every backend must show through {@link TrackingClient} (design §9). A backend's test extends this
 * class and opens a client; names are unique per test, so a shared server works too.
 *
 * <p>A backend may lack operations ({@link io.mlops.core.spi.Capabilities}). Where a test reaches one, it checks instead that the call
 * fails with {@link OperationNotSupportedException} naming the backend, before anything is sent, and then checks
 * what such a backend does instead (no restore means deletes are permanent: the entity is gone).
 */
public abstract class BackendCompatibilityKit {
  @TempDir protected Path temp;
  protected TrackingClient client;
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);

  /** Opens a client on the backend under test. */
  protected abstract TrackingClient openClient();

  @BeforeEach
  void openBackend() {
    client = openClient();
  }

  @AfterEach
  void closeBackend() {
    client.close();
  }

  /**
   * False when the backend supports {@code op}. Otherwise checks that {@code call} fails with
   * {@link OperationNotSupportedException} naming the backend, and returns true.
   */
  protected final boolean lacks(Operation op, ThrowingCallable call) {
    if (client.capabilities().supports(op)) {
      return false;
    }
    assertThatThrownBy(call).isInstanceOf(OperationNotSupportedException.class)
        .hasMessageContaining(client.capabilities().backendName());
    return true;
  }

  /**
   * True when the backend records the {@code user_id} a create-candidate request carries, as MLflow's stores do
   * (the server's {@code _create_run} handler passes the request's {@code user_id} to the store). GitLab ignores it
   * and records the token's user instead.
   */
  protected boolean recordsRequestedUserId() {
    return true;
  }

  protected String name(String base) {
    return base + "-" + suffix;
  }

  protected CandidateInfo newCandidate(Experiment exp, String name, long startTime) {
    return client.createCandidate(NewCandidate.builder().experimentId(exp.id()).name(name).startTime(startTime)
        .putTag("mlflow.user", "kit").build());
  }

  // ---------------------------------------------------------------- experiments

  @Test
  void experiment_createGetByIdAndByName() {
    Experiment e = client.createExperiment(name("exp"), Map.of("team", "risk"));
    assertThat(e.name()).isEqualTo(name("exp"));
    assertThat(e.lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
    assertThat(e.tags()).containsEntry("team", "risk");
    assertThat(client.getExperiment(e.id()).name()).isEqualTo(name("exp"));
    assertThat(client.getExperimentByName(name("exp")).id()).isEqualTo(e.id());
    assertThat(client.findExperimentByName(name("missing"))).isEmpty();
  }

  @Test
  void experiment_duplicateNameIsAlreadyExists() {
    client.createExperiment(name("dup"));
    assertThatThrownBy(() -> client.createExperiment(name("dup"))).isInstanceOf(ResourceAlreadyExistsException.class);
  }

  @Test
  void experiment_getOrCreateIsIdempotent() {
    Experiment a = client.getOrCreateExperiment(name("goc"));
    Experiment b = client.getOrCreateExperiment(name("goc"));
    assertThat(b.id()).isEqualTo(a.id());
  }

  @Test
  void experiment_unknownIdIsNotFound() {
    assertThatThrownBy(() -> client.getExperiment("987654321987654321"))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void experiment_renameDeleteRestore() {
    Experiment e = client.createExperiment(name("life"));
    String current = name("life");
    if (!lacks(Operation.RENAME_EXPERIMENT, () -> client.renameExperiment(e.id(), name("renamed")))) {
      client.renameExperiment(e.id(), name("renamed"));
      assertThat(client.getExperiment(e.id()).name()).isEqualTo(name("renamed"));
      current = name("renamed");
    }
    assertThat(client.getExperiment(e.id()).name()).isEqualTo(current);
    client.deleteExperiment(e.id());
    if (lacks(Operation.RESTORE_EXPERIMENT, () -> client.restoreExperiment(e.id()))) {
      // deleting is permanent: the experiment and its name are gone
      assertThatThrownBy(() -> client.getExperiment(e.id())).isInstanceOf(ResourceNotFoundException.class);
      assertThat(client.findExperimentByName(current)).isEmpty();
      assertThat(client.getOrCreateExperiment(current).id()).isNotEqualTo(e.id());
      return;
    }
    assertThat(current).isEqualTo(name("renamed"));
    assertThat(client.getExperiment(e.id()).lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
    List<String> active = client.searchExperiments(ExperimentQuery.builder()
        .filter("name = '" + name("renamed") + "'").build()).stream().map(Experiment::id)
        .collect(Collectors.toList());
    assertThat(active).isEmpty();
    List<String> deleted = client.searchExperiments(ExperimentQuery.builder().viewType(ViewType.DELETED_ONLY)
        .filter("name = '" + name("renamed") + "'").build()).stream().map(Experiment::id)
        .collect(Collectors.toList());
    assertThat(deleted).containsExactly(e.id());
    client.restoreExperiment(e.id());
    assertThat(client.getExperiment(e.id()).lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
  }

  @Test
  void experiment_tagsSetOverwriteDelete() {
    Experiment e = client.createExperiment(name("tags"));
    client.setExperimentTag(e.id(), "owner", "a");
    client.setExperimentTag(e.id(), "owner", "a"); // the same value again changes nothing on every backend
    if (lacks(Operation.OVERWRITE_TAGS, () -> client.setExperimentTag(e.id(), "owner", "b"))) {
      assertThat(client.getExperiment(e.id()).tags()).containsEntry("owner", "a");
      client.setExperimentTag(e.id(), "owner2", "b");
      assertThat(client.getExperiment(e.id()).tags()).containsEntry("owner2", "b");
      return;
    }
    client.setExperimentTag(e.id(), "owner", "b");
    assertThat(client.getExperiment(e.id()).tags()).containsEntry("owner", "b");
    if (lacks(Operation.DELETE_EXPERIMENT_TAG, () -> client.deleteExperimentTag(e.id(), "owner"))) {
      assertThat(client.getExperiment(e.id()).tags()).containsEntry("owner", "b");
      return;
    }
    client.deleteExperimentTag(e.id(), "owner");
    assertThat(client.getExperiment(e.id()).tags()).doesNotContainKey("owner");
  }

  @Test
  void experiment_searchFiltersByNameLikeAndPagesLazily() {
    for (int i = 0; i < 5; i++) {
      client.createExperiment(name("page") + "-" + i);
    }
    List<String> names = client.searchExperiments(ExperimentQuery.builder()
        .filter("name LIKE '" + name("page") + "-%'").addOrderBy("name ASC").maxResults(2).build())
        .stream().map(Experiment::name).collect(Collectors.toList());
    assertThat(names).containsExactly(name("page") + "-0", name("page") + "-1", name("page") + "-2",
        name("page") + "-3", name("page") + "-4");
  }

  // ---------------------------------------------------------------- candidates

  @Test
  void candidate_createGetUpdateEnd() {
    Experiment e = client.createExperiment(name("cand"));
    CandidateInfo c = newCandidate(e, "first", 1_700_000_000_000L);
    assertThat(c.status()).isEqualTo(CandidateStatus.RUNNING);
    assertThat(c.name()).isEqualTo("first");
    assertThat(c.experimentId()).isEqualTo(e.id());
    Candidate read = client.getCandidate(c.id());
    assertThat(read.info().startTime()).isEqualTo(1_700_000_000_000L);
    assertThat(read.data().tags()).containsEntry("mlflow.runName", "first").containsEntry("mlflow.user", "kit");
    if (!lacks(Operation.RENAME_CANDIDATE,
        () -> client.updateCandidate(c.id(), CandidateUpdate.builder().name("renamed").build()))) {
      client.updateCandidate(c.id(), CandidateUpdate.builder().name("renamed").build());
      assertThat(client.getCandidate(c.id()).info().name()).isEqualTo("renamed");
    }
    client.updateCandidate(c.id(), CandidateUpdate.end(CandidateStatus.FAILED, 1_700_000_100_000L));
    CandidateInfo ended = client.getCandidate(c.id()).info();
    assertThat(ended.status()).isEqualTo(CandidateStatus.FAILED);
    assertThat(ended.endTime()).hasValue(1_700_000_100_000L);
  }

  @Test
  void candidate_userIdIsTheGivenUserElseTheMlflowUserTagElseUnknown() {
    // MLflow's client (TrackingServiceClient.create_run): user_id = tags.get("mlflow.user", "unknown"), sent to every
    // store; so the same user gets the same user_id, and attributes.user_id filters agree, on every backend.
    Experiment e = client.createExperiment(name("users"));
    CandidateInfo tagged = newCandidate(e, "tagged", 1_700_000_000_000L);
    CandidateInfo given = client.createCandidate(NewCandidate.builder().experimentId(e.id()).name("given")
        .startTime(1_700_000_001_000L).putTag("mlflow.user", "kit").userId("kit-explicit").build());
    CandidateInfo bare = client.createCandidate(NewCandidate.builder().experimentId(e.id()).name("bare")
        .startTime(1_700_000_002_000L).build());
    if (!recordsRequestedUserId()) {
      // the backend's own user: the same for every candidate of one client
      assertThat(List.of(tagged.userId(), given.userId(), bare.userId())).allSatisfy(u -> assertThat(u)
          .isPresent().isEqualTo(client.getCandidate(tagged.id()).info().userId()));
      return;
    }
    assertThat(tagged.userId()).contains("kit");
    assertThat(given.userId()).contains("kit-explicit");
    assertThat(bare.userId()).contains("unknown");
    assertThat(client.getCandidate(tagged.id()).info().userId()).contains("kit");
    assertThat(client.getCandidate(given.id()).info().userId()).contains("kit-explicit");
    assertThat(client.getCandidate(bare.id()).info().userId()).contains("unknown");
    if (client.capabilities().supports(Operation.SEARCH_CANDIDATES_WITH_FILTER)) {
      assertThat(client.searchCandidates(CandidateQuery.builder().addExperimentId(e.id())
          .filter("attributes.user_id = 'kit'").build()).stream().map(Candidate::id))
          .containsExactly(tagged.id());
      assertThat(client.searchCandidates(CandidateQuery.builder().addExperimentId(e.id())
          .filter("attributes.user_id = 'unknown'").build()).stream().map(Candidate::id))
          .containsExactly(bare.id());
    }
  }

  @Test
  void candidate_unknownIdIsNotFound() {
    assertThatThrownBy(() -> client.getCandidate("0123456789abcdef0123456789abcdef"))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void candidate_deleteAndRestore() {
    Experiment e = client.createExperiment(name("del"));
    CandidateInfo c = newCandidate(e, "x", 1);
    client.deleteCandidate(c.id());
    if (lacks(Operation.RESTORE_CANDIDATE, () -> client.restoreCandidate(c.id()))) {
      // deleting is permanent: the candidate is gone from reads and from both views of the search
      assertThatThrownBy(() -> client.getCandidate(c.id())).isInstanceOf(ResourceNotFoundException.class);
      CandidateQuery all = CandidateQuery.builder().addExperimentId(e.id()).viewType(ViewType.ALL).build();
      assertThat(client.searchCandidates(all).stream().count()).isZero();
      return;
    }
    assertThat(client.getCandidate(c.id()).info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
    CandidateQuery active = CandidateQuery.builder().addExperimentId(e.id()).build();
    assertThat(client.searchCandidates(active).stream().count()).isZero();
    assertThat(client.searchCandidates(CandidateQuery.builder().from(active).viewType(ViewType.DELETED_ONLY)
        .build()).stream().map(Candidate::id)).containsExactly(c.id());
    client.restoreCandidate(c.id());
    assertThat(client.getCandidate(c.id()).info().lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
  }

  @Test
  void logBatch_storesParamsTagsAndFullMetricHistories() {
    Experiment e = client.createExperiment(name("log"));
    CandidateInfo c = newCandidate(e, "r", 1);
    List<Metric> metrics = new ArrayList<>();
    for (int s = 0; s < 2500; s++) { // more than one batch
      metrics.add(Metric.of("loss", 1.0 / (s + 1), 1_700_000_000_000L + s, s));
    }
    metrics.add(Metric.of("special", Double.NaN, 1, 0));
    metrics.add(Metric.of("special", Double.POSITIVE_INFINITY, 2, 1));
    metrics.add(Metric.of("special", Double.NEGATIVE_INFINITY, 3, 2));
    metrics.add(Metric.of("opt/lr", 1e-5, 4, 0));
    List<Param> params = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      params.add(Param.of("p" + i, "v" + i));
    }
    client.logBatch(c.id(), metrics, params, List.of(Tag.of("team", "risk"), Tag.of("data/split", "train")));
    Candidate read = client.getCandidate(c.id());
    assertThat(read.data().params()).hasSize(150).containsEntry("p149", "v149");
    assertThat(read.data().tags()).containsEntry("team", "risk").containsEntry("data/split", "train");
    assertThat(read.data().metrics().get("loss").step()).isEqualTo(2499);
    List<Metric> loss = client.getMetricHistory(c.id(), "loss");
    assertThat(loss).hasSize(2500);
    assertThat(loss.stream().map(Metric::step).sorted().collect(Collectors.toList()))
        .isEqualTo(metrics.subList(0, 2500).stream().map(Metric::step).collect(Collectors.toList()));
    List<Double> special = client.getMetricHistory(c.id(), "special").stream()
        .sorted((a, b) -> Long.compare(a.step(), b.step())).map(Metric::value).collect(Collectors.toList());
    assertThat(special.get(0)).isNaN();
    assertThat(special.get(1)).isGreaterThan(1e308);
    assertThat(special.get(2)).isLessThan(-1e308);
    assertThat(client.getMetricHistory(c.id(), "opt/lr")).extracting(Metric::value).containsExactly(1e-5);
  }

  @Test
  void logBatch_sameParamIsNoOpChangedParamIsInvalidParameter() {
    Experiment e = client.createExperiment(name("param"));
    CandidateInfo c = newCandidate(e, "r", 1);
    client.logParam(c.id(), "lr", "0.1");
    client.logParam(c.id(), "lr", "0.1");
    assertThatThrownBy(() -> client.logParam(c.id(), "lr", "0.2")).isInstanceOf(InvalidParameterException.class);
    assertThat(client.getCandidate(c.id()).data().params()).containsEntry("lr", "0.1");
  }

  @Test
  void logBatch_oneRefusedEntityCostsOnlyItself_everyOtherArrivesOnce() {
    Experiment e = client.createExperiment(name("isolate"));
    CandidateInfo c = newCandidate(e, "r", 1);
    client.logParam(c.id(), "lr", "0.1"); // another writer logged it first
    List<Metric> metrics = new ArrayList<>();
    for (int s = 0; s < 1200; s++) { // two parts at MLflow's limits
      metrics.add(Metric.of("loss", s, 1_700_000_000_000L + s, s));
    }
    io.mlops.core.BatchResult r = client.tryLogBatch(c.id(), metrics,
        List.of(Param.of("batch", "32"), Param.of("lr", "0.2"), Param.of("epochs", "3")),
        List.of(Tag.of("team", "risk")));

    assertThat(r.isComplete()).isTrue();
    assertThat(r.refused()).singleElement().satisfies(x -> {
      assertThat(x.kind()).isEqualTo(io.mlops.core.RefusedEntry.Kind.PARAM);
      assertThat(x.key()).isEqualTo("lr");
      assertThat(x.reason()).isInstanceOf(InvalidParameterException.class);
    });
    assertThat(r.delivered()).isEqualTo(1203);
    Candidate read = client.getCandidate(c.id());
    assertThat(read.data().params()).containsEntry("lr", "0.1").containsEntry("batch", "32")
        .containsEntry("epochs", "3");
    assertThat(read.data().tags()).containsEntry("team", "risk");
    List<Metric> loss = client.getMetricHistory(c.id(), "loss");
    assertThat(loss).hasSize(1200); // no point written twice while the offender was isolated
    assertThat(loss.stream().map(Metric::step).distinct().count()).isEqualTo(1200);
  }

  @Test
  void logBatch_intoUnknownCandidateFails() {
    assertThatThrownBy(() -> client.logMetric("0123456789abcdef0123456789abcdef", "m", 1, 1, 0))
        .isInstanceOf(MlopsException.class);
  }

  @Test
  void tags_overwriteAndDelete() {
    Experiment e = client.createExperiment(name("tag"));
    CandidateInfo c = newCandidate(e, "r", 1);
    client.setTag(c.id(), "k", "1");
    client.setTag(c.id(), "k", "1"); // the same value again changes nothing on every backend
    if (lacks(Operation.OVERWRITE_TAGS, () -> client.setTag(c.id(), "k", "2"))) {
      assertThat(client.getCandidate(c.id()).data().tags()).containsEntry("k", "1");
      // a batch with a changed tag still logs everything else
      assertThatThrownBy(() -> client.logBatch(c.id(), List.of(Metric.of("m", 1, 1, 0)),
          List.of(Param.of("p", "v")), List.of(Tag.of("k", "3"), Tag.of("other", "x"))))
          .isInstanceOf(OperationNotSupportedException.class).hasMessageContaining("'k'");
      Candidate read = client.getCandidate(c.id());
      assertThat(read.data().tags()).containsEntry("k", "1").containsEntry("other", "x");
      assertThat(read.data().params()).containsEntry("p", "v");
      assertThat(client.getMetricHistory(c.id(), "m")).hasSize(1);
      return;
    }
    client.setTag(c.id(), "k", "2");
    assertThat(client.getCandidate(c.id()).data().tags()).containsEntry("k", "2");
    if (lacks(Operation.DELETE_TAG, () -> client.deleteTag(c.id(), "k"))) {
      assertThat(client.getCandidate(c.id()).data().tags()).containsEntry("k", "2");
      return;
    }
    client.deleteTag(c.id(), "k");
    assertThat(client.getCandidate(c.id()).data().tags()).doesNotContainKey("k");
  }

  @Test
  void search_filtersOrdersAndPages() {
    Experiment e = client.createExperiment(name("search"));
    for (int i = 0; i < 7; i++) {
      CandidateInfo c = newCandidate(e, "c" + i, 1_700_000_000_000L + i * 1000L);
      client.logBatch(c.id(), List.of(Metric.of("acc", i / 10.0, 1, 0)),
          List.of(Param.of("model", i % 2 == 0 ? "lr" : "mlp")), List.of(Tag.of("parity", i % 2 == 0 ? "even" : "odd")));
    }
    CandidateQuery q = CandidateQuery.builder().addExperimentId(e.id())
        .filter("metrics.acc >= 0.2 and params.model = 'lr'").addOrderBy("metrics.acc DESC").maxResults(1).build();
    assertThat(client.searchCandidates(q).stream().map(Candidate::name)).containsExactly("c6", "c4", "c2");
    Page<Candidate> first = client.searchCandidates(q).firstPage();
    assertThat(first.items()).hasSize(1);
    assertThat(first.nextPageToken()).isPresent();
    // MLflow's default order: start time descending
    assertThat(client.searchCandidates(CandidateQuery.builder().addExperimentId(e.id())
        .filter("tags.parity = 'odd'").build()).stream().map(Candidate::name)).containsExactly("c5", "c3", "c1");
    assertThat(client.searchCandidates(CandidateQuery.builder().addExperimentId(e.id())
        .filter("attributes.run_name LIKE 'c%' and metrics.acc < 0.15").build()).stream().map(Candidate::name))
        .containsExactlyInAnyOrder("c0", "c1");
  }

  // ---------------------------------------------------------------- artifacts

  @Test
  void artifacts_uploadTreeListAndDownload() throws Exception {
    Experiment e = client.createExperiment(name("art"));
    CandidateInfo c = newCandidate(e, "r", 1);
    Path src = Files.createDirectories(temp.resolve("model/sub"));
    Files.write(src.resolve("w.bin"), new byte[] {1, 2, 3});
    Files.write(temp.resolve("model/config.json"), "{}".getBytes(StandardCharsets.UTF_8));
    Path single = Files.write(temp.resolve("notes.txt"), "hello".getBytes(StandardCharsets.UTF_8));
    assertThat(client.uploadArtifacts(c.id(), temp.resolve("model"), "model")).isEqualTo(2);
    client.uploadArtifacts(c.id(), single, "");
    assertThat(client.listArtifacts(c.id(), "")).extracting(ArtifactInfo::path, ArtifactInfo::isDirectory)
        .contains(org.assertj.core.groups.Tuple.tuple("model", true), org.assertj.core.groups.Tuple.tuple("notes.txt", false));
    assertThat(client.listArtifactsRecursively(c.id(), "model")).containsExactlyInAnyOrder(
        ArtifactInfo.file("model/config.json", 2), ArtifactInfo.file("model/sub/w.bin", 3));
    Path out = client.downloadArtifacts(c.id(), "model", temp.resolve("dl"));
    assertThat(Files.readAllBytes(out.resolve("sub/w.bin"))).containsExactly(1, 2, 3);
    Path file = client.downloadArtifacts(c.id(), "notes.txt", temp.resolve("dl2"));
    assertThat(Files.readString(file)).isEqualTo("hello");
  }

  @Test
  void artifacts_downloadOfMissingPathIsNotFound() {
    Experiment e = client.createExperiment(name("art404"));
    CandidateInfo c = newCandidate(e, "r", 1);
    assertThatThrownBy(() -> client.downloadArtifacts(c.id(), "nope.bin", temp.resolve("x")))
        .isInstanceOf(ResourceNotFoundException.class);
  }
}
