/**
 * The GitLab backend: GitLab's MLflow-compatible tracking API (a subset of MLflow's REST API) and its ml_model
 * package registry for artifacts. Facts and their GitLab sources: {@code shared/reference/gitlab-mlops.md}.
 * <b>Not API.</b>
 */
package io.mlops.gitlab.internal;
