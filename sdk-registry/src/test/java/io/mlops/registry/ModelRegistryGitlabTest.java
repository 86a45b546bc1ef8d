package io.mlops.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.CandidateInfo;
import io.mlops.core.ModelVersion;
import io.mlops.core.OperationNotSupportedException;
import io.mlops.gitlab.internal.GitlabFake;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ModelRegistry} on GitLab (the stateful {@link GitlabFake}, built from GitLab's sources): promotion from an
 * ordinary experiment copies the candidate into the version's own candidate, and everything a deployment needs
 * (semver versions, latest, {@code models:/} URIs by version, downloads, the training configuration) works from it.
 */
class ModelRegistryGitlabTest {
  private static final GitlabFake GITLAB = new GitlabFake();
  @RegisterExtension static WireMockExtension wm = GitlabFake.server(GITLAB);
  @TempDir Path temp;

  private ModelRegistry registry;
  private final String model = "churn-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void open() {
    GitlabFake.install(wm);
    registry = ModelRegistry.builder().config(GitlabFake.config(wm)).build();
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void promoteResolveAndDownload_onGitlab() {
    CandidateInfo best = RegistryFixture.candidateWithModel(registry.trackingClient(), temp, "training-" + model,
        "best");
    Map<String, byte[]> modelFiles = RegistryFixture.filesUnder(temp.resolve("upload-" + best.id()).resolve("model"));

    RegisteredVersion v1 = registry.promote(Promotion.builder().candidateId(best.id()).modelName(model)
        .version(VersionSpec.of("1.0.0")).artifactPath("model").build());
    RegisteredVersion v2 = registry.promote(Promotion.builder().candidateId(best.id()).modelName(model)
        .version(VersionSpec.bump(Bump.MINOR)).artifactPath("model").build());

    assertThat(v1.semver()).isEqualTo("1.0.0");
    assertThat(v2.semver()).isEqualTo("1.1.0");
    assertThat(registry.versions(model, true)).extracting(RegisteredVersion::semver).containsExactly("1.0.0", "1.1.0");
    assertThat(registry.latest(model)).map(RegisteredVersion::semver).hasValue("1.1.0");
    assertThat(registry.resolve("models:/" + model + "/1.0.0").backendVersion()).isEqualTo(v1.backendVersion());
    assertThat(registry.resolve("models:/" + model + "/latest").semver()).isEqualTo("1.1.0");
    // the version's candidate is GitLab's copy: params, metrics and run context come along
    assertThat(registry.candidate(v1).data().params()).containsEntry("lr", "0.5");
    assertThat(registry.candidate(v1).data().tags()).containsEntry(ModelVersion.PROMOTED_FROM_TAG, best.id())
        .containsEntry("mlflow.source.git.commit", RegistryFixture.COMMIT);
    assertThat(registry.trainingConfiguration(v1)).containsEntry("param.lr", "0.5").containsEntry("git.commit", RegistryFixture.COMMIT);

    Path dir = registry.download("models:/" + model + "/1.0.0", temp.resolve("serving/churn"));
    assertThat(RegistryFixture.filesUnder(dir)).containsOnlyKeys(modelFiles.keySet());
    modelFiles.forEach((name, bytes) -> assertThat(RegistryFixture.filesUnder(dir).get(name)).isEqualTo(bytes));
  }

  @Test
  void whatGitlabLacks_failsNamingGitlab() {
    CandidateInfo best = RegistryFixture.candidateWithModel(registry.trackingClient(), temp, "training-" + model,
        "best");
    registry.promote(best.id(), model, VersionSpec.of("1.0.0"), null);

    assertThatThrownBy(() -> registry.setAlias(model, "champion", "1.0.0"))
        .isInstanceOf(OperationNotSupportedException.class).hasMessageContaining("GitLab");
    assertThatThrownBy(() -> registry.recordDeployment(model, "1.0.0", "prod", null))
        .isInstanceOf(OperationNotSupportedException.class).hasMessageContaining("GitLab");
  }
}
