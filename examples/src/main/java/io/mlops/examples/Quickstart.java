package io.mlops.examples;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateQuery;
import io.mlops.core.Experiment;
import io.mlops.core.Metric;
import io.mlops.registry.Bump;
import io.mlops.registry.ModelRegistry;
import io.mlops.registry.Promotion;
import io.mlops.registry.RegisteredVersion;
import io.mlops.registry.VersionSpec;
import io.mlops.tracking.ActiveCandidate;
import io.mlops.tracking.Tracker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The quickstart: trains a logistic regression on generated data for a grid of learning rates and L2 strengths,
 * one candidate per configuration with params, per-epoch loss and accuracy, tags and the trained weights as an
 * artifact; prints the candidates best first; then promotes the best one into the model registry (1.0.0, or a
 * minor bump when the model exists), points the {@code champion} alias at it, resolves
 * {@code models:/quickstart-churn@champion}, loads the weights back and checks a prediction.
 *
 * <p>With no configuration it writes the local store {@code ./mlruns}; set {@code MLFLOW_TRACKING_URI} to use
 * another store.
 */
public final class Quickstart {
  static final String EXPERIMENT = "quickstart-logistic-regression";
  static final String MODEL = "quickstart-churn";
  static final int EPOCHS = 40;
  static final int FEATURES = 6;
  static final long SEED = 42;

  private Quickstart() {}

  /** Runs the quickstart. */
  public static void main(String[] args) throws IOException {
    LogisticRegression.Dataset all = LogisticRegression.Dataset.generate(2000, FEATURES, SEED);
    LogisticRegression.Dataset train = all.slice(0, 1600);
    LogisticRegression.Dataset test = all.slice(1600, 2000);
    String session = UUID.randomUUID().toString().substring(0, 8);

    try (Tracker tracker = Tracker.builder().experimentName(EXPERIMENT).build()) {
      Experiment experiment = tracker.experiment();
      System.out.printf("Experiment '%s' (id %s)%n", experiment.name(), experiment.id());

      for (double learningRate : new double[] {0.01, 0.1, 0.5}) {
        for (double l2 : new double[] {0.0, 0.01, 0.1}) {
          String name = String.format(Locale.ROOT, "lr=%s,l2=%s", learningRate, l2);
          tracker.run(name, candidate -> trainOne(candidate, train, test, learningRate, l2, session));
        }
      }

      List<Candidate> ranked = tracker.client().searchCandidates(CandidateQuery.builder()
              .addExperimentId(experiment.id())
              .filter("tags.session = '" + session + "'")
              .addOrderBy("metrics.test_accuracy DESC", "metrics.test_loss ASC")
              .build())
          .stream()
          .collect(Collectors.toList());
      printTable(ranked);
      Candidate best = ranked.get(0);
      System.out.printf("%nBest candidate: %s (id %s)%n", best.name(), best.id());
      tracker.flush().join();
      promoteAndServe(tracker.client().config(), best, test);
      System.out.printf("Store: %s%n", storeLocation(tracker.client().config().trackingUri()));
      System.out.println("Open it with MLflow's UI: MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri "
          + storeLocation(tracker.client().config().trackingUri()));
    }
  }

  /** Promotes the best candidate, aliases it as champion, resolves it back and checks a prediction. */
  static void promoteAndServe(io.mlops.core.MlopsConfig config, Candidate best, LogisticRegression.Dataset test)
      throws IOException {
    try (ModelRegistry registry = ModelRegistry.create(config)) {
      VersionSpec version = registry.findModel(MODEL).isPresent() ? VersionSpec.bump(Bump.MINOR)
          : VersionSpec.of("1.0.0");
      RegisteredVersion promoted = registry.promote(Promotion.builder()
          .candidateId(best.id())
          .modelName(MODEL)
          .version(version)
          .artifactPath("model")
          .description("Best of the quickstart grid: " + best.name())
          .build());
      registry.setAlias(MODEL, "champion", promoted.semver());
      System.out.printf("Promoted %s to %s (%s), alias 'champion' set%n", best.name(), promoted.uri(),
          promoted.semver());

      String uri = "models:/" + MODEL + "@champion";
      RegisteredVersion champion = registry.resolve(uri);
      Path dir = Files.createTempDirectory("quickstart-serve").resolve("champion");
      try {
        registry.download(uri, dir);
        LogisticRegression served = new LogisticRegression(readWeights(dir.resolve("weights.csv")));
        double accuracy = served.accuracy(test);
        double trained = best.data().metrics().get("test_accuracy").value();
        System.out.printf(Locale.ROOT, "Resolved %s -> version %s; reloaded weights score %.4f on the test set "
            + "(logged at training: %.4f)%n", uri, champion.semver(), accuracy, trained);
        if (Math.abs(accuracy - trained) > 1e-9) {
          throw new IllegalStateException("The served model does not reproduce the trained one");
        }
      } finally {
        try (var files = Files.walk(dir.getParent())) {
          files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private static double[] readWeights(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    double[] w = new double[lines.size() - 1];
    for (int i = 1; i < lines.size(); i++) {
      w[i - 1] = Double.parseDouble(lines.get(i).split(",")[1]);
    }
    return w;
  }

  private static void trainOne(ActiveCandidate candidate, LogisticRegression.Dataset train,
      LogisticRegression.Dataset test, double learningRate, double l2, String session) throws IOException {
    candidate.logParams(Map.of(
        "learning_rate", Double.toString(learningRate),
        "l2", Double.toString(l2),
        "epochs", Integer.toString(EPOCHS),
        "features", Integer.toString(FEATURES),
        "train_size", Integer.toString(train.size()),
        "seed", Long.toString(SEED)));
    candidate.setTags(Map.of("model", "logistic-regression", "dataset", "synthetic", "session", session));

    LogisticRegression model = new LogisticRegression(FEATURES, learningRate, l2);
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      model.trainEpoch(train);
      candidate.logMetrics(Map.of(
          "train_loss", model.loss(train),
          "test_loss", model.loss(test),
          "test_accuracy", model.accuracy(test)), epoch);
    }

    Path dir = Files.createTempDirectory("quickstart-model");
    try {
      Path weights = dir.resolve("weights.csv");
      StringBuilder csv = new StringBuilder("index,weight\n");
      double[] w = model.weights();
      for (int j = 0; j < w.length; j++) {
        csv.append(j).append(',').append(w[j]).append('\n');
      }
      Files.write(weights, csv.toString().getBytes(StandardCharsets.UTF_8));
      candidate.logArtifact(weights, "model");
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void printTable(List<Candidate> ranked) {
    System.out.printf("%n%-4s %-18s %-9s %13s %10s %11s%n", "rank", "candidate", "status", "test_accuracy",
        "test_loss", "train_loss");
    int rank = 1;
    for (Candidate c : ranked) {
      Map<String, Metric> m = c.data().metrics();
      System.out.printf(Locale.ROOT, "%-4d %-18s %-9s %13.4f %10.4f %11.4f%n", rank++, c.name(), c.info().status(),
          m.get("test_accuracy").value(), m.get("test_loss").value(), m.get("train_loss").value());
    }
  }

  private static String storeLocation(String trackingUri) {
    if (trackingUri.contains("://") && !trackingUri.startsWith("file:")) {
      return trackingUri;
    }
    return (trackingUri.startsWith("file:") ? Paths.get(java.net.URI.create(trackingUri)) : Paths.get(trackingUri))
        .toAbsolutePath().normalize().toString();
  }
}
