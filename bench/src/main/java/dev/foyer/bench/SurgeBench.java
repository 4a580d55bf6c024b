package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code surge}: N clients join as fast as they can for a fixed time; the event is paused, so every
 * join stays in line. Joins per second, join latency, errors.
 */
final class SurgeBench {

  private final Vertx vertx;
  private final int port;
  private final String adminKey;

  SurgeBench(Vertx vertx, int port, String adminKey) {
    this.vertx = vertx;
    this.port = port;
    this.adminKey = adminKey;
  }

  /** {@code event}: the event to join (made or replaced), null for a fresh one. */
  JsonObject run(int seconds, int concurrency, String event) throws Exception {
    if (event == null) {
      event = "bench-surge-" + System.currentTimeMillis() % 100000;
    }
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(45).setDefaultHost("127.0.0.1")
        .setDefaultPort(port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(concurrency));
    AdminCalls.over(http, adminKey).put(event, "Surge benchmark", AdminCalls.section("A", 1, 1),
            new JsonObject().put("stockPacing", false).put("paused", true).put("gate", "on"))
        .await(30, TimeUnit.SECONDS);
    Latencies latencies = new Latencies();
    AtomicLong errors = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Promise<Void> done = Promise.promise();
      loops.add(done.future());
      joinLoop(http, event, end, latencies, ok, errors, done);
    }
    Future.all(loops).await(seconds + 60L, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    http.close();
    return new JsonObject()
        .put("scenario", "surge")
        .put("event", event)
        .put("concurrency", concurrency)
        .put("seconds", elapsed)
        .put("joins", ok.get())
        .put("errors", errors.get())
        .put("joinsPerSecond", Math.round(ok.get() / elapsed))
        .put("latencyMillis", latencies.summaryMillis());
  }

  private static void joinLoop(HttpClient http, String event, long end, Latencies latencies, AtomicLong ok,
                               AtomicLong errors, Promise<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete();
      return;
    }
    long t0 = System.nanoTime();
    http.request(HttpMethod.POST, "/api/events/" + event + "/visitors")
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result() == 201) {
            ok.incrementAndGet();
            latencies.add((System.nanoTime() - t0) / 1000);
          } else {
            errors.incrementAndGet();
          }
          joinLoop(http, event, end, latencies, ok, errors, done);
        });
  }
}
