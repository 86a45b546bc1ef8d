package io.mlops.registry;

import io.mlops.core.CandidateInfo;
import io.mlops.core.Experiment;
import io.mlops.core.MlopsConfig;
import io.mlops.core.NewCandidate;
import io.mlops.core.TrackingClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Test support: a local store in a temporary folder, isolated from the environment, and real candidates with a
 * {@code model/} folder (two files, one nested), a file outside it ({@code notes.txt}), params, a metric and the run
 * context (git and CI tags) a promoted version must expose.
 */
final class RegistryFixture {
  static final String COMMIT = "3f2c1a9e8b7d6c5b4a39281706f5e4d3c2b1a098";
  static final String BRANCH = "main";
  static final String REPO_URL = "https://gitlab.example.com/team/churn.git";
  static final String CI_JOB_URL = "https://gitlab.example.com/team/churn/-/jobs/4711";

  private RegistryFixture() {}

  /** A configuration for a store rooted at {@code root}, ignoring the environment and system properties. */
  static MlopsConfig config(String trackingUri) {
    return MlopsConfig.builder().trackingUri(trackingUri).environment(Map.of())
        .systemProperties(new Properties()).build();
  }

  /** A registry on the local store at {@code root} with a long cache TTL (so only invalidation refreshes it). */
  static ModelRegistry localRegistry(Path root) {
    return localRegistry(root, Duration.ofHours(1));
  }

  static ModelRegistry localRegistry(Path root, Duration cacheTtl) {
    return ModelRegistry.builder().config(config(root.toString())).cacheTtl(cacheTtl).build();
  }

  /**
   * A candidate with params {@code lr=0.5, l2=0}, metric {@code accuracy=0.86}, git and CI tags, the files of
   * {@link #writeModelFiles} under {@code model/} and {@code notes.txt} beside it.
   */
  static CandidateInfo candidateWithModel(TrackingClient tracking, Path scratch, String experiment, String name) {
    Experiment exp = tracking.getOrCreateExperiment(experiment);
    CandidateInfo c = tracking.createCandidate(NewCandidate.builder().experimentId(exp.id()).name(name)
        .startTime(System.currentTimeMillis())
        .putTag("mlflow.source.git.commit", COMMIT)
        .putTag("mlflow.source.git.branch", BRANCH)
        .putTag("mlflow.source.git.repoURL", REPO_URL)
        .putTag("mlops.ci.job_url", CI_JOB_URL)
        .putTag("mlops.ci.pipeline_id", "815")
        .build());
    tracking.logParam(c.id(), "lr", "0.5");
    tracking.logParam(c.id(), "l2", "0");
    tracking.logMetric(c.id(), "accuracy", 0.86, System.currentTimeMillis(), 0);
    Path files = scratch.resolve("upload-" + c.id());
    Path model = writeModelFiles(files.resolve("model"), c.id().hashCode());
    try {
      Files.write(files.resolve("notes.txt"), "not part of the model".getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    tracking.uploadArtifacts(c.id(), model, "model");
    tracking.uploadArtifacts(c.id(), files.resolve("notes.txt"), "");
    return c;
  }

  /** {@code weights.bin} (64 KiB of seeded random bytes) and {@code conf/MLmodel} in {@code dir}. */
  static Path writeModelFiles(Path dir, long seed) {
    try {
      Files.createDirectories(dir.resolve("conf"));
      byte[] weights = new byte[64 * 1024];
      new Random(seed).nextBytes(weights);
      Files.write(dir.resolve("weights.bin"), weights);
      Files.write(dir.resolve("conf").resolve("MLmodel"),
          ("flavors:\n  java:\n    seed: " + seed + "\n").getBytes(StandardCharsets.UTF_8));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every regular file under {@code dir} by its relative path ('/'-separated), with its bytes. */
  static Map<String, byte[]> filesUnder(Path dir) {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).collect(Collectors.toList())) {
        out.put(dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/"), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The names in a directory. */
  static List<String> namesIn(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toCollection(ArrayList::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
