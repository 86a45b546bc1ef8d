package io.mlops.gitlab.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.mlops.gitlab.internal.GitlabStubs.API;
import static io.mlops.gitlab.internal.GitlabStubs.EXP_ID;
import static io.mlops.gitlab.internal.GitlabStubs.RUN_ID;
import static io.mlops.gitlab.internal.GitlabStubs.T0;
import static io.mlops.gitlab.internal.GitlabStubs.TOKEN;
import static io.mlops.gitlab.internal.GitlabStubs.experiment;
import static io.mlops.gitlab.internal.GitlabStubs.mlflowError;
import static io.mlops.gitlab.internal.GitlabStubs.ok;
import static io.mlops.gitlab.internal.GitlabStubs.run;
import static io.mlops.gitlab.internal.GitlabStubs.runInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.Candidate;
import io.mlops.core.CandidateInfo;
import io.mlops.core.CandidateQuery;
import io.mlops.core.CandidateStatus;
import io.mlops.core.CandidateUpdate;
import io.mlops.core.Experiment;
import io.mlops.core.ExperimentQuery;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.Metric;
import io.mlops.core.NewCandidate;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.core.Param;
import io.mlops.core.PermissionDeniedException;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.Tag;
import io.mlops.core.TrackingClient;
import io.mlops.core.ValidationException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The compatibility kit's tracking behaviours, adapted to GitLab (the kit cannot run unchanged: GitLab lacks
 * rename, restore and tag deletion, and searches without a filter), plus GitLab's quirks: 200 answers that carry an
 * {@code error_code}, order_by limits, lower size limits, and a read-only token.
 */
class GitlabTrackingContractTest {
  @RegisterExtension static WireMockExtension wm = GitlabStubs.server();

  private TrackingClient client;

  @BeforeEach
  void open() {
    client = GitlabStubs.client(wm);
  }

  @AfterEach
  void close() {
    client.close();
  }

  private static String data(String metrics, String params, String tags) {
    return "{\"metrics\":[" + metrics + "],\"params\":[" + params + "],\"tags\":[" + tags + "]}";
  }

  // ---------------------------------------------------------------- experiments (kit: experiment_*)

