package io.mlops.tracking.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlops.core.CandidateInfo;
import io.mlops.core.Experiment;
import io.mlops.core.MlopsConfig;
import io.mlops.core.MlopsException;
import io.mlops.core.Model;
import io.mlops.core.ModelQuery;
import io.mlops.core.ModelVersion;
import io.mlops.core.NewCandidate;
import io.mlops.core.NewModelVersion;
import io.mlops.core.RegistryClient;
import io.mlops.core.TrackingClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK writes a model registry into a local store; MLflow's own Python client ({@code mlflow_interop.py
 * registry-dump}, an {@code MlflowClient} whose tracking and registry URIs are both {@code file://<store>}) must read
 * back exactly the same models, versions, tags, aliases (also resolved with {@code get_model_version_by_alias}),
 * descriptions, sources, run ids and timestamps, and answer model searches with the same names in the same order.
 *
 * <p>The history written covers every kind of change: tags set and deleted, descriptions replaced, an alias moved,
 * a version deleted (with the alias that pointed at it), a model renamed, a model deleted, and values that YAML
 * would misread if they were not quoted.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RegistryReadByMlflowIT {
  private static final String CHURN = "churn-model";
  private static final String FRAUD = "fraud model";
  private static final String TRICKY = "0123";
  /** Searches run by both; the last ones MLflow rejects, so the SDK must too. */
  private static final List<String> FILTERS = List.of(
      "",
      "name LIKE 'churn%'",
      "name LIKE '%model'",
      "name ILIKE 'FRAUD%'",
      "name = '" + TRICKY + "'",
      "name IN ('fraud model', 'nope')",
      "name NOT IN ('fraud model')",
      "tags.team = 'risk'",
      "tags.team != 'risk'",
      "tag.`data/split` = 'v2' AND name LIKE 'churn_model'",
      "tags.team LIKE '%r%'",
      "creation_timestamp > 0",
      "name = 'a' OR name = 'b'");

  @TempDir
  static Path tmp;

  private static MlflowPython mlflow;
  private static Path store;
  private static TrackingClient tracking;
  private static RegistryClient registry;
  private static CandidateInfo first;
  private static CandidateInfo second;
  private static JsonNode dump;

  @BeforeAll
  static void writeWithTheSdk() throws Exception {
    mlflow = MlflowPython.locate(); // first, so that a missing MLflow fails fast with the setup instructions
    store = tmp.resolve("mlruns");
    MlopsConfig config = MlopsConfig.builder().trackingUri(store.toUri().toString()).build();
    tracking = TrackingClient.create(config);
    registry = RegistryClient.create(config);

    Experiment exp = tracking.createExperiment("registry-interop");
    first = candidate(exp, "train-1");
    second = candidate(exp, "train-2");
    Path modelFile = Files.write(tmp.resolve("MLmodel"), "flavors: {}\n".getBytes(StandardCharsets.UTF_8));
    tracking.uploadArtifacts(first.id(), modelFile, "model");
    tracking.uploadArtifacts(second.id(), modelFile, "model");

    registry.createModel(CHURN, "Predicts churn ✓", Map.of("team", "risk", "data/split", "v2"));
    String v1 = version(CHURN, first, "1.0.0", "first").version();
    String v2 = version(CHURN, second, "1.1.0", null).version();
    String v3 = version(CHURN, first, "2.0.0", "to be withdrawn").version();
    registry.setModelVersionTag(CHURN, v1, "note", "line one\nline two");
    registry.setModelVersionTag(CHURN, v2, "validated", "yes");
    registry.setModelVersionTag(CHURN, v2, "temporary", "x");
    registry.deleteModelVersionTag(CHURN, v2, "temporary");
    registry.updateModelVersionDescription(CHURN, v2, "better");
    registry.setAlias(CHURN, "champion", v1);
    registry.setAlias(CHURN, "champion", v2); // moved
    registry.setAlias(CHURN, "stable", v1);
    registry.setAlias(CHURN, "challenger", v3);
    registry.deleteModelVersion(CHURN, v3); // takes "challenger" with it
    registry.setModelTag(CHURN, "owner", "alice");
    registry.deleteModelTag(CHURN, "owner");

    registry.createModel("fraud-draft", null, Map.of("team", "ops"));
    registry.createModelVersion(NewModelVersion.builder().modelName("fraud-draft").source("s3://bucket/fraud/model")
        .putTag(ModelVersion.SEMVER_TAG, "0.1.0").build());
    registry.renameModel("fraud-draft", FRAUD);
    registry.setAlias(FRAUD, "prod", "1");
    registry.updateModelDescription(FRAUD, "renamed from fraud-draft");

    // Values a YAML 1.1 reader turns into numbers, booleans or null unless they are quoted.
    registry.createModel(TRICKY, "null", Map.of("flag", "on"));
    registry.createModelVersion(NewModelVersion.builder().modelName(TRICKY).source(first.artifactUri() + "/model")
        .candidateId(first.id()).putTag(ModelVersion.SEMVER_TAG, "1.0.0").description("yes").build());

    registry.createModel("to-delete", null, Map.of());
    version("to-delete", first, "1.0.0", null);
    registry.deleteModel("to-delete");

    List<String> args = new ArrayList<>(List.of("registry-dump", store.toString()));
    for (String f : FILTERS) {
      args.add("--filter");
      args.add(f);
    }
    dump = mlflow.run(args.toArray(new String[0]));
  }

  @AfterAll
  static void close() {
    if (registry != null) {
      registry.close();
    }
    if (tracking != null) {
      tracking.close();
    }
  }

  private static CandidateInfo candidate(Experiment exp, String name) {
    return tracking.createCandidate(NewCandidate.builder().experimentId(exp.id()).name(name)
        .startTime(System.currentTimeMillis()).build());
  }

  private static ModelVersion version(String model, CandidateInfo c, String semver, String description) {
    return registry.createModelVersion(NewModelVersion.builder().modelName(model).source(c.artifactUri() + "/model")
        .candidateId(c.id()).putTag(ModelVersion.SEMVER_TAG, semver).description(java.util.Optional
            .ofNullable(description)).build());
  }

  private static Map<String, JsonNode> mlflowModels() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode m : dump.path("models")) {
      out.put(m.get("name").asText(), m);
    }
    return out;
  }

  private static String textOrNull(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  // ---------------------------------------------------------------- what was written, as MLflow reads it

  @Test
  void mlflowSeesTheModelsTheSdkWrote() {
    assertThat(dump.path("mlflow_version").asText()).isEqualTo(mlflow.mlflowVersion());
    // search_registered_models orders by name; deleted and renamed-away models are gone.
    assertThat(mlflowModels().keySet()).containsExactly(TRICKY, CHURN, FRAUD);

    JsonNode churn = mlflowModels().get(CHURN);
    assertThat(churn.get("description").asText()).isEqualTo("Predicts churn ✓");
    assertThat(Interop.textMap(churn.get("tags"))).isEqualTo(Map.of("team", "risk", "data/split", "v2"));
    assertThat(Interop.textMap(churn.get("aliases"))).isEqualTo(Map.of("champion", "2", "stable", "1"));
    assertThat(Interop.textMap(churn.get("by_alias"))).isEqualTo(Map.of("champion", "2", "stable", "1"));
    List<JsonNode> versions = new ArrayList<>();
    churn.get("versions").forEach(versions::add);
    assertThat(versions).extracting(v -> v.get("version").asText()).containsExactly("1", "2");

    JsonNode v1 = versions.get(0);
    assertThat(v1.get("source").asText()).isEqualTo(first.artifactUri() + "/model");
    assertThat(v1.get("download_uri").asText()).isEqualTo(first.artifactUri() + "/model");
    assertThat(v1.get("run_id").asText()).isEqualTo(first.id());
    assertThat(v1.get("description").asText()).isEqualTo("first");
    assertThat(v1.get("status").asText()).isEqualTo("READY");
    assertThat(v1.get("current_stage").asText()).isEqualTo("None");
    assertThat(Interop.textMap(v1.get("tags")))
        .isEqualTo(Map.of(ModelVersion.SEMVER_TAG, "1.0.0", "note", "line one\nline two"));
    assertThat(MlflowPython.textList(v1.get("aliases"))).containsExactly("stable");
    JsonNode v2 = versions.get(1);
    assertThat(v2.get("run_id").asText()).isEqualTo(second.id());
    assertThat(v2.get("description").asText()).isEqualTo("better");
    assertThat(Interop.textMap(v2.get("tags"))).isEqualTo(Map.of(ModelVersion.SEMVER_TAG, "1.1.0", "validated", "yes"));
    assertThat(MlflowPython.textList(v2.get("aliases"))).containsExactly("champion");

    JsonNode fraud = mlflowModels().get(FRAUD);
    assertThat(fraud.get("description").asText()).isEqualTo("renamed from fraud-draft");
    assertThat(Interop.textMap(fraud.get("tags"))).isEqualTo(Map.of("team", "ops"));
    assertThat(Interop.textMap(fraud.get("by_alias"))).isEqualTo(Map.of("prod", "1"));
    JsonNode fraudV1 = fraud.get("versions").get(0);
    assertThat(fraudV1.get("name").asText()).isEqualTo(FRAUD); // the rename reached the version's meta.yaml
    assertThat(fraudV1.get("source").asText()).isEqualTo("s3://bucket/fraud/model");
    assertThat(fraudV1.get("run_id").isNull()).isTrue();
    assertThat(fraudV1.get("description").isNull()).isTrue();

    JsonNode tricky = mlflowModels().get(TRICKY);
    assertThat(tricky.get("description").isTextual()).isTrue();
    assertThat(tricky.get("description").asText()).isEqualTo("null");
    assertThat(Interop.textMap(tricky.get("tags"))).isEqualTo(Map.of("flag", "on"));
    assertThat(tricky.get("versions").get(0).get("description").asText()).isEqualTo("yes");
  }

  @Test
  void mlflowAndTheSdkReadEveryFieldAlike() {
    List<Model> sdkModels = registry.searchModels(ModelQuery.all()).stream().collect(Collectors.toList());
    assertThat(sdkModels).extracting(Model::name).containsExactlyElementsOf(mlflowModels().keySet());
    SoftAssertions softly = new SoftAssertions();
    for (Model m : sdkModels) {
      JsonNode py = mlflowModels().get(m.name());
      String ctx = "model " + m.name();
      softly.assertThat(py.get("description").isNull() ? "" : py.get("description").asText()).as(ctx + " description")
          .isEqualTo(m.description());
      softly.assertThat(py.get("creation_timestamp").asLong()).as(ctx + " creation_timestamp")
          .isEqualTo(m.creationTime());
      softly.assertThat(py.get("last_updated_timestamp").asLong()).as(ctx + " last_updated_timestamp")
          .isEqualTo(m.lastUpdateTime());
      softly.assertThat(Interop.textMap(py.get("tags"))).as(ctx + " tags").isEqualTo(new TreeMap<>(m.tags()));
      softly.assertThat(Interop.textMap(py.get("aliases"))).as(ctx + " aliases").isEqualTo(new TreeMap<>(m.aliases()));
      softly.assertThat(Interop.textMap(py.get("by_alias"))).as(ctx + " aliases resolved")
          .isEqualTo(new TreeMap<>(m.aliases()));
      m.aliases().forEach((alias, id) -> softly.assertThat(registry.getModelVersionByAlias(m.name(), alias).version())
          .as(ctx + " SDK resolves " + alias).isEqualTo(id));

      List<ModelVersion> sdkVersions = registry.listModelVersions(m.name()).stream().collect(Collectors.toList());
      List<JsonNode> pyVersions = new ArrayList<>();
      py.get("versions").forEach(pyVersions::add);
      softly.assertThat(pyVersions.stream().map(v -> v.get("version").asText()).collect(Collectors.toList()))
          .as(ctx + " versions").isEqualTo(sdkVersions.stream().map(ModelVersion::version).collect(Collectors.toList()));
      for (int i = 0; i < Math.min(sdkVersions.size(), pyVersions.size()); i++) {
        ModelVersion s = sdkVersions.get(i);
        JsonNode p = pyVersions.get(i);
        String vctx = ctx + " version " + s.version();
        softly.assertThat(p.get("name").asText()).as(vctx + " name").isEqualTo(s.modelName());
        softly.assertThat(p.get("source").asText()).as(vctx + " source").isEqualTo(s.source());
        softly.assertThat(p.get("download_uri").asText()).as(vctx + " download uri").isEqualTo(s.source());
        softly.assertThat(textOrNull(p.get("run_id"))).as(vctx + " run_id").isEqualTo(s.candidateId().orElse(null));
        softly.assertThat(textOrNull(p.get("description"))).as(vctx + " description")
            .isEqualTo(s.description().isEmpty() ? null : s.description());
        softly.assertThat(p.get("status").asText()).as(vctx + " status").isEqualTo(s.status());
        softly.assertThat(p.get("creation_timestamp").asLong()).as(vctx + " creation_timestamp")
            .isEqualTo(s.creationTime());
        softly.assertThat(p.get("last_updated_timestamp").asLong()).as(vctx + " last_updated_timestamp")
            .isEqualTo(s.lastUpdateTime());
        softly.assertThat(Interop.textMap(p.get("tags"))).as(vctx + " tags").isEqualTo(new TreeMap<>(s.tags()));
        softly.assertThat(MlflowPython.textList(p.get("aliases"))).as(vctx + " aliases")
            .containsExactlyInAnyOrderElementsOf(s.aliases());
      }
    }
    softly.assertAll();
  }

  @Test
  void modelSearchesAnswerAlikeOrFailAlike() {
    JsonNode searches = dump.path("searches");
    assertThat(searches.size()).isEqualTo(FILTERS.size());
    SoftAssertions softly = new SoftAssertions();
    int answered = 0;
    for (JsonNode s : searches) {
      String filter = s.get("filter").asText();
      ModelQuery query = ModelQuery.builder().filter(filter.isEmpty() ? java.util.Optional.empty()
          : java.util.Optional.of(filter)).maxResults(2).build();
      if (s.has("error")) {
        softly.assertThatThrownBy(() -> registry.searchModels(query).stream().count())
            .as("MLflow rejects [%s] (%s); the SDK must reject it too", filter, s.get("error").asText())
            .isInstanceOf(MlopsException.class);
        continue;
      }
      answered++;
      try {
        softly.assertThat(registry.searchModels(query).stream().map(Model::name).collect(Collectors.toList()))
            .as("SDK vs MLflow for [%s]", filter).containsExactlyElementsOf(MlflowPython.textList(s.get("names")));
      } catch (RuntimeException e) {
        softly.fail("The SDK failed on [" + filter + "], which MLflow answers with " + s.get("names") + ": " + e);
      }
    }
    softly.assertAll();
    assertThat(answered).as("filters MLflow answered").isEqualTo(FILTERS.size() - 2);
  }
}
