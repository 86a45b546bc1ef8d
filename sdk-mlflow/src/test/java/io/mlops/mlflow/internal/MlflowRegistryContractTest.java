package io.mlops.mlflow.internal;

import io.mlops.mlflow.MlflowBackendProvider;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.havingExactly;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.mlops.mlflow.internal.MlflowStubs.API;
import static io.mlops.mlflow.internal.MlflowStubs.RUN_ID;
import static io.mlops.mlflow.internal.MlflowStubs.T0;
import static io.mlops.mlflow.internal.MlflowStubs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.MlopsConfig;
import io.mlops.core.MlopsServiceException;
import io.mlops.core.Model;
import io.mlops.core.ModelQuery;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewModelVersion;
import io.mlops.core.RegistryClient;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.spi.Backend;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The model registry over MLflow's REST API (protocol notes §1, "Model registry" table): request shapes (PATCH for
 * updates, DELETE with a JSON body, GET with query parameters for searches), answer mapping, paging, error
 * mapping and the retry policy of each call.
 */
class MlflowRegistryContractTest {
  @RegisterExtension
  static WireMockExtension wm = MlflowStubs.server();

  private final List<Long> sleeps = MlflowStubs.sleeps();
  private RegistryClient registry;

  @BeforeEach
  void open() {
    registry = registryClient(MlflowStubs.config(wm).build(), sleeps);
  }

  @AfterEach
  void close() {
    registry.close();
  }

  // ---------------------------------------------------------------- models

  @Test
  void createModel_postsNameTagsAndDescription_andMapsTheRegisteredModel() {
    // registered-models/create {name, tags[], description} → {registered_model}
    wm.stubFor(post(urlEqualTo(API + "registered-models/create"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"tags\":[{\"key\":\"team\",\"value\":\"risk\"}],"
            + "\"description\":\"Churn model\"}"))
        .willReturn(json("{\"registered_model\":" + model("churn", "Churn model",
            "[{\"key\":\"team\",\"value\":\"risk\"}]", "[]") + "}")));

    Model m = registry.createModel("churn", "Churn model", Map.of("team", "risk"));

    assertThat(m.name()).isEqualTo("churn");
    assertThat(m.description()).isEqualTo("Churn model");
    assertThat(m.creationTime()).isEqualTo(T0);
    assertThat(m.lastUpdateTime()).isEqualTo(T0 + 5);
    assertThat(m.tags()).containsExactly(Map.entry("team", "risk"));
    assertThat(m.aliases()).isEmpty();
  }

  @Test
  void createModel_withoutTagsOrDescription_sendsOnlyTheName() {
    wm.stubFor(post(urlEqualTo(API + "registered-models/create"))
        .withRequestBody(equalToJson("{\"name\":\"churn\"}"))
        .willReturn(json("{\"registered_model\":{\"name\":\"churn\",\"creation_timestamp\":" + T0
            + ",\"last_updated_timestamp\":" + T0 + "}}")));

    Model m = registry.createModel("churn", null, Map.of());

    // MLflow omits empty description, tags and aliases
    assertThat(m.description()).isEmpty();
    assertThat(m.tags()).isEmpty();
    assertThat(m.aliases()).isEmpty();
  }

