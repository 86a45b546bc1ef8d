package io.mlops.core.internal.search;

import static io.mlops.core.internal.search.Runs.experiment;
import static io.mlops.core.internal.search.Runs.sortedExperiments;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.Experiment;
import io.mlops.core.FilterSyntaxException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MLflow experiment ordering ({@code FileStore.search_experiments}, {@code SearchExperimentsUtils._get_sort_key}).
 * Expected orders were cross-checked against MLflow 3.17.2 on the same data.
 */
class ExperimentOrderingTest {
  static final List<Experiment> ALL = List.of(
      experiment("0", "Default", 100, 900).build(),
      experiment("10", "churn-model", 300, 400).build(),
      experiment("9", "Churn_v2", 300, 500).build(),
      experiment("11", "fraud", 200, 1000).build(),
      experiment("12", "churn-model", 50, 60).build());

  @Test
  void parse_nullOrEmpty_givesCreationTimeDescendingThenIdAscending() {
    // 10 and 9 tie on creation_time 300: ids compare as strings, "10" < "9".
    assertThat(sortedExperiments(null, ALL)).containsExactly("10", "9", "11", "0", "12");
    assertThat(sortedExperiments(List.of(), ALL)).containsExactly("10", "9", "11", "0", "12");
  }

  static Stream<Arguments> orders() {
    return Stream.of(
        // MLflow appends experiment_id DESC as the tie-break when no clause names experiment_id.
        Arguments.of(List.of("name"), List.of("9", "0", "12", "10", "11")),
        Arguments.of(List.of("name DESC"), List.of("11", "12", "10", "0", "9")),
        Arguments.of(List.of("name DESC", "experiment_id ASC"), List.of("11", "10", "12", "0", "9")),
        Arguments.of(List.of("experiment_id"), List.of("0", "10", "11", "12", "9")),
        Arguments.of(List.of("experiment_id DESC"), List.of("9", "12", "11", "10", "0")),
        Arguments.of(List.of("creation_time"), List.of("12", "0", "11", "9", "10")),
        Arguments.of(List.of("attribute.last_update_time DESC"), List.of("11", "0", "9", "10", "12")),
        Arguments.of(List.of("creation_time DESC", "name"), List.of("9", "10", "11", "0", "12")),
        Arguments.of(List.of("\"name\""), List.of("9", "0", "12", "10", "11")),
        Arguments.of(List.of("\"attribute.name\" DESC"), List.of("11", "12", "10", "0", "9")),
        Arguments.of(List.of("`attribute`.name desc"), List.of("11", "12", "10", "0", "9")));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("orders")
  void sort_followsMlflowIncludingTheDescendingIdTieBreak(List<String> orderBy, List<String> expected) {
    assertThat(sortedExperiments(orderBy, ALL)).containsExactlyElementsOf(expected);
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("tags.team", 0, "experiments can be ordered only by attributes"),
        Arguments.of("attributes.name", 0, "unknown identifier type 'attributes' for experiments"),
        Arguments.of("`attribute`.name", 0, "unknown identifier type '`attribute`' for experiments"),
        Arguments.of("lifecycle_stage", 0, "cannot order experiments by 'lifecycle_stage'"),
        Arguments.of("attribute.owner", 10, "cannot order experiments by 'owner'"),
        Arguments.of("name sideways", 5, "expected ASC or DESC after 'name', found 'sideways'"),
        Arguments.of("", 0, "empty order_by clause"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("errors")
  void parse_rejectsWithPositionAndProblem(String clause, int position, String problem) {
    FilterSyntaxException e = null;
    try {
      ExperimentOrdering.parse(List.of(clause));
    } catch (FilterSyntaxException ex) {
      e = ex;
    }
    assertThat(e).isNotNull();
    assertThat(e.expression()).isEqualTo(clause);
    assertThat(e.position()).isEqualTo(position);
    assertThat(e.getMessage()).contains(problem);
  }

  @Test
  void toString_showsTheDefault() {
    assertThat(ExperimentOrdering.parse(null).toString()).isEqualTo("[creation_time DESC, experiment_id ASC]");
  }
}
