package io.mlops.examples;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateQuery;
import io.mlops.core.Experiment;
import io.mlops.core.Metric;
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
 * artifact; then prints the candidates best first and where the store is.
 *
 * <p>With no configuration it writes the local store {@code ./mlruns}; set {@code MLFLOW_TRACKING_URI} to use
 * another store.
 */
public final class Quickstart {
  static final String EXPERIMENT = "quickstart-logistic-regression";
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
      System.out.printf("Store: %s%n", storeLocation(tracker.client().config().trackingUri()));
      System.out.println("Open it with MLflow's UI: MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri "
          + storeLocation(tracker.client().config().trackingUri()));
    }
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
