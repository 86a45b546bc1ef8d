package io.mlops.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.ValidationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Linked items on models and versions, deployment records, and the listing across several registries. */
class ModelRegistryLinksAndDeploymentsTest {
  private static final String ISSUE = "https://gitlab.example.com/team/churn/-/issues/42";
  private static final String MR = "https://gitlab.example.com/team/churn/-/merge_requests/7";

  @TempDir Path temp;
  private ModelRegistry registry;
  private String candidate;

  @BeforeEach
  void open() {
    registry = RegistryFixture.localRegistry(temp.resolve("mlruns"));
    candidate = RegistryFixture.candidateWithModel(registry.trackingClient(), temp, "links", "best").id();
    registry.promote(candidate, "churn", VersionSpec.of("1.0.0"), null);
    registry.promote(candidate, "churn", VersionSpec.of("1.1.0"), null);
  }

  @AfterEach
  void close() {
    registry.close();
  }

  // ---------------------------------------------------------------- links

  @Test
  void linkOnAVersion_isListedWithItsUrlRelationAndTitle_andOnlyThere() {
    LinkedItem issue = registry.link("churn", "1.1.0", ISSUE, "issue", "Drift in Q3");
    LinkedItem mr = registry.link("churn", "1.1.0", MR, "merge_request", null);

    assertThat(registry.links("churn", "1.1.0")).containsExactlyInAnyOrder(issue, mr);
    assertThat(registry.links("churn", "1.1.0")).extracting(LinkedItem::url, LinkedItem::relation, LinkedItem::title)
        .containsExactlyInAnyOrder(tuple(ISSUE, "issue", java.util.Optional.of("Drift in Q3")),
            tuple(MR, "merge_request", java.util.Optional.empty()));
    assertThat(registry.links("churn", "1.0.0")).isEmpty();
    assertThat(registry.links("churn", null)).isEmpty();
  }

  @Test
  void linkOnTheModel_takesNullAsTheVersion() {
    LinkedItem doc = registry.link("churn", null, "https://wiki.example.com/churn", "documentation", "Model card");

    assertThat(registry.links("churn", null)).containsExactly(doc);
    assertThat(registry.links("churn", "1.0.0")).isEmpty();
    assertThat(registry.findModel("churn").get().tags()).containsKey(ModelRegistry.LINK_TAG_PREFIX + doc.id());
  }

  @Test
  void unlink_removesOnlyThatLink() {
    LinkedItem issue = registry.link("churn", "1.1.0", ISSUE, "issue", null);
    LinkedItem mr = registry.link("churn", "1.1.0", MR, "merge_request", null);
    LinkedItem modelLink = registry.link("churn", null, ISSUE, "issue", null);

    registry.unlink("churn", "1.1.0", issue.id());

    assertThat(registry.links("churn", "1.1.0")).containsExactly(mr);
    assertThat(registry.links("churn", null)).containsExactly(modelLink);
    registry.unlink("churn", null, modelLink.id());
    assertThat(registry.links("churn", null)).isEmpty();
  }

  @Test
  void unlink_ofAnUnknownLink_isNotFound() {
    assertThatThrownBy(() -> registry.unlink("churn", "1.1.0", "0123456789ab"))
        .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("0123456789ab");
    assertThatThrownBy(() -> registry.unlink("churn", null, "0123456789ab"))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void linkingTheSameUrlTwice_keepsOneLink() {
    LinkedItem first = registry.link("churn", "1.1.0", ISSUE, "issue", "old title");
    LinkedItem second = registry.link("churn", "1.1.0", ISSUE, "issue", "new title");

    assertThat(second.id()).isEqualTo(first.id());
    assertThat(registry.links("churn", "1.1.0")).containsExactly(second);
  }

  @ParameterizedTest
  @ValueSource(strings = {"not a url", "gitlab.example.com/team/churn/-/issues/42", "http://", "javascript:alert(1)",
      "file:///etc/passwd", "", "https://exa mple.com/x"})
  void link_withABadUrl_isAValidationError_andNothingIsStored(String url) {
    assertThatThrownBy(() -> registry.link("churn", "1.1.0", url, "issue", null))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("link-url"))
        .hasMessageContaining("'" + url + "'");
    assertThat(registry.links("churn", "1.1.0")).isEmpty();
  }

