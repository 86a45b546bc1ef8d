package io.mlops.core.internal.search;

import static io.mlops.core.internal.search.Runs.matching;
import static io.mlops.core.internal.search.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.core.Candidate;
import io.mlops.core.CandidateStatus;
import io.mlops.core.FilterSyntaxException;
import io.mlops.core.ValidationException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MLflow run-filter semantics ({@code SearchUtils.filter}). Expected results were cross-checked against MLflow
 * 3.17.2's {@code SearchUtils} on the same data.
 */
class CandidateFilterTest {
  static final Candidate A = run("aaa1", 1000).name("alpha-run").end(2000)
      .metric("acc", 0.9).metric("loss", 0.1)
      .param("model", "lr").param("lr", "0.01")
      .tag("team", "ml").tag("mlflow.runName", "alpha-run").build();
  static final Candidate B = run("bbb2", 3000).name("beta").status(CandidateStatus.RUNNING).noUser()
      .metric("acc", Double.NaN).metric("loss", 0.5)
      .param("model", "rf").param("lr", "0.1")
      .tag("team", "ML").tag("x", "a.b").build();
  static final Candidate C = run("ccc3", 3000).name("Gamma").status(CandidateStatus.FAILED).end(4000).user("bob")
      .artifactUri("s3://bucket/ccc3")
      .metric("acc", 0.95).metric("loss", Double.POSITIVE_INFINITY)
      .param("model", "LR")
      .tag("x", "axb").build();
  static final Candidate D = run("ddd4", 500).name("").status(CandidateStatus.KILLED).end(600).user("carol")
      .metric("acc", Double.NEGATIVE_INFINITY)
      .param("lr", "9")
      .tag("x", "a(b").build();
  static final List<Candidate> ALL = List.of(A, B, C, D);

  /** Rows of {@code a | b | c}, split on '|' and trimmed (no CSV quoting: filters are full of quotes). */
  static Stream<Arguments> rows(String... rows) {
    return Arrays.stream(rows).map(r -> Arguments.of((Object[]) Arrays.stream(r.split("\\|"))
        .map(String::trim).toArray(String[]::new)));
  }

  static Stream<Arguments> everyComparator_followsIeeeSemanticsCases() {
    return rows(
        "metrics.acc > 0.9   | ccc3",
        "metrics.acc >= 0.9  | aaa1,ccc3",
        "metrics.acc = 0.9   | aaa1",
        "metrics.acc != 0.9  | bbb2,ccc3,ddd4",
        "metrics.acc < 0.95  | aaa1,ddd4",
        "metrics.acc <= 0.95 | aaa1,ccc3,ddd4");
  }

  static Stream<Arguments> everyComparatorAndPrefixAliasCases() {
    return rows(
        "params.model = 'lr'       | aaa1",
        "params.model != 'lr'      | bbb2,ccc3",
        "params.model LIKE 'l%'    | aaa1",
        "params.model ILIKE 'l%'   | aaa1,ccc3",
        "params.model like 'L_'    | ccc3",
        "params.model ilike '_R'   | aaa1,ccc3",
        "param.model = 'lr'        | aaa1",
        "parameter.model = 'lr'    | aaa1",
        "parameters.model = 'lr'   | aaa1",
        "tags.team = 'ml'          | aaa1",
        "tag.team != 'ml'          | bbb2",
        "tags.team LIKE 'M%'       | bbb2",
        "tags.team ILIKE 'ml'      | aaa1,bbb2");
  }

  static Stream<Arguments> stringAttributes_everyComparatorAndAliasCases() {
    return rows(
        "attributes.status = 'FINISHED'         | aaa1",
        "attribute.status != 'FINISHED'         | bbb2,ccc3,ddd4",
        "attr.status LIKE 'F%'                  | aaa1,ccc3",
        "run.status ILIKE 'f%'                  | aaa1,ccc3",
        "status ILIKE 'finished'                | aaa1",
        "attributes.run_name = 'beta'           | bbb2",
        "run_name LIKE '%a%'                    | aaa1,bbb2,ccc3",
        "attributes.\"run name\" = 'beta'       | bbb2",
        "`Run Name` = 'beta'                    | bbb2",
        "\"Run name\" ILIKE 'BETA'              | bbb2",
        "attributes.user_id = 'alice'           | aaa1",
        "attributes.artifact_uri LIKE 'file:%'  | aaa1,bbb2,ddd4",
        "artifact_uri ILIKE 'S3://%'            | ccc3",
        "attributes.run_id = 'aaa1'             | aaa1");
  }

