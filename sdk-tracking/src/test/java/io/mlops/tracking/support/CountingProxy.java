package io.mlops.tracking.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reverse proxy on a loopback port in front of a real server that counts the requests passing through it, so an
 * integration test can tell how many requests the SDK sent (a real MLflow server keeps no such count). Answers are
 * the server's own, byte for byte; when the server cannot be reached, the proxy closes the client's connection
 * without an answer, which the client sees as a transport failure, as it would a refused connection.
 *
 * <pre>
 *   try (CountingProxy proxy = CountingProxy.start(serverUrl)) {
 *     ... MlopsConfig.builder().trackingUri(proxy.url()) ...
 *     proxy.count("POST", "/api/2.0/mlflow/runs/log-batch");
 *   }
 * </pre>
 */
public final class CountingProxy implements AutoCloseable {
  /** Request headers the JDK client sets itself (and refuses to be given). */
  private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect",
      "upgrade", "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection", "http2-settings");

  private final HttpServer server;
  private final ExecutorService threads;
  private final HttpClient http;
  private final URI upstream;
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  private CountingProxy(URI upstream) throws IOException {
    this.upstream = upstream;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    this.threads = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "counting-proxy");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    server.createContext("/", this::forward);
    server.start();
  }

  /** A proxy in front of {@code upstreamUrl} (e.g. {@code http://127.0.0.1:5123}), listening now. */
  public static CountingProxy start(String upstreamUrl) {
    try {
      return new CountingProxy(URI.create(upstreamUrl));
    } catch (IOException e) {
      throw new AssertionError("cannot open the counting proxy", e);
    }
  }

  /** The proxy's base URL, to give the client instead of the server's. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Requests with this method and path (no query) received since the start or the last {@link #reset()}. */
  public int count(String method, String path) {
    AtomicInteger n = counts.get(method.toUpperCase(Locale.ROOT) + ' ' + path);
    return n == null ? 0 : n.get();
  }

  /** Forgets the counts. */
  public void reset() {
    counts.clear();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  private void forward(HttpExchange ex) throws IOException {
    try {
      String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
      counts.computeIfAbsent(method + ' ' + ex.getRequestURI().getPath(), k -> new AtomicInteger())
          .incrementAndGet();
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(ex.getRequestURI().toString()))
          .timeout(Duration.ofSeconds(60))
          .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(body));
      for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
        if (!RESTRICTED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
          h.getValue().forEach(v -> request.header(h.getKey(), v));
        }
      }
      HttpResponse<byte[]> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      // An IOException here (server down) leaves the exchange without an answer: the JDK server then closes the
      // connection, and the client sees it fail like a refused one.
      for (Map.Entry<String, List<String>> h : response.headers().map().entrySet()) {
        String name = h.getKey().toLowerCase(Locale.ROOT);
        if (!name.startsWith(":") && !RESTRICTED.contains(name) && !name.equals("date")) {
          h.getValue().forEach(v -> ex.getResponseHeaders().add(h.getKey(), v));
        }
      }
      byte[] answer = response.body();
      ex.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
      if (answer.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(answer);
        }
      }
    } finally {
      ex.close();
    }
  }
}
