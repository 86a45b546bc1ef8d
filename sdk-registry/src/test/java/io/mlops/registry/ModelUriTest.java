package io.mlops.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelUriTest {
  @Test
  void parse_readsTheThreeForms() {
    ModelUri v = ModelUri.parse("models:/churn/1.4.0");
    assertThat(v.kind()).isEqualTo(ModelUri.Kind.VERSION);
    assertThat(v.modelName()).isEqualTo("churn");
    assertThat(v.reference()).isEqualTo("1.4.0");
    assertThat(ModelUri.parse("models:/churn@champion").kind()).isEqualTo(ModelUri.Kind.ALIAS);
    assertThat(ModelUri.parse("models:/churn@champion").reference()).isEqualTo("champion");
    assertThat(ModelUri.parse("models:/churn/latest").kind()).isEqualTo(ModelUri.Kind.LATEST);
    assertThat(ModelUri.parse("models:/churn model/2.0.0-rc.1").modelName()).isEqualTo("churn model");
  }

  @Test
  void parse_readsMlflowsVersionNumbers() {
    ModelUri n = ModelUri.parse("models:/churn/3");
    assertThat(n.kind()).isEqualTo(ModelUri.Kind.NUMBER);
    assertThat(n.reference()).isEqualTo("3");
    assertThat(ModelUri.parse("models:/churn/007")).isEqualTo(ModelUri.number("churn", "7"));
    assertThat(ModelUri.parse("models:/churn/3")).isNotEqualTo(ModelUri.parse("models:/churn/3.0.0"));
    assertThatThrownBy(() -> ModelUri.number("churn", "3.0")).isInstanceOf(ValidationException.class);
    assertThat(ModelUri.parse("models:/churn/Latest")).isEqualTo(ModelUri.latest("churn"));
  }

  @Test
  void toString_roundTrips() {
    for (String s : new String[] {"models:/churn/1.4.0", "models:/churn@champion", "models:/churn/latest",
        "models:/churn/12"}) {
      assertThat(ModelUri.parse(s).toString()).isEqualTo(s);
      assertThat(ModelUri.parse(s)).isEqualTo(ModelUri.parse(s));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"churn/1.0.0", "models:/", "models:/churn", "models:/churn/", "models:/churn/1.2",
      "models:/churn/v1.2.0", "models:/churn@", "models:/churn/-3", "models:/churn/3a", "models:/churn@latest", "models:/churn@v3", "models:/churn@bad alias",
      "runs:/abc/model"})
  void parse_rejectsMalformedUrisWithATypedError(String uri) {
    assertThatThrownBy(() -> ModelUri.parse(uri)).isInstanceOf(ValidationException.class);
  }
}
