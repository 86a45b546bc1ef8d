package io.mlops.gitlab;

import io.mlops.core.MlopsConfig;
import io.mlops.gitlab.internal.GitlabGroupModels;
import java.util.List;

/** What GitLab offers beyond one project's MLflow API: listings across the projects of a group. */
public final class GitlabGroups {
  private GitlabGroups() {}

  /**
   * Lists the models of every project of a GitLab group and its subgroups, project by project in the order GitLab
   * lists them (by project id). GitLab has no group-level model API, so this lists the group's projects
   * ({@code GET /api/v4/groups/:id/projects}) and searches each project's registry in turn. Projects whose registry
   * answers 403 or 404 (the model registry is off, or not readable) are skipped with a WARN.
   *
   * <pre>{@code
   * MlopsConfig config = MlopsConfig.builder().trackingUri("https://gitlab.example.com").token(token).build();
   * for (GitlabGroupModel row : GitlabGroups.listModels(config, "my-group/ml")) {
   *   System.out.println(row.projectPath() + ": " + row.model().name());
   * }
   * }</pre>
   *
   * @param config the token ({@code read_api} suffices) and any URL on the GitLab instance: its base URL (with the
   *     relative URL root, if any), its API root or a project's MLflow tracking URI
   * @param group the group's numeric id or full path, plain ({@code my-group/ml}) or URL-encoded
   *     ({@code my-group%2Fml})
   * @throws io.mlops.core.ValidationException when {@code group} is blank
   * @throws io.mlops.core.ConfigurationException when the tracking URI is not an http(s) URL
   * @throws io.mlops.core.ResourceNotFoundException when the group does not exist or the token cannot see it
   * @throws io.mlops.core.PermissionDeniedException when GitLab refuses the token (401)
   */
  public static List<GitlabGroupModel> listModels(MlopsConfig config, String group) {
    return GitlabGroupModels.list(config, group);
  }
}
