package io.mlops.core.internal.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.core.Page;
import io.mlops.core.ValidationException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MLflow's offset page tokens ({@code SearchUtils.create_page_token}, {@code paginate}). */
class PageTokensTest {
  static String b64(String json) {
    return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  @Test
  void encode_isByteForBytePythonsJsonDumpsInBase64() {
    // base64.b64encode(json.dumps({"offset": 5}).encode("utf-8")) in Python
    assertThat(PageTokens.encode(5)).isEqualTo("eyJvZmZzZXQiOiA1fQ==");
    assertThat(PageTokens.encode(1000)).isEqualTo("eyJvZmZzZXQiOiAxMDAwfQ==");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 99, 1000, 50_000, Integer.MAX_VALUE})
  void decode_roundTripsEncode(int offset) {
    assertThat(PageTokens.decode(PageTokens.encode(offset))).isEqualTo(offset);
  }

  @Test
  void decode_nullOrEmptyIsTheFirstPage() {
    assertThat(PageTokens.decode(null)).isZero();
    assertThat(PageTokens.decode("")).isZero();
  }

  @Test
  void decode_acceptsWhatMlflowAccepts() {
    assertThat(PageTokens.decode(b64("{\"offset\": \"7\"}"))).isEqualTo(7); // int("7")
    assertThat(PageTokens.decode(b64("{\"offset\": 7.9}"))).isEqualTo(7); // int(7.9)
    assertThat(PageTokens.decode(b64("{\"offset\":3,\"other\":1}"))).isEqualTo(3);
    // b64decode drops characters outside the base64 alphabet
    assertThat(PageTokens.decode(" eyJvZmZzZXQiOiA1fQ==\n")).isEqualTo(5);
    assertThat(PageTokens.decode("eyJvZmZzZXQiOiA1fQ==!!")).isEqualTo(5);
  }

  @ParameterizedTest
  @ValueSource(strings = {"not base64!!", "eyJvZmZzZXQiOiA1fQ", "abcde", "ab=c"})
  void decode_rejectsUndecodableBase64(String token) {
    assertThatThrownBy(() -> PageTokens.decode(token))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("could not base64-decode")
        .extracting(e -> ((ValidationException) e).rule()).isEqualTo("page-token");
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "[1]", "{}", "{\"offset\": 0}", "{\"offset\": null}", "{\"offset\": \"\"}",
      "{\"offset\": \"abc\"}", "{\"offset\": -1}", "{\"offset\": 2147483648}", "{\"offset\": 5} extra",
      "{\"offset\": [1]}", "{\"offset\": false}", "5"})
  void decode_rejectsMalformedPayloadsWithRulePageToken(String json) {
    assertThatThrownBy(() -> PageTokens.decode(b64(json)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Invalid page token")
        .extracting(e -> ((ValidationException) e).rule()).isEqualTo("page-token");
  }

  @Test
  void decode_rejectsATokenOfOnlyNonAlphabetCharacters() {
    // b64decode("!!!!") is b"", which json.loads rejects.
    assertThatThrownBy(() -> PageTokens.decode("!!!!"))
        .isInstanceOf(ValidationException.class)
        .extracting(e -> ((ValidationException) e).rule()).isEqualTo("page-token");
  }

  @Test
  void encode_rejectsNegativeOffsets() {
    assertThatThrownBy(() -> PageTokens.encode(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void page_walksAllItemsInOrder() {
    List<Integer> items = range(10);
    List<Integer> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    Optional<String> token = Optional.empty();
    do {
      Page<Integer> page = PageTokens.page(items, 3, token);
      seen.addAll(page.items());
      sizes.add(page.items().size());
      token = page.nextPageToken();
    } while (token.isPresent());
    assertThat(seen).isEqualTo(items);
    assertThat(sizes).containsExactly(3, 3, 3, 1);
  }

  @Test
  void page_issuesMlflowsOffsetTokens() {
    Page<Integer> first = PageTokens.page(range(10), 4, Optional.empty());
    assertThat(first.items()).containsExactly(0, 1, 2, 3);
    assertThat(first.nextPageToken()).contains(PageTokens.encode(4));
  }

  @Test
  void page_exactMultiple_hasNoTokenOnTheLastPage() {
    Page<Integer> second = PageTokens.page(range(6), 3, Optional.of(PageTokens.encode(3)));
    assertThat(second.items()).containsExactly(3, 4, 5);
    assertThat(second.nextPageToken()).isEmpty();
  }

  @Test
  void page_offsetPastTheEnd_isEmptyWithoutToken() {
    Page<Integer> page = PageTokens.page(range(3), 5, Optional.of(PageTokens.encode(10)));
    assertThat(page.items()).isEmpty();
    assertThat(page.nextPageToken()).isEmpty();
  }

  @Test
  void page_emptyList_isOneEmptyPage() {
    Page<Integer> page = PageTokens.page(List.of(), 5, Optional.empty());
    assertThat(page.items()).isEmpty();
    assertThat(page.nextPageToken()).isEmpty();
  }

  @Test
  void page_itemsAreACopyNotAView() {
    List<Integer> items = new ArrayList<>(range(5));
    Page<Integer> page = PageTokens.page(items, 2, Optional.empty());
    items.set(0, 99);
    assertThat(page.items()).containsExactly(0, 1);
  }

  @Test
  void page_largeMaxResults_doesNotOverflow() {
    Page<Integer> page = PageTokens.page(range(3), PageTokens.MAX_RESULTS_THRESHOLD,
        Optional.of(PageTokens.encode(Integer.MAX_VALUE - 1)));
    assertThat(page.items()).isEmpty();
    assertThat(page.nextPageToken()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 50_001})
  void page_rejectsMaxResultsOutsideMlflowsRange(int maxResults) {
    assertThatThrownBy(() -> PageTokens.page(range(3), maxResults, Optional.empty()))
        .isInstanceOf(ValidationException.class)
        .extracting(e -> ((ValidationException) e).rule()).isEqualTo("max-results");
  }

  @Test
  void page_rejectsABadTokenWithRulePageToken() {
    assertThatThrownBy(() -> PageTokens.page(range(3), 2, Optional.of("garbage!")))
        .isInstanceOf(ValidationException.class)
        .extracting(e -> ((ValidationException) e).rule()).isEqualTo("page-token");
  }
}
