package io.mlops.gitlab.internal;

import io.mlops.gitlab.GitlabBackendProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.ConfigurationException;
import io.mlops.core.MlopsConfig;
import io.mlops.core.MlopsServiceException;
import io.mlops.core.PermissionDeniedException;
import io.mlops.core.RegistryClient;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.ValidationException;
import io.mlops.gitlab.GitlabGroupModel;
import io.mlops.core.spi.Backend;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Group-level model listing against {@link GitlabFake}: the group's projects through {@code GET
 * /api/v4/groups/:id/projects} with {@code X-Next-Page} paging, then each project's MLflow registry.
 */
class GitlabGroupModelsTest {
  private final GitlabFake fake = new GitlabFake(); // project 42, group/project, in group "group"
  @RegisterExtension final WireMockExtension wm = GitlabFake.server(fake);

  @BeforeEach
  void routeToTheFake() {
    GitlabFake.install(wm);
  }

  @Test
  void list_aggregatesModelsOfEveryProjectOfTheGroup_withTheirProjectPaths() {
    fake.addProject("43", "group/other", "group");
    fake.addProject("44", "elsewhere/project", "elsewhere");
    createModels("42", "churn", "fraud");
    createModels("43", "ranker");
    createModels("44", "not-in-group");

    List<GitlabGroupModel> models = GitlabGroupModels.list(GitlabStubs.config(wm), "group");

    assertThat(models).extracting(GitlabGroupModel::projectPath, GitlabGroupModel::projectId, m -> m.model().name())
        .containsExactlyInAnyOrder(tuple("group/project", "42", "churn"), tuple("group/project", "42", "fraud"),
            tuple("group/other", "43", "ranker"));
    assertThat(fake.served).contains("GET /api/v4/projects/43/ml/mlflow/api/2.0/mlflow/registered-models/search")
        .doesNotContain("GET /api/v4/projects/44/ml/mlflow/api/2.0/mlflow/registered-models/search");
  }

  @Test
  void list_returnsNothingForAGroupWhoseProjectsHaveNoModels() {
    assertThat(GitlabGroupModels.list(GitlabStubs.config(wm), "group")).isEmpty();
  }

  @Test
  void list_followsXNextPage_acrossMoreThanOneHundredProjects() {
    for (int i = 0; i < 101; i++) {
      fake.addProject(Integer.toString(1000 + i), "big/p" + i, "big");
    }
    createModels("1000", "first");
    createModels("1100", "last"); // the 101st project: on page 2 of 100

    List<GitlabGroupModel> models = GitlabGroupModels.list(GitlabStubs.config(wm), "big");

    assertThat(models).extracting(GitlabGroupModel::projectPath, m -> m.model().name())
        .containsExactly(tuple("big/p0", "first"), tuple("big/p100", "last"));
    assertThat(fake.served.stream().filter(r -> r.equals("GET /api/v4/groups/big/projects")))
        .hasSize(2);
  }

  @Test
  void list_followsXNextPage_withSmallPages() {
    for (int i = 0; i < 5; i++) {
      fake.addProject(Integer.toString(2000 + i), "small/p" + i, "small");
      createModels(Integer.toString(2000 + i), "m" + i);
    }

    List<GitlabGroupModel> models = GitlabGroupModels.list(GitlabStubs.config(wm), "small", 2);

    assertThat(models).extracting(m -> m.model().name()).containsExactly("m0", "m1", "m2", "m3", "m4");
    assertThat(fake.served.stream().filter(r -> r.equals("GET /api/v4/groups/small/projects"))).hasSize(3);
  }

  @Test
  void list_acceptsTheGroupAsUrlEncodedOrPlainFullPath() {
    fake.addProject("50", "my/group/project", "my/group");
    createModels("50", "nested");

    assertThat(GitlabGroupModels.list(GitlabStubs.config(wm), "my%2Fgroup"))
        .extracting(GitlabGroupModel::projectPath, m -> m.model().name())
        .containsExactly(tuple("my/group/project", "nested"));
    assertThat(GitlabGroupModels.list(GitlabStubs.config(wm), "my/group"))
        .extracting(GitlabGroupModel::projectPath, m -> m.model().name())
        .containsExactly(tuple("my/group/project", "nested"));
    assertThat(fake.served).contains("GET /api/v4/groups/my%2Fgroup/projects");
  }

  @Test
  void list_acceptsTheInstanceBaseUrlOrApiRootAsTrackingUri() {
    createModels("42", "churn");
    String base = "http://127.0.0.1:" + wm.getPort();

    for (String uri : List.of(base, base + "/", base + "/api/v4")) {
      assertThat(GitlabGroupModels.list(config(uri), "group")).as(uri)
          .extracting(GitlabGroupModel::projectPath, m -> m.model().name())
          .containsExactly(tuple("group/project", "churn"));
    }
  }

