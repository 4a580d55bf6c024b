package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code holds}: admitted visitors race for a small seat map, each of {@code concurrency} loops
 * holding 1-4 random seats and releasing them (holds per second, conflicts, hold latency); then
 * distinct buyers hold and confirm one seat each (confirmation latency).
 */
final class HoldsBench {

  private static final int PER_ROW = 10;

  private final String adminKey;
  private final HttpClient http;

  HoldsBench(Vertx vertx, int port, String adminKey) {
    this.adminKey = adminKey;
    this.http = vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(45).setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(128).setMaxWaitQueueSize(-1));
  }

  /** Counters of one run, from every loop at once. */
  private record Counts(Latencies holdLatency, Latencies confirmLatency, AtomicLong held, AtomicLong conflicts,
                        AtomicLong confirmed, AtomicLong errors) {
    Counts() {
      this(new Latencies(), new Latencies(), new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong());
    }
  }

  JsonObject run(int visitors, int seatCount, int seconds, int concurrency) throws Exception {
    int rows = Math.max(1, seatCount / PER_ROW);
    String event = AdminCalls.over(http, adminKey).create("bench-holds-" + System.currentTimeMillis() % 1_000_000,
        "Seat benchmark", AdminCalls.section("A", rows, PER_ROW), AdminCalls.straightIn().put("graceSeconds", 600))
        .await(30, TimeUnit.SECONDS);
    Thread.sleep(1500); // every node's hold verticle loads the new seat map
    List<String> passes = Api.passes(http, event, visitors);
    List<String> seats = new ArrayList<>();
    for (int r = 1; r <= rows; r++) {
      for (int n = 1; n <= PER_ROW; n++) {
        seats.add("A-" + r + "-" + n);
      }
    }
    ServerMetrics before = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    Counts counts = new Counts();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long start = System.currentTimeMillis();
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Promise<Void> done = Promise.promise();
      loops.add(done.future());
      holdLoop(event, passes, seats, new Random(i), end, counts, done);
    }
    Future.all(loops).await(seconds + 60L, TimeUnit.SECONDS);
    double elapsed = (System.currentTimeMillis() - start) / 1000.0;
    ServerMetrics after = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    confirm(event, passes, seats, Math.min(Math.min(visitors, seats.size()), 80), counts);
    return new JsonObject()
        .put("scenario", "holds")
        .put("event", event)
        .put("visitors", visitors)
        .put("seats", seats.size())
        .put("concurrency", concurrency)
        .put("seconds", elapsed)
        .put("holdAttemptsPerSecond", Math.round((counts.held().get() + counts.conflicts().get()) / elapsed))
        .put("holdsPerSecond", Math.round(counts.held().get() / elapsed))
        .put("conflicts", counts.conflicts().get())
        .put("confirmed", counts.confirmed().get())
        .put("holdLatencyMillis", counts.holdLatency().summaryMillis())
        .put("confirmLatencyMillis", counts.confirmLatency().summaryMillis())
        .put("serverCpuSeconds", after.cpuSeconds() - before.cpuSeconds())
        .put("errors", counts.errors().get());
  }

  /** Distinct visitors each buy one seat, eight at a time. */
  private void confirm(String event, List<String> passes, List<String> seats, int buyers, Counts counts)
      throws Exception {
    for (int from = 0; from < buyers; from += 8) {
      List<Future<Void>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(buyers, from + 8); i++) {
        String auth = "Bearer " + passes.get(i);
        batch.add(Api.call(http, HttpMethod.POST, "/api/events/" + event + "/holds", auth,
                new JsonObject().put("seats", new JsonArray().add(seats.get(i))))
            .compose(h -> {
              if (h.getInteger("status") != 201) {
                counts.errors().incrementAndGet();
                return Future.succeededFuture();
              }
              long t1 = System.nanoTime();
              return Api.call(http, HttpMethod.POST, "/api/events/" + event + "/holds/"
                  + h.getJsonObject("body").getString("holdId") + "/confirm", auth, null).map(c -> {
                    if (c.getInteger("status") == 201) {
                      counts.confirmed().incrementAndGet();
                      counts.confirmLatency().add((System.nanoTime() - t1) / 1000);
                    } else {
                      counts.errors().incrementAndGet();
                    }
                    return null;
                  });
            }));
      }
      Future.all(batch).await(60, TimeUnit.SECONDS);
    }
  }

  /** Hold 1-4 random seats; on success release them, and go again. */
  private void holdLoop(String event, List<String> passes, List<String> seats, Random random, long end, Counts counts,
                        Promise<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete();
      return;
    }
    String auth = "Bearer " + passes.get(random.nextInt(passes.size()));
    JsonArray pick = new JsonArray();
    int n = 1 + random.nextInt(4);
    while (pick.size() < n) {
      String seat = seats.get(random.nextInt(seats.size()));
      if (!pick.contains(seat)) {
        pick.add(seat);
      }
    }
    long t0 = System.nanoTime();
    Api.call(http, HttpMethod.POST, "/api/events/" + event + "/holds", auth, new JsonObject().put("seats", pick))
        .compose(r -> {
          int status = r.getInteger("status");
          if (status == 409) {
            counts.conflicts().incrementAndGet();
            return Future.succeededFuture();
          }
          if (status != 201) {
            counts.errors().incrementAndGet();
            return Future.succeededFuture();
          }
          counts.held().incrementAndGet();
          counts.holdLatency().add((System.nanoTime() - t0) / 1000);
          String holdId = r.getJsonObject("body").getString("holdId");
          return Api.call(http, HttpMethod.DELETE, "/api/events/" + event + "/holds/" + holdId, auth, null).mapEmpty();
        })
        .onComplete(ar -> {
          if (ar.failed()) {
            counts.errors().incrementAndGet();
          }
          holdLoop(event, passes, seats, random, end, counts, done);
        });
  }
}
