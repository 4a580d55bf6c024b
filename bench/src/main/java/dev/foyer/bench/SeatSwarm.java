package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Seat scenarios against one foyer node on loopback: {@code holds}, admitted visitors racing for a
 * small seat map (holds per second, conflicts, hold and confirmation latency), and {@code seatview},
 * how fast a seat change reaches many viewers of the live seat map.
 */
final class SeatSwarm {

  private final Vertx vertx;
  private final int port;
  private final String adminKey;
  private final HttpClient http;

  SeatSwarm(Vertx vertx, int port, String adminKey) {
    this.vertx = vertx;
    this.port = port;
    this.adminKey = adminKey;
    this.http = vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(45).setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(128).setMaxWaitQueueSize(-1));
  }

  private String createEvent(String kind, int rows, int perRow) throws Exception {
    String event = "bench-" + kind + "-" + System.currentTimeMillis() % 1_000_000;
    JsonObject body = new JsonObject().put("name", "Seat benchmark")
        .put("seats", new JsonObject().put("sections", new JsonArray().add(new JsonObject().put("name", "A")
            .put("rows", rows).put("seatsPerRow", perRow))))
        .put("settings", new JsonObject().put("gate", "off").put("stockPacing", false).put("maxActive", 1_000_000).put("activeSeconds", 3600)
            .put("graceSeconds", 600));
    int status = call(HttpMethod.PUT, "/api/admin/events/" + event, "Bearer " + adminKey, body)
        .map(r -> r.getInteger("status")).await(30, TimeUnit.SECONDS);
    if (status != 201) {
      throw new IllegalStateException("could not create the benchmark event: HTTP " + status);
    }
    Thread.sleep(1500); // every node's hold verticle loads the new seat map
    return event;
  }

  /** {status, body}. */
  private Future<JsonObject> call(HttpMethod method, String path, String auth, JsonObject body) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path);
    if (auth != null) {
      options.putHeader("Authorization", auth);
    }
    return http.request(options)
        .compose(req -> body == null ? req.send() : req.putHeader("Content-Type", "application/json").send(body.toBuffer()))
        .compose(resp -> resp.body().map(b -> new JsonObject().put("status", resp.statusCode())
            .put("body", b.length() == 0 ? new JsonObject() : new JsonObject(b))));
  }

  private List<String> admit(String event, int n) throws Exception {
    List<String> passes = new ArrayList<>();
    for (int from = 0; from < n; from += 200) {
      List<Future<JsonObject>> joins = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + 200); i++) {
        joins.add(call(HttpMethod.POST, "/api/events/" + event + "/visitors", null, null));
      }
      Future.all(joins).await(60, TimeUnit.SECONDS);
      joins.forEach(j -> passes.add(j.result().getJsonObject("body").getString("pass")));
    }
    return passes;
  }

  JsonObject holds(int visitors, int seatCount, int seconds, int concurrency) throws Exception {
    int perRow = 10;
    String event = createEvent("holds", Math.max(1, seatCount / perRow), perRow);
    List<String> passes = admit(event, visitors);
    List<String> seats = new ArrayList<>();
    for (int r = 1; r <= Math.max(1, seatCount / perRow); r++) {
      for (int n = 1; n <= perRow; n++) {
        seats.add("A-" + r + "-" + n);
      }
    }
    ServerMetrics before = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    Latencies holdLatency = new Latencies();
    Latencies confirmLatency = new Latencies();
    AtomicLong held = new AtomicLong();
    AtomicLong conflicts = new AtomicLong();
    AtomicLong confirmed = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long start = System.currentTimeMillis();
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Promise<Void> done = Promise.promise();
      loops.add(done.future());
      holdLoop(event, passes, seats, new Random(i), end, holdLatency, confirmLatency, held, conflicts, confirmed,
          errors, done);
    }
    Future.all(loops).await(seconds + 60L, TimeUnit.SECONDS);
    double elapsed = (System.currentTimeMillis() - start) / 1000.0;
    ServerMetrics after = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    // then confirmations: distinct visitors each buy one seat, eight at a time
    int buyers = Math.min(Math.min(visitors, seats.size()), 80);
    for (int from = 0; from < buyers; from += 8) {
      List<Future<Void>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(buyers, from + 8); i++) {
        String pass = passes.get(i);
        String seat = seats.get(i);
        batch.add(call(HttpMethod.POST, "/api/events/" + event + "/holds", "Bearer " + pass,
                new JsonObject().put("seats", new JsonArray().add(seat)))
            .compose(h -> {
              if (h.getInteger("status") != 201) {
                errors.incrementAndGet();
                return Future.succeededFuture();
              }
              long t1 = System.nanoTime();
              return call(HttpMethod.POST, "/api/events/" + event + "/holds/"
                  + h.getJsonObject("body").getString("holdId") + "/confirm", "Bearer " + pass, null).map(c -> {
                    if (c.getInteger("status") == 201) {
                      confirmed.incrementAndGet();
                      confirmLatency.add((System.nanoTime() - t1) / 1000);
                    } else {
                      errors.incrementAndGet();
                    }
                    return null;
                  });
            }));
      }
      Future.all(batch).await(60, TimeUnit.SECONDS);
    }
    return new JsonObject()
        .put("scenario", "holds")
        .put("event", event)
        .put("visitors", visitors)
        .put("seats", seats.size())
        .put("concurrency", concurrency)
        .put("seconds", elapsed)
        .put("holdAttemptsPerSecond", Math.round((held.get() + conflicts.get()) / elapsed))
        .put("holdsPerSecond", Math.round(held.get() / elapsed))
        .put("conflicts", conflicts.get())
        .put("confirmed", confirmed.get())
        .put("holdLatencyMillis", holdLatency.summaryMillis())
        .put("confirmLatencyMillis", confirmLatency.summaryMillis())
        .put("serverCpuSeconds", after.cpuSeconds() - before.cpuSeconds())
        .put("errors", errors.get());
  }

  /** Hold 1-4 random seats; on success release them, and go again. */
  private void holdLoop(String event, List<String> passes, List<String> seats, Random random, long end,
                        Latencies holdLatency, Latencies confirmLatency, AtomicLong held, AtomicLong conflicts,
                        AtomicLong confirmed, AtomicLong errors, Promise<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete();
      return;
    }
    String pass = passes.get(random.nextInt(passes.size()));
    JsonArray pick = new JsonArray();
    int n = 1 + random.nextInt(4);
    while (pick.size() < n) {
      String seat = seats.get(random.nextInt(seats.size()));
      if (!pick.contains(seat)) {
        pick.add(seat);
      }
    }
    long t0 = System.nanoTime();
    call(HttpMethod.POST, "/api/events/" + event + "/holds", "Bearer " + pass, new JsonObject().put("seats", pick))
        .compose(r -> {
          int status = r.getInteger("status");
          if (status == 409) {
            conflicts.incrementAndGet();
            return Future.succeededFuture();
          }
          if (status != 201) {
            errors.incrementAndGet();
            return Future.succeededFuture();
          }
          held.incrementAndGet();
          holdLatency.add((System.nanoTime() - t0) / 1000);
          String holdId = r.getJsonObject("body").getString("holdId");
          return call(HttpMethod.DELETE, "/api/events/" + event + "/holds/" + holdId, "Bearer " + pass, null).mapEmpty();
        })
        .onComplete(ar -> {
          if (ar.failed()) {
            errors.incrementAndGet();
          }
          holdLoop(event, passes, seats, random, end, holdLatency, confirmLatency, held, conflicts, confirmed,
              errors, done);
        });
  }

  /** N viewers on the live seat map; one visitor holds and releases seats; time to each viewer. */
  JsonObject seatView(int viewers, int changes) throws Exception {
    if (viewers > 19_000) {
      throw new IllegalArgumentException("bounded: at most 19,000 viewers");
    }
    String event = createEvent("seatview", 10, 10);
    String pass = admit(event, 1).get(0);
    String address = "foyer.seats." + event;
    Map<String, Long> changedAt = new ConcurrentHashMap<>();
    Latencies delivery = new Latencies();
    AtomicLong received = new AtomicLong();
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(viewers + 10).setDefaultHost("127.0.0.1").setDefaultPort(port));
    List<WebSocket> sockets = new ArrayList<>();
    for (int from = 0; from < viewers; from += 200) {
      List<Future<WebSocket>> connects = new ArrayList<>();
      for (int i = from; i < Math.min(viewers, from + 200); i++) {
        connects.add(client.connect(new WebSocketConnectOptions().setURI("/eventbus/websocket")).map(ws -> {
          ws.handler(data -> {
            long now = System.currentTimeMillis();
            JsonObject frame = new JsonObject(data);
            JsonArray list = frame.getJsonObject("body") == null ? null : frame.getJsonObject("body").getJsonArray("changes");
            if (list != null) {
              for (Object c : list) {
                JsonObject change = (JsonObject) c;
                Long at = changedAt.get(change.getString("seat") + "/" + change.getString("status"));
                if (at != null) {
                  received.incrementAndGet();
                  delivery.add((now - at) * 1000);
                }
              }
            }
          });
          ws.writeTextMessage(new JsonObject().put("type", "register").put("address", address).encode());
          return ws;
        }));
      }
      Future.all(connects).await(60, TimeUnit.SECONDS);
      connects.forEach(c -> sockets.add(c.result()));
    }
    Thread.sleep(1000);
    for (int i = 0; i < changes; i++) {
      // a different seat each time, so every change is a distinct (seat, status) to time
      String seat = "A-" + (1 + (i / 10) % 10) + "-" + (1 + i % 10);
      String tag = seat + "/held";
      changedAt.remove(seat + "/free");
      // timed from before the call: a viewer's frame may come before the hold's own answer
      changedAt.put(tag, System.currentTimeMillis());
      JsonObject r = call(HttpMethod.POST, "/api/events/" + event + "/holds", "Bearer " + pass,
          new JsonObject().put("seats", new JsonArray().add(seat))).await(30, TimeUnit.SECONDS);
      Thread.sleep(150);
      changedAt.remove(tag);
      changedAt.put(seat + "/free", System.currentTimeMillis());
      call(HttpMethod.DELETE, "/api/events/" + event + "/holds/" + r.getJsonObject("body").getString("holdId"),
          "Bearer " + pass, null).await(30, TimeUnit.SECONDS);
      Thread.sleep(150);
    }
    long expected = (long) viewers * changes * 2;
    // the last frames may still be on their way; a loaded machine gets up to 10 s, a quiet one none
    for (long deadline = System.currentTimeMillis() + 10_000;
         received.get() < expected && System.currentTimeMillis() < deadline; ) {
      Thread.sleep(50);
    }
    sockets.forEach(WebSocket::close);
    return new JsonObject()
        .put("scenario", "seatview")
        .put("viewers", viewers)
        .put("changes", changes * 2)
        .put("deliveriesExpected", expected)
        .put("deliveriesReceived", received.get())
        .put("deliveryMillis", delivery.summaryMillis());
  }
}
