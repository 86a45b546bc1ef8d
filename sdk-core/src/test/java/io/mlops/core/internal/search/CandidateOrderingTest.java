package io.mlops.core.internal.search;

import static io.mlops.core.internal.search.Runs.run;
import static io.mlops.core.internal.search.Runs.sorted;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateStatus;
import io.mlops.core.FilterSyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MLflow run ordering ({@code SearchUtils.sort} and {@code _get_value_for_sort}). Expected orders were
 * cross-checked against MLflow 3.17.2 on the same data.
 */
class CandidateOrderingTest {
  // start times: a=1000, b=3000, c=3000, d=500 -> natural order b, c (tie on start, by id), a, d
  static final Candidate A = run("aaa1", 1000).name("alpha").end(2000).user("alice")
      .metric("acc", 0.9).metric("loss", 0.1).param("lr", "0.01").param("model", "lr").tag("team", "ml").build();
  static final Candidate B = run("bbb2", 3000).name("beta").status(CandidateStatus.RUNNING).noUser()
      .metric("acc", Double.NaN).metric("loss", 0.5).param("lr", "0.1").param("model", "rf").tag("x", "a.b").build();
  static final Candidate C = run("ccc3", 3000).name("Gamma").status(CandidateStatus.FAILED).end(4000).user("bob")
      .metric("acc", 0.95).metric("loss", Double.POSITIVE_INFINITY).param("lr", "10").param("model", "LR")
      .tag("x", "axb").tag("team", "data").build();
  static final Candidate D = run("ddd4", 500).name("").status(CandidateStatus.KILLED).end(600).user("carol")
      .metric("acc", Double.NEGATIVE_INFINITY).param("lr", "9").tag("x", "a(b").build();
  static final List<Candidate> ALL = List.of(A, B, C, D);

  static FilterSyntaxException syntaxError(String clause) {
    try {
      CandidateOrdering.parse(List.of(clause));
    } catch (FilterSyntaxException e) {
      return e;
    }
    throw new AssertionError("expected a FilterSyntaxException for: " + clause);
  }

  static List<String> order(String... clauses) {
    List<Candidate> shuffled = new ArrayList<>(ALL);
    Collections.reverse(shuffled);
    return sorted(Arrays.asList(clauses), shuffled);
  }

  @Test
  void parse_nullOrEmpty_givesStartTimeDescendingThenRunId() {
    assertThat(sorted(null, ALL)).containsExactly("bbb2", "ccc3", "aaa1", "ddd4");
    assertThat(sorted(List.of(), ALL)).containsExactly("bbb2", "ccc3", "aaa1", "ddd4");
    assertThat(order()).containsExactly("bbb2", "ccc3", "aaa1", "ddd4");
  }

  @Test
  void defaultTieBreak_comparesRunIdsByCodePoint() {
    Candidate upper = run("Zed", 7).build();
    Candidate lower = run("abc", 7).build();
    Candidate digits = run("123", 7).build();
    assertThat(sorted(List.of(), List.of(lower, upper, digits))).containsExactly("123", "Zed", "abc");
  }

  @Test
  void metricDescending_putsNanThenMissingLast() {
    Candidate missing = run("eee5", 9999).build();
    List<Candidate> runs = new ArrayList<>(ALL);
    runs.add(missing);
    assertThat(sorted(List.of("metrics.acc DESC"), runs)).containsExactly("ccc3", "aaa1", "ddd4", "bbb2", "eee5");
  }

  @Test
  void metricAscending_alsoPutsNanThenMissingLast() {
    Candidate missing = run("eee5", 9999).build();
    List<Candidate> runs = new ArrayList<>(ALL);
    runs.add(missing);
    assertThat(sorted(List.of("metrics.acc ASC"), runs)).containsExactly("ddd4", "aaa1", "ccc3", "bbb2", "eee5");
    assertThat(sorted(List.of("metrics.acc"), runs)).containsExactly("ddd4", "aaa1", "ccc3", "bbb2", "eee5");
  }

  @Test
  void missingValues_tieAndFallBackToTheNaturalOrder() {
    // d has no loss; with two more missing, they keep start_time DESC, run_id order in both directions.
    Candidate e = run("eee5", 9999).build();
    Candidate f = run("fff6", 1).build();
    List<Candidate> runs = List.of(f, A, e, D, B, C);
    assertThat(sorted(List.of("metrics.loss DESC"), runs))
        .containsExactly("ccc3", "bbb2", "aaa1", "eee5", "ddd4", "fff6");
    assertThat(sorted(List.of("metrics.loss"), runs)).containsExactly("aaa1", "bbb2", "ccc3", "eee5", "ddd4", "fff6");
  }

  @Test
  void infinities_sortAsOrdinaryValues() {
    assertThat(order("metrics.loss DESC")).containsExactly("ccc3", "bbb2", "aaa1", "ddd4");
    assertThat(order("metrics.acc")).startsWith("ddd4");
  }