  @Test
  void createModel_resourceAlreadyExistsWithHttp400_isResourceAlreadyExists_andNotRetried() {
    // RESOURCE_ALREADY_EXISTS is HTTP 400 (protocol notes §1); the real server's message is reproduced here
    wm.stubFor(post(urlEqualTo(API + "registered-models/create")).willReturn(MlflowStubs.error(400,
        "RESOURCE_ALREADY_EXISTS", "Registered Model (name=churn) already exists.")));

    assertThatThrownBy(() -> registry.createModel("churn", null, Map.of()))
        .isInstanceOfSatisfying(ResourceAlreadyExistsException.class, e -> {
          assertThat(e.statusCode()).hasValue(400);
          assertThat(e.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");
          assertThat(e.serviceMessage()).isEqualTo("Registered Model (name=churn) already exists.");
        });
    wm.verify(1, postRequestedFor(urlEqualTo(API + "registered-models/create")));
  }

  @Test
  void createModel_isNotRetriedOn502_becauseTheModelMayHaveBeenCreated() {
    wm.stubFor(post(urlEqualTo(API + "registered-models/create")).willReturn(aResponse().withStatus(502)));

    assertThatThrownBy(() -> registry.createModel("churn", null, Map.of()))
        .isInstanceOf(MlopsServiceException.class);
    wm.verify(1, postRequestedFor(urlEqualTo(API + "registered-models/create")));
    assertThat(sleeps).isEmpty();
  }

  @Test
  void getModelVersionDownloadUri_asksTheServersStorageLocation() {
    // model-versions/get-download-uri ?name&version → {artifact_uri}: a logged-model source (models:/m-<id>) is
    // answered with the logged model's artifact location, not the source
    wm.stubFor(get(urlPathEqualTo(API + "model-versions/get-download-uri")).withQueryParam("name", equalTo("churn"))
        .withQueryParam("version", equalTo("3"))
        .willReturn(json("{\"artifact_uri\":\"mlflow-artifacts:/1/models/m-0123/artifacts\"}")));

    assertThat(registry.getModelVersionDownloadUri("churn", "3")).isEqualTo("mlflow-artifacts:/1/models/m-0123/artifacts");
  }

  @Test
  void findModel_getsByName_andMapsTagsAndAliases() {
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/get")).withQueryParam("name", equalTo("churn"))
        .willReturn(json("{\"registered_model\":" + model("churn", "d", "[{\"key\":\"team\",\"value\":\"risk\"}]",
            "[{\"alias\":\"champion\",\"version\":\"3\"},{\"alias\":\"challenger\",\"version\":\"4\"}]") + "}")));

    Model m = registry.findModel("churn").orElseThrow();

    assertThat(m.aliases()).containsOnly(Map.entry("champion", "3"), Map.entry("challenger", "4"));
    assertThat(m.tags()).containsOnly(Map.entry("team", "risk"));
  }

