package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the forward-auth gate costs as the request in front of every page of a site: clients loop
 * back to back (closed loop) on one call per phase, phases taking turns over rounds so that a
 * machine shared with other work weighs on each alike. Phases: {@code jwks} (an answer from memory,
 * the floor of an HTTP round trip here), {@code health} (a Redis and a PostgreSQL round trip),
 * {@code auth} (a live pass in the site's cookie: signature check plus one Redis read), and
 * {@code denied} (no pass: 401 without Redis).
 */
final class ForwardAuthBench {

  private final Vertx vertx;
  private final int port;
  private final String adminKey;

  ForwardAuthBench(Vertx vertx, int port, String adminKey) {
    this.vertx = vertx;
    this.port = port;
    this.adminKey = adminKey;
  }

  JsonObject run(int visitors, int concurrency, int seconds, int rounds) throws Exception {
    String event = "bench-forwardauth-" + System.currentTimeMillis() % 100000;
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true).setIdleTimeout(45), new PoolOptions().setHttp1MaxSize(concurrency));
    AdminCalls.over(http, adminKey).put(event, "Forward-auth benchmark", AdminCalls.section("A", 1, 1),
        AdminCalls.straightIn().put("admitPerMinute", 0)).await(30, TimeUnit.SECONDS);
    List<String> passes = new ArrayList<>();
    for (int i = 0; i < visitors; i++) {
      JsonObject status = http.request(HttpMethod.POST, "/api/events/" + event + "/visitors")
          .compose(req -> req.send().compose(r -> r.body())).map(b -> b.toJsonObject()).await(30, TimeUnit.SECONDS);
      if (!"active".equals(status.getString("state"))) {
        throw new IllegalStateException("a visitor was not let straight in: " + status.encode());
      }
      passes.add(status.getString("pass"));
    }
    String cookieName = "foyer_pass_" + event;
    Map<String, Phase> phases = new LinkedHashMap<>();
    phases.put("jwks", new Phase("/.well-known/jwks.json", 200, i -> null));
    phases.put("health", new Phase("/health", 200, i -> null));
    phases.put("auth", new Phase("/api/events/" + event + "/auth", 200, i -> cookieName + "=" + passes.get(i % passes.size())));
    phases.put("denied", new Phase("/api/events/" + event + "/auth", 401, i -> null));
    double[] loadBefore = loadAverage();
    // one short warm-up of each, not counted
    for (Phase p : phases.values()) {
      p.drive(http, concurrency, 1, false);
    }
    for (int round = 0; round < rounds; round++) {
      for (Phase p : phases.values()) {
        p.drive(http, concurrency, seconds, true);
      }
    }
    http.close();
    JsonObject out = new JsonObject().put("scenario", "forwardauth").put("event", event).put("visitors", visitors)
        .put("concurrency", concurrency).put("secondsPerPhase", seconds).put("rounds", rounds)
        .put("loadAverageBefore", loadBefore[0]).put("loadAverageAfter", loadAverage()[0]);
    JsonObject byPhase = new JsonObject();
    phases.forEach((name, p) -> byPhase.put(name, p.summary()));
    out.put("phases", byPhase);
    JsonObject auth = byPhase.getJsonObject("auth");
    for (String base : List.of("jwks", "health")) {
      JsonObject b = byPhase.getJsonObject(base);
      out.put("authOver_" + base, new JsonObject()
          .put("requestsPerSecond", Figures.ratio(auth.getDouble("requestsPerSecond"), b.getDouble("requestsPerSecond")))
          .put("p99", Figures.ratio(auth.getJsonObject("latencyMillis").getDouble("p99"), b.getJsonObject("latencyMillis").getDouble("p99"))));
    }
    return out;
  }

  private static double[] loadAverage() {
    try {
      String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
      return new double[] {Double.parseDouble(f[0])};
    } catch (Exception e) {
      return new double[] {-1};
    }
  }

  /** One call looped on: its latencies and counts over all its rounds. */
  private static final class Phase {
    final String uri;
    final int expected;
    final java.util.function.IntFunction<String> cookie;
    final Latencies latencies = new Latencies();
    final AtomicLong ok = new AtomicLong();
    final AtomicLong unexpected = new AtomicLong();
    double seconds;

    Phase(String uri, int expected, java.util.function.IntFunction<String> cookie) {
      this.uri = uri;
      this.expected = expected;
      this.cookie = cookie;
    }

    void drive(HttpClient http, int concurrency, int secondsEach, boolean count) throws Exception {
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(secondsEach);
      List<Future<Void>> loops = new ArrayList<>();
      AtomicLong n = new AtomicLong();
      for (int i = 0; i < concurrency; i++) {
        Promise<Void> done = Promise.promise();
        loops.add(done.future());
        loop(http, end, count, n, done);
      }
      Future.all(loops).await(secondsEach + 60L, TimeUnit.SECONDS);
      if (count) {
        seconds += (System.nanoTime() - start) / 1e9;
      }
    }

    private void loop(HttpClient http, long end, boolean count, AtomicLong n, Promise<Void> done) {
      if (System.nanoTime() >= end) {
        done.complete();
        return;
      }
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(uri);
      String c = cookie.apply((int) n.getAndIncrement());
      if (c != null) {
        options.putHeader("Cookie", c);
      }
      long t0 = System.nanoTime();
      http.request(options).compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
          .onComplete(ar -> {
            if (count) {
              if (ar.succeeded() && ar.result() == expected) {
                ok.incrementAndGet();
                latencies.add((System.nanoTime() - t0) / 1000);
              } else {
                unexpected.incrementAndGet();
              }
            }
            loop(http, end, count, n, done);
          });
    }

    JsonObject summary() {
      return new JsonObject().put("uri", uri.replaceAll("bench-forwardauth-[0-9]+", "{event}"))
          .put("expectedStatus", expected).put("requests", ok.get()).put("unexpected", unexpected.get())
          .put("requestsPerSecond", seconds == 0 ? null : Math.round(ok.get() / seconds * 10) / 10.0)
          .put("latencyMillis", latencies.summaryMillis());
    }
  }
}
