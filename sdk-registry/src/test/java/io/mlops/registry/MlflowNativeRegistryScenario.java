package io.mlops.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlops.core.MlopsException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry that MLflow's own Python client created ({@code src/test/python/mlflow_native_registry.py}): a run with
 * {@code model/} and {@code notes.txt}, versions 1 ({@code mlflow.register_model("runs:/<run>/model")}), 2
 * ({@code create_model_version(source="runs:/<run>/model")}, alias {@code champion}) and 3 (an MLflow 3 logged model,
 * {@code models:/m-<id>}). {@link ModelRegistry} lists, resolves and downloads them exactly as MLflow does, promotes
 * a semver version into the model, and MLflow downloads that version back. Subclasses choose the store.
 */
abstract class MlflowNativeRegistryScenario {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;
  protected final String model = "native-" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

  /** The tracking URI MLflow's Python client uses. */
  protected abstract String pythonTrackingUri();

  /** The configuration's tracking URI (the same store). */
  protected abstract String sdkTrackingUri();

  /** Extra environment for the Python client. */
  protected Map<String, String> pythonEnvironment() {
    return Map.of();
  }

  /** The Python with MLflow: {@code -Dmlflow.python}, else {@code $MLOPS_VENV/bin/python}, else the repo's venv. */
  static String python() {
    List<String> candidates = new ArrayList<>();
    String property = System.getProperty("mlflow.python", "").trim();
    if (!property.isEmpty()) {
      candidates.add(property);
    }
    String venv = System.getenv("MLOPS_VENV");
    if (venv != null && !venv.trim().isEmpty()) {
      candidates.add(Paths.get(venv.trim(), "bin", "python").toString());
    }
    String script = System.getProperty("mlflow.server.script", "").trim();
    if (!script.isEmpty()) {
      candidates.add(Paths.get(script).toAbsolutePath().getParent().resolve(".venv/bin/python").toString());
    }
    candidates.add(Paths.get("..", ".ci", ".venv", "bin", "python").toAbsolutePath().normalize().toString());
    for (String c : candidates) {
      if (Files.isExecutable(Paths.get(c))) {
        return c;
      }
    }
    return fail("No Python with MLflow: tried " + candidates + ". Give -Dmlflow.python=<venv>/bin/python or "
        + "MLOPS_VENV (bash .ci/setup-mlflow.sh prints the path)");
  }

  private JsonNode runPython(String... args) {
    Path script = Paths.get("src", "test", "python", "mlflow_native_registry.py").toAbsolutePath();
    List<String> command = new ArrayList<>(List.of(python(), script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("MLFLOW_DISABLE_TELEMETRY", "true");
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    pb.environment().putAll(pythonEnvironment());
    File stderr = temp.resolve("python-" + UUID.randomUUID() + ".log").toFile();
    pb.redirectError(stderr);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return fail("MLflow's client did not finish within 180 s: " + command);
      }
      if (p.exitValue() != 0) {
        return fail("MLflow's client failed (exit " + p.exitValue() + "): " + command + "\n"
            + new String(Files.readAllBytes(stderr.toPath()), StandardCharsets.UTF_8));
      }
      return JSON.readTree(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  private static Map<String, byte[]> write(Path dir, String weights, int size, long seed) {
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve("MLmodel"), ("flavors:\n  java:\n    seed: " + seed + "\n")
          .getBytes(StandardCharsets.UTF_8));
      byte[] bytes = new byte[size];
      new Random(seed).nextBytes(bytes);
      Files.write(dir.resolve(weights), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return RegistryFixture.filesUnder(dir);
  }

  private static void assertSameFiles(Path dir, Map<String, byte[]> expected) {
    Map<String, byte[]> actual = RegistryFixture.filesUnder(dir);
    assertThat(actual).containsOnlyKeys(expected.keySet());
    expected.forEach((name, bytes) -> assertThat(actual.get(name)).as(name).isEqualTo(bytes));
  }

  @Test
  void aRegistryMlflowCreated_isListedResolvedAndDownloadedAsMlflowDoes_andTakesASemverPromotion()
      throws IOException {
    Map<String, byte[]> modelFiles = write(temp.resolve("in/model"), "weights.bin", 40_000, 7);
    Map<String, byte[]> loggedFiles = write(temp.resolve("in/logged"), "logged.bin", 9_000, 8);
    Path notes = Files.write(temp.resolve("in/notes.txt"), "not part of the model".getBytes(StandardCharsets.UTF_8));
    JsonNode made = runPython("create", pythonTrackingUri(), model, temp.resolve("in/model").toString(),
        temp.resolve("in/logged").toString(), notes.toString());
    String runId = made.path("run_id").asText();
    Map<String, String> sources = new TreeMap<>();
    made.path("versions").forEach(v -> sources.put(v.path("version").asText(), v.path("source").asText()));
    assertThat(sources.get("2")).isEqualTo("runs:/" + runId + "/model");
    assertThat(sources.get("3")).startsWith("models:/m-");

    try (ModelRegistry registry = ModelRegistry.builder().config(RegistryFixture.config(sdkTrackingUri())).build()) {
      try {
        assertThat(registry.versions(model, true)).extracting(RegisteredVersion::backendVersion)
            .containsExactly("1", "2", "3");
        assertThat(registry.versions(model, true)).allSatisfy(v -> assertThat(v.semver()).isEmpty());
        RegisteredVersion one = registry.resolve("models:/" + model + "/1");
        assertThat(one.source()).isEqualTo(sources.get("1"));
        assertThat(one.candidateId()).hasValue(runId);
        assertThat(registry.resolve("models:/" + model + "@champion").backendVersion()).isEqualTo("2");
        assertThat(registry.resolve("models:/" + model + "/latest").backendVersion()).isEqualTo("3");
        assertThat(registry.candidate(one).data().params()).containsEntry("lr", "0.5");

        // exactly what each source names: the run's model/ folder (not notes.txt), the logged model's files
        assertSameFiles(registry.download("models:/" + model + "/1", temp.resolve("out/one")), modelFiles);
        assertSameFiles(registry.download("models:/" + model + "@champion", temp.resolve("out/champion")),
            modelFiles);
        assertSameFiles(registry.download("models:/" + model + "/3", temp.resolve("out/logged")), loggedFiles);

        RegisteredVersion promoted = registry.promote(Promotion.builder().candidateId(runId).modelName(model)
            .version(VersionSpec.bump(Bump.MINOR)).artifactPath("model").build());
        assertThat(promoted.semver()).isEqualTo("0.1.0");
        assertThat(promoted.backendVersion()).isEqualTo("4");
        assertThat(registry.latest(model)).map(RegisteredVersion::semver).hasValue("0.1.0");
        assertThat(registry.resolve("models:/" + model + "/4").semver()).isEqualTo("0.1.0");
        registry.setAlias(model, "champion", "3");
        assertThat(registry.resolve("models:/" + model + "@champion").backendVersion()).isEqualTo("3");

        // and MLflow reads the promoted version back
        JsonNode back = runPython("download", pythonTrackingUri(), "models:/" + model + "/4",
            temp.resolve("out/by-mlflow").toString());
        List<String> files = new ArrayList<>();
        back.path("files").forEach(f -> files.add(f.asText()));
        // ModelsArtifactRepository.download_artifacts adds its own registered_model_meta file beside the model
        files.remove("registered_model_meta");
        assertThat(files).containsExactlyInAnyOrderElementsOf(modelFiles.keySet());
      } finally {
        try {
          registry.registryClient().deleteModel(model);
        } catch (MlopsException e) {
          // best effort: the name is unique to this run
        }
      }
    }
  }
}