  static Stream<Arguments> numericAttributes_everyComparatorIntegersAndDecimalsCases() {
    return rows(
        "attributes.start_time > 1000 | bbb2,ccc3",
        "start_time >= 1000           | aaa1,bbb2,ccc3",
        "start_time = 3000            | bbb2,ccc3",
        "start_time != 3000           | aaa1,ddd4",
        "start_time < 1000            | ddd4",
        "start_time <= 1000           | aaa1,ddd4",
        "created > 1000               | bbb2,ccc3",
        "Created < 1000               | ddd4",
        "attr.created >= 3000         | bbb2,ccc3",
        "start_time > 999.5           | aaa1,bbb2,ccc3",
        "start_time < 1e3             | ddd4",
        "start_time <= 1.5e3          | aaa1,ddd4");
  }

  static Stream<Arguments> parse_rejectsComparatorsTheTypeDoesNotTakeCases() {
    return rows(
        "metrics.acc LIKE '0.9'     | 12 | metrics take = != < <= > >=, not LIKE",
        "metrics.acc IN ('1')       | 12 | metrics take = != < <= > >=, not IN",
        "params.lr > '1'            | 10 | params take = != LIKE ILIKE IS NULL IS NOT NULL, not >",
        "tags.team < 'a'            | 10 | tags take = != LIKE ILIKE IS NULL IS NOT NULL, not <",
        "params.lr IN ('1')         | 10 | params take = != LIKE ILIKE IS NULL IS NOT NULL, not IN",
        "start_time LIKE '1'        | 11 | attribute start_time takes = != < <= > >=, not LIKE",
        "status > 'A'               | 7  | attribute status takes = != LIKE ILIKE IN NOT IN, not >",
        "metrics.acc IS NULL        | 12 | IS NULL works only on params and tags",
        "status IS NOT NULL         | 7  | IS NOT NULL works only on params and tags");
  }

  static Stream<Arguments> parse_rejectsUnknownIdentifiersCases() {
    return rows(
        "metricz.acc > 1                  | 0  | unknown identifier type 'metricz'",
        "METRICS.acc > 1                  | 0  | unknown identifier type 'METRICS'",
        "\"metrics\".acc > 1              | 0  | unknown identifier type '\"metrics\"'",
        "attributes.foo = 'x'             | 11 | cannot search unknown attribute 'foo'",
        "lifecycle_stage = 'active'       | 0  | MLflow cannot search lifecycle_stage",
        "experiment_id = '0'              | 0  | MLflow cannot search experiment_id",
        "\"metrics.acc\" > 1              | 0  | quote only the key, e.g. metrics.\"acc\"",
        "datasets.name = 'x'              | 0  | dataset filters are not supported",
        "metrics. > 1                     | 8  | expected a key after 'metrics.'",
        "tags.\"a\".b = 'x'               | 5  | quote the whole key");
  }

  static Stream<Arguments> parse_rejectsValuesOfTheWrongKindCases() {
    return rows(
        "params.model = lr               | 15 | unquoted value 'lr': quote strings, e.g. 'lr'",
        "metrics.acc > '1'               | 14 | metrics compare with a number, not a string",
        "params.lr = 0.01                | 12 | params are strings: quote the value, e.g. '0.01'",
        "start_time > 'x'                | 13 | attribute start_time compares with a number",
        "status = 1                      | 9  | attribute status compares with a quoted string, e.g. '1'",
        "params.a = 'abc                 | 11 | unterminated string: no closing '",
        "metrics.acc >                   | 13 | expected a value after 'metrics.acc >'",
        "params.a = `x`                  | 11 | backticks quote keys, not values",
        "metrics.acc > 1.2.3             | 17 | expected AND between clauses, found '.3'",
        "metrics.acc > 1.5x              | 14 | malformed number '1.5x'",
        "run_id IN ()                    | 10 | an IN list needs at least one quoted string",
        "run_id IN (1, 2)                | 11 | expected a quoted string in the list, found '1,'",
        "run_id IN ('a' 'b'              | 10 | unclosed list",
        "run_id IN 'aaa1'                | 10 | IN takes a parenthesised list of quoted strings",
        "run_id = ('aaa1')               | 9  | a list needs IN or NOT IN");
  }