  @Test
  void negativeZero_tiesWithZero() {
    Candidate neg = run("neg", 1).metric("m", -0.0).build();
    Candidate pos = run("pos", 2).metric("m", 0.0).build();
    // Equal values: the natural order (start_time DESC) decides, in both directions.
    assertThat(sorted(List.of("metrics.m"), List.of(neg, pos))).containsExactly("pos", "neg");
    assertThat(sorted(List.of("metrics.m DESC"), List.of(neg, pos))).containsExactly("pos", "neg");
  }

  @Test
  void params_sortAsStrings() {
    assertThat(order("params.lr")).containsExactly("aaa1", "bbb2", "ccc3", "ddd4"); // "0.01" < "0.1" < "10" < "9"
    assertThat(order("params.lr DESC")).containsExactly("ddd4", "ccc3", "bbb2", "aaa1");
  }

  @Test
  void paramsAndTags_missingSortLastInBothDirections() {
    assertThat(order("params.model")).containsExactly("ccc3", "aaa1", "bbb2", "ddd4");
    assertThat(order("params.model DESC")).containsExactly("bbb2", "aaa1", "ccc3", "ddd4");
    assertThat(order("tags.x")).containsExactly("ddd4", "bbb2", "ccc3", "aaa1");
    assertThat(order("tags.x DESC")).containsExactly("ccc3", "bbb2", "ddd4", "aaa1");
  }

  @Test
  void strings_compareByCodePointLikePython() {
    Candidate bmp = run("bmp", 1).param("p", "\uFFFD").build();
    Candidate astral = run("astral", 2).param("p", "\uD83D\uDE00").build();
    assertThat(sorted(List.of("params.p"), List.of(astral, bmp))).containsExactly("bmp", "astral");
  }

  @Test
  void multipleClauses_applyInTurn() {
    // team: data < ml, then b and d tie on a missing team and metrics.acc DESC puts d (-inf) before b (NaN).
    assertThat(order("tags.team", "metrics.acc DESC")).containsExactly("ccc3", "aaa1", "ddd4", "bbb2");
    assertThat(order("params.model DESC", "start_time")).containsExactly("bbb2", "aaa1", "ccc3", "ddd4");
  }

  static Stream<Arguments> attributeOrders() {
    return Stream.of(
        Arguments.of("attributes.start_time ASC", List.of("ddd4", "aaa1", "bbb2", "ccc3")),
        Arguments.of("start_time", List.of("ddd4", "aaa1", "bbb2", "ccc3")),
        Arguments.of("created DESC", List.of("bbb2", "ccc3", "aaa1", "ddd4")),
        Arguments.of("Created", List.of("ddd4", "aaa1", "bbb2", "ccc3")),
        Arguments.of("end_time", List.of("ddd4", "aaa1", "ccc3", "bbb2")),
        Arguments.of("end_time DESC", List.of("ccc3", "aaa1", "ddd4", "bbb2")),
        Arguments.of("attr.end_time asc", List.of("ddd4", "aaa1", "ccc3", "bbb2")),
        Arguments.of("run_name", List.of("ddd4", "ccc3", "aaa1", "bbb2")),
        Arguments.of("run.run_name DESC", List.of("bbb2", "aaa1", "ccc3", "ddd4")),
        Arguments.of("status", List.of("ccc3", "aaa1", "ddd4", "bbb2")),
        Arguments.of("user_id", List.of("aaa1", "ccc3", "ddd4", "bbb2")),
        Arguments.of("user_id DESC", List.of("ddd4", "ccc3", "aaa1", "bbb2")),
        Arguments.of("attribute.run_id DESC", List.of("ddd4", "ccc3", "bbb2", "aaa1")),
        Arguments.of("artifact_uri", List.of("aaa1", "bbb2", "ccc3", "ddd4")));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("attributeOrders")
  void attributes_sortWithAliasesAndMissingLast(String clause, List<String> expected) {
    assertThat(order(clause)).containsExactlyElementsOf(expected);
  }

  @Test
  void direction_isCaseInsensitive() {
    assertThat(order("metrics.acc desc")).isEqualTo(order("metrics.acc DESC"));
    assertThat(order("metrics.acc Asc")).isEqualTo(order("metrics.acc"));
  }

  @Test
  void quotedKeys_workWithAndWithoutDirection() {
    Candidate x = run("x", 1).metric("my acc", 1).build();
    Candidate y = run("y", 2).metric("my acc", 2).build();
    List<Candidate> runs = List.of(x, y);
    assertThat(sorted(List.of("metrics.\"my acc\""), runs)).containsExactly("x", "y");
    assertThat(sorted(List.of("metrics.`my acc` DESC"), runs)).containsExactly("y", "x");
    assertThat(sorted(List.of("metrics.'my acc' DESC"), runs)).containsExactly("y", "x");
    // With a direction MLflow unquotes through shlex, so even a quoted whole identifier works.
    assertThat(sorted(List.of("\"metrics.my acc\" DESC"), runs)).containsExactly("y", "x");
    assertThat(sorted(List.of("`metrics`.acc DESC"), List.of(A, C))).containsExactly("ccc3", "aaa1");
    assertThat(sorted(List.of("\"start_time\""), runs)).containsExactly("x", "y");
  }

  @Test
  void keyAliases_applyToMetricKeysToo_asMlflowTranslatesEveryKey() {
    Candidate x = run("x", 1).metric("start_time", 2).build();
    Candidate y = run("y", 2).metric("start_time", 1).build();
    assertThat(sorted(List.of("metrics.created"), List.of(x, y))).containsExactly("y", "x");
  }

  @Test
  void surroundingWhitespace_isTolerated() {
    assertThat(order("  start_time \t DESC  ")).containsExactly("bbb2", "ccc3", "aaa1", "ddd4");
  }

  @Test
  void comparator_isAConsistentTotalOrderOnRandomData() {
    Random rnd = new Random(42);
    double[] values = {Double.NaN, Double.NEGATIVE_INFINITY, -1, -0.0, 0.0, 1, Double.POSITIVE_INFINITY};
    List<Candidate> runs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Runs.RunBuilder b = run("r" + i, rnd.nextInt(3));
      if (rnd.nextInt(4) > 0) {
        b.metric("m", values[rnd.nextInt(values.length)]);
      }
      runs.add(b.build());
    }
    for (String clause : List.of("metrics.m", "metrics.m DESC")) {
      Comparator<Candidate> c = CandidateOrdering.parse(List.of(clause));
      for (Candidate x : runs) {
        for (Candidate y : runs) {
          assertThat(Integer.signum(c.compare(x, y))).isEqualTo(-Integer.signum(c.compare(y, x)));
        }
      }
    }
  }

