package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Every request of the {@code bots} scenario: as a client played through {@code X-Forwarded-For},
 * its events made through the admin API, and the count of requests the node left unanswered.
 * A request the node leaves unanswered for {@value #STALL_MILLIS} ms is counted, its connection
 * dropped, and sent once more with the same Idempotency-Key (a join or hold that did go through is
 * not made twice).
 */
final class BotsCalls {

  static final long STALL_MILLIS = 10_000;

  private final Vertx vertx;
  private final int port;
  /** Every event of the run is {prefix}-{name}. */
  private final String prefix = "bench-bots-" + System.currentTimeMillis() % 1_000_000;
  private final java.net.http.HttpClient jdk;
  private final SecureRandom keys = new SecureRandom();
  private final AtomicLong stalled = new AtomicLong();
  private final Map<String, AtomicLong> stalledBy = new ConcurrentHashMap<>();
  private final AdminCalls admin;

  BotsCalls(Vertx vertx, int port, String adminKey) {
    this.vertx = vertx;
    this.port = port;
    // set-up, the hoarder and the challenges go through the JDK's client: with the harness's Vert.x
    // 5.0 client, on long runs, requests from this thread sometimes waited for a connection that was
    // never opened (none open, nothing sent). Timed calls use Vert.x clients of their own per phase.
    this.jdk = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
        .connectTimeout(java.time.Duration.ofSeconds(10)).build();
    this.admin = new AdminCalls((method, path, auth, body) -> call(null, method, path, auth, null, body), adminKey);
  }

  Vertx vertx() {
    return vertx;
  }

  String prefix() {
    return prefix;
  }

  AdminCalls admin() {
    return admin;
  }

  /** A keep-alive Vert.x client of its own, for a phase's timed calls. */
  HttpClient client(int size) {
    return vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(60).setDefaultHost("127.0.0.1")
        .setDefaultPort(port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(size).setMaxWaitQueueSize(-1));
  }

  /** The run's event {prefix}-{name}: one section H of rows x perRow seats. */
  String event(String name, JsonObject settings, int rows, int perRow) throws Exception {
    return admin.create(prefix + "-" + name, "Bots benchmark (" + name + ")", AdminCalls.section("H", rows, perRow),
        settings).await(60, TimeUnit.SECONDS);
  }

  /** A join as {@code address} (null: the harness itself), with a proof of work or none; through the JDK's client when {@code client} is null. */
  Future<JsonObject> join(HttpClient client, String event, String address, String pow) {
    return call(client, HttpMethod.POST, "/api/events/" + event + "/visitors", null, address,
        pow == null ? null : new JsonObject().put("pow", pow));
  }

  /** {@code n} of the event's challenges, {@code concurrency} at a time; fails on any answer but 200. */
  List<JsonObject> challenges(String event, int n, int concurrency) throws Exception {
    List<JsonObject> out = new ArrayList<>();
    for (int from = 0; from < n; from += concurrency) {
      List<Future<JsonObject>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + concurrency); i++) {
        batch.add(call(null, HttpMethod.GET, "/api/events/" + event + "/challenge", null, null, null));
      }
      Future.all(batch).await(60, TimeUnit.SECONDS);
      for (Future<JsonObject> c : batch) {
        if (c.result().getInteger("status") != 200) {
          throw new IllegalStateException("no challenge: " + c.result().encode());
        }
        out.add(c.result().getJsonObject("body"));
      }
    }
    return out;
  }

  /** {status, body}; {@code address} is the client played, sent as X-Forwarded-For. */
  Future<JsonObject> call(HttpClient client, HttpMethod method, String path, String auth, String address,
                          JsonObject body) {
    String key = method == HttpMethod.POST ? Long.toHexString(keys.nextLong()) + Long.toHexString(keys.nextLong()) : null;
    if (client == null) {
      return jdkCall(method, path, auth, address, body, key);
    }
    return attempt(client, method, path, auth, address, body, key).recover(err -> {
      if (!(err instanceof java.util.concurrent.TimeoutException)) {
        return Future.failedFuture(err);
      }
      stalled(method, path);
      return attempt(client, method, path, auth, address, body, key);
    });
  }

  long stalled() {
    return stalled.get();
  }

  /** The stalled requests by method and path, the run's prefix written {run}. */
  JsonObject stalledBy() {
    JsonObject out = new JsonObject();
    new TreeMap<>(stalledBy).forEach((k, n) -> out.put(k, n.get()));
    return out;
  }

  private void stalled(HttpMethod method, String path) {
    stalled.incrementAndGet();
    stalledBy.computeIfAbsent(method + " " + path.replace(prefix, "{run}"), k -> new AtomicLong()).incrementAndGet();
  }

  /** The same through the JDK's client (set-up calls, not timed), retried once on a timeout. */
  private Future<JsonObject> jdkCall(HttpMethod method, String path, String auth, String address, JsonObject body,
                                     String key) {
    HttpRequest.Builder b = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
        .timeout(java.time.Duration.ofMillis(STALL_MILLIS)).method(method.name(), body == null
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (auth != null) {
      b.header("Authorization", auth);
    }
    if (address != null) {
      b.header("X-Forwarded-For", address);
    }
    if (key != null) {
      b.header("Idempotency-Key", key);
    }
    HttpRequest request = b.build();
    Supplier<Future<JsonObject>> send = () -> Future.fromCompletionStage(
        jdk.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(r -> new JsonObject()
            .put("status", r.statusCode())
            .put("body", r.body().isEmpty() || r.body().charAt(0) != '{' ? new JsonObject() : new JsonObject(r.body()))),
        vertx.getOrCreateContext());
    return send.get().recover(err -> {
      Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
      if (!(cause instanceof java.net.http.HttpTimeoutException)) {
        return Future.failedFuture(err);
      }
      stalled(method, path);
      return send.get();
    });
  }

  private static Future<JsonObject> attempt(HttpClient client, HttpMethod method, String path, String auth,
                                            String address, JsonObject body, String key) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path).setIdleTimeout(STALL_MILLIS);
    if (auth != null) {
      options.putHeader("Authorization", auth);
    }
    if (address != null) {
      options.putHeader("X-Forwarded-For", address);
    }
    if (key != null) {
      options.putHeader("Idempotency-Key", key);
    }
    return client.request(options)
        .compose(req -> body == null ? req.send() : req.putHeader("Content-Type", "application/json").send(body.toBuffer()))
        .compose(resp -> resp.body().map(b -> new JsonObject().put("status", resp.statusCode())
            .put("body", b.length() == 0 || b.getByte(0) != '{' ? new JsonObject() : new JsonObject(b))));
  }
}