  @Test
  void list_unknownGroup_throwsResourceNotFoundNamingTheGroup() {
    assertThatThrownBy(() -> GitlabGroupModels.list(GitlabStubs.config(wm), "no-such-group"))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("no-such-group")
        .satisfies(e -> assertThat(((MlopsServiceException) e).statusCode()).hasValue(404));
  }

  @Test
  void list_badToken_throwsPermissionDenied_withoutTheToken() {
    MlopsConfig config = GitlabStubs.config(wm).toBuilder().environment(Map.of()).systemProperties(new Properties())
        .token("glpat-not-a-token").build();

    assertThatThrownBy(() -> GitlabGroupModels.list(config, "group"))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageNotContaining("glpat-not-a-token")
        .satisfies(e -> assertThat(((MlopsServiceException) e).statusCode()).hasValue(401));
  }

  @Test
  void list_blankGroup_throwsValidationException_beforeAnyRequest() {
    for (String group : new String[] {null, "", "   "}) {
      assertThatThrownBy(() -> GitlabGroupModels.list(GitlabStubs.config(wm), group))
          .as(String.valueOf(group))
          .isInstanceOf(ValidationException.class)
          .satisfies(e -> assertThat(((ValidationException) e).rule()).isEqualTo("group-empty"));
    }
    assertThat(fake.served).isEmpty();
  }

  @Test
  void list_skipsProjectsWhoseRegistryAnswers404Or403() {
    fake.addProject("43", "group/registry-off", "group");
    fake.addProject("44", "group/forbidden", "group");
    createModels("42", "churn");
    createModels("43", "hidden-by-404");
    createModels("44", "hidden-by-403");
    fake.mlflowRefusals.put("43", 404);
    fake.mlflowRefusals.put("44", 403);

    List<GitlabGroupModel> models = GitlabGroupModels.list(GitlabStubs.config(wm), "group");

    assertThat(models).extracting(GitlabGroupModel::projectPath, m -> m.model().name())
        .containsExactly(tuple("group/project", "churn"));
    assertThat(fake.served).contains("GET /api/v4/projects/43/ml/mlflow/api/2.0/mlflow/registered-models/search",
        "GET /api/v4/projects/44/ml/mlflow/api/2.0/mlflow/registered-models/search");
  }

  @Test
  void list_projectAnswering401_failsTheWholeListing() {
    fake.addProject("43", "group/other", "group");
    createModels("42", "churn");
    fake.mlflowRefusals.put("43", 401);

    assertThatThrownBy(() -> GitlabGroupModels.list(GitlabStubs.config(wm), "group"))
        .isInstanceOf(PermissionDeniedException.class)
        .satisfies(e -> assertThat(((MlopsServiceException) e).statusCode()).hasValue(401));
  }

  @Test
  void list_trackingUriThatIsNotHttp_throwsConfigurationException() {
    assertThatThrownBy(() -> GitlabGroupModels.list(config("./mlruns"), "group"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("./mlruns");
  }

  @Test
  void instanceUrl_keepsTheRelativeUrlRootAndDropsEverythingFromApiV4() {
    assertThat(GitlabGroupModels.instanceUrl("https://gitlab.example.com/gitlab/api/v4/projects/7/ml/mlflow"))
        .hasToString("https://gitlab.example.com/gitlab/");
    assertThat(GitlabGroupModels.instanceUrl("https://gitlab.example.com/gitlab")).hasToString(
        "https://gitlab.example.com/gitlab/");
    assertThat(GitlabGroupModels.instanceUrl("https://gitlab.example.com:8443/api/v4?x=1")).hasToString(
        "https://gitlab.example.com:8443/");
    assertThat(GitlabGroupModels.instanceUrl("https://gitlab.example.com/api/v4/projects/my%2Fproject/ml/mlflow"))
        .hasToString("https://gitlab.example.com/");
  }

  private MlopsConfig config(String trackingUri) {
    return GitlabStubs.config(wm).toBuilder().environment(Map.of()).systemProperties(new Properties())
        .trackingUri(trackingUri).build();
  }

  /** Creates models in a project of the fake through the SDK's own GitLab backend. */
  private void createModels(String projectId, String... names) {
    MlopsConfig config = config("http://127.0.0.1:" + wm.getPort() + "/api/v4/projects/" + projectId + "/ml/mlflow");
    try (Backend backend = new GitlabBackendProvider().open(config);
        RegistryClient registry = RegistryClient.create(config, backend)) {
      for (String name : names) {
        registry.createModel(name, "", Map.of());
      }
    }
    fake.served.clear();
  }
}
