package io.mlops.gitlab.internal;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.TrackingClient;
import io.mlops.testing.BackendCompatibilityKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The backend compatibility kit against {@link GitlabFake}, GitLab's MLflow API and package registry reproduced
 * from its sources. Operations GitLab lacks are checked to fail with an error naming GitLab.
 */
class GitlabCompatibilityTest extends BackendCompatibilityKit {
  private static final GitlabFake GITLAB = new GitlabFake();
  @RegisterExtension static WireMockExtension wm = GitlabFake.server(GITLAB);

  @BeforeEach
  void routeToTheFake() {
    GitlabFake.install(wm);
  }

  /** runs.rb: {@code user_id} "This will be ignored"; GitLab records the token's user. */
  @Override
  protected boolean recordsRequestedUserId() {
    return false;
  }

  @Override
  protected TrackingClient openClient() {
    return GitlabStubs.client(wm);
  }
}
