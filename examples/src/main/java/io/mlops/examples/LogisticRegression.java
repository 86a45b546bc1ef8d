package io.mlops.examples;

import java.util.Random;

/** Binary logistic regression trained by full-batch gradient descent with L2 regularisation. Plain Java. */
final class LogisticRegression {
  private final double[] weights; // weights[0] is the bias
  private final double learningRate;
  private final double l2;

  LogisticRegression(int features, double learningRate, double l2) {
    this.weights = new double[features + 1];
    this.learningRate = learningRate;
    this.l2 = l2;
  }

  LogisticRegression(double[] weights) {
    this.weights = weights.clone();
    this.learningRate = 0;
    this.l2 = 0;
  }

  /** One pass of gradient descent over the data. */
  void trainEpoch(Dataset data) {
    double[] gradient = new double[weights.length];
    for (int i = 0; i < data.size(); i++) {
      double error = predict(data.x[i]) - data.y[i];
      gradient[0] += error;
      for (int j = 0; j < data.x[i].length; j++) {
        gradient[j + 1] += error * data.x[i][j];
      }
    }
    for (int j = 0; j < weights.length; j++) {
      double reg = j == 0 ? 0 : l2 * weights[j];
      weights[j] -= learningRate * (gradient[j] / data.size() + reg);
    }
  }

  /** The probability of class 1. */
  double predict(double[] x) {
    double z = weights[0];
    for (int j = 0; j < x.length; j++) {
      z += weights[j + 1] * x[j];
    }
    return 1.0 / (1.0 + Math.exp(-z));
  }

  /** Mean cross-entropy. */
  double loss(Dataset data) {
    double sum = 0;
    for (int i = 0; i < data.size(); i++) {
      double p = Math.min(Math.max(predict(data.x[i]), 1e-12), 1 - 1e-12);
      sum -= data.y[i] * Math.log(p) + (1 - data.y[i]) * Math.log(1 - p);
    }
    return sum / data.size();
  }

  /** Share of correct predictions at threshold 0.5. */
  double accuracy(Dataset data) {
    int correct = 0;
    for (int i = 0; i < data.size(); i++) {
      if ((predict(data.x[i]) >= 0.5 ? 1 : 0) == data.y[i]) {
        correct++;
      }
    }
    return (double) correct / data.size();
  }

  double[] weights() {
    return weights.clone();
  }

  /** A labelled data set. */
  static final class Dataset {
    final double[][] x;
    final int[] y;

    Dataset(double[][] x, int[] y) {
      this.x = x;
      this.y = y;
    }

    int size() {
      return y.length;
    }

    /** Synthetic data: features ~ N(0,1), labels drawn from a logistic model with known weights. */
    static Dataset generate(int n, int features, long seed) {
      Random random = new Random(seed);
      double[] truth = new double[features];
      for (int j = 0; j < features; j++) {
        truth[j] = random.nextGaussian() * 2;
      }
      double[][] x = new double[n][features];
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        double z = 0.5;
        for (int j = 0; j < features; j++) {
          x[i][j] = random.nextGaussian();
          z += truth[j] * x[i][j];
        }
        y[i] = random.nextDouble() < 1.0 / (1.0 + Math.exp(-z)) ? 1 : 0;
      }
      return new Dataset(x, y);
    }

    Dataset slice(int from, int to) {
      double[][] xs = new double[to - from][];
      int[] ys = new int[to - from];
      System.arraycopy(x, from, xs, 0, to - from);
      System.arraycopy(y, from, ys, 0, to - from);
      return new Dataset(xs, ys);
    }
  }
}