  static Stream<Arguments> parse_rejectsMalformedStructureCases() {
    return rows(
        "metrics.acc == 1                     | 12 | unknown comparator '=='; use =",
        "metrics.acc <> 1                     | 12 | unknown comparator '<>'; use !=",
        "metrics.acc => 1                     | 12 | unknown comparator '=>'",
        "params.model NOT LIKE 'l%'           | 13 | NOT LIKE is not supported",
        "params.model NOT 'l%'                | 17 | expected IN after NOT",
        "params.model RLIKE 'l'               | 13 | RLIKE is not supported",
        "params.model IS 'x'                  | 16 | expected NULL or NOT NULL after IS",
        "params.model IS NOT  NULL            | 19 | write IS NOT NULL with a single space",
        "(metrics.acc > 0.5)                  | 0  | parentheses are not supported",
        "metrics.a > 1; metrics.b < 2         | 13 | unexpected ';'",
        "tags.team = 'ml' AND                 | 17 | dangling AND",
        "AND tags.team = 'ml'                 | 0  | expected a clause before AND",
        "tags.a = 'x' AND AND tags.b = 'y'    | 17 | expected a clause before AND",
        "tags.team = 'ml' tags.x = 'a'        | 17 | expected AND between clauses, found 'tags.x'",
        "= 1                                  | 0  | expected an identifier such as metrics.acc");
  }

  static FilterSyntaxException syntaxError(String filter) {
    try {
      CandidateFilter.parse(filter);
    } catch (FilterSyntaxException e) {
      return e;
    }
    throw new AssertionError("expected a FilterSyntaxException for: " + filter);
  }

  @Test
  void parse_nullOrBlankMatchesEverything() {
    assertThat(CandidateFilter.parse(null).matchesAll()).isTrue();
    assertThat(matching(null, ALL)).containsExactly("aaa1", "bbb2", "ccc3", "ddd4");
    assertThat(matching("", ALL)).containsExactly("aaa1", "bbb2", "ccc3", "ddd4");
    assertThat(matching("  \t\n ", ALL)).containsExactly("aaa1", "bbb2", "ccc3", "ddd4");
  }

  @Test
  void matches_requiresEveryClauseJoinedWithAnd() {
    assertThat(matching("metrics.acc > 0.5 AND params.model = 'lr' AND tags.team = 'ml'", ALL))
        .containsExactly("aaa1");
    assertThat(matching("metrics.acc > 0.5 AND params.model = 'rf'", ALL)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"and", "And", "AND", "aNd"})
  void parse_acceptsAndInAnyCase(String and) {
    assertThat(matching("metrics.loss = 0.1 " + and + " metrics.acc > 0.8", ALL)).containsExactly("aaa1");
  }

  @Test
  void parse_toleratesAnyWhitespaceAndNoneAroundSymbols() {
    assertThat(matching("metrics.acc>0.5", ALL)).containsExactly("aaa1", "ccc3");
    assertThat(matching("\n\tmetrics.acc\t>\n0.5\tAND\nparams.model='lr'  ", ALL)).containsExactly("aaa1");
  }

  @Test
  void toString_returnsTheFilterAsWritten() {
    assertThat(CandidateFilter.parse("metrics.acc > 1").toString()).isEqualTo("metrics.acc > 1");
  }

