package io.mlops.mlflow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.core.ConfigurationException;
import io.mlops.core.InvalidParameterException;
import io.mlops.core.LimitExceededException;
import io.mlops.core.MlopsConfig;
import io.mlops.core.MlopsServiceException;
import io.mlops.core.MlopsSetting;
import io.mlops.core.PermissionDeniedException;
import io.mlops.core.ResourceAlreadyExistsException;
import io.mlops.core.ResourceNotFoundException;
import io.mlops.core.SerializationException;
import io.mlops.core.TransportException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP for an MLflow-compatible server: one OkHttp client (one connection pool, keep-alive) per backend,
 * authentication, JSON bodies on every method (MLflow's DELETE and PATCH carry JSON, protocol notes §1), error
 * mapping on the server's {@code error_code}, and retries only where they are safe.
 *
 * <p>Retries: a {@link Retry#SAFE} request (reads, {@code log-batch}: identical metric points are stored once by
 * the SQL store, params with the same value are no-ops, tags are last-write-wins) is retried on connection
 * failures, 429, 502, 503 and 504. A {@link Retry#UNSAFE} request is retried only on 429 and 503, which say the
 * request was not processed. Both honour {@code Retry-After}. Other 4xx fail at once with the server's message.
 * Credentials never appear in messages or logs.
 */
public final class MlflowHttp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MlflowHttp.class);
  static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String USER_AGENT = "mlops-sdk-java/" + version() + " (Java " + System.getProperty(
      "java.version") + ")";

  /** Whether a request may be sent again after a failure that may have reached the server. */
  public enum Retry { SAFE, UNSAFE }

  /** Sleeps between retries; replaced in tests. */
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  private final HttpUrl base;
  private final OkHttpClient client;
  private final long callTimeoutMillis;
  private final int maxRetries;
  private final Sleeper sleeper;
  private final long maxBackoffMillis;
  private final io.mlops.core.internal.Backoff backoff;
  private final long maxResponseSize;
  private final long maxDownloadSize;
  private final long minTransferRate;
  private final long minRateWindowNanos;

  /** A transport for the configuration's tracking URI (an {@code http(s)://} URL). */
  public MlflowHttp(MlopsConfig config) {
    this(config, Thread::sleep, 30_000);
  }

  MlflowHttp(MlopsConfig config, Sleeper sleeper, long maxBackoffMillis) {
    HttpUrl url = HttpUrl.parse(config.trackingUri());
    if (url == null) {
      throw new ConfigurationException("Tracking URI '" + redact(config.trackingUri())
          + "' is not a valid http(s) URL");
    }
    // http://user:password@host, which MLflow's Python client honours, is basic auth unless credentials are set
    String urlUser = url.username().isEmpty() ? null : url.username();
    String urlPassword = url.password();
    this.base = url.newBuilder().username("").password("").build();
    this.maxRetries = config.maxRetries();
    this.callTimeoutMillis = config.callTimeout().toMillis();
    this.sleeper = sleeper;
    this.maxBackoffMillis = maxBackoffMillis;
    this.backoff = new io.mlops.core.internal.Backoff(Duration.ofMillis(250),
        Duration.ofMillis(Math.max(250, maxBackoffMillis)), maxRetries);
    this.maxResponseSize = config.maxResponseSize();
    this.maxDownloadSize = config.maxDownloadSize();
    this.minTransferRate = config.minTransferRate();
    this.minRateWindowNanos = config.minRateWindow().toNanos();
    Map<String, String> extra = config.extraHeaders();
    String authorization = authorization(config, urlUser, urlPassword);
    HttpUrl origin = base;
    OkHttpClient.Builder b = new OkHttpClient.Builder()
        // MLflow 3.x's uvicorn closes idle connections after 5 s; expiring ours after 4 s keeps a request from
        // landing on a socket the server is closing (which an unsafe request could not retry)
        .connectionPool(new ConnectionPool(8, 4, TimeUnit.SECONDS))
        .connectTimeout(config.connectTimeout())
        .readTimeout(config.requestTimeout())
        .writeTimeout(config.requestTimeout())
        .retryOnConnectionFailure(false) // our own policy decides what may be sent twice
        // A network interceptor sees every request actually sent, redirects included: credentials and extra
        // headers go only to the configured server's origin, never to a host a redirect points at.
        .addNetworkInterceptor(chain -> {
          Request request = chain.request();
          Request.Builder r = request.newBuilder().header("User-Agent", USER_AGENT);
          HttpUrl u = request.url();
          if (u.scheme().equals(origin.scheme()) && u.host().equals(origin.host()) && u.port() == origin.port()) {
            extra.forEach(r::header);
            if (authorization != null) {
              r.header("Authorization", authorization);
            }
          } else {
            r.removeHeader("Authorization");
            extra.keySet().forEach(r::removeHeader);
          }
          return chain.proceed(r.build());
        });
    if (config.insecureTls()) {
      LOG.warn("TLS certificate verification is OFF for {} (MLFLOW_TRACKING_INSECURE_TLS=true): use this only "
          + "against a test server", base.host());
      trustEverything(b);
    }
    this.client = b.build();
  }

  /** The server's base URL. */
  public HttpUrl base() {
    return base;
  }

  /** The OkHttp client, for streaming requests (artifacts). */
  OkHttpClient client() {
    return client;
  }

  /** A URL under the base: {@code segments} is a path such as {@code api/2.0/mlflow/runs/get}. */
  public HttpUrl.Builder url(String path) {
    HttpUrl.Builder b = base.newBuilder();
    for (String segment : path.split("/")) {
      if (!segment.isEmpty()) {
        b.addPathSegment(segment);
      }
    }
    return b;
  }

  /** GET with query parameters; always safe to retry. */
  public JsonNode get(String path, Map<String, String> query) {
    HttpUrl.Builder u = url(path);
    query.forEach(u::addQueryParameter);
    return execute(new Request.Builder().url(u.build()).get().build(), Retry.SAFE);
  }

  /** POST with a JSON body. */
  public JsonNode post(String path, JsonNode body, Retry retry) {
    return execute(new Request.Builder().url(url(path).build()).post(json(body)).build(), retry);
  }

  /** PATCH with a JSON body. */
  public JsonNode patch(String path, JsonNode body, Retry retry) {
    return execute(new Request.Builder().url(url(path).build()).patch(json(body)).build(), retry);
  }

  /** DELETE with a JSON body (MLflow reads DELETE parameters from the body). */
  public JsonNode delete(String path, JsonNode body, Retry retry) {
    return execute(new Request.Builder().url(url(path).build()).delete(json(body)).build(), retry);
  }

  /** A new JSON object. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * Sends a request with the retry policy and returns the parsed JSON body ({@code {}} when empty).
   *
   * @throws MlopsServiceException (a subtype by error code) when the server refuses it
   * @throws TransportException when no answer came
   */
  public JsonNode execute(Request request, Retry retry) {
    int[] attempt = {0};
    while (true) {
      try (Response response = open(request, retry, attempt, callTimeoutMillis); ResponseBody body = response.body()) {
        return parse(readBounded(body, request), request);
      } catch (IOException e) {
        // the connection broke while the answer was read: safe requests go again
        if (retry == Retry.SAFE && attempt[0] < maxRetries) {
          backoff(attempt[0]++, null);
          continue;
        }
        throw new TransportException("Reading the answer to " + request.method() + " " + describe(request.url())
            + " failed: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Sends a request with the retry policy and returns the open 2xx response, for streaming its body; the caller
   * closes it.
   */
  public Response open(Request request, Retry retry) {
    return open(request, retry, new int[] {0}, 0);
  }

  /** {@link #open(Request, Retry)} with an attempt counter shared with the caller's own retries. */
  private Response open(Request request, Retry retry, int[] attempts, long callTimeout) {
    for (; ; attempts[0]++) {
      int attempt = attempts[0];
      Response response;
      try {
        okhttp3.Call call = client.newCall(request);
        if (callTimeout > 0) {
          call.timeout().timeout(callTimeout, TimeUnit.MILLISECONDS);
        }
        response = call.execute();
      } catch (IOException e) {
        TransportException failure = new TransportException(request.method() + " " + describe(request.url())
            + " failed: " + e.getMessage(), e);
        boolean certificate = e instanceof javax.net.ssl.SSLHandshakeException
            || e instanceof javax.net.ssl.SSLPeerUnverifiedException; // will fail the same way again
        if (retry == Retry.SAFE && attempt < maxRetries && !certificate && !(e instanceof InterruptedIOException
            && Thread.currentThread().isInterrupted())) {
          backoff(attempt, null);
          continue;
        }
        throw failure;
      }
      int status = response.code();
      if (status >= 200 && status < 300) {
        return response;
      }
      try (ResponseBody body = response.body()) {
        String text = errorText(body);
        boolean retryable = status == 429 || status == 503
            || retry == Retry.SAFE && (status == 502 || status == 504);
        if (retryable && attempt < maxRetries) {
          backoff(attempt, response.header("Retry-After"));
          continue;
        }
        throw error(status, text, requestId(response), request, retryAfter(response.header("Retry-After")));
      } catch (IOException e) {
        if (retry == Retry.SAFE && attempt < maxRetries) {
          backoff(attempt, null);
          continue;
        }
        throw new TransportException("Reading the answer to " + request.method() + " " + describe(request.url())
            + " failed: " + e.getMessage(), e);
      }
    }
  }

  /**
   * The {@code message} of an error answer: a string, or (GitLab's model-version errors,
   * {@code invalid_parameter!(result.message)} with an array of validation messages) strings joined with "; ";
   * null when absent or empty.
   */
  static String messageOf(JsonNode m) {
    if (m.isArray()) {
      StringBuilder b = new StringBuilder();
      m.forEach(x -> b.append(b.length() == 0 ? "" : "; ").append(x.asText()));
      return b.length() == 0 ? null : b.toString();
    }
    String text = m.isValueNode() && !m.isNull() ? m.asText() : null;
    return text == null || text.isEmpty() ? null : text;
  }

  /** Maps an error answer to the exception of its {@code error_code} (protocol notes §1). */
  static MlopsServiceException error(int status, String text, String requestId, Request request) {
    return error(status, text, requestId, request, null);
  }

  /** Like {@link #error(int, String, String, Request)}, keeping the server's {@code Retry-After} (or null). */
  static MlopsServiceException error(int status, String text, String requestId, Request request,
      Duration retryAfter) {
    String code = null;
    String message = null;
    try {
      JsonNode node = text.isEmpty() ? null : MAPPER.readTree(text);
      if (node != null && node.isObject()) {
        code = node.path("error_code").asText(null);
        message = messageOf(node.path("message"));
      }
    } catch (IOException notJson) {
      // an HTML page from a proxy, for example: keep a short excerpt
    }
    if (code == null) {
      code = status == 404 ? "ENDPOINT_NOT_FOUND" : "HTTP_" + status;
    }
    if (message == null) {
      String excerpt = text.length() > 200 ? text.substring(0, 200) + "..." : text;
      message = request.method() + " " + describe(request.url()) + " answered " + status
          + (excerpt.isEmpty() ? "" : ": " + excerpt.replaceAll("\\s+", " "));
    }
    switch (code) {
      case "RESOURCE_DOES_NOT_EXIST":
      case "NOT_FOUND":
      case "ENDPOINT_NOT_FOUND":
        return new ResourceNotFoundException(status, code, message, requestId);
      case "RESOURCE_ALREADY_EXISTS":
      case "ALREADY_EXISTS":
        return new ResourceAlreadyExistsException(status, code, message, requestId);
      case "INVALID_PARAMETER_VALUE":
      case "BAD_REQUEST":
      case "INVALID_STATE":
      case "MALFORMED_REQUEST":
        return new InvalidParameterException(status, code, message, requestId);
      case "PERMISSION_DENIED":
      case "UNAUTHENTICATED":
      case "CUSTOMER_UNAUTHORIZED":
        return new PermissionDeniedException(status, code, message, requestId);
      default:
        if (status == 401 || status == 403) {
          return new PermissionDeniedException(status, code, message, requestId);
        }
        if (status == 404) {
          return new ResourceNotFoundException(status, code, message, requestId);
        }
        return new MlopsServiceException(status, code, message, requestId, retryAfter);
    }
  }

  /** A {@code Retry-After} in seconds as a duration; null when absent, negative or an HTTP date. */
  static Duration retryAfter(String header) {
    if (header == null) {
      return null;
    }
    try {
      long seconds = Long.parseLong(header.trim());
      return seconds < 0 ? null : Duration.ofSeconds(Math.min(seconds, 86_400));
    } catch (NumberFormatException httpDate) {
      return null;
    }
  }

  private void backoff(int attempt, String retryAfter) {
    long millis = -1;
    if (retryAfter != null) {
      try {
        long seconds = Long.parseLong(retryAfter.trim());
        millis = seconds < 0 ? -1 : Math.min(seconds, maxBackoffMillis / 1000) * 1000L;
      } catch (NumberFormatException httpDate) {
        millis = -1; // an HTTP date: fall back to our own backoff
      }
    }
    if (millis < 0) {
      millis = TimeUnit.NANOSECONDS.toMillis(backoff.delayNanos(attempt)); // 250 ms doubling, up to the cap
    }
    try {
      sleeper.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("Interrupted while waiting to retry", e);
    }
  }

  /**
   * The bytes of a JSON answer, at most {@link MlopsSetting#HTTP_MAX_RESPONSE_SIZE}: reading stops at the first
   * byte over it (or at once when the Content-Length announces more), so a broken or hostile server cannot fill
   * the heap.
   *
   * @throws LimitExceededException when the answer is larger
   * @throws IOException when reading fails (the caller may retry)
   */
  public byte[] readBounded(ResponseBody body, Request request) throws IOException {
    if (body == null) {
      return new byte[0];
    }
    long announced = body.contentLength();
    if (announced > maxResponseSize) {
      throw tooLarge(request, "announces " + announced + " bytes");
    }
    // sized by what arrives, not by what is announced: a hostile Content-Length must not allocate the cap at once
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(8192, Math.min(announced, 1 << 20)));
    byte[] buffer = new byte[8192];
    long total = 0;
    try (InputStream in = body.byteStream()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
        if (total > maxResponseSize) {
          throw tooLarge(request, "goes on past it");
        }
        out.write(buffer, 0, n);
      }
    }
    return out.toByteArray();
  }

  private LimitExceededException tooLarge(Request request, String what) {
    return new LimitExceededException("The answer to " + request.method() + " " + describe(request.url()) + " "
        + what + ": at most " + maxResponseSize + " bytes are read (" + MlopsSetting.HTTP_MAX_RESPONSE_SIZE
        .environmentVariable() + "=" + maxResponseSize + "); the answer was abandoned", maxResponseSize,
        MlopsSetting.HTTP_MAX_RESPONSE_SIZE);
  }

  /**
   * The start of an error answer, for its message: at most {@link #ERROR_TEXT_LIMIT} bytes (and never more than the
   * response cap) are read, the rest is dropped.
   */
  private String errorText(ResponseBody body) throws IOException {
    if (body == null) {
      return "";
    }
    long limit = Math.min(ERROR_TEXT_LIMIT, maxResponseSize);
    okio.BufferedSource source = body.source();
    source.request(limit); // buffers up to the limit, or less at the end of the answer
    long available = Math.min(limit, source.getBuffer().size());
    return source.getBuffer().readString(available, body.contentType() != null
        && body.contentType().charset() != null ? body.contentType().charset() : StandardCharsets.UTF_8);
  }

  /** Bytes of an error answer read for its message: plenty for any server's error JSON or an HTML error page. */
  static final long ERROR_TEXT_LIMIT = 1 << 20;

  /** Bytes a downloaded file may have when nothing announces its size ({@code MLOPS_ARTIFACT_MAX_DOWNLOAD_SIZE}). */
  long maxDownloadSize() {
    return maxDownloadSize;
  }

  /** Bytes per second a download must keep up ({@code MLOPS_HTTP_MIN_TRANSFER_RATE}); 0 for no check. */
  long minTransferRate() {
    return minTransferRate;
  }

  /** The window over which {@link #minTransferRate()} is measured, in nanoseconds. */
  long minRateWindowNanos() {
    return minRateWindowNanos;
  }

  private static JsonNode parse(byte[] bytes, Request request) {
    int start = 0;
    while (start < bytes.length && (bytes[start] == ' ' || bytes[start] == '\n' || bytes[start] == '\r'
        || bytes[start] == '\t')) {
      start++;
    }
    if (start == bytes.length) {
      return object();
    }
    try {
      return MAPPER.readTree(bytes);
    } catch (IOException e) {
      String detail = e instanceof com.fasterxml.jackson.core.JsonProcessingException
          ? ((com.fasterxml.jackson.core.JsonProcessingException) e).getOriginalMessage() : e.getMessage();
      throw new SerializationException("The answer to " + request.method() + " " + describe(request.url())
          + " is not valid JSON: " + detail, e);
    }
  }

  private static RequestBody json(JsonNode body) {
    try {
      return RequestBody.create(MAPPER.writeValueAsBytes(body), JSON);
    } catch (IOException e) {
      throw new SerializationException("Cannot encode a request: " + e.getMessage(), e);
    }
  }

  static String requestId(Response response) {
    String id = response.header("X-Request-Id");
    if (id == null) {
      id = response.header("X-Request-ID");
    }
    return id;
  }

  /** Method-and-path description without query or credentials, for messages. */
  public static String describe(HttpUrl url) {
    return url.scheme() + "://" + url.host() + ":" + url.port() + url.encodedPath();
  }

  private static String authorization(MlopsConfig config, String urlUser, String urlPassword) {
    if (config.token().isPresent()) {
      return "Bearer " + config.token().get();
    }
    String user = config.username().orElse(urlUser);
    if (user != null) {
      String password = config.username().isPresent() ? config.password().orElse("") : urlPassword;
      String pair = user + ":" + password;
      return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
    return null;
  }

  private static void trustEverything(OkHttpClient.Builder b) {
    try {
      X509TrustManager trustAll = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      };
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, new TrustManager[] {trustAll}, new SecureRandom());
      b.sslSocketFactory(ssl.getSocketFactory(), trustAll).hostnameVerifier((host, session) -> true);
    } catch (java.security.GeneralSecurityException e) {
      throw new ConfigurationException("Cannot turn TLS verification off: " + e.getMessage(), e);
    }
  }

  /** A URL without user info, for messages. */
  static String redact(String uri) {
    return io.mlops.core.internal.UriCredentials.strip(uri);
  }

  private static String version() {
    String v = MlflowHttp.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** Releases connections and threads. */
  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return "MlflowHttp{" + describe(base) + "}";
  }

  /** The lower-case scheme of a URI, or "". */
  static String scheme(String uri) {
    int colon = uri.indexOf(':');
    return colon < 0 ? "" : uri.substring(0, colon).toLowerCase(Locale.ROOT);
  }

  /** A duration in milliseconds, at least 1. */
  static long millis(Duration d) {
    return Math.max(1, d.toMillis());
  }
}
