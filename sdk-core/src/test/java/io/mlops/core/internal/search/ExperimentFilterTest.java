package io.mlops.core.internal.search;

import static io.mlops.core.internal.search.Runs.experiment;
import static io.mlops.core.internal.search.Runs.matchingExperiments;
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
 * MLflow experiment-filter semantics ({@code SearchExperimentsUtils.filter}). Expected results were
 * cross-checked against MLflow 3.17.2 on the same data.
 */
class ExperimentFilterTest {
  static final Experiment DEFAULT = experiment("0", "Default", 100, 900).build();
  static final Experiment CHURN = experiment("10", "churn-model", 300, 400)
      .putTag("team", "ml").putTag("stage", "prod").build();
  static final Experiment CHURN2 = experiment("9", "Churn_v2", 300, 500).putTag("team", "ML").build();
  static final Experiment FRAUD = experiment("11", "fraud", 200, 1000)
      .putTag("team", "data").putTag("note", "a\nb").build();
  static final Experiment OLD = experiment("12", "churn-model", 50, 60).build();
  static final List<Experiment> ALL = List.of(DEFAULT, CHURN, CHURN2, FRAUD, OLD);

  static FilterSyntaxException syntaxError(String filter) {
    try {
      ExperimentFilter.parse(filter);
    } catch (FilterSyntaxException e) {
      return e;
    }
    throw new AssertionError("expected a FilterSyntaxException for: " + filter);
  }

  @Test
  void parse_nullOrBlankMatchesEverything() {
    assertThat(ExperimentFilter.parse(null).matchesAll()).isTrue();
    assertThat(matchingExperiments(" ", ALL)).containsExactly("0", "10", "9", "11", "12");
    assertThat(ExperimentFilter.parse("name = 'x'").toString()).isEqualTo("name = 'x'");
  }

