package io.mlops.gitlab.internal;

import io.mlops.gitlab.GitlabBackendProvider;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.MlopsConfig;
import io.mlops.core.RegistryClient;
import io.mlops.core.TrackingClient;
import io.mlops.testing.RegistryCompatibilityKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registry compatibility kit against {@link GitlabFake}: GitLab's model registry reproduced from its sources.
 * Promoting a candidate of an ordinary experiment copies it into the version's own candidate, which the kit accepts
 * through {@link io.mlops.core.ModelVersion#PROMOTED_FROM_TAG}; what GitLab lacks (rename, tag changes, named
 * aliases) is checked to fail with an error naming GitLab.
 */
class GitlabRegistryCompatibilityTest extends RegistryCompatibilityKit {
  private static final GitlabFake GITLAB = new GitlabFake();
  @RegisterExtension static WireMockExtension wm = GitlabFake.server(GITLAB);

  @BeforeEach
  void routeToTheFake() {
    GitlabFake.install(wm);
  }

  @Override
  protected RegistryClient openRegistry() {
    MlopsConfig config = GitlabStubs.config(wm);
    return RegistryClient.create(config, new GitlabBackendProvider().open(config));
  }

  @Override
  protected TrackingClient openTracking() {
    return GitlabStubs.client(wm);
  }
}