  @Test
  void experiment_createGetByIdAndByName_sendsBearerTokenToProjectMlflowRoutes() {
    // experiments/create answers {"experiment_id": "<iid>"} (reference §1 [EXP] experiments.rb)
    wm.stubFor(post(urlEqualTo(API + "experiments/create")).willReturn(ok("{\"experiment_id\":\"" + EXP_ID + "\"}")));
    wm.stubFor(get(urlPathEqualTo(API + "experiments/get")).withQueryParam("experiment_id", equalTo(EXP_ID))
        .willReturn(ok("{\"experiment\":" + experiment(EXP_ID, "exp") + "}")));
    wm.stubFor(get(urlPathEqualTo(API + "experiments/get-by-name")).withQueryParam("experiment_name", equalTo("exp"))
        .willReturn(ok("{\"experiment\":" + experiment(EXP_ID, "exp") + "}")));

    Experiment created = client.createExperiment("exp", Map.of("team", "a"));
    Experiment byName = client.getExperimentByName("exp");

    assertThat(created.id()).isEqualTo(EXP_ID);
    assertThat(byName.name()).isEqualTo("exp");
    // Bearer, as MLflow's clients send MLFLOW_TRACKING_TOKEN and GitLab accepts it (reference §1 "Authentication")
    wm.verify(postRequestedFor(urlEqualTo(API + "experiments/create"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withRequestBody(equalToJson("{\"name\":\"exp\",\"tags\":[{\"key\":\"team\",\"value\":\"a\"}]}")));
    wm.verify(getRequestedFor(urlPathEqualTo(API + "experiments/get-by-name"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }

  @Test
  void experiment_duplicateNameIsAlreadyExists() {
    // RESOURCE_ALREADY_EXISTS with 400 (reference §1 [HLP] api_helpers.rb)
    wm.stubFor(post(urlEqualTo(API + "experiments/create"))
        .willReturn(mlflowError(400, "RESOURCE_ALREADY_EXISTS", "Experiment already exists")));

    assertThatThrownBy(() -> client.createExperiment("exp")).isInstanceOf(ResourceAlreadyExistsException.class);
  }

  @Test
  void experiment_unknownNameIsEmptyAndUnknownIdIsNotFound() {
    // RESOURCE_DOES_NOT_EXIST with 404 (reference §1 [HLP] api_helpers.rb)
    wm.stubFor(get(urlPathEqualTo(API + "experiments/get-by-name"))
        .willReturn(mlflowError(404, "RESOURCE_DOES_NOT_EXIST", "Experiment not found")));
    wm.stubFor(get(urlPathEqualTo(API + "experiments/get"))
        .willReturn(mlflowError(404, "RESOURCE_DOES_NOT_EXIST", "Experiment not found")));

    assertThat(client.findExperimentByName("nope")).isEmpty();
    assertThatThrownBy(() -> client.getExperiment("99")).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void experiment_setTagAndDelete_postToGitlabRoutes() {
    // set-experiment-tag and delete answer {} (reference §1 [EXP] experiments.rb)
    wm.stubFor(post(urlEqualTo(API + "experiments/set-experiment-tag")).willReturn(ok("{}")));
    wm.stubFor(post(urlEqualTo(API + "experiments/delete")).willReturn(ok("{}")));
    // the tag is compared with the experiment's first: GitLab keeps a tag's first value
    wm.stubFor(get(urlPathEqualTo(API + "experiments/get")).willReturn(ok("{\"experiment\":" + experiment(EXP_ID, "e")
        + "}")));

    client.setExperimentTag(EXP_ID, "k", "v");
    client.deleteExperiment(EXP_ID);

    wm.verify(postRequestedFor(urlEqualTo(API + "experiments/set-experiment-tag"))
        .withRequestBody(equalToJson("{\"experiment_id\":\"3\",\"key\":\"k\",\"value\":\"v\"}")));
    wm.verify(postRequestedFor(urlEqualTo(API + "experiments/delete"))
        .withRequestBody(equalToJson("{\"experiment_id\":\"3\"}")));
  }

  @Test
  void experiment_renameIsUnsupportedAndNamesGitlab_withoutAnyRequest() {
    // GitLab has no experiments/update (reference §1 "Not implemented")
    assertThatThrownBy(() -> client.renameExperiment(EXP_ID, "new"))
        .isInstanceOfSatisfying(OperationNotSupportedException.class, e -> {
          assertThat(e.backend()).isEqualTo("GitLab");
          assertThat(e.operation()).isEqualTo("renameExperiment");
        })
        .hasMessageContaining("GitLab").hasMessageContaining("renameExperiment");
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void unsupportedOperations_failBeforeSending() {
    // Not implemented in GitLab's MLflow layer: experiments restore, delete-experiment-tag; runs restore,
    // delete-tag (reference §1 "Not implemented" and "Endpoints implemented")
    assertThatThrownBy(() -> client.restoreExperiment(EXP_ID)).isInstanceOf(OperationNotSupportedException.class)
        .hasMessageEndingWith("GitLab does not support restoreExperiment");
    assertThatThrownBy(() -> client.deleteExperimentTag(EXP_ID, "k"))
        .isInstanceOf(OperationNotSupportedException.class).hasMessageContaining("GitLab");
    assertThatThrownBy(() -> client.restoreCandidate(RUN_ID)).isInstanceOf(OperationNotSupportedException.class)
        .hasMessageEndingWith("GitLab does not support restoreCandidate");
    assertThatThrownBy(() -> client.deleteTag(RUN_ID, "k")).isInstanceOf(OperationNotSupportedException.class)
        .hasMessageEndingWith("GitLab does not support deleteTag");
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void experiment_searchWithFilter_isEvaluatedByTheSdk_becauseGitlabIgnoresIt() {
    // experiments/search: filter "Ignored. Accepted for MLflow API compatibility." (experiments.rb): the SDK reads
    // every experiment and applies MLflow's filter and order itself, so nothing unasked for comes back
    wm.stubFor(post(urlEqualTo(API + "experiments/search")).willReturn(ok("{\"experiments\":[" + experiment("1", "b-x")
        + "," + experiment("2", "a-x") + "," + experiment("3", "other") + "]}")));

    List<String> names = client.searchExperiments(ExperimentQuery.builder().filter("name LIKE '%-x'")
        .addOrderBy("name ASC").build()).stream().map(Experiment::name).collect(Collectors.toList());

    assertThat(names).containsExactly("a-x", "b-x");
    wm.verify(1, postRequestedFor(urlEqualTo(API + "experiments/search"))
        .withRequestBody(matchingJsonPath("$[?(!@.filter)]")).withRequestBody(matchingJsonPath("$.max_results",
            equalTo("1000"))));
  }

  // ---------------------------------------------------------------- candidates (kit: candidate_*)

  @Test
  void candidate_createGetUpdateEnd() {
    // runs/create and runs/get present GetRun {"run": {...}}; runs/update presents UpdateRun {"run_info": ...}
    // (reference §1 [RUNS] runs.rb, [RI] run_info.rb)
    wm.stubFor(post(urlEqualTo(API + "runs/create")).willReturn(ok(run("RUNNING", "c1", data("", "", "")))));
    wm.stubFor(get(urlPathEqualTo(API + "runs/get")).withQueryParam("run_id", equalTo(RUN_ID))
        .willReturn(ok(run("RUNNING", "c1", data("", "", "")))));
    wm.stubFor(post(urlEqualTo(API + "runs/update")).willReturn(ok("{\"run_info\":" + runInfo("FINISHED", "c1")
        + "}")));

    CandidateInfo created = client.createCandidate(NewCandidate.builder().experimentId(EXP_ID).name("c1")
        .startTime(T0).putTag("mlflow.user", "kit").build());
    Candidate got = client.getCandidate(created.id());
    CandidateInfo ended = client.updateCandidate(created.id(), CandidateUpdate.end(CandidateStatus.FINISHED, T0 + 5));

    assertThat(created.id()).isEqualTo(RUN_ID);
    assertThat(created.experimentId()).isEqualTo(EXP_ID);
    assertThat(got.info().name()).isEqualTo("c1");
    assertThat(ended.status()).isEqualTo(CandidateStatus.FINISHED);
    wm.verify(postRequestedFor(urlEqualTo(API + "runs/create"))
        .withRequestBody(matchingJsonPath("$.run_name", equalTo("c1")))
        .withRequestBody(matchingJsonPath("$.tags[0].key", equalTo("mlflow.user"))));
    wm.verify(postRequestedFor(urlEqualTo(API + "runs/update"))
        .withRequestBody(equalToJson("{\"run_id\":\"" + RUN_ID + "\",\"status\":\"FINISHED\",\"end_time\":"
            + (T0 + 5) + "}")));
  }

  @Test
  void candidate_renameIsRefused_becauseRunsUpdateHasNoRunName() {
    // runs.rb `update` declares run_id, status, end_time only (reference §1 [RUNS])
    assertThatThrownBy(() -> client.updateCandidate(RUN_ID, CandidateUpdate.builder().name("new").build()))
        .isInstanceOf(OperationNotSupportedException.class).hasMessageContaining("GitLab");
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void candidate_unknownIdIsNotFound() {
    wm.stubFor(get(urlPathEqualTo(API + "runs/get"))
        .willReturn(mlflowError(404, "RESOURCE_DOES_NOT_EXIST", "Candidate not found")));

    assertThatThrownBy(() -> client.getCandidate(RUN_ID)).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void candidate_delete_postsRunsDelete() {
    // runs/delete answers {} (reference §1 [RUNS] runs.rb)
    wm.stubFor(post(urlEqualTo(API + "runs/delete")).willReturn(ok("{}")));

    client.deleteCandidate(RUN_ID);

    wm.verify(postRequestedFor(urlEqualTo(API + "runs/delete"))
        .withRequestBody(equalToJson("{\"run_id\":\"" + RUN_ID + "\"}")));
  }

  // ---------------------------------------------------------------- logging (kit: logBatch_*, tags_*)

  @Test
  void logBatch_sendsMetricsParamsTagsAndReadsThemBack() {
    // log-batch answers {} (reference §1 [RUNS] runs.rb); metrics/get-history answers {"metrics": [...]}
    // (reference §1 [MET] metrics.rb)
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch")).willReturn(ok("{}")));
    // params and tags are compared with the candidate's first (GitLab keeps their first values)
    wm.stubFor(get(urlPathEqualTo(API + "runs/get")).willReturn(ok(run("RUNNING", "r", data("", "", "")))));
    wm.stubFor(get(urlPathEqualTo(API + "metrics/get-history")).withQueryParam("metric_key", equalTo("loss"))
        .willReturn(ok("{\"metrics\":[{\"key\":\"loss\",\"value\":0.5,\"timestamp\":" + T0 + ",\"step\":0},"
            + "{\"key\":\"loss\",\"value\":0.25,\"timestamp\":" + (T0 + 1) + ",\"step\":1}]}")));

    client.logBatch(RUN_ID, List.of(Metric.of("loss", 0.5, T0, 0), Metric.of("loss", 0.25, T0 + 1, 1)),
        List.of(Param.of("lr", "0.1")), List.of(Tag.of("t", "v")));
    List<Metric> history = client.getMetricHistory(RUN_ID, "loss");

    assertThat(history).extracting(Metric::value).containsExactly(0.5, 0.25);
    wm.verify(postRequestedFor(urlEqualTo(API + "runs/log-batch"))
        .withRequestBody(matchingJsonPath("$.params[0].key", equalTo("lr")))
        .withRequestBody(matchingJsonPath("$.tags[0].value", equalTo("v")))
        .withRequestBody(matchingJsonPath("$.metrics[1].step", equalTo("1"))));
  }

  @Test
  void logBatch_refusedNonFiniteValuesCostNothingElse() {
    // runs.rb declares metric values `type: Float`; Grape coerces with Kernel#Float, which refuses "NaN" (inference,
    // /work facts §9): 400 {"error":"metrics[1][value] is invalid"} in Grape's own shape, no MLflow error_code
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch")).atPriority(1).withRequestBody(matchingJsonPath(
        "$.metrics[?(@.value == 'NaN')]")).willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
        .withStatus(400).withHeader("Content-Type", "application/json")
        .withBody("{\"error\":\"metrics[0][value] is invalid\"}")));
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch")).atPriority(2).willReturn(ok("{}")));

    assertThatThrownBy(() -> client.logBatch(RUN_ID, List.of(Metric.of("loss", 0.5, T0, 0),
        Metric.of("loss", Double.NaN, T0, 1)), List.of(), List.of()))
        .isInstanceOf(InvalidParameterException.class).hasMessageContaining("NaN or infinite");

    // the whole batch, then each half: the finite point is delivered alone, once
    wm.verify(3, postRequestedFor(urlEqualTo(API + "runs/log-batch")));
    wm.verify(1, postRequestedFor(urlEqualTo(API + "runs/log-batch")).withRequestBody(matchingJsonPath(
        "$.metrics[0].value", equalTo("0.5"))).withRequestBody(matchingJsonPath("$.metrics.length()", equalTo("1"))));
  }

  @Test
  void logParam_of251Characters_isRefusedBeforeAnyRequest() {
    // GitLab: param name and value at most 250 characters (reference §1 "Size limits", [MOD])
    String value = "x".repeat(251);

    assertThatThrownBy(() -> client.logParam(RUN_ID, "p", value)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("GitLab").hasMessageContaining("250");
    assertThatThrownBy(() -> client.logParam(RUN_ID, value, "v")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("GitLab");
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void logParam_of250Characters_isSent() {
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch")).willReturn(ok("{}")));
    wm.stubFor(get(urlPathEqualTo(API + "runs/get")).willReturn(ok(run("RUNNING", "r", data("", "", "")))));

    client.logParam(RUN_ID, "p", "x".repeat(250));

    wm.verify(1, postRequestedFor(urlEqualTo(API + "runs/log-batch")));
  }

  @Test
  void setTag_over5000Characters_isRefusedBeforeAnyRequest() {
    // GitLab: tag value at most 5000 characters (reference §1 "Size limits", [MOD])
    assertThatThrownBy(() -> client.setTag(RUN_ID, "t", "y".repeat(5001))).isInstanceOf(ValidationException.class)
        .hasMessageContaining("GitLab").hasMessageContaining("5000");
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void logBatch_withReadOnlyToken_isPermissionDenied() {
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch")).willReturn(GitlabStubs.forbidden()));

    assertThatThrownBy(() -> client.logMetric(RUN_ID, "m", 1, T0, 0))
        .isInstanceOfSatisfying(PermissionDeniedException.class, e -> assertThat(e.statusCode()).hasValue(403));
  }

  @Test
  void answer200CarryingErrorCode_isMappedToItsException() {
    // The issue describes GitLab reporting errors in error_code while success is always 200 (reference §1 [EP]
    // entrypoint.rb). api_helpers.rb [HLP] pairs the codes with 4xx; this stub makes sure an error body that comes
    // with 200 (a proxy, an older GitLab) is never read as a result.
    wm.stubFor(get(urlPathEqualTo(API + "runs/get"))
        .willReturn(ok("{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"Candidate not found\"}")));
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch"))
        .willReturn(ok("{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"Param too long\"}")));
    wm.stubFor(post(urlEqualTo(API + "experiments/create"))
        .willReturn(ok("{\"error_code\":\"RESOURCE_ALREADY_EXISTS\",\"message\":\"taken\"}")));

    assertThatThrownBy(() -> client.getCandidate(RUN_ID))
        .isInstanceOfSatisfying(ResourceNotFoundException.class,
            e -> assertThat(e.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST"))
        .hasMessageContaining("Candidate not found");
    assertThatThrownBy(() -> client.logMetric(RUN_ID, "m", 1, T0, 0)).isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("Param too long");
    assertThatThrownBy(() -> client.createExperiment("exp")).isInstanceOf(ResourceAlreadyExistsException.class);
  }

  // ---------------------------------------------------------------- search (kit: search_*)

  @Test
  void search_ordersByMetricAndPagesWithGitlabCursor() {
    // runs/search: one experiment, order_by a single string, keyset cursor in page_token / next_page_token
    // (reference §1 "Search and listing", [RUNS] runs.rb)
    wm.stubFor(post(urlEqualTo(API + "runs/search"))
        .withRequestBody(matchingJsonPath("$[?(!@.page_token)]"))
        .willReturn(ok("{\"runs\":[" + run("FINISHED", "a", data("", "", "")).replaceFirst("^\\{\"run\":", "")
            .replaceFirst("}$", "") + "],\"next_page_token\":\"cursor-2\"}")));
    wm.stubFor(post(urlEqualTo(API + "runs/search"))
        .withRequestBody(matchingJsonPath("$.page_token", equalTo("cursor-2")))
        .willReturn(ok("{\"runs\":[" + run("FINISHED", "b", data("", "", "")).replaceFirst("^\\{\"run\":", "")
            .replaceFirst("}$", "") + "]}")));

    List<String> names = StreamSupport.stream(client.searchCandidates(CandidateQuery.builder()
        .addExperimentId(EXP_ID).addOrderBy("metrics.acc desc").maxResults(1).build()).spliterator(), false)
        .map(c -> c.info().name()).collect(Collectors.toList());

    assertThat(names).containsExactly("a", "b");
    wm.verify(2, postRequestedFor(urlEqualTo(API + "runs/search"))
        .withRequestBody(matchingJsonPath("$.order_by", equalTo("metrics.acc DESC")))
        .withRequestBody(matchingJsonPath("$.experiment_ids[0]", equalTo(EXP_ID))));
  }

  @Test
  void search_orderByWhatGitlabLacks_isEvaluatedByTheSdk() {
    // runs/search orders by created_at, name or metrics.<key> only (runs.rb): ordering by a param is done here,
    // over every candidate of the experiment, asked for without an order_by
    wm.stubFor(post(urlEqualTo(API + "runs/search")).willReturn(ok("{\"runs\":[" + runOf("a", "0.1") + ","
        + runOf("b", "0.3") + "," + runOf("c", "0.2") + "]}")));

    List<String> names = client.searchCandidates(CandidateQuery.builder().addExperimentId(EXP_ID)
        .addOrderBy("params.lr DESC").build()).stream().map(Candidate::name).collect(Collectors.toList());

    assertThat(names).containsExactly("b", "c", "a");
    wm.verify(1, postRequestedFor(urlEqualTo(API + "runs/search")).withRequestBody(matchingJsonPath("$[?(!@.order_by)]")));
  }

  @Test
  void search_withFilterOrSeveralExperiments_isEvaluatedByTheSdk() {
    // runs/search has no filter and reads experiment_ids[0] only (runs.rb): each experiment is read on its own
    wm.stubFor(post(urlEqualTo(API + "runs/search")).withRequestBody(matchingJsonPath("$.experiment_ids[0]",
        equalTo(EXP_ID))).willReturn(ok("{\"runs\":[" + runOf("a", "0.1") + "," + runOf("b", "0.3") + "]}")));
    wm.stubFor(post(urlEqualTo(API + "runs/search")).withRequestBody(matchingJsonPath("$.experiment_ids[0]",
        equalTo("4"))).willReturn(ok("{\"runs\":[" + runOf("c", "0.2") + "]}")));

    List<String> names = client.searchCandidates(CandidateQuery.builder().addExperimentId(EXP_ID)
        .addExperimentId("4").filter("params.lr != '0.1'").addOrderBy("attributes.run_name").build()).stream()
        .map(Candidate::name).collect(Collectors.toList());

    assertThat(names).containsExactly("b", "c");
    wm.verify(2, postRequestedFor(urlEqualTo(API + "runs/search")));
    wm.verify(0, postRequestedFor(urlEqualTo(API + "runs/search")).withRequestBody(matchingJsonPath("$.filter")));
  }

  /** A search result whose run has the name and the param lr. */
  private static String runOf(String name, String lr) {
    return run("FINISHED", name, data("", "{\"key\":\"lr\",\"value\":\"" + lr + "\"}", ""))
        .replaceFirst("^\\{\"run\":", "").replaceFirst("}$", "");
  }

  @Test
  void serverOrder_translatesMlflowClausesGitlabCanSort_andLeavesTheRestToTheSdk() {
    Function<String, String> runs = GitlabRestStore::candidateColumn;
    assertThat(GitlabRestStore.serverOrder(List.of("attributes.run_name asc"), runs)).contains("name ASC");
    assertThat(GitlabRestStore.serverOrder(List.of(" metrics.f1 DESC "), runs)).contains("metrics.f1 DESC");
    assertThat(GitlabRestStore.serverOrder(List.of("metric.f1"), runs)).contains("metrics.f1");
    for (String other : List.of("start_time", "params.lr", "metrics.`odd key`", "metrics.f1 sideways")) {
      assertThat(GitlabRestStore.serverOrder(List.of(other), runs)).as(other).isEmpty();
    }
    assertThat(GitlabRestStore.serverOrder(List.of("metrics.a", "metrics.b"), runs)).isEmpty();
    assertThat(GitlabRestStore.serverOrder(List.of(), runs)).isEmpty();
    Function<String, String> experiments = GitlabRestStore::experimentColumn;
    assertThat(GitlabRestStore.serverOrder(List.of("creation_time DESC"), experiments)).contains("created_at DESC");
    assertThat(GitlabRestStore.serverOrder(List.of("name"), experiments)).contains("name");
    assertThat(GitlabRestStore.serverOrder(List.of("last_update_time"), experiments)).isEmpty();
  }

  @Test
  void experiment_getOrCreate_createsOnceThenFindsIt() {
    // get-by-name 404 RESOURCE_DOES_NOT_EXIST, then create, then get (reference §1 [EXP], [HLP])
    wm.stubFor(get(urlPathEqualTo(API + "experiments/get-by-name"))
        .willReturn(mlflowError(404, "RESOURCE_DOES_NOT_EXIST", "Experiment not found")));
    wm.stubFor(post(urlEqualTo(API + "experiments/create")).willReturn(ok("{\"experiment_id\":\"" + EXP_ID + "\"}")));
    wm.stubFor(get(urlPathEqualTo(API + "experiments/get"))
        .willReturn(ok("{\"experiment\":" + experiment(EXP_ID, "exp") + "}")));

    assertThat(client.getOrCreateExperiment("exp").id()).isEqualTo(EXP_ID);
    wm.verify(1, postRequestedFor(urlEqualTo(API + "experiments/create")));
  }

  @Test
  void logBatch_intoUnknownCandidateFails() {
    // runs.rb looks the candidate up first: RESOURCE_DOES_NOT_EXIST with 404 (reference §1 [HLP])
    wm.stubFor(post(urlEqualTo(API + "runs/log-batch"))
        .willReturn(mlflowError(404, "RESOURCE_DOES_NOT_EXIST", "Candidate not found")));

    assertThatThrownBy(() -> client.logMetric(RUN_ID, "m", 1, T0, 0)).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void search_deletedOnly_isEmptyWithoutRequest_becauseGitlabDestroysDeletedCandidates() {
    // runs/delete destroys, lifecycle_stage is always "active", runs.rb has no run_view_type (reference §1)
    assertThat(client.searchCandidates(CandidateQuery.builder().addExperimentId(EXP_ID)
        .viewType(io.mlops.core.ViewType.DELETED_ONLY).build()).firstPage().items()).isEmpty();
    wm.verify(0, anyRequestedFor(anyUrl()));
  }
}
