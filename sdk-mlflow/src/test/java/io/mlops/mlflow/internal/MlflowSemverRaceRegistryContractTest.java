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
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SDK's semver uniqueness protocol ({@code io.mlops.core.internal.SemverUniqueness}, run by
 * {@link RegistryClient#createModelVersion}) over MLflow's REST API: list the model's versions, create with the
 * semver tag in the create request, list again; the lowest version number wins and a loser deletes its own version.
 */
class MlflowSemverRaceRegistryContractTest {
  @RegisterExtension
  static WireMockExtension wm = MlflowStubs.server();

  private static final String NAME_FILTER = "name = 'churn'";
  private static final String SEMVER_TAGS = "[{\"key\":\"mlops.semver\",\"value\":\"1.2.0\"}]";

  private final List<Long> sleeps = MlflowStubs.sleeps();
  private RegistryClient registry;

  @BeforeEach
  void open() {
    registry = MlflowRegistryContractTest.registryClient(MlflowStubs.config(wm).build(), sleeps);
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/get")).willReturn(json("{\"registered_model\":"
        + MlflowRegistryContractTest.model("churn", "", "[]", "[]") + "}")));
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void theOnlyVersionWithItsSemver_isKept_andTheTagWentInTheCreateRequest() {
    listings(page(), page("7"));
    createAnswers("7");

    ModelVersion v = create();

    assertThat(v.version()).isEqualTo("7");
    assertThat(v.semver()).contains("1.2.0");
    wm.verify(1, postRequestedFor(urlEqualTo(API + "model-versions/create")).withRequestBody(equalToJson(
        "{\"name\":\"churn\",\"source\":\"runs:/" + RUN_ID + "/model\",\"run_id\":\"" + RUN_ID + "\","
            + "\"tags\":" + SEMVER_TAGS + "}")));
    wm.verify(2, getRequestedFor(urlPathEqualTo(API + "model-versions/search"))
        .withQueryParam("filter", equalTo(NAME_FILTER)));
    wm.verify(0, deleteRequestedFor(anyUrl()));
  }

  @Test
  void twoVersionsWithTheSameSemver_theHigherOneDeletesItselfAndFails() {
    // another process committed version 6 with 1.2.0 just before our create was numbered 7
    listings(page(), page("6", "7"));
    createAnswers("7");
    wm.stubFor(delete(urlEqualTo(API + "model-versions/delete")).willReturn(json("{}")));

    assertThatThrownBy(this::create)
        .isInstanceOfSatisfying(ResourceAlreadyExistsException.class, e -> {
          assertThat(e.serviceMessage()).isEqualTo("Version 1.2.0 of model 'churn' already exists: another "
              + "promotion created it first (backend version 6)");
          assertThat(e.statusCode()).as("the SDK found the clash; no server refused").isEmpty();
          assertThat(e.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");
        });
    wm.verify(1, deleteRequestedFor(urlEqualTo(API + "model-versions/delete"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"version\":\"7\"}")));
  }

  @Test
  void twoVersionsWithTheSameSemver_theLowerOneIsKept() {
    // the other process's version 7 is visible already; ours, 6, was committed first and wins
    listings(page(), page("6", "7"));
    createAnswers("6");

    assertThat(create().version()).isEqualTo("6");
    wm.verify(0, deleteRequestedFor(anyUrl()));
  }

  @Test
  void versionNumbersCompareAsNumbers() {
    // "10" sorts before "9" as text; as numbers 9 is the lower one, so our 10 loses
    listings(page(), page("10", "9"));
    createAnswers("10");
    wm.stubFor(delete(urlEqualTo(API + "model-versions/delete")).willReturn(json("{}")));

    assertThatThrownBy(this::create).isInstanceOf(ResourceAlreadyExistsException.class);
    wm.verify(deleteRequestedFor(urlEqualTo(API + "model-versions/delete"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"version\":\"10\"}")));
  }

  @Test
  void aLowerVersionOnALaterPage_stillWins() {
    listings(page(), page("8").next("p2"));
    wm.stubFor(get(urlPathEqualTo(API + "model-versions/search")).withQueryParam("page_token", equalTo("p2"))
        .willReturn(json(page("5").json())));
    createAnswers("8");
    wm.stubFor(delete(urlEqualTo(API + "model-versions/delete")).willReturn(json("{}")));

    assertThatThrownBy(this::create).isInstanceOf(ResourceAlreadyExistsException.class);
    wm.verify(3, getRequestedFor(urlPathEqualTo(API + "model-versions/search")));
    wm.verify(1, deleteRequestedFor(urlEqualTo(API + "model-versions/delete")));
  }

  @Test
  void aSemverTakenLongBefore_isRefusedBeforeAnythingIsCreated() {
    // not a race at all: version 2 has carried 1.2.0 for weeks
    listings(page("2"));

    assertThatThrownBy(this::create).isInstanceOfSatisfying(ResourceAlreadyExistsException.class,
        e -> assertThat(e.serviceMessage()).contains("(backend version 2)"));
    wm.verify(0, postRequestedFor(urlEqualTo(API + "model-versions/create")));
    wm.verify(0, deleteRequestedFor(anyUrl()));
  }

  @Test
  void aVersionDifferingOnlyInBuildMetadata_isTheSameVersion() {
    wm.stubFor(get(urlPathEqualTo(API + "model-versions/search")).willReturn(json("{\"model_versions\":["
        + version("churn", "3", RUN_ID, "[{\"key\":\"mlops.semver\",\"value\":\"1.2.0+build.7\"}]", null)
        + "]}")));

    assertThatThrownBy(this::create).isInstanceOf(ResourceAlreadyExistsException.class);
    wm.verify(0, postRequestedFor(urlEqualTo(API + "model-versions/create")));
  }

  @Test
  void whenTheCheckFails_ourVersionIsRemoved_andTheErrorReported() {
    // we cannot tell whether we won, and keeping a possible duplicate is worse than keeping none
    MlflowStubs.sequence(wm, "listings", () -> get(urlPathEqualTo(API + "model-versions/search")),
        json(page().json()), MlflowStubs.error(500, "INTERNAL_ERROR", "database is locked"));
    createAnswers("7");
    wm.stubFor(delete(urlEqualTo(API + "model-versions/delete")).willReturn(json("{}")));

    assertThatThrownBy(this::create).isInstanceOfSatisfying(MlopsServiceException.class,
        e -> assertThat(e.errorCode()).isEqualTo("INTERNAL_ERROR"));
    wm.verify(1, deleteRequestedFor(urlEqualTo(API + "model-versions/delete"))
        .withRequestBody(equalToJson("{\"name\":\"churn\",\"version\":\"7\"}")));
  }

  @Test
  void aLoserWhoseVersionIsAlreadyGone_stillReportsAlreadyExisting() {
    // a retried self-delete whose first answer was lost finds nothing to delete: that is the wanted state
    listings(page(), page("6", "7"));
    createAnswers("7");
    MlflowStubs.sequence(wm, "delete", () -> delete(urlEqualTo(API + "model-versions/delete")),
        aResponse().withStatus(502), MlflowStubs.error(404, "RESOURCE_DOES_NOT_EXIST",
            "Model Version (name=churn, version=7) not found"));

    assertThatThrownBy(this::create).isInstanceOf(ResourceAlreadyExistsException.class);
    wm.verify(2, deleteRequestedFor(urlEqualTo(API + "model-versions/delete")));
  }

  @Test
  void aNameWithAQuote_isQuotedWithDoubleQuotesInTheListing() {
    wm.stubFor(get(urlPathEqualTo(API + "registered-models/get")).willReturn(json("{\"registered_model\":"
        + MlflowRegistryContractTest.model("o'brien", "", "[]", "[]") + "}")));
    wm.stubFor(post(urlEqualTo(API + "model-versions/create")).willReturn(json("{\"model_version\":"
        + version("o'brien", "1", RUN_ID, SEMVER_TAGS, null) + "}")));
    MlflowStubs.sequence(wm, "quoted", () -> get(urlPathEqualTo(API + "model-versions/search"))
        .withQueryParam("filter", equalTo("name = \"o'brien\"")), json("{}"),
        json("{\"model_versions\":[" + version("o'brien", "1", RUN_ID, SEMVER_TAGS, null) + "]}"));

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

  /** The first page of the model's listing, answered in turn: before the create, after it (then repeated). */
  private static void listings(Page... pages) {
    com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder[] answers =
        new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder[pages.length];
    for (int i = 0; i < pages.length; i++) {
      answers[i] = json(pages[i].json());
    }
    MlflowStubs.sequence(wm, "listings", () -> get(urlPathEqualTo(API + "model-versions/search"))
        .withQueryParam("filter", equalTo(NAME_FILTER)).withQueryParam("page_token", absent()), answers);
  }

  private static Page page(String... numbers) {
    return new Page(numbers, Optional.empty());
  }

  /** One page of versions of churn carrying 1.2.0. */
  private static final class Page {
    private final String[] numbers;
    private final Optional<String> next;

    Page(String[] numbers, Optional<String> next) {
      this.numbers = numbers;
      this.next = next;
    }

    Page next(String token) {
      return new Page(numbers, Optional.of(token));
    }

    String json() {
      StringBuilder items = new StringBuilder();
      for (String n : numbers) {
        items.append(items.length() == 0 ? "" : ",").append(version("churn", n, RUN_ID, SEMVER_TAGS, null));
      }
      return "{\"model_versions\":[" + items + "]" + next.map(t -> ",\"next_page_token\":\"" + t + "\"").orElse("")
          + "}";
    }
  }
}
