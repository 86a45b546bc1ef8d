package io.mlops.core;

import java.util.List;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * One page of results and the token for the next, if any.
 *
 * @param <T> the item type
 */
@Value.Immutable
public interface Page<T> {
  /** The items of this page. */
  List<T> items();

  /** The token that fetches the next page; empty on the last page. */
  Optional<String> nextPageToken();

  /** A page. */
  static <T> Page<T> of(List<T> items, Optional<String> nextPageToken) {
    return ImmutablePage.<T>builder().items(items).nextPageToken(nextPageToken).build();
  }
}
