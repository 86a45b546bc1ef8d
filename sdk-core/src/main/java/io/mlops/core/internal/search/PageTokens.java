package io.mlops.core.internal.search;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlops.core.Page;
import io.mlops.core.ValidationException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Offset page tokens as MLflow's file store writes and reads them ({@code SearchUtils.create_page_token},
 * {@code parse_start_offset_from_page_token}, {@code paginate}): standard base64 of the JSON
 * {@code {"offset": N}}, byte for byte what Python's {@code json.dumps} produces, so tokens are interchangeable
 * with MLflow's.
 */
public final class PageTokens {
  /** {@code SEARCH_MAX_RESULTS_THRESHOLD} of {@code mlflow/store/tracking/__init__.py}. */
  public static final int MAX_RESULTS_THRESHOLD = 50_000;

  private static final String RULE = "page-token";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS); // json.loads rejects extra data

  private PageTokens() {}

  /**
   * The token for the page starting at {@code offset}.
   *
   * @throws IllegalArgumentException for a negative offset
   */
  public static String encode(int offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    }
    // json.dumps({"offset": offset}) uses ": " as its separator.
    String json = "{\"offset\": " + offset + "}";
    return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The offset a token stands for; null or empty is the first page, 0.
   *
   * <p>As in MLflow, the offset may be a JSON integer, a float (truncated, as {@code int()} does) or a string of
   * digits, and an offset of 0 or a missing one is invalid ({@code if not offset_str}): MLflow never issues a
   * token for offset 0. Unlike MLflow, a negative offset is rejected rather than sliced from the end.
   *
   * @throws ValidationException with rule {@code page-token} for anything else
   */
  public static int decode(String token) {
    if (token == null || token.isEmpty()) {
      return 0;
    }
    // Python's base64.b64decode (non-validating) drops characters outside the alphabet but insists on padding.
    StringBuilder alphabet = new StringBuilder(token.length());
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
          || c == '=') {
        alphabet.append(c);
      }
    }
    byte[] bytes;
    try {
      if (alphabet.length() % 4 != 0) {
        throw new IllegalArgumentException("incorrect padding");
      }
      bytes = Base64.getDecoder().decode(alphabet.toString());
    } catch (IllegalArgumentException e) {
      throw invalid("Invalid page token, could not base64-decode");
    }
    JsonNode parsed;
    try {
      parsed = JSON.readTree(bytes);
    } catch (IOException e) {
      throw invalid("Invalid page token, decoded value=" + new String(bytes, StandardCharsets.UTF_8));
    }
    if (parsed == null || !parsed.isObject()) {
      throw invalid("Invalid page token, parsed value=" + parsed);
    }
    JsonNode offset = parsed.get("offset");
    if (offset == null || !truthy(offset)) {
      throw invalid("Invalid page token, parsed value=" + parsed);
    }
    BigInteger value;
    if (offset.isIntegralNumber()) {
      value = offset.bigIntegerValue();
    } else if (offset.isFloatingPointNumber() && Double.isFinite(offset.doubleValue())) {
      value = offset.decimalValue().toBigInteger(); // int(5.9) == 5
    } else if (offset.isBoolean()) {
      value = BigInteger.ONE; // int(True); False was rejected as falsy above
    } else if (offset.isTextual()) {
      try {
        value = new BigInteger(offset.textValue().trim());
      } catch (NumberFormatException e) {
        throw invalid("Invalid page token, not stringable " + offset.textValue());
      }
    } else {
      throw invalid("Invalid page token, parsed value=" + parsed);
    }
    if (value.signum() < 0 || value.bitLength() > 31) {
      throw invalid("Invalid page token, offset out of range: " + value);
    }
    return value.intValue();
  }

  /** Python truthiness of a JSON value, for MLflow's {@code if not offset_str}. */
  private static boolean truthy(JsonNode n) {
    if (n.isNull()) {
      return false;
    }
    if (n.isNumber()) {
      return n.isIntegralNumber() ? n.bigIntegerValue().signum() != 0 : n.doubleValue() != 0.0;
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isTextual()) {
      return !n.textValue().isEmpty();
    }
    return n.size() > 0;
  }

  /**
   * One page of already filtered and sorted items ({@code SearchUtils.paginate}): the items from the token's
   * offset, at most {@code maxResults} of them, and a next token if more remain. An offset past the end gives
   * an empty last page.
   *
   * @throws ValidationException with rule {@code page-token} for a malformed token, or {@code max-results} if
   *     {@code maxResults} is outside 1..{@value #MAX_RESULTS_THRESHOLD}
   */
  public static <T> Page<T> page(List<T> sortedItems, int maxResults, Optional<String> pageToken) {
    if (maxResults < 1 || maxResults > MAX_RESULTS_THRESHOLD) {
      throw new ValidationException("max_results", "max-results", "Invalid value for max_results. It must be "
          + "between 1 and " + MAX_RESULTS_THRESHOLD + ", but got " + maxResults);
    }
    int start = decode(pageToken == null ? null : pageToken.orElse(null));
    long end = (long) start + maxResults;
    int size = sortedItems.size();
    if (start >= size) {
      return Page.of(List.of(), Optional.empty());
    }
    List<T> items = new ArrayList<>(sortedItems.subList(start, (int) Math.min(end, size)));
    Optional<String> next = end < size ? Optional.of(encode((int) end)) : Optional.empty();
    return Page.of(items, next);
  }

  private static ValidationException invalid(String message) {
    return new ValidationException("page_token", RULE, message);
  }
}