  static Stream<Arguments> matches() {
    return Stream.of(
        Arguments.of("name = 'Default'", List.of("0")),
        Arguments.of("name != 'Default'", List.of("10", "9", "11", "12")),
        Arguments.of("name LIKE 'churn%'", List.of("10", "12")),
        Arguments.of("name ILIKE 'churn%'", List.of("10", "9", "12")),
        Arguments.of("name LIKE 'Churn_v_'", List.of("9")),
        Arguments.of("attribute.name = 'fraud'", List.of("11")),
        Arguments.of("\"name\" = 'fraud'", List.of("11")),
        Arguments.of("`name` = 'fraud'", List.of("11")),
        Arguments.of("name = \"fraud\"", List.of("11")),
        Arguments.of("experiment_id = '10'", List.of("10")),
        Arguments.of("experiment_id IN ('10', '9')", List.of("10", "9")),
        Arguments.of("experiment_id NOT IN ('0')", List.of("10", "9", "11", "12")),
        Arguments.of("experiment_id LIKE '1%'", List.of("10", "11", "12")),
        Arguments.of("tags.team = 'ml'", List.of("10")),
        Arguments.of("tag.team ILIKE 'ml'", List.of("10", "9")),
        Arguments.of("tags.team != 'ml'", List.of("9", "11")),
        Arguments.of("tags.team LIKE '%a%'", List.of("11")),
        Arguments.of("tags.`team` = 'ml'", List.of("10")),
        Arguments.of("tags.\"team\" = 'ml'", List.of("10")),
        Arguments.of("tags.'team' = 'ml'", List.of("10")),
        Arguments.of("tags.stage IS NULL", List.of("0", "9", "11", "12")),
        Arguments.of("tags.stage IS NOT NULL", List.of("10")),
        Arguments.of("tags.team is not null", List.of("10", "9", "11")),
        Arguments.of("creation_time > 100", List.of("10", "9", "11")),
        Arguments.of("creation_time >= 300", List.of("10", "9")),
        Arguments.of("creation_time = 300", List.of("10", "9")),
        Arguments.of("creation_time != 300", List.of("0", "11", "12")),
        Arguments.of("creation_time < 250.5", List.of("0", "11", "12")),
        Arguments.of("creation_time <= 50", List.of("12")),
        Arguments.of("last_update_time <= 500", List.of("10", "9", "12")),
        Arguments.of("last_update_time > 4e2", List.of("0", "9", "11")),
        Arguments.of("attribute.last_update_time = 1000.0", List.of("11")),
        Arguments.of("name = 'fraud' AND tags.team = 'data'", List.of("11")),
        Arguments.of("name LIKE 'churn%' and creation_time > 100", List.of("10")),
        // Python's "." (so % and _) never crosses a line break; re.match anchors only the start.
        Arguments.of("tags.note LIKE 'a%'", List.of("11")),
        Arguments.of("tags.note LIKE '%b'", List.of()));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("matches")
  void matches_followsMlflowForEveryComparator(String filter, List<String> expected) {
    assertThat(matchingExperiments(filter, ALL)).containsExactlyElementsOf(expected);
  }

  @Test
  void missingTag_neverMatchesExceptIsNull() {
    assertThat(matchingExperiments("tags.stage != 'dev'", ALL)).containsExactly("10");
    assertThat(matchingExperiments("tags.stage LIKE '%'", ALL)).containsExactly("10");
  }

  @Test
  void numericLiterals_compareExactlyWithLongTimes() {
    Experiment big = experiment("1", "big", 9_007_199_254_740_993L, 0).build();
    assertThat(matchingExperiments("creation_time > 9007199254740992", List.of(big))).containsExactly("1");
    assertThat(matchingExperiments("creation_time = 9007199254740992", List.of(big))).isEmpty();
    assertThat(matchingExperiments("creation_time < 1e300", List.of(big))).containsExactly("1");
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("name = 'fraud' OR name = 'x'", 15, "OR is not supported: MLflow filters join clauses with AND"),
        Arguments.of("attributes.name = 'x'", 0, "unknown identifier type 'attributes' for experiments"),
        Arguments.of("`tags`.team = 'ml'", 0, "unknown identifier type '`tags`' for experiments"),
        Arguments.of("metrics.x > 1", 0, "unknown identifier type 'metrics' for experiments"),
        Arguments.of("lifecycle_stage = 'active'", 0, "MLflow cannot search experiments by lifecycle_stage"),
        Arguments.of("owner = 'me'", 0, "cannot search unknown experiment attribute 'owner'"),
        Arguments.of("name IN ('fraud')", 8, "only experiment_id supports IN and NOT IN lists, not name"),
        Arguments.of("experiment_id IN '1'", 17, "IN takes a parenthesised list of quoted strings"),
        Arguments.of("name > 'a'", 5, "attribute name takes = != LIKE ILIKE IN NOT IN, not >"),
        Arguments.of("creation_time LIKE '1'", 14, "attribute creation_time takes = != < <= > >=, not LIKE"),
        Arguments.of("creation_time = '1'", 16, "attribute creation_time compares with a number"),
        Arguments.of("tags.team > 'a'", 10, "tags take = != LIKE ILIKE IS NULL IS NOT NULL, not >"),
        Arguments.of("tags.team = 1", 12, "tags are strings: quote the value, e.g. '1'"),
        Arguments.of("name = fraud", 7, "unquoted value 'fraud'"),
        Arguments.of("name IS NULL", 5, "IS NULL works only on experiment tags, not on attribute name"),
        Arguments.of("name", 4, "expected a comparator after 'name'"),
        Arguments.of("name = 'a' name = 'b'", 11, "expected AND between clauses, found 'name'"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("errors")
  void parse_rejectsWithPositionAndProblem(String filter, int position, String problem) {
    FilterSyntaxException e = syntaxError(filter);
    assertThat(e.position()).isEqualTo(position);
    assertThat(e.getMessage()).contains(problem);
  }
}
