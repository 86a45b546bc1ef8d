package io.mlops.gitlab.internal;

import io.mlops.gitlab.GitlabBackendProvider;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mlops.core.MlopsConfig;
import io.mlops.core.MlopsSetting;
import io.mlops.core.TrackingClient;
import java.util.Map;
import java.util.Properties;

/**
 * Shared fixtures for the GitLab contract tests: a WireMock server standing in for a GitLab project, hermetic
 * configurations, and GitLab's JSON shapes. Every shape names where it comes from: a section of
 * {@code shared/reference/gitlab-mlops.md} and the GitLab source file ({@code gitlabhq/gitlabhq}) cited there.
 */
final class GitlabStubs {
  /** The project's MLflow tracking URI path (reference §1 "Tracking URI", [MC] mlflow_client.md). */
  static final String PROJECT = "/api/v4/projects/42/ml/mlflow";
  /** Where GitLab mounts the MLflow routes (reference §1, [EP] lib/api/ml/mlflow/entrypoint.rb). */
  static final String API = PROJECT + "/api/2.0/mlflow/";
  /** A candidate's eid: MLflow run_id = candidate eid, a UUID (reference §1 "Naming", [RI] run_info.rb). */
  static final String RUN_ID = "5f1e2d3c-4b5a-4968-8776-655443322110";
  /** MLflow experiment_id = the experiment's project-scoped iid (reference §1 "Naming", [RI]). */
  static final String EXP_ID = "3";
  /** The candidate's project-scoped iid, used in package paths (reference §1 "Naming", §2). */
  static final String CANDIDATE_IID = "7";
  static final String TOKEN = "glpat-test-token";
  static final long T0 = 1_700_000_000_000L;

  private GitlabStubs() {}

  static WireMockExtension server() {
    return WireMockExtension.newInstance().options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  }

  /** A hermetic configuration for the extension's server; no retries, so no test sleeps. */
  static MlopsConfig config(WireMockExtension wm) {
    return MlopsConfig.builder()
        .environment(Map.of())
        .systemProperties(new Properties())
        .trackingUri("http://127.0.0.1:" + wm.getPort() + PROJECT)
        .token(TOKEN)
        .set(MlopsSetting.HTTP_REQUEST_MAX_RETRIES, "0")
        .set(MlopsSetting.HTTP_CONNECT_TIMEOUT, "2")
        .set(MlopsSetting.HTTP_REQUEST_TIMEOUT, "5")
        .build();
  }

  /** A client wired exactly as {@link GitlabBackendProvider#open} wires it. */
  static TrackingClient client(WireMockExtension wm, long maxFileSize) {
    MlopsConfig config = config(wm);
    return TrackingClient.create(config, new GitlabBackendProvider(maxFileSize).open(config));
  }

  static TrackingClient client(WireMockExtension wm) {
    return client(wm, GitlabArtifactStore.DEFAULT_MAX_FILE_SIZE);
  }

  /**
   * A JSON 200: GitLab answers every success with 200, never 201, because "MLflow Client considers any status code
   * different than 200 an error" (reference §1, [EP] lib/api/ml/mlflow/entrypoint.rb).
   */
  static ResponseDefinitionBuilder ok(String body) {
    return WireMock.aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
  }

  /**
   * An MLflow-format error as GitLab renders it: {@code error_code} with RESOURCE_DOES_NOT_EXIST on 404 and
   * RESOURCE_ALREADY_EXISTS / INVALID_PARAMETER_VALUE on 400 (reference §1, [HLP] lib/api/ml/mlflow/api_helpers.rb).
   */
  static ResponseDefinitionBuilder mlflowError(int status, String code, String message) {
    return WireMock.aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody("{\"error_code\":\"" + code + "\",\"message\":\"" + message + "\"}");
  }

  /**
   * A write with a token that may only read: runs.rb and experiments.rb call {@code check_api_write!} for every
   * non-GET request (reference §1 "Authentication": {@code read_api} only for GET/HEAD, [EP]/[HLP]; source visible in
   * lib/api/ml/mlflow/runs.rb's {@code before} block). GitLab's API helpers render a refusal as
   * {@code {"message":"403 Forbidden"}} without an MLflow error_code (lib/api/helpers.rb {@code forbidden!}).
   */
  static ResponseDefinitionBuilder forbidden() {
    return WireMock.aResponse().withStatus(403).withHeader("Content-Type", "application/json")
        .withBody("{\"message\":\"403 Forbidden\"}");
  }

  /**
   * An experiment in MLflow's Experiment shape with the iid as id and GitLab's lifecycle stage (reference §1
   * "Naming" and "Endpoints implemented", [EXP] lib/api/ml/mlflow/experiments.rb; GitLab renders it with
   * lib/api/entities/ml/mlflow/experiment.rb, which this repo has not read: fields as MLflow's Experiment).
   */
  static String experiment(String id, String name) {
    return "{\"experiment_id\":\"" + id + "\",\"name\":\"" + name + "\",\"artifact_location\":\"not_implemented\","
        + "\"lifecycle_stage\":\"active\",\"tags\":[]}";
  }

  /**
   * A candidate's RunInfo as lib/api/entities/ml/mlflow/run_info.rb renders it (reference §1 "Run fields" and §2,
   * [RI]): run_id and run_uuid = eid, experiment_id = experiment iid as a string, status upper-case,
   * lifecycle_stage always "active", user_id a string, artifact_uri the candidate's ml_model package
   * {@code <base>/api/v4/projects/<numeric id>/packages/ml_models/candidate:<iid>/files/} built from GitLab's
   * external URL (here a different host than the tracking URI, as behind a proxy).
   */
  static String runInfo(String status, String name) {
    return "{\"run_id\":\"" + RUN_ID + "\",\"run_uuid\":\"" + RUN_ID + "\",\"experiment_id\":\"" + EXP_ID + "\","
        + "\"start_time\":" + T0 + ",\"run_name\":\"" + name + "\",\"status\":\"" + status + "\","
        + "\"artifact_uri\":\"http://gitlab.example.com/api/v4/projects/42/packages/ml_models/candidate:"
        + CANDIDATE_IID + "/files/\",\"lifecycle_stage\":\"active\",\"user_id\":\"1\"}";
  }

  /**
   * A Run as runs.rb presents it with Entities::Ml::Mlflow::GetRun ({@code {"run": {"info", "data"}}}, reference §1
   * [RUNS]; data as MLflow's RunData: metrics, params, tags lists).
   */
  static String run(String status, String name, String data) {
    return "{\"run\":{\"info\":" + runInfo(status, name) + ",\"data\":" + data + "}}";
  }
}
