package io.mlops.mlflow.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.mlops.mlflow.internal.MlflowRegistryContractTest.version;
import static io.mlops.mlflow.internal.MlflowStubs.API;
import static io.mlops.mlflow.internal.MlflowStubs.RUN_ID;
import static io.mlops.mlflow.internal.MlflowStubs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.MlopsServiceException;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewModelVersion;
import io.mlops.core.RegistryClient;
import io.mlops.core.ResourceAlreadyExistsException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A version created with a semantic version tag is unique per model, also when two processes promote the same
 * semver at the same moment: the tags go in the create request, then the versions carrying that semver are
 * searched, and only the one with the lowest version number survives (see
 * {@link MlflowRegistryStore#createModelVersion}).
 */
class MlflowSemverRaceRegistryContractTest {
  @RegisterExtension
  static WireMockExtension wm = MlflowStubs.server();

  private static final String SEMVER_FILTER = "name = 'churn' AND tags.`mlops.semver` = '1.2.0'";
  private static final String SEMVER_TAGS = "[{\"key\":\"mlops.semver\",\"value\":\"1.2.0\"}]";

  private final List<Long> sleeps = MlflowStubs.sleeps();
  private RegistryClient registry;

  @BeforeEach
  void open() {
    registry = MlflowRegistryContractTest.registryClient(MlflowStubs.config(wm).build(), sleeps);
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void theOnlyVersionWithItsSemver_isKept_andTheTagWentInTheCreateRequest() {
    createAnswers("7");
    searchAnswers(null, "7");

    ModelVersion v = create();

    assertThat(v.version()).isEqualTo("7");
    assertThat(v.semver()).contains("1.2.0");
    wm.verify(1, postRequestedFor(urlEqualTo(API + "model-versions/create")).withRequestBody(equalToJson(
        "{\"name\":\"churn\",\"source\":\"runs:/" + RUN_ID + "/model\",\"run_id\":\"" + RUN_ID + "\","
            + "\"tags\":" + SEMVER_TAGS + "}")));
    wm.verify(1, getRequestedFor(urlPathEqualTo(API + "model-versions/search"))
        .withQueryParam("filter", equalTo(SEMVER_FILTER))
        .withQueryParam("order_by", equalTo("version_number ASC")));
    wm.verify(0, deleteRequestedFor(anyUrl()));
  }

  @Test
  void twoVersionsWithTheSameSemver_theHigherOneDeletesItselfAndFails() {
    // another process committed version 6 with 1.2.0 just before our create was numbered 7
    createAnswers("7");
    searchAnswers(null, "6", "7");
    wm.stubFor(delete(urlEqualTo(API + "model-versions/delete")).willReturn(json("{}")));

    assertThatThrownBy(this::create)
        .isInstanceOfSatisfying(ResourceAlreadyExistsException.class, e -> {
          assertThat(e.serviceMessage()).isEqualTo("version 1.2.0 of model churn already exists");
          assertThat(e.statusCode()).as("the SDK found the clash; no server refused").isEmpty();
          assertThat(e.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");
        });
    wm.verify(1, deleteRequestedFor(urlEqualTo(API + "model-versions/delete"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"version\":\"7\"}")));
  }

  @Test
  void twoVersionsWithTheSameSemver_theLowerOneIsKept() {
    // the other process's version 7 is visible already; ours, 6, was committed first and wins
    createAnswers("6");
    searchAnswers(null, "6", "7");

    assertThat(create().version()).isEqualTo("6");
    wm.verify(0, deleteRequestedFor(anyUrl()));
  }

  @Test
  void versionNumbersCompareAsNumbers() {
    // "10" sorts before "9" as text; as numbers 9 is the lower one, so our 10 loses
    createAnswers("10");
    searchAnswers(null, "10", "9");
    wm.stubFor(delete(urlEqualTo(API + "model-versions/delete")).willReturn(json("{}")));

    assertThatThrownBy(this::create).isInstanceOf(ResourceAlreadyExistsException.class);
    wm.verify(deleteRequestedFor(urlEqualTo(API + "model-versions/delete"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"version\":\"10\"}")));
  }

  @Test
  void aLowerVersionOnALaterPage_stillWins() {
    createAnswers("8");
    searchAnswers(null, "8").nextPage("p2");
    searchAnswers("p2", "5");
    wm.stubFor(delete(urlEqualTo(API + "model-versions/delete")).willReturn(json("{}")));

    assertThatThrownBy(this::create).isInstanceOf(ResourceAlreadyExistsException.class);
    wm.verify(2, getRequestedFor(urlPathEqualTo(API + "model-versions/search")));
    wm.verify(1, deleteRequestedFor(urlEqualTo(API + "model-versions/delete")));
  }

  @Test
  void aSemverTakenLongBefore_isReportedAsAlreadyExisting() {
    // not a race at all: version 2 has carried 1.2.0 for weeks, and the search does not list ours yet
    createAnswers("9");
    searchAnswers(null, "2");
    wm.stubFor(delete(urlEqualTo(API + "model-versions/delete")).willReturn(json("{}")));

    assertThatThrownBy(this::create).isInstanceOf(ResourceAlreadyExistsException.class);
    wm.verify(deleteRequestedFor(urlEqualTo(API + "model-versions/delete"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"version\":\"9\"}")));
  }

  @Test
  void whenTheCheckFails_ourVersionIsRemoved_andTheErrorReported() {
    // we cannot tell whether we won, and keeping a possible duplicate is worse than keeping none
    createAnswers("7");
    wm.stubFor(get(urlPathEqualTo(API + "model-versions/search")).willReturn(MlflowStubs.error(500,
        "INTERNAL_ERROR", "database is locked")));
    wm.stubFor(delete(urlEqualTo(API + "model-versions/delete")).willReturn(json("{}")));

    assertThatThrownBy(this::create).isInstanceOfSatisfying(MlopsServiceException.class,
        e -> assertThat(e.errorCode()).isEqualTo("INTERNAL_ERROR"));
    wm.verify(1, deleteRequestedFor(urlEqualTo(API + "model-versions/delete"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"version\":\"7\"}")));
  }

  @Test
  void aLoserWhoseVersionIsAlreadyGone_stillReportsAlreadyExisting() {
    // a retried self-delete whose first answer was lost finds nothing to delete: that is the wanted state
    createAnswers("7");
    searchAnswers(null, "6", "7");
    MlflowStubs.sequence(wm, "delete", () -> delete(urlEqualTo(API + "model-versions/delete")),
        aResponse().withStatus(502), MlflowStubs.error(404, "RESOURCE_DOES_NOT_EXIST",
            "Model Version (name=churn, version=7) not found"));

    assertThatThrownBy(this::create).isInstanceOf(ResourceAlreadyExistsException.class);
    wm.verify(2, deleteRequestedFor(urlEqualTo(API + "model-versions/delete")));
  }

  @Test
  void aNameWithAQuote_isQuotedWithDoubleQuotesInTheSemverSearch() {
    wm.stubFor(post(urlEqualTo(API + "model-versions/create")).willReturn(json("{\"model_version\":"
        + version("o'brien", "1", RUN_ID, SEMVER_TAGS, null) + "}")));
    wm.stubFor(get(urlPathEqualTo(API + "model-versions/search"))
        .withQueryParam("filter", equalTo("name = \"o'brien\" AND tags.`mlops.semver` = '1.2.0'"))
        .willReturn(json("{\"model_versions\":[" + version("o'brien", "1", RUN_ID, SEMVER_TAGS, null) + "]}")));

    assertThat(registry.createModelVersion(NewModelVersion.builder().modelName("o'brien")
        .source("runs:/" + RUN_ID + "/model").putTag(ModelVersion.SEMVER_TAG, "1.2.0").build()).version())
        .isEqualTo("1");
  }

  private ModelVersion create() {
    return registry.createModelVersion(NewModelVersion.builder().modelName("churn")
        .source("runs:/" + RUN_ID + "/model").candidateId(RUN_ID).putTag(ModelVersion.SEMVER_TAG, "1.2.0")
        .build());
  }

  private void createAnswers(String number) {
    wm.stubFor(post(urlEqualTo(API + "model-versions/create")).willReturn(json("{\"model_version\":"
        + version("churn", number, RUN_ID, SEMVER_TAGS, null) + "}")));
  }

  /** Stubs one page of the semver search; {@link SearchPage#nextPage} adds a token. */
  private SearchPage searchAnswers(String pageToken, String... numbers) {
    return new SearchPage(pageToken, numbers).stub(null);
  }

  private static final class SearchPage {
    private final String token;
    private final String[] numbers;

    SearchPage(String token, String[] numbers) {
      this.token = token;
      this.numbers = numbers;
    }

    SearchPage stub(String next) {
      StringBuilder items = new StringBuilder();
      for (String n : numbers) {
        items.append(items.length() == 0 ? "" : ",").append(version("churn", n, RUN_ID, SEMVER_TAGS, null));
      }
      wm.stubFor(get(urlPathEqualTo(API + "model-versions/search"))
          .withQueryParam("filter", equalTo(SEMVER_FILTER))
          .withQueryParam("page_token", token == null ? absent() : equalTo(token))
          .willReturn(json("{\"model_versions\":[" + items + "]"
              + (next == null ? "" : ",\"next_page_token\":\"" + next + "\"") + "}")));
      return this;
    }

    void nextPage(String next) {
      stub(next); // a later stub for the same request takes precedence in WireMock
    }
  }
}
