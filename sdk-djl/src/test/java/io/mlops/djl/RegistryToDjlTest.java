package io.mlops.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import io.mlops.core.MlopsConfig;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.registry.ModelRegistry;
import io.mlops.registry.Promotion;
import io.mlops.registry.RegisteredVersion;
import io.mlops.registry.VersionSpec;
import io.mlops.tracking.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Train, track, promote, load by alias into DJL, predict: the same output as the trained model. */
class RegistryToDjlTest {
  @TempDir
  Path dir;

  @Test
  void promotedCandidate_loadsByAlias_asModelAndZooModel_andPredictsExactlyAsTrained() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray probe = TinyMlp.rows(manager, 99, 16)[0];
      float[] trained;
      String candidateId;
      try (Tracker tracker = TinyMlp.tracker(dir); Model model = TinyMlp.model()) {
        MlopsTrainingListener listener = TinyMlp.fit(MlopsTrainingListener.builder(tracker)
            .candidateName("mlp-for-registry"), model, 2, TinyMlp.dataset(manager, 1), TinyMlp.dataset(manager, 2))
            .listener;
        trained = TinyMlp.predict(model, probe);
        candidateId = listener.candidate().id();
        tracker.flush().join();
      }

      MlopsConfig config = MlopsConfig.builder().environment(Map.of()).systemProperties(new Properties())
          .trackingUri(dir.resolve("mlruns").toString()).build();
      try (ModelRegistry registry = ModelRegistry.create(config)) {
        RegisteredVersion v = registry.promote(Promotion.builder().candidateId(candidateId).modelName("mlp")
            .version(VersionSpec.of("1.0.0")).artifactPath(MlopsTrainingListener.DEFAULT_MODEL_ARTIFACT_PATH)
            .build());
        registry.setAlias("mlp", "champion", v.semver());

        DjlModelLoader loader = DjlModelLoader.builder(registry).cacheDirectory(dir.resolve("cache")).build();
        try (Model served = loader.load("models:/mlp@champion", TinyMlp.block())) {
          assertThat(served.getName()).isEqualTo(TinyMlp.NAME);
          assertThat(TinyMlp.predict(served, probe)).containsExactly(trained);
        }

        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
            .optBlock(TinyMlp.block()).build();
        try (ZooModel<NDList, NDList> zoo = loader.load("models:/mlp/1.0.0", criteria);
            Predictor<NDList, NDList> predictor = zoo.newPredictor()) {
          float[] out = predictor.predict(new NDList(probe)).singletonOrThrow().toFloatArray();
          assertThat(out).containsExactly(trained);
        }

        // one directory per version, downloaded once and reused
        Path first = loader.download("models:/mlp@champion");
        assertThat(loader.download("models:/mlp/latest")).isEqualTo(first);
        try (var files = Files.list(first)) {
          assertThat(files.map(p -> p.getFileName().toString())).containsExactly(TinyMlp.NAME + "-0002.params");
        }
        try (var versions = Files.list(dir.resolve("cache").resolve("mlp"))) {
          assertThat(versions).hasSize(1);
        }

        assertThatThrownBy(() -> loader.load("models:/mlp@nobody", TinyMlp.block()))
            .isInstanceOf(ResourceNotFoundException.class);
      }
    }
  }
}