  @Test
  void findModel_resourceDoesNotExist_isEmpty() {
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/get")).willReturn(MlflowStubs.error(404,
        "RESOURCE_DOES_NOT_EXIST", "Registered Model with name=churn not found")));

    assertThat(registry.findModel("churn")).isEmpty();
    assertThatThrownBy(() -> registry.getModel("churn")).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void findModel_onAServerWithoutTheEndpoint_failsInsteadOfReportingNoModel() {
    // a plain 404 page: the path is not served (wrong prefix, or a partial implementation without a registry)
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/get")).willReturn(aResponse().withStatus(404)
        .withHeader("Content-Type", "text/html").withBody("<h1>Not Found</h1>")));

    assertThatThrownBy(() -> registry.findModel("churn"))
        .isInstanceOfSatisfying(ResourceNotFoundException.class,
            e -> assertThat(e.errorCode()).isEqualTo("ENDPOINT_NOT_FOUND"));
  }

  @Test
  void searchModels_isAGetWithRepeatedOrderBy_andFollowsNextPageTokenLazily() {
    // registered-models/search is GET: filter, max_results, order_by (repeated), page_token
    // → {registered_models[], next_page_token}; the last page has no token (observed on MLflow 3.17)
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/search"))
        .withQueryParam("filter", equalTo("name LIKE 'churn%'"))
        .withQueryParam("max_results", equalTo("2"))
        .withQueryParam("order_by", havingExactly("name DESC", "last_updated_timestamp ASC"))
        .withQueryParam("page_token", absent())
        .willReturn(json("{\"registered_models\":[" + model("churn-c", "", "[]", "[]") + ","
            + model("churn-b", "", "[]", "[]") + "],\"next_page_token\":\"eyJvZmZzZXQiOiAyfQ==\"}")));
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/search"))
        .withQueryParam("page_token", equalTo("eyJvZmZzZXQiOiAyfQ=="))
        .withQueryParam("filter", equalTo("name LIKE 'churn%'"))
        .withQueryParam("order_by", havingExactly("name DESC", "last_updated_timestamp ASC"))
        .willReturn(json("{\"registered_models\":[" + model("churn-a", "", "[]", "[]") + "]}")));

    Iterator<Model> it = registry.searchModels(ModelQuery.builder().filter("name LIKE 'churn%'")
        .addOrderBy("name DESC", "last_updated_timestamp ASC").maxResults(2).build()).iterator();
    wm.verify(0, getRequestedFor(urlPathEqualTo(API + "registered-models/search")));

    assertThat(it.next().name()).isEqualTo("churn-c");
    assertThat(it.next().name()).isEqualTo("churn-b");
    wm.verify(1, getRequestedFor(urlPathEqualTo(API + "registered-models/search")));
    assertThat(it.next().name()).isEqualTo("churn-a");
    assertThat(it.hasNext()).isFalse();
    wm.verify(2, getRequestedFor(urlPathEqualTo(API + "registered-models/search")));
  }

  @Test
  void searchModels_asksForAtMost1000PerPage_theServersLimit() {
    // the server refuses max_results=1001 with INVALID_PARAMETER_VALUE (observed on MLflow 3.17)
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/search")).withQueryParam("max_results", equalTo("1000"))
        .willReturn(json("{}")));

    assertThat(registry.searchModels(ModelQuery.builder().maxResults(5000).build()).firstPage().items()).isEmpty();
    wm.verify(getRequestedFor(urlPathEqualTo(API + "registered-models/search"))
        .withQueryParam("filter", absent())
        .withQueryParam("order_by", absent()));
  }

  @Test
  void searchModels_badFilter_isInvalidParameter() {
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/search")).willReturn(MlflowStubs.error(400,
        "INVALID_PARAMETER_VALUE", "Invalid clause(s) in filter string: bogus")));

    assertThatThrownBy(() -> registry.searchModels(ModelQuery.builder().filter("bogus").build()).firstPage())
        .isInstanceOf(InvalidParameterException.class).hasMessageContaining("bogus");
  }

  @Test
  void updateModelDescription_isAPatchWithAJsonBody() {
    wm.stubFor(patch(urlEqualTo(API + "registered-models/update"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"description\":\"new text\"}"))
        .willReturn(json("{\"registered_model\":" + model("churn", "new text", "[]", "[]") + "}")));

    assertThat(registry.updateModelDescription("churn", "new text").description()).isEqualTo("new text");
    wm.verify(1, patchRequestedFor(urlEqualTo(API + "registered-models/update")));
  }

  @Test
  void updateModelDescription_isRetriedOn503_asSettingTheSameTextTwiceIsHarmless() {
    MlflowStubs.sequence(wm, "update", () -> patch(urlEqualTo(API + "registered-models/update")),
        aResponse().withStatus(503), json("{\"registered_model\":" + model("churn", "x", "[]", "[]") + "}"));

    assertThat(registry.updateModelDescription("churn", "x").description()).isEqualTo("x");
    wm.verify(2, patchRequestedFor(urlEqualTo(API + "registered-models/update")));
  }

  @Test
  void renameModel_postsOldAndNewName() {
    wm.stubFor(post(urlEqualTo(API + "registered-models/rename"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"new_name\":\"churn-v2\"}"))
        .willReturn(json("{\"registered_model\":" + model("churn-v2", "", "[]", "[]") + "}")));

    assertThat(registry.renameModel("churn", "churn-v2").name()).isEqualTo("churn-v2");
  }

  @Test
  void deleteModel_isADeleteWithAJsonBody_notRetried() {
    wm.stubFor(delete(urlEqualTo(API + "registered-models/delete")).willReturn(aResponse().withStatus(502)));

    assertThatThrownBy(() -> registry.deleteModel("churn")).isInstanceOf(MlopsServiceException.class);
    wm.verify(1, deleteRequestedFor(urlEqualTo(API + "registered-models/delete"))
        .withRequestBody(equalToJson("{\"name\":\"churn\"}")));
  }

  @Test
  void modelTags_setIsAPost_deleteIsADeleteWithAJsonBody() {
    wm.stubFor(post(urlEqualTo(API + "registered-models/set-tag")).willReturn(json("{}")));
    wm.stubFor(delete(urlEqualTo(API + "registered-models/delete-tag")).willReturn(json("{}")));

    registry.setModelTag("churn", "team", "risk");
    registry.deleteModelTag("churn", "team");

    wm.verify(postRequestedFor(urlEqualTo(API + "registered-models/set-tag"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"key\":\"team\",\"value\":\"risk\"}")));
    wm.verify(deleteRequestedFor(urlEqualTo(API + "registered-models/delete-tag"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"key\":\"team\"}")));
  }

  // ---------------------------------------------------------------- versions

  @Test
  void createModelVersion_postsSourceRunIdTagsAndDescription_andMapsTheVersion() {
    // model-versions/create {name, source, run_id, tags[], description} → {model_version}; version is a string
    wm.stubFor(post(urlEqualTo(API + "model-versions/create"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"source\":\"mlflow-artifacts:/1/" + RUN_ID
            + "/artifacts/model\",\"run_id\":\"" + RUN_ID + "\",\"tags\":[{\"key\":\"stage\",\"value\":\"dev\"}],"
            + "\"description\":\"first\"}"))
        .willReturn(json("{\"model_version\":" + version("churn", "1", RUN_ID, "[{\"key\":\"stage\",\"value\":"
            + "\"dev\"}]", null) + "}")));

    ModelVersion v = registry.createModelVersion(NewModelVersion.builder().modelName("churn")
        .source("mlflow-artifacts:/1/" + RUN_ID + "/artifacts/model").candidateId(RUN_ID)
        .putTag("stage", "dev").description("first").build());

    assertThat(v.modelName()).isEqualTo("churn");
    assertThat(v.version()).isEqualTo("1");
    assertThat(v.candidateId()).contains(RUN_ID);
    assertThat(v.source()).isEqualTo("mlflow-artifacts:/1/" + RUN_ID + "/artifacts/model");
    assertThat(v.status()).isEqualTo("READY");
    assertThat(v.creationTime()).isEqualTo(T0);
    assertThat(v.tags()).containsOnly(Map.entry("stage", "dev"));
    assertThat(v.semver()).isEmpty();
    // without a semver tag nothing else is asked
    wm.verify(0, getRequestedFor(urlPathEqualTo(API + "model-versions/search")));
    wm.verify(0, deleteRequestedFor(anyUrl()));
  }

  @Test
  void createModelVersion_isNotRetriedOn502_becauseASecondVersionWouldBeCreated() {
    wm.stubFor(post(urlEqualTo(API + "model-versions/create")).willReturn(aResponse().withStatus(502)));

    assertThatThrownBy(() -> registry.createModelVersion(NewModelVersion.builder().modelName("churn")
        .source("s3://bucket/model").build())).isInstanceOf(MlopsServiceException.class);
    wm.verify(1, postRequestedFor(urlEqualTo(API + "model-versions/create")));
  }

  @Test
  void createModelVersion_withoutARun_mapsAnEmptyRunIdToNoCandidate() {
    wm.stubFor(post(urlEqualTo(API + "model-versions/create"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"source\":\"s3://bucket/model\"}"))
        .willReturn(json("{\"model_version\":" + version("churn", "2", "", null, null) + "}")));

    ModelVersion v = registry.createModelVersion(NewModelVersion.builder().modelName("churn")
        .source("s3://bucket/model").build());

    assertThat(v.candidateId()).isEmpty();
    assertThat(v.tags()).isEmpty();
    assertThat(v.aliases()).isEmpty();
  }

  @Test
  void getModelVersion_getsByNameAndVersion_andMapsAliases() {
    wm.stubFor(get(urlPathEqualTo(API + "model-versions/get")).withQueryParam("name", equalTo("churn"))
        .withQueryParam("version", equalTo("3"))
        .willReturn(json("{\"model_version\":" + version("churn", "3", RUN_ID, null, "[\"champion\"]") + "}")));

    assertThat(registry.getModelVersion("churn", "3").aliases()).containsExactly("champion");
  }

  @Test
  void getModelVersion_missing_isResourceNotFound() {
    wm.stubFor(get(urlPathEqualTo(API + "model-versions/get")).willReturn(MlflowStubs.error(404,
        "RESOURCE_DOES_NOT_EXIST", "Model Version (name=churn, version=99) not found")));

    assertThatThrownBy(() -> registry.getModelVersion("churn", "99")).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void listModelVersions_searchesByName_inVersionOrder_pagesAndFillsAliasesFromTheModel() {
    // model-versions/search is GET; its answers carry no aliases (observed on MLflow 3.17), the model has them
    wm.stubFor(get(urlPathEqualTo(API + "model-versions/search"))
        .withQueryParam("filter", equalTo("name = 'churn'"))
        .withQueryParam("order_by", equalTo("version_number ASC"))
        .withQueryParam("max_results", equalTo("1000"))
        .withQueryParam("page_token", absent())
        // a server that ignores order_by: sorted by number within the page ("10" after "9")
        .willReturn(json("{\"model_versions\":[" + version("churn", "10", RUN_ID, null, null) + ","
            + version("churn", "9", RUN_ID, null, null) + "],\"next_page_token\":\"p2\"}")));
    wm.stubFor(get(urlPathEqualTo(API + "model-versions/search"))
        .withQueryParam("filter", equalTo("name = 'churn'"))
        .withQueryParam("page_token", equalTo("p2"))
        .willReturn(json("{\"model_versions\":[" + version("churn", "11", RUN_ID, null, null) + "]}")));
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/get")).withQueryParam("name", equalTo("churn"))
        .willReturn(json("{\"registered_model\":" + model("churn", "", "[]",
            "[{\"alias\":\"champion\",\"version\":\"10\"},{\"alias\":\"challenger\",\"version\":\"11\"}]") + "}")));

    List<ModelVersion> all = registry.listModelVersions("churn").stream().collect(Collectors.toList());

    assertThat(all).extracting(ModelVersion::version).containsExactly("9", "10", "11");
    assertThat(all).extracting(ModelVersion::aliases)
        .containsExactly(List.of(), List.of("champion"), List.of("challenger"));
    wm.verify(2, getRequestedFor(urlPathEqualTo(API + "model-versions/search")));
  }

  @Test
  void listModelVersions_ofANameWithAQuote_quotesItWithDoubleQuotes() {
    // MLflow strips a literal's outer quotes and knows no escapes: 'o''brien' matches nothing, "o'brien" works
    // (observed on MLflow 3.17)
    wm.stubFor(get(urlPathEqualTo(API + "model-versions/search"))
        .withQueryParam("filter", equalTo("name = \"o'brien\""))
        .willReturn(json("{\"model_versions\":[" + version("o'brien", "1", "", null, null) + "]}")));
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/get"))
        .willReturn(json("{\"registered_model\":" + model("o'brien", "", "[]", "[]") + "}")));

    assertThat(registry.listModelVersions("o'brien").stream().map(ModelVersion::version))
        .containsExactly("1");
  }

  @Test
  void listModelVersions_ofANameWithBothQuotes_usesLikeAndKeepsOnlyTheExactName() {
    wm.stubFor(get(urlPathEqualTo(API + "model-versions/search"))
        .withQueryParam("filter", equalTo("name LIKE 'it_s _q_'"))
        .willReturn(json("{\"model_versions\":[" + version("it's \\\"q\\\"", "1", "", null, null) + ","
            + version("its xqx", "1", "", null, null) + "]}")));
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/get"))
        .willReturn(json("{\"registered_model\":" + model("it's \\\"q\\\"", "", "[]", "[]") + "}")));

    assertThat(registry.listModelVersions("it's \"q\"").stream().map(ModelVersion::modelName))
        .containsExactly("it's \"q\"");
  }

  @Test
  void listModelVersions_ofAModelWithoutVersions_isEmpty() {
    wm.stubFor(get(urlPathEqualTo(API + "model-versions/search")).willReturn(json("{}")));
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/get"))
        .willReturn(json("{\"registered_model\":" + model("churn", "", "[]", "[]") + "}")));

    assertThat(registry.listModelVersions("churn")).isEmpty();
  }

  @Test
  void listModelVersions_ofAnUnknownModel_isResourceNotFound() {
    // the search answers an unknown model with {} (observed on MLflow 3.17); the model read tells the difference
    wm.stubFor(get(urlPathEqualTo(API + "model-versions/search")).willReturn(json("{}")));
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/get")).willReturn(MlflowStubs.error(404,
        "RESOURCE_DOES_NOT_EXIST", "Registered Model with name=churn not found")));

    assertThatThrownBy(() -> registry.listModelVersions("churn").stream().count())
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void listModelVersions_anEmptyLaterPage_asksNothingMore() {
    wm.stubFor(get(urlPathEqualTo(API + "model-versions/search")).withQueryParam("page_token", equalTo("p2"))
        .willReturn(json("{}")));

    try (MlflowHttp http = MlflowStubs.http(MlflowStubs.config(wm).build(), sleeps)) {
      assertThat(new MlflowRegistryStore(http).listModelVersions("churn", Optional.of("p2")).items()).isEmpty();
    }
    wm.verify(0, getRequestedFor(urlPathEqualTo(API + "registered-models/get")));
  }

  @Test
  void updateModelVersionDescription_isAPatchWithAJsonBody() {
    wm.stubFor(patch(urlEqualTo(API + "model-versions/update"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"version\":\"3\",\"description\":\"better\"}"))
        .willReturn(json("{\"model_version\":" + version("churn", "3", RUN_ID, null, null)
            .replace("\"description\":\"\"", "\"description\":\"better\"") + "}")));

    assertThat(registry.updateModelVersionDescription("churn", "3", "better").description()).isEqualTo("better");
  }

  @Test
  void deleteModelVersion_isADeleteWithAJsonBody() {
    wm.stubFor(delete(urlEqualTo(API + "model-versions/delete")).willReturn(json("{}")));

    registry.deleteModelVersion("churn", "3");

    wm.verify(1, deleteRequestedFor(urlEqualTo(API + "model-versions/delete"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"version\":\"3\"}")));
  }

  @Test
  void versionTags_setIsAPost_deleteIsADeleteWithAJsonBody() {
    wm.stubFor(post(urlEqualTo(API + "model-versions/set-tag")).willReturn(json("{}")));
    wm.stubFor(delete(urlEqualTo(API + "model-versions/delete-tag")).willReturn(json("{}")));

    registry.setModelVersionTag("churn", "3", "validated", "true");
    registry.deleteModelVersionTag("churn", "3", "validated");

    wm.verify(postRequestedFor(urlEqualTo(API + "model-versions/set-tag")).withRequestBody(equalToJson(
        "{\"name\":\"churn\",\"version\":\"3\",\"key\":\"validated\",\"value\":\"true\"}")));
    wm.verify(deleteRequestedFor(urlEqualTo(API + "model-versions/delete-tag")).withRequestBody(equalToJson(
        "{\"name\":\"churn\",\"version\":\"3\",\"key\":\"validated\"}")));
  }

  // ---------------------------------------------------------------- aliases

  @Test
  void setAlias_postsNameAliasVersion_andIsRetriedOn502() {
    // registered-models/alias: POST sets and answers {} (observed); setting it again is harmless, so retried
    MlflowStubs.sequence(wm, "alias", () -> post(urlEqualTo(API + "registered-models/alias")),
        aResponse().withStatus(502), json("{}"));

    registry.setAlias("churn", "champion", "3");

    wm.verify(2, postRequestedFor(urlEqualTo(API + "registered-models/alias"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"alias\":\"champion\",\"version\":\"3\"}")));
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void setAlias_toAMissingVersion_isResourceNotFound() {
    wm.stubFor(post(urlEqualTo(API + "registered-models/alias")).willReturn(MlflowStubs.error(404,
        "RESOURCE_DOES_NOT_EXIST", "Model Version (name=churn, version=99) not found")));

    assertThatThrownBy(() -> registry.setAlias("churn", "champion", "99"))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void deleteAlias_isADeleteWithAJsonBody() {
    // DELETE registered-models/alias {name, alias} → {} (also for an alias that is already gone, observed)
    wm.stubFor(delete(urlEqualTo(API + "registered-models/alias")).willReturn(json("{}")));

    registry.deleteAlias("churn", "champion");

    wm.verify(1, deleteRequestedFor(urlEqualTo(API + "registered-models/alias"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"alias\":\"champion\"}")));
  }

  @Test
  void getModelVersionByAlias_getsWithQueryParameters() {
    // GET registered-models/alias ?name&alias → {model_version} with its aliases
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/alias")).withQueryParam("name", equalTo("churn"))
        .withQueryParam("alias", equalTo("champion"))
        .willReturn(json("{\"model_version\":" + version("churn", "3", RUN_ID, null, "[\"champion\"]") + "}")));

    ModelVersion v = registry.getModelVersionByAlias("churn", "champion");

    assertThat(v.version()).isEqualTo("3");
    assertThat(v.aliases()).containsExactly("champion");
  }

  @Test
  void getModelVersionByAlias_unknownAlias404_isResourceNotFound() {
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/alias")).willReturn(MlflowStubs.error(404,
        "RESOURCE_DOES_NOT_EXIST", "Registered model alias champion not found.")));

    assertThatThrownBy(() -> registry.getModelVersionByAlias("churn", "champion"))
        .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
          assertThat(e.statusCode()).hasValue(404);
          assertThat(e.serviceMessage()).isEqualTo("Registered model alias champion not found.");
        });
    wm.verify(0, getRequestedFor(urlPathEqualTo(API + "registered-models/get")));
  }

  @Test
  void getModelVersionByAlias_unknownAliasAsMlflow3Answers_400_isResourceNotFoundOnceTheModelConfirmsIt() {
    // MLflow 3.17 answers an unknown alias of an existing model with INVALID_PARAMETER_VALUE/400 (observed)
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/alias")).willReturn(MlflowStubs.error(400,
        "INVALID_PARAMETER_VALUE", "Registered model alias champion not found.")));
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/get")).withQueryParam("name", equalTo("churn"))
        .willReturn(json("{\"registered_model\":" + model("churn", "", "[]", "[]") + "}")));

    assertThatThrownBy(() -> registry.getModelVersionByAlias("churn", "champion"))
        .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
          assertThat(e.statusCode()).as("the status the server sent, not an invented 404").hasValue(400);
          assertThat(e.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
          assertThat(e.serviceMessage()).isEqualTo("Registered model alias champion not found.");
        });
  }

  @Test
  void getModelVersionByAlias_ofAMissingModel_isResourceNotFound() {
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/alias")).willReturn(MlflowStubs.error(400,
        "INVALID_PARAMETER_VALUE", "Registered model alias champion not found.")));
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/get")).willReturn(MlflowStubs.error(404,
        "RESOURCE_DOES_NOT_EXIST", "Registered Model with name=churn not found")));

    assertThatThrownBy(() -> registry.getModelVersionByAlias("churn", "champion"))
        .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("name=churn");
  }

  @Test
  void getModelVersionByAlias_otherInvalidParameter_keepsTheServersError() {
    // the alias exists on the model, so the 400 is about something else and is not rewritten
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/alias")).willReturn(MlflowStubs.error(400,
        "INVALID_PARAMETER_VALUE", "something else")));
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/get")).willReturn(json("{\"registered_model\":"
        + model("churn", "", "[]", "[{\"alias\":\"champion\",\"version\":\"1\"}]") + "}")));

    assertThatThrownBy(() -> registry.getModelVersionByAlias("churn", "champion"))
        .isInstanceOf(InvalidParameterException.class).hasMessageContaining("something else");
  }

  @Test
  void theBackendProvider_servesThisRegistry() {
    try (Backend backend = new MlflowBackendProvider().open(MlflowStubs.config(wm).build())) {
      assertThat(backend.registryStore()).isInstanceOf(MlflowRegistryStore.class);
    }
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  // ---------------------------------------------------------------- fixtures

  /** A client wired like {@link MlflowBackendProvider#open}, with a recording retry sleeper. */
  static RegistryClient registryClient(MlopsConfig config, List<Long> sleeps) {
    return RegistryClient.create(config, MlflowStubs.backend(config, sleeps));
  }

  /** A RegisteredModel message as MLflow 3.17 sends it; {@code tags}/{@code aliases} are JSON arrays. */
  static String model(String name, String description, String tags, String aliases) {
    return "{\"name\":\"" + name + "\",\"creation_timestamp\":" + T0 + ",\"last_updated_timestamp\":" + (T0 + 5)
        + ",\"description\":\"" + description + "\",\"tags\":" + tags + ",\"aliases\":" + aliases + "}";
  }

  /**
   * A ModelVersion message as MLflow 3.17 sends it (version as a string, run_id "" without a run, current_stage
   * and run_link present); {@code tags}/{@code aliases} are JSON arrays or null to leave them out, as MLflow does
   * when they are empty.
   */
  static String version(String name, String version, String runId, String tags, String aliases) {
    return "{\"name\":\"" + name + "\",\"version\":\"" + version + "\",\"creation_timestamp\":" + T0
        + ",\"last_updated_timestamp\":" + T0 + ",\"current_stage\":\"None\",\"description\":\"\","
        + "\"source\":\"mlflow-artifacts:/1/" + RUN_ID + "/artifacts/model\",\"run_id\":\"" + runId + "\","
        + "\"status\":\"READY\"" + (tags == null ? "" : ",\"tags\":" + tags) + ",\"run_link\":\"\""
        + (aliases == null ? "" : ",\"aliases\":" + aliases) + "}";
  }
}
