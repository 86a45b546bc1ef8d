package io.mlops.core.internal;

import java.util.concurrent.ThreadLocalRandom;

/** Names and ids in MLflow's style: {@code brave-fox-123} run names, 18-digit experiment ids. */
public final class RandomNames {
  private static final String[] ADJECTIVES = {"able", "bold", "brave", "bright", "calm", "clever", "crisp", "eager",
      "fair", "fast", "gentle", "glad", "grand", "keen", "kind", "lively", "lucky", "merry", "neat", "nimble",
      "proud", "quick", "quiet", "rare", "sharp", "shy", "smart", "swift", "tidy", "warm", "wise", "witty"};
  private static final String[] NOUNS = {"ant", "bat", "bear", "bee", "cat", "colt", "crab", "crow", "deer",
      "dove", "eel", "elk", "finch", "fox", "frog", "goat", "hare", "hawk", "ibis", "koi", "lark", "lynx", "mole",
      "moth", "newt", "owl", "puma", "ram", "seal", "swan", "toad", "wolf"};

  private RandomNames() {}

  /** A run name such as {@code brave-fox-123}, as MLflow gives a run created without one. */
  public static String candidateName() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return ADJECTIVES[r.nextInt(ADJECTIVES.length)] + "-" + NOUNS[r.nextInt(NOUNS.length)] + "-" + r.nextInt(1000);
  }

  /** MLflow's {@code _generate_unique_integer_id}: 18 digits, no leading zero. */
  public static String experimentId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return Long.toString(100_000_000_000_000_000L + (long) (r.nextDouble() * 899_999_999_999_999_999L));
  }
}