  @Test
  void toString_showsTheClauses() {
    assertThat(CandidateOrdering.parse(List.of("metrics.acc DESC")).toString()).contains("metrics.acc DESC");
    assertThat(CandidateOrdering.parse(null).toString()).contains("start_time DESC");
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("metrics.acc DESCENDING", 12, "expected ASC or DESC after 'metrics.acc', found 'DESCENDING'"),
        Arguments.of("metrics.acc DESC extra", 17, "unexpected 'extra' after DESC"),
        Arguments.of("metrics.acc DESC NULLS LAST", 17, "unexpected 'NULLS' after DESC"),
        Arguments.of("", 0, "empty order_by clause"),
        Arguments.of("   ", 0, "empty order_by clause"),
        Arguments.of("foo", 0, "cannot order by unknown attribute 'foo'"),
        Arguments.of("attributes.\"run name\"", 11, "cannot order by unknown attribute 'run name'"),
        Arguments.of("lifecycle_stage", 0, "MLflow cannot order by lifecycle_stage"),
        Arguments.of("metricz.acc", 0, "unknown identifier type 'metricz'"),
        Arguments.of("\"metrics\".acc", 0, "unknown identifier type '\"metrics\"'"),
        Arguments.of("datasets.name", 0, "candidates cannot be ordered by dataset fields"),
        Arguments.of("metrics.", 8, "expected a key after 'metrics.'"),
        Arguments.of("metrics.acc, params.x", 11, "unexpected ',' in order_by clause"),
        Arguments.of("metrics.acc-1", 11, "unexpected '-1' in order_by clause"),
        Arguments.of("'start_time'", 0, "single quotes are for values"),
        Arguments.of("(start_time)", 0, "expected an identifier such as metrics.acc or start_time"),
        Arguments.of("\"metrics.acc", 0, "unterminated string"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("malformed")
  void parse_rejectsMalformedClausesWithPosition(String clause, int position, String problem) {
    FilterSyntaxException e = syntaxError(clause);
    assertThat(e.expression()).isEqualTo(clause);
    assertThat(e.position()).isEqualTo(position);
    assertThat(e.getMessage()).contains(problem);
  }

  @Test
  void parse_rejectsNullClause() {
    List<String> withNull = new ArrayList<>();
    withNull.add(null);
    FilterSyntaxException e = null;
    try {
      CandidateOrdering.parse(withNull);
    } catch (FilterSyntaxException ex) {
      e = ex;
    }
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("order_by clause is null");
  }

  @Test
  void parse_reportsTheOffendingClauseOfSeveral() {
    FilterSyntaxException e = null;
    try {
      CandidateOrdering.parse(List.of("metrics.acc DESC", "params.lr sideways"));
    } catch (FilterSyntaxException ex) {
      e = ex;
    }
    assertThat(e).isNotNull();
    assertThat(e.expression()).isEqualTo("params.lr sideways");
    assertThat(e.position()).isEqualTo(10);
  }
}
