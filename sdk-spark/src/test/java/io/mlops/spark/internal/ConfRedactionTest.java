package io.mlops.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfRedactionTest {
  private final ConfRedaction defaults = ConfRedaction.of(null);

  @Test
  void defaultRegex_isSparks() {
    assertThat(defaults.regex()).isEqualTo("(?i)secret|password|token|access[.]key");
    assertThat(ConfRedaction.of("  ").regex()).isEqualTo(ConfRedaction.DEFAULT_REGEX);
  }

  @Test
  void aKeyThatMatches_hidesTheValue_caseInsensitively() {
    assertThat(defaults.redact("spark.mlops.test.password", "hunter2")).isEqualTo("*********(redacted)");
    assertThat(defaults.redact("spark.hadoop.fs.s3a.access.key", "AKIA")).isEqualTo(ConfRedaction.REPLACEMENT);
    assertThat(defaults.redact("spark.ssl.keyStorePassword", "x")).isEqualTo(ConfRedaction.REPLACEMENT);
    assertThat(defaults.redact("spark.authenticate.SECRET", "x")).isEqualTo(ConfRedaction.REPLACEMENT);
    assertThat(defaults.redact("spark.mlops.trackingToken", "x")).isEqualTo(ConfRedaction.REPLACEMENT);
  }

  @Test
  void aValueThatMatches_isHiddenToo() {
    assertThat(defaults.redact("spark.myapp.url", "https://h/p?token=abc")).isEqualTo(ConfRedaction.REPLACEMENT);
    assertThat(defaults.redact("spark.myapp.opts", "-Dpassword=x")).isEqualTo(ConfRedaction.REPLACEMENT);
  }

  @Test
  void otherEntries_areShownAsTheyAre() {
    assertThat(defaults.redact("spark.executor.memory", "4g")).isEqualTo("4g");
    assertThat(defaults.redact("spark.hadoop.fs.s3a.access", "key")).isEqualTo("key"); // '[.]' is a literal dot
    assertThat(defaults.redact("spark.accessXkey", "v")).isEqualTo("v");
  }

  @Test
  void theApplicationsOwnRegex_replacesTheDefault_asInSpark() {
    ConfRedaction custom = ConfRedaction.of("(?i)apikey");
    assertThat(custom.redact("spark.myapp.apiKey", "k")).isEqualTo(ConfRedaction.REPLACEMENT);
    assertThat(custom.redact("spark.myapp.password", "p")).isEqualTo("p");
  }

  @Test
  void aRegexThatDoesNotCompile_fallsBackToTheDefault_neverToNone() {
    ConfRedaction broken = ConfRedaction.of("(unclosed");
    assertThat(broken.regex()).isEqualTo(ConfRedaction.DEFAULT_REGEX);
    assertThat(broken.redact("spark.x.password", "p")).isEqualTo(ConfRedaction.REPLACEMENT);
  }
}
