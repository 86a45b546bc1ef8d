package io.mlops.gitlab.internal;

import io.mlops.core.MlopsConfig;
import io.mlops.core.internal.ArtifactWalk;
import io.mlops.core.internal.SimpleBackend;
import io.mlops.core.spi.Backend;
import io.mlops.core.spi.Capabilities;
import io.mlops.mlflow.internal.MlflowHttp;
import okhttp3.HttpUrl;

/** Wires a GitLab backend: GitLab's tracking, artifact and registry stores over one HTTP client. */
public final class GitlabBackends {
  /** The backend's name in messages and in its provider. */
  public static final String NAME = GitlabCapabilities.NAME;

  private GitlabBackends() {}

  /** A backend for the configuration's project whose artifact files may have at most {@code maxFileSize} bytes. */
  public static Backend open(MlopsConfig config, long maxFileSize) {
    MlflowHttp http = new MlflowHttp(config);
    GitlabRestStore tracking = new GitlabRestStore(http);
    GitlabArtifactStore artifacts = new GitlabArtifactStore(http, tracking, maxFileSize);
    Capabilities capabilities = GitlabCapabilities.of();
    HttpUrl base = http.base();
    GitlabRegistryStore registry = new GitlabRegistryStore(http, tracking, artifacts, capabilities,
        new ArtifactWalk(config));
    return new SimpleBackend("GitLab project at " + base.scheme() + "://" + base.host() + ":" + base.port()
        + base.encodedPath(), capabilities, tracking, artifacts, registry, http::close);
  }
}
