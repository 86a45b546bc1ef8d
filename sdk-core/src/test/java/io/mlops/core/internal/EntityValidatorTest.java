package io.mlops.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.Metric;
import io.mlops.core.ValidationException;
import io.mlops.core.spi.Capabilities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EntityValidatorTest {
  private final EntityValidator validator = new EntityValidator(Capabilities.mlflowDefaults("MLflow"));

  @ParameterizedTest
  @ValueSource(strings = {"loss", "opt/lr", "a.b-c_d e:f", "Genauigkeit_ä", "步骤", "x1/y2/z3"})
  void metricKey_acceptsMlflowKeyCharacters(String key) {
    assertThatCode(() -> validator.metricKey(key)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a*b", "a?b", "a\\b", "semi;colon", "quote'", "tab\tkey", "a,b"})
  void metricKey_rejectsKeyWithIllegalCharacters(String key) {
    assertThatThrownBy(() -> validator.metricKey(key)).isInstanceOf(ValidationException.class)
        .hasMessageContaining(key).satisfies(e -> assertThat(((ValidationException) e).rule())
            .isEqualTo("key-characters"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/abs", "trailing/", "a//b", "./a", "a/./b", "a/../b", "..", "."})
  void metricKey_rejectsKeysThatAreNotNormalizedRelativePaths(String key) {
    assertThatThrownBy(() -> validator.metricKey(key)).isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(((ValidationException) e).rule()).isEqualTo("key-path"));
  }

  @Test
  void key_rejectsEmptyAndOverlongKeysNamingTheRule() {
    assertThatThrownBy(() -> validator.metricKey("")).hasMessageContaining("empty");
    String longKey = "k".repeat(251);
    assertThatThrownBy(() -> validator.param(longKey, "v")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("251").hasMessageContaining("250")
        .satisfies(e -> assertThat(((ValidationException) e).key()).isEqualTo(longKey));
    assertThatCode(() -> validator.param("k".repeat(250), "v")).doesNotThrowAnyException();
  }

  @Test
  void param_valueLimitIs6000() {
    assertThatCode(() -> validator.param("p", "v".repeat(6000))).doesNotThrowAnyException();
    assertThatThrownBy(() -> validator.param("p", "v".repeat(6001))).isInstanceOf(ValidationException.class)
        .hasMessageContaining("Param 'p'").hasMessageContaining("6001").hasMessageContaining("6000");
  }

  @Test
  void tag_valueLimitIs8000AndExperimentTagLimitIs5000() {
    assertThatCode(() -> validator.tag("t", "v".repeat(8000))).doesNotThrowAnyException();
    assertThatThrownBy(() -> validator.tag("t", "v".repeat(8001))).hasMessageContaining("8000");
    assertThatThrownBy(() -> validator.experimentTag("t", "v".repeat(5001))).hasMessageContaining("5000");
  }

  @Test
  void experimentName_mustBeNonBlankAndAtMost500() {
    assertThatThrownBy(() -> validator.experimentName(" ")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> validator.experimentName("e".repeat(501))).hasMessageContaining("500");
    assertThatCode(() -> validator.experimentName("e".repeat(500))).doesNotThrowAnyException();
  }

  @Test
  void metric_acceptsNanAndInfinityButNotNegativeTimestamps() {
    assertThatCode(() -> validator.metric(Metric.of("m", Double.NaN, 0, -5))).doesNotThrowAnyException();
    assertThatCode(() -> validator.metric(Metric.of("m", Double.NEGATIVE_INFINITY, 1, 0)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> validator.metric(Metric.of("m", 1, -1, 0))).hasMessageContaining("negative timestamp");
  }

  @Test
  void ids_followMlflowPatterns() {
    assertThatCode(() -> EntityValidator.candidateId("0123abcdef")).doesNotThrowAnyException();
    assertThatCode(() -> EntityValidator.experimentId("0")).doesNotThrowAnyException();
    assertThatThrownBy(() -> EntityValidator.candidateId("../x")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> EntityValidator.experimentId("-1")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> EntityValidator.experimentId("1".repeat(65))).isInstanceOf(ValidationException.class);
  }

  @Test
  void limitsComeFromCapabilities() {
    EntityValidator strict = new EntityValidator(
        Capabilities.builder().backendName("GitLab").maxParamValueLength(250).build());
    assertThatThrownBy(() -> strict.param("p", "v".repeat(251))).hasMessageContaining("GitLab allows 250");
  }

  @Test
  void lengthsCountCodePointsAsMlflowDoes() {
    // U+1D49C (mathematical script capital A) is a letter outside the BMP: 2 UTF-16 units, 1 code point
    String scriptA = new String(Character.toChars(0x1D49C));
    assertThatCode(() -> validator.metricKey(scriptA.repeat(130))).doesNotThrowAnyException();
    assertThatCode(() -> validator.metricKey(scriptA.repeat(250))).doesNotThrowAnyException();
    assertThatThrownBy(() -> validator.metricKey(scriptA.repeat(251))).isInstanceOf(ValidationException.class)
        .hasMessageContaining("251 characters");
    assertThatCode(() -> validator.param("p", scriptA.repeat(6000))).doesNotThrowAnyException();
    assertThatThrownBy(() -> validator.param("p", scriptA.repeat(6001))).hasMessageContaining("6001");
    assertThatCode(() -> validator.experimentName(scriptA.repeat(500))).doesNotThrowAnyException();
    assertThatCode(() -> validator.candidateName(scriptA.repeat(250))).doesNotThrowAnyException();
    assertThatCode(() -> EntityValidator.alias(scriptA.repeat(255))).doesNotThrowAnyException();
  }

  @Test
  void keyPartsOverTheStoresFileNameLimitAreRefusedAtTheCall() {
    EntityValidator local = new EntityValidator(
        Capabilities.builder().backendName("local store").maxKeySegmentBytes(255).build());
    String delta200 = "\u03b4".repeat(200); // 200 characters, 400 bytes in UTF-8
    assertThatCode(() -> validator.metricKey(delta200)).doesNotThrowAnyException(); // no byte limit on MLflow
    assertThatThrownBy(() -> local.metricKey(delta200)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("400 bytes").hasMessageContaining("255")
        .satisfies(e -> assertThat(((ValidationException) e).rule()).isEqualTo("key-bytes"));
    assertThatThrownBy(() -> local.param("ok/" + delta200, "v")).hasMessageContaining("400 bytes");
    assertThatThrownBy(() -> local.tag(delta200, "v")).isInstanceOf(ValidationException.class);
    // each part counts alone: 124 δ (248 bytes) + '/' + 124 δ is fine
    String half = "\u03b4".repeat(124);
    assertThatCode(() -> local.metricKey(half + "/" + half)).doesNotThrowAnyException();
    assertThatCode(() -> local.metricKey("k".repeat(250))).doesNotThrowAnyException();
  }
}
