package io.mlops.gitlab;

import io.mlops.core.Model;
import io.mlops.core.internal.Arguments;
import java.util.Objects;

/** One model of a GitLab group and the project it lives in: a row of {@link GitlabGroups#listModels}. */
public final class GitlabGroupModel {
  private final String projectId;
  private final String projectPath;
  private final Model model;

  private GitlabGroupModel(String projectId, String projectPath, Model model) {
    this.projectId = projectId;
    this.projectPath = projectPath;
    this.model = model;
  }

  /**
   * A row.
   *
   * @throws io.mlops.core.ValidationException when an argument is null
   */
  public static GitlabGroupModel of(String projectId, String projectPath, Model model) {
    return new GitlabGroupModel(Arguments.requireNonNull(projectId, "projectId"),
        Arguments.requireNonNull(projectPath, "projectPath"), Arguments.requireNonNull(model, "model"));
  }

  /** The project's numeric id. */
  public String projectId() {
    return projectId;
  }

  /** The project's full path ({@code path_with_namespace}), e.g. {@code my-group/sub/project}. */
  public String projectPath() {
    return projectPath;
  }

  /** The model. */
  public Model model() {
    return model;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof GitlabGroupModel)) {
      return false;
    }
    GitlabGroupModel g = (GitlabGroupModel) o;
    return projectId.equals(g.projectId) && projectPath.equals(g.projectPath) && model.equals(g.model);
  }

  @Override
  public int hashCode() {
    return Objects.hash(projectId, projectPath, model);
  }

  @Override
  public String toString() {
    return "GitlabGroupModel{project=" + projectPath + " (" + projectId + "), model=" + model.name() + "}";
  }
}
