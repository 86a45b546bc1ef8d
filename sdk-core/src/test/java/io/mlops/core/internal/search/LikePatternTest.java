package io.mlops.core.internal.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The LIKE matcher against the truth table of MLflow's {@code _like}/{@code _ilike} (Python 3.11 re). */
class LikePatternTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        // pattern, value, LIKE, ILIKE
        Arguments.of("abc", "abc", true, true),
        Arguments.of("abc", "ABC", false, true),
        Arguments.of("abc", "abcd", false, false),
        Arguments.of("abc", "xabc", false, false),
        Arguments.of("", "", true, true),
        Arguments.of("", "a", false, false),
        Arguments.of("%", "", true, true),
        Arguments.of("%", "anything", true, true),
        Arguments.of("%%", "x", true, true),
        Arguments.of("a%", "a", true, true),
        Arguments.of("%a", "ba", true, true),
        Arguments.of("%a%", "xay", true, true),
        Arguments.of("a%b%c", "aXXbYYc", true, true),
        Arguments.of("a%b%c", "aXXcYYb", false, false),
        Arguments.of("_", "", false, false),
        Arguments.of("_", "é", true, true),
        Arguments.of("__", "\uD83D\uDE00", false, false),
        Arguments.of("_", "\uD83D\uDE00", true, true),
        Arguments.of("a.c", "abc", false, false),
        Arguments.of("a.c", "a.c", true, true),
        Arguments.of("a*", "aaa", false, false),
        Arguments.of("a*", "a*", true, true),
        Arguments.of("[ab]", "a", false, false),
        Arguments.of("(x|y)", "(x|y)", true, true),
        Arguments.of("a\\%", "a\\anything", true, true),
        Arguments.of("ÉTÉ", "été", false, true),
        Arguments.of("straße", "STRASSE", false, false),
        // Python "." excludes "\n"; "$" also matches before one final "\n"; a trailing % ends the regex.
        Arguments.of("a_b", "a\nb", false, false),
        Arguments.of("a%b", "a\nb", false, false),
        Arguments.of("a%", "a\nb", true, true),
        Arguments.of("abc", "abc\n", true, true),
        Arguments.of("abc", "abc\n\n", false, false),
        Arguments.of("abc_", "abc\n", false, false),
        Arguments.of("%c", "abc\n", true, true),
        Arguments.of("a\nb", "a\nb", true, true));
  }

  @ParameterizedTest(name = "{0} ~ {1}")
  @MethodSource("cases")
  void matches_likePythonsRegexOnTheEscapedPattern(String pattern, String value, boolean like, boolean ilike) {
    assertThat(LikePattern.compile(pattern, false).matches(value)).as("LIKE").isEqualTo(like);
    assertThat(LikePattern.compile(pattern, true).matches(value)).as("ILIKE").isEqualTo(ilike);
  }

  @Test
  @Timeout(5)
  void matches_staysLinearOnPathologicalPatterns() {
    String value = "a".repeat(200_000);
    LikePattern p = LikePattern.compile("%a%a%a%a%a%a%a%a%b", false);
    assertThat(p.matches(value)).isFalse();
    assertThat(LikePattern.compile("%a%a%a%a%a%a%a%a%a", false).matches(value)).isTrue();
  }

  @Test
  void toString_showsTheOperatorAndPattern() {
    assertThat(LikePattern.compile("a%", true).toString()).isEqualTo("ILIKE 'a%'");
  }
}
