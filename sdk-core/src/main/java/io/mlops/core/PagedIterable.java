package io.mlops.core;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Results that are fetched page by page, lazily, as iteration reaches them. Each iteration starts again from the
 * first page.
 *
 * <pre>{@code
 * client.searchCandidates(query).stream().limit(10).forEach(c -> System.out.println(c.name()));
 * }</pre>
 *
 * @param <T> the item type
 */
public final class PagedIterable<T> implements Iterable<T> {
  private final Optional<String> firstToken;
  private final Function<Optional<String>, Page<T>> fetch;

  /**
   * Results fetched by a page function.
   *
   * @param firstToken the token of the first page (usually empty)
   * @param fetch fetches the page for a token
   */
  public PagedIterable(Optional<String> firstToken, Function<Optional<String>, Page<T>> fetch) {
    this.firstToken = firstToken;
    this.fetch = fetch;
  }

  /** Fetches only the first page. */
  public Page<T> firstPage() {
    return fetch.apply(firstToken);
  }

  @Override
  public Iterator<T> iterator() {
    return new Iterator<T>() {
      private Iterator<T> current;
      private Optional<String> next = firstToken;
      private boolean started;

      @Override
      public boolean hasNext() {
        while (current == null || !current.hasNext()) {
          if (started && !next.isPresent()) {
            return false;
          }
          Page<T> page = fetch.apply(next);
          started = true;
          current = page.items().iterator();
          next = page.nextPageToken();
        }
        return true;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  /** A sequential stream over all results, fetching pages as it goes. */
  public Stream<T> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false);
  }
}