  @Test
  void link_withoutARelation_isAValidationError() {
    assertThatThrownBy(() -> registry.link("churn", "1.1.0", ISSUE, " ", null))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.rule()).isEqualTo("link-relation"));
    assertThat(registry.links("churn", "1.1.0")).isEmpty();
  }

  @Test
  void link_toAnUnknownVersionOrModel_isNotFound() {
    assertThatThrownBy(() -> registry.link("churn", "3.0.0", ISSUE, "issue", null))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> registry.link("nope", null, ISSUE, "issue", null))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void mailtoLink_isAccepted() {
    assertThat(registry.link("churn", null, "mailto:risk-team@example.com", "owner", null).url())
        .isEqualTo("mailto:risk-team@example.com");
  }

  // ---------------------------------------------------------------- deployments

  @Test
  void deployments_areListedNewestFirst_andTheVersionRowShowsTheLast() {
    Deployment staging = registry.recordDeployment("churn", "1.1.0", "staging", "https://ci.example.com/jobs/1");
    Deployment production = registry.recordDeployment("churn", "1.1.0", "production", null);

    assertThat(registry.deployments("churn", "1.1.0")).extracting(Deployment::environment)
        .containsExactly("production", "staging");
    assertThat(registry.deployments("churn", "1.1.0").get(1)).isEqualTo(staging);
    assertThat(registry.deployments("churn", "1.1.0").get(0).pipelineUrl()).isEmpty();
    assertThat(staging.deployedBy()).isEqualTo(System.getProperty("user.name"));

    Map<String, RegisteredVersion> rows = registry.versions("churn", true).stream()
        .collect(Collectors.toMap(RegisteredVersion::semver, v -> v));
    assertThat(rows.get("1.1.0").lastDeployment()).hasValue(production);
    assertThat(rows.get("1.0.0").lastDeployment()).isEmpty();
    assertThat(registry.resolve("models:/churn/1.1.0").lastDeployment()).hasValue(production);
  }

  @Test
  void deploymentsRecordedInTheSameMillisecond_areNewestFirst() {
    // What recordDeployment writes for three records within one millisecond (its 8th, 9th and 10th of this JVM):
    // tags mlops.deployment.<time>-<sequence>. Their times are equal, so only the sequence can order them.
    String backendVersion = registry.version("churn", "1.0.0").backendVersion();
    String[][] records = {{"8", "canary"}, {"9", "staging"}, {"10", "production"}};
    for (String[] r : records) {
      registry.registryClient().setModelVersionTag("churn", backendVersion,
          ModelRegistry.DEPLOYMENT_TAG_PREFIX + "1767225600000-" + r[0],
          "{\"environment\":\"" + r[1] + "\",\"time\":1767225600000,\"deployed_by\":\"ci\"}");
    }

    assertThat(registry.deployments("churn", "1.0.0")).extracting(Deployment::environment)
        .containsExactly("production", "staging", "canary");
    assertThat(registry.version("churn", "1.0.0").lastDeployment().get().environment()).isEqualTo("production");
  }

  @Test
  void deploymentsRecordedInQuickSuccession_areNewestFirst() {
    List<String> environments = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      environments.add("env-" + i);
      registry.recordDeployment("churn", "1.0.0", "env-" + i, null);
    }
    Collections.reverse(environments);

    assertThat(registry.deployments("churn", "1.0.0")).extracting(Deployment::environment)
        .containsExactlyElementsOf(environments);
    assertThat(registry.version("churn", "1.0.0").lastDeployment().get().environment()).isEqualTo("env-4");
  }

  @Test
  void recordDeployment_withoutAnEnvironment_isAValidationError_andRecordsNothing() {
    assertThatThrownBy(() -> registry.recordDeployment("churn", "1.0.0", "  ", null))
        .isInstanceOfSatisfying(ValidationException.class,
            e -> assertThat(e.rule()).isEqualTo("deployment-environment"));
    assertThat(registry.deployments("churn", "1.0.0")).isEmpty();
  }

  @Test
  void recordDeployment_ofAnUnknownVersion_isNotFound() {
    assertThatThrownBy(() -> registry.recordDeployment("churn", "7.0.0", "production", null))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  // ---------------------------------------------------------------- several registries

  @Test
  void listModels_ofTwoRegistriesOnTwoStores_namesWhereEachRowLives() {
    try (ModelRegistry teamB = RegistryFixture.localRegistry(temp.resolve("team-b"))) {
      String other = RegistryFixture.candidateWithModel(teamB.trackingClient(), temp, "team-b", "best").id();
      teamB.promote(other, "fraud", VersionSpec.of("0.1.0"), null);
      teamB.promote(other, "churn", VersionSpec.of("3.0.0"), null);
      teamB.setAlias("fraud", "champion", "0.1.0");
      Map<String, ModelRegistry> registries = new LinkedHashMap<>();
      registries.put("team-a", registry);
      registries.put("team-b", teamB);

      List<ModelListing> rows = ModelRegistry.listModels(registries);

      assertThat(rows).extracting(ModelListing::registry, r -> r.model().name())
          .containsExactly(tuple("team-a", "churn"), tuple("team-b", "churn"), tuple("team-b", "fraud"));
      assertThat(rows.get(2).model().aliases()).containsEntry("champion", "1");
    }
  }

  @Test
  void listModels_ofNoRegistries_isEmpty() {
    assertThat(ModelRegistry.listModels(Map.of())).isEmpty();
  }
}