  @Test
  void parsedFilter_canBeReusedAcrossCandidates() {
    CandidateFilter f = CandidateFilter.parse("params.model LIKE 'l%'");
    assertThat(f.matches(A)).isTrue();
    assertThat(f.matches(C)).isFalse();
    assertThat(f.matches(A)).isTrue();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("everyComparator_followsIeeeSemanticsCases")
  void everyComparator_followsIeeeSemantics(String filter, String expected) {
    assertThat(matching(filter, ALL)).containsExactly(expected.split(","));
  }

  @Test
  void nanMetric_matchesOnlyNotEquals() {
    assertThat(matching("metrics.acc != 12345", ALL)).contains("bbb2");
    for (String op : new String[] {"=", "<", "<=", ">", ">="}) {
      assertThat(matching("metrics.acc " + op + " 0", List.of(B))).as(op).isEmpty();
    }
  }

  @Test
  void infiniteMetrics_compareWithHugeLiterals() {
    assertThat(matching("metrics.loss > 1e308", ALL)).containsExactly("ccc3");
    assertThat(matching("metrics.acc < -1e308", ALL)).containsExactly("ddd4");
  }

  @Test
  void negativeZero_equalsZero() {
    Candidate z = run("z", 1).metric("m", -0.0).build();
    assertThat(matching("metrics.m = 0", List.of(z))).containsExactly("z");
    assertThat(matching("metrics.m < 0", List.of(z))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"metrics.acc > .5", "metrics.acc > 0.5", "metrics.acc > 5e-1", "metrics.acc > 5E-1",
      "metrics.acc > 0", "metrics.acc > -1e-3"})
  void numberLiterals_allShapesParse(String filter) {
    assertThat(matching(filter, List.of(A, C))).containsExactly("aaa1", "ccc3");
  }

  @Test
  void missingMetric_neverMatchesEvenNotEquals() {
    assertThat(matching("metrics.nope != 1", ALL)).isEmpty();
    assertThat(matching("metrics.loss != 99", ALL)).containsExactly("aaa1", "bbb2", "ccc3");
  }

  @Test
  void metricPrefix_acceptsMetricAndMetrics() {
    assertThat(matching("metric.acc > 0.91", ALL)).containsExactly("ccc3");
    assertThat(matching("metrics.acc > 0.91", ALL)).containsExactly("ccc3");
  }

  @Test
  void keyAliases_applyToMetricKeysToo_asMlflowTranslatesEveryKey() {
    // SearchUtils.translate_key_alias runs before the type dispatch: metrics.created reads metric start_time.
    Candidate r = run("r", 1).metric("start_time", 5).build();
    assertThat(matching("metrics.created = 5", List.of(r))).containsExactly("r");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("everyComparatorAndPrefixAliasCases")
  void everyComparatorAndPrefixAlias(String filter, String expected) {
    assertThat(matching(filter, ALL)).containsExactly(expected.split(","));
  }

  @Test
  void paramValues_compareAsStringsNotNumbers() {
    assertThat(matching("params.lr = '0.01'", ALL)).containsExactly("aaa1");
    assertThat(matching("params.lr = '0.010'", ALL)).isEmpty();
  }

  @Test
  void missingParamOrTag_neverMatchesEvenNotEquals() {
    assertThat(matching("params.model != 'zzz'", ALL)).containsExactly("aaa1", "bbb2", "ccc3");
    assertThat(matching("tags.x != 'zzz'", ALL)).containsExactly("bbb2", "ccc3", "ddd4");
    assertThat(matching("tags.x LIKE '%'", ALL)).containsExactly("bbb2", "ccc3", "ddd4");
  }

  @Test
  void isNull_matchesOnlyCandidatesWithoutTheKey() {
    assertThat(matching("params.model IS NULL", ALL)).containsExactly("ddd4");
    assertThat(matching("params.model IS NOT NULL", ALL)).containsExactly("aaa1", "bbb2", "ccc3");
    assertThat(matching("tags.x is null", ALL)).containsExactly("aaa1");
    assertThat(matching("tags.x Is Not Null", ALL)).containsExactly("bbb2", "ccc3", "ddd4");
  }

  @Test
  void isNull_combinesWithOtherClauses() {
    assertThat(matching("tags.x IS NULL AND params.model = 'lr'", ALL)).containsExactly("aaa1");
  }

  @Test
  void doubleQuotedValue_equalsSingleQuotedValue() {
    assertThat(matching("params.model = \"lr\"", ALL)).containsExactly("aaa1");
  }

  @Test
  void dottedKey_needsNoQuotes() {
    assertThat(matching("tags.mlflow.runName = 'alpha-run'", ALL)).containsExactly("aaa1");
  }

  @Test
  void quotedKeys_acceptDoubleQuotesBackticksAndSingleQuotes() {
    Candidate r = run("r", 1).param("learning rate", "0.1").param("a.b", "x").param("a-b", "y").build();
    assertThat(matching("params.\"learning rate\" = '0.1'", List.of(r))).containsExactly("r");
    assertThat(matching("params.`learning rate` = '0.1'", List.of(r))).containsExactly("r");
    assertThat(matching("params.'learning rate' = '0.1'", List.of(r))).containsExactly("r");
    assertThat(matching("params.\"a.b\" = 'x'", List.of(r))).containsExactly("r");
    assertThat(matching("params.`a-b` = 'y'", List.of(r))).containsExactly("r");
    assertThat(matching("`params`.`a-b` = 'y'", List.of(r))).containsExactly("r");
  }

  @Test
  void unicodeBareKeys_areAllowed() {
    Candidate r = run("r", 1).metric("été", 2).build();
    assertThat(matching("metrics.été > 1", List.of(r))).containsExactly("r");
  }

  @Test
  void stringLiterals_areTakenVerbatimLikeMlflow() {
    // MLflow's _strip_quotes only trims the ends: '' and \' stay as written inside the value.
    Candidate doubled = run("doubled", 1).param("q", "it''s").build();
    Candidate plain = run("plain", 1).param("q", "it's").build();
    Candidate escaped = run("escaped", 1).param("q", "it\\'s").build();
    List<Candidate> runs = List.of(doubled, plain, escaped);
    assertThat(matching("params.q = 'it''s'", runs)).containsExactly("doubled");
    assertThat(matching("params.q = \"it's\"", runs)).containsExactly("plain");
    assertThat(matching("params.q = 'it\\'s'", runs)).containsExactly("escaped");
  }

  @Test
  void emptyStringValue_isAValue() {
    Candidate empty = run("e", 1).param("p", "").build();
    assertThat(matching("params.p = ''", List.of(empty, A))).containsExactly("e");
    assertThat(matching("params.p = \"\"", List.of(empty, A))).containsExactly("e");
  }

  Candidate withX(String id, String x) {
    return run(id, 1).tag("x", x).build();
  }

  @Test
  void percent_matchesAnyRunIncludingEmpty() {
    List<Candidate> runs = List.of(withX("1", "abc"), withX("2", "ac"), withX("3", "xabc"));
    assertThat(matching("tags.x LIKE 'a%c'", runs)).containsExactly("1", "2");
    assertThat(matching("tags.x LIKE '%bc'", runs)).containsExactly("1", "3");
    assertThat(matching("tags.x LIKE '%'", runs)).containsExactly("1", "2", "3");
  }

  @Test
  void underscore_matchesExactlyOneCharacter() {
    List<Candidate> runs = List.of(withX("1", "ab"), withX("2", "abc"), withX("3", "a"));
    assertThat(matching("tags.x LIKE 'a_'", runs)).containsExactly("1");
    assertThat(matching("tags.x LIKE 'a__'", runs)).containsExactly("2");
  }

  @Test
  void pattern_isAnchoredAtBothEnds() {
    List<Candidate> runs = List.of(withX("1", "abc"), withX("2", "zabcz"));
    assertThat(matching("tags.x LIKE 'abc'", runs)).containsExactly("1");
    assertThat(matching("tags.x LIKE 'b'", runs)).isEmpty();
  }

  @Test
  void regexMetacharacters_matchThemselves() {
    // MLflow's _convert_like_pattern_to_regex applies re.escape before turning % and _ into wildcards.
    List<Candidate> runs = List.of(withX("dot", "a.b"), withX("x", "axb"), withX("paren", "a(b"),
        withX("meta", "^[a]+$|\\d{2}"));
    assertThat(matching("tags.x LIKE 'a.b'", runs)).containsExactly("dot");
    assertThat(matching("tags.x LIKE 'a(b'", runs)).containsExactly("paren");
    assertThat(matching("tags.x LIKE '%(%'", runs)).containsExactly("paren");
    assertThat(matching("tags.x LIKE '^[a]+$|\\d{2}'", runs)).containsExactly("meta");
    assertThat(matching("tags.x LIKE 'a_b'", runs)).containsExactly("dot", "x", "paren");
  }

  @Test
  void backslash_isNotAnEscapeCharacter() {
    List<Candidate> runs = List.of(withX("pct", "100%"), withX("bs", "100\\%"), withX("other", "1000"));
    assertThat(matching("tags.x LIKE '100\\%'", runs)).containsExactly("bs");
  }

  @Test
  void like_isCaseSensitiveAndIlikeIsNot() {
    List<Candidate> runs = List.of(withX("lower", "churn"), withX("upper", "CHURN"), withX("accent", "ÉTÉ"));
    assertThat(matching("tags.x LIKE 'ch%'", runs)).containsExactly("lower");
    assertThat(matching("tags.x ILIKE 'ch%'", runs)).containsExactly("lower", "upper");
    assertThat(matching("tags.x ILIKE 'été'", runs)).containsExactly("accent");
  }

  @Test
  void underscore_matchesOneCodePointEvenOutsideTheBmp() {
    List<Candidate> runs = List.of(withX("emoji", "\uD83D\uDE00"), withX("two", "ab"));
    assertThat(matching("tags.x LIKE '_'", runs)).containsExactly("emoji");
  }

  @Test
  void wildcards_doNotCrossLineBreaks_asInPythonRegex() {
    // Python's "." excludes "\n" and re.match anchors only the start, which MLflow's file store inherits.
    List<Candidate> runs = List.of(withX("note", "line1\nfoo line2"));
    assertThat(matching("tags.x LIKE '%foo%'", runs)).isEmpty();
    assertThat(matching("tags.x LIKE 'line1%'", runs)).containsExactly("note");
    assertThat(matching("tags.x LIKE 'line1_foo%'", runs)).isEmpty();
    assertThat(matching("tags.x LIKE '%line2'", runs)).isEmpty();
  }

  @Test
  void patternWithoutTrailingPercent_alsoMatchesBeforeAFinalNewline() {
    // "$" in Python matches before a trailing "\n".
    List<Candidate> runs = List.of(withX("nl", "abc\n"));
    assertThat(matching("tags.x LIKE 'abc'", runs)).containsExactly("nl");
    assertThat(matching("tags.x LIKE 'ab_'", runs)).containsExactly("nl");
    assertThat(matching("tags.x = 'abc'", runs)).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("stringAttributes_everyComparatorAndAliasCases")
  void stringAttributes_everyComparatorAndAlias(String filter, String expected) {
    assertThat(matching(filter, ALL)).containsExactly(expected.split(","));
  }

  @Test
  void status_isCaseSensitiveWithEquals() {
    assertThat(matching("status = 'finished'", ALL)).isEmpty();
    assertThat(matching("status = 'KILLED'", ALL)).containsExactly("ddd4");
  }

  @Test
  void emptyRunName_isAValueNotMissing() {
    assertThat(matching("run_name = ''", ALL)).containsExactly("ddd4");
    assertThat(matching("run_name != ''", ALL)).containsExactly("aaa1", "bbb2", "ccc3");
  }

  @Test
  void unsetUserId_neverMatches() {
    assertThat(matching("user_id != 'alice'", ALL)).containsExactly("ccc3", "ddd4");
    assertThat(matching("user_id LIKE '%'", ALL)).containsExactly("aaa1", "ccc3", "ddd4");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("numericAttributes_everyComparatorIntegersAndDecimalsCases")
  void numericAttributes_everyComparatorIntegersAndDecimals(String filter, String expected) {
    assertThat(matching(filter, ALL)).containsExactly(expected.split(","));
  }

  @Test
  void numericAttributes_compareExactlyWithLiteralsBeyondLong() {
    assertThat(matching("start_time < 99999999999999999999", ALL)).hasSize(4);
    assertThat(matching("start_time > -99999999999999999999", ALL)).hasSize(4);
    assertThat(matching("start_time > 99999999999999999999", ALL)).isEmpty();
  }

  @Test
  void numericAttributes_decimalComparisonsAreExactNotRounded() {
    Candidate big = run("big", 9_007_199_254_740_993L).build(); // 2^53 + 1, not representable as a double
    assertThat(matching("start_time > 9007199254740992", List.of(big))).containsExactly("big");
    assertThat(matching("start_time > 9007199254740992.0", List.of(big))).containsExactly("big");
    assertThat(matching("start_time = 9007199254740992.0", List.of(big))).isEmpty();
  }

  @Test
  void unsetEndTime_neverMatches() {
    assertThat(matching("attributes.end_time > 0", ALL)).containsExactly("aaa1", "ccc3", "ddd4");
    assertThat(matching("end_time != 2000", ALL)).containsExactly("ccc3", "ddd4");
  }

  @Test
  void in_worksOnEveryStringAttribute_aSupersetOfMlflow() {
    List<String> all = matching("", ALL);
    assertThat(matching("status IN ('FINISHED', 'FAILED')", ALL))
        .containsExactlyInAnyOrderElementsOf(union(matching("status = 'FINISHED'", ALL),
            matching("status = 'FAILED'", ALL)));
    assertThat(matching("attributes.status NOT IN ('FINISHED')", ALL))
        .containsExactlyInAnyOrderElementsOf(matching("status != 'FINISHED'", ALL));
    assertThat(all).isNotEmpty();
  }

  private static List<String> union(List<String> a, List<String> b) {
    List<String> out = new java.util.ArrayList<>(a);
    b.stream().filter(x -> !out.contains(x)).forEach(out::add);
    return out;
  }

  @Test
  void in_matchesListedRunIds() {
    assertThat(matching("run_id IN ('aaa1', 'ccc3')", ALL)).containsExactly("aaa1", "ccc3");
    assertThat(matching("attributes.run_id in ('bbb2')", ALL)).containsExactly("bbb2");
    assertThat(matching("run_id IN (\"ddd4\")", ALL)).containsExactly("ddd4");
  }

  @Test
  void notIn_matchesTheOthers() {
    assertThat(matching("run_id NOT IN ('aaa1','bbb2')", ALL)).containsExactly("ccc3", "ddd4");
    assertThat(matching("run_id not\tin ('aaa1',)", ALL)).containsExactly("bbb2", "ccc3", "ddd4");
  }

  @Test
  void listItems_keepCaseAndDigitsOnlyIds() {
    Candidate upper = run("ABC", 1).build();
    Candidate digits = run("123", 1).build();
    assertThat(matching("run_id IN ('ABC', '123')", List.of(upper, digits, A))).containsExactly("ABC", "123");
  }

  @Test
  void listItems_followPythonLiteralRules() {
    // MLflow evaluates the list with ast.literal_eval: escapes decode and adjacent strings concatenate.
    Candidate ab = run("ab", 1).build();
    Candidate quote = run("a'b", 1).build();
    Candidate its = run("its", 1).build();
    List<Candidate> runs = List.of(ab, quote, its);
    assertThat(matching("run_id IN ('a' 'b')", runs)).containsExactly("ab");
    assertThat(matching("run_id IN ('a\\'b')", runs)).containsExactly("a'b");
    assertThat(matching("run_id IN ('it''s')", runs)).containsExactly("its");
    assertThat(matching("run_id IN ('\\x61b')", runs)).containsExactly("ab");
  }

  @Test
  void filterSyntaxException_isAValidationExceptionWithACaret() {
    FilterSyntaxException e = syntaxError("metrics.acc 0.9");
    assertThat(e).isInstanceOf(ValidationException.class);
    assertThat(e.rule()).isEqualTo("filter-syntax");
    assertThat(e.expression()).isEqualTo("metrics.acc 0.9");
    assertThat(e.getMessage()).endsWith("metrics.acc 0.9\n              ^");
  }

  @Test
  void parse_rejectsOrWithPositionOfOr() {
    FilterSyntaxException e = syntaxError("metrics.a > 1 OR metrics.b < 2");
    assertThat(e.position()).isEqualTo(14);
    assertThat(e.getMessage()).contains("OR is not supported: MLflow filters join clauses with AND");
    assertThat(syntaxError("metrics.a > 1 or metrics.b < 2").position()).isEqualTo(14);
  }

  @Test
  void parse_rejectsMissingComparatorAfterIdentifier() {
    FilterSyntaxException e = syntaxError("metrics.acc 0.9");
    assertThat(e.position()).isEqualTo(12);
    assertThat(e.getMessage()).contains("expected a comparator after 'metrics.acc', found '0.9'");
    assertThat(syntaxError("metrics.acc").getMessage()).contains("expected a comparator after 'metrics.acc'");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("parse_rejectsComparatorsTheTypeDoesNotTakeCases")
  void parse_rejectsComparatorsTheTypeDoesNotTake(String filter, int position, String problem) {
    FilterSyntaxException e = syntaxError(filter);
    assertThat(e.position()).isEqualTo(position);
    assertThat(e.getMessage()).contains(problem);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("parse_rejectsUnknownIdentifiersCases")
  void parse_rejectsUnknownIdentifiers(String filter, int position, String problem) {
    FilterSyntaxException e = syntaxError(filter);
    assertThat(e.position()).isEqualTo(position);
    assertThat(e.getMessage()).contains(problem);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("parse_rejectsValuesOfTheWrongKindCases")
  void parse_rejectsValuesOfTheWrongKind(String filter, int position, String problem) {
    FilterSyntaxException e = syntaxError(filter);
    assertThat(e.position()).isEqualTo(position);
    assertThat(e.getMessage()).contains(problem);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("parse_rejectsMalformedStructureCases")
  void parse_rejectsMalformedStructure(String filter, int position, String problem) {
    FilterSyntaxException e = syntaxError(filter);
    assertThat(e.position()).isEqualTo(position);
    assertThat(e.getMessage()).contains(problem);
  }
}
