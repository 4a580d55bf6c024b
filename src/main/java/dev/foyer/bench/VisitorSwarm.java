package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N simulated visitors against one foyer node on loopback, either listening on the bridge
 * ({@code wait}) or polling {@code GET .../visitors/me} every rankPushMillis ({@code poll}), while
 * admission runs. Measures what reaches the visitors and what it costs the server.
 */
final class VisitorSwarm {

  private record Visitor(String id, String token) {
  }

  private final Vertx vertx;
  private final int port;
  private final String adminKey;
  private final HttpClient http;
  private final Latencies admissionLatency = new Latencies();
  private final Map<String, Integer> admittedNotices = new ConcurrentHashMap<>();
  private final AtomicLong updates = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final List<WebSocket> sockets = new ArrayList<>();
  private volatile boolean running = true;
  private int activeSeconds;

  VisitorSwarm(Vertx vertx, int port, String adminKey) {
    this.vertx = vertx;
    this.port = port;
    this.adminKey = adminKey;
    this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1));
  }

  JsonObject run(boolean poll, int visitors, int seconds, int admitPerMinute, int rankPushMillis) throws Exception {
    if (visitors > 19_000 || seconds > 900) {
      throw new IllegalArgumentException("bounded: at most 19,000 visitors (open-file limit) and 900 s");
    }
    activeSeconds = 3600;
    String event = "bench-" + (poll ? "poll" : "wait") + "-" + System.currentTimeMillis() % 1_000_000;
    admin(HttpMethod.PUT, "/api/admin/events/" + event, new JsonObject().put("name", "Swarm benchmark")
        .put("seats", new JsonObject().put("sections", new JsonArray().add(new JsonObject().put("name", "A")
            .put("rows", 1).put("seatsPerRow", 1))))
        .put("settings", new JsonObject().put("paused", true).put("gate", "on").put("maxActive", 1_000_000)
            .put("admitPerMinute", admitPerMinute).put("activeSeconds", activeSeconds)
            .put("rankPushMillis", rankPushMillis).put("graceSeconds", 120)))
        .await(30, TimeUnit.SECONDS);

    ServerMetrics empty = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    List<Visitor> all = joinAll(event, visitors);
    if (!poll) {
      connectAll(all);
    }
    ServerMetrics before = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    long start = System.currentTimeMillis();
    admin(HttpMethod.PUT, "/api/admin/events/" + event, new JsonObject().put("name", "Swarm benchmark")
        .put("seats", new JsonObject().put("sections", new JsonArray().add(new JsonObject().put("name", "A")
            .put("rows", 1).put("seatsPerRow", 1))))
        .put("settings", new JsonObject().put("paused", false))).await(30, TimeUnit.SECONDS);
    if (poll) {
      all.forEach(v -> vertx.setTimer(1 + (long) (Math.random() * rankPushMillis), id -> pollLoop(event, v, rankPushMillis)));
    }
    Thread.sleep(seconds * 1000L);
    ServerMetrics after = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    double elapsed = (System.currentTimeMillis() - start) / 1000.0;
    running = false;
    JsonObject stats = admin(HttpMethod.GET, "/api/admin/events/" + event + "/stats", null).await(10, TimeUnit.SECONDS);
    // end the sale so the server stops working for this event before the next scenario
    admin(HttpMethod.PUT, "/api/admin/events/" + event, new JsonObject().put("name", "Swarm benchmark")
        .put("seats", new JsonObject().put("sections", new JsonArray().add(new JsonObject().put("name", "A")
            .put("rows", 1).put("seatsPerRow", 1))))
        .put("settings", new JsonObject().put("paused", true))).await(30, TimeUnit.SECONDS);
    for (WebSocket ws : sockets) {
      ws.close();
    }
    http.close();

    double cpu = after.cpuSeconds() - before.cpuSeconds();
    double visitorMinutes = visitors * elapsed / 60.0;
    long duplicates = admittedNotices.values().stream().filter(n -> n > 1).count();
    return new JsonObject()
        .put("scenario", poll ? "poll" : "wait")
        .put("event", event)
        .put("visitors", visitors)
        .put("seconds", elapsed)
        .put("admitPerMinute", admitPerMinute)
        .put("rankPushMillis", rankPushMillis)
        .put("admittedByServer", stats.getLong("admittedTotal"))
        .put("admissionNoticesReceived", admittedNotices.size())
        .put("duplicateNotices", duplicates)
        .put("admissionLatencyMillis", admissionLatency.summaryMillis())
        .put(poll ? "pollsPerSecond" : "rankUpdatesPerSecond", Math.round(updates.get() / elapsed))
        .put("serverCpuSeconds", cpu)
        .put("serverCpuSecondsPer1000VisitorMinutes", cpu / (visitorMinutes / 1000.0))
        .put("serverHeapBytes", after.heapUsedBytes())
        .put("heapPerVisitorBytes", (before.heapUsedBytes() - empty.heapUsedBytes()) / Math.max(1, visitors))
        .put("errors", errors.get());
  }

  private Future<JsonObject> admin(HttpMethod method, String path, JsonObject body) {
    return http.request(new RequestOptions().setMethod(method).setURI(path)
            .putHeader("Authorization", "Bearer " + adminKey))
        .compose(req -> body == null ? req.send() : req.send(body.toBuffer()))
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + resp.statusCode() + ": " + b);
          }
          return b.length() == 0 ? new JsonObject() : new JsonObject(b);
        }));
  }

  private List<Visitor> joinAll(String event, int n) throws Exception {
    List<Visitor> out = new ArrayList<>(n);
    int batch = 200;
    for (int from = 0; from < n; from += batch) {
      List<Future<Visitor>> joins = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + batch); i++) {
        joins.add(http.request(HttpMethod.POST, "/api/events/" + event + "/visitors")
            .compose(req -> req.send().compose(resp -> resp.body()))
            .map(b -> {
              JsonObject j = new JsonObject(b);
              return new Visitor(j.getString("visitor"), j.getString("token"));
            }));
      }
      Future.all(joins).await(60, TimeUnit.SECONDS);
      joins.forEach(f -> out.add(f.result()));
    }
    return out;
  }

  private void connectAll(List<Visitor> all) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(all.size() + 10).setDefaultHost("127.0.0.1").setDefaultPort(port));
    int batch = 200;
    for (int from = 0; from < all.size(); from += batch) {
      List<Future<Void>> connects = new ArrayList<>();
      for (Visitor v : all.subList(from, Math.min(all.size(), from + batch))) {
        connects.add(connect(client, v));
      }
      Future.all(connects).await(60, TimeUnit.SECONDS);
    }
    vertx.setPeriodic(5000, id -> {
      if (running) {
        synchronized (sockets) {
          sockets.forEach(ws -> ws.writeTextMessage("{\"type\":\"ping\"}"));
        }
      }
    });
  }

  private Future<Void> connect(WebSocketClient client, Visitor v) {
    Promise<Void> registered = Promise.promise();
    String address = "foyer.visitor." + v.id();
    return client.connect(new WebSocketConnectOptions().setURI("/eventbus/websocket")).compose(ws -> {
      synchronized (sockets) {
        sockets.add(ws);
      }
      ws.handler(data -> onFrame(v, address, data, registered));
      ws.writeTextMessage(new JsonObject().put("type", "register").put("address", address)
          .put("headers", new JsonObject().put("token", v.token())).encode());
      return registered.future();
    });
  }

  private void onFrame(Visitor v, String address, Buffer data, Promise<Void> registered) {
    long now = System.currentTimeMillis();
    JsonObject frame = new JsonObject(data);
    if (!"rec".equals(frame.getString("type"))) {
      errors.incrementAndGet();
      registered.tryComplete();
      return;
    }
    JsonObject body = frame.getJsonObject("body");
    switch (body.getString("type")) {
      case "rank" -> {
        if (!registered.tryComplete()) {
          updates.incrementAndGet();
        }
      }
      case "admitted" -> {
        registered.tryComplete();
        admitted(v, body.getLong("activeUntil"), now);
      }
      default -> registered.tryComplete();
    }
  }

  private void admitted(Visitor v, long activeUntil, long now) {
    if (admittedNotices.merge(v.id(), 1, Integer::sum) == 1) {
      long admittedAt = activeUntil - activeSeconds * 1000L;
      admissionLatency.add(Math.max(0, now - admittedAt) * 1000);
    }
  }

  private void pollLoop(String event, Visitor v, int every) {
    if (!running || admittedNotices.containsKey(v.id())) {
      return;
    }
    http.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/events/" + event + "/visitors/me")
            .putHeader("Authorization", "Bearer " + v.token()))
        .compose(req -> req.send().compose(resp -> resp.body()))
        .onComplete(ar -> {
          long now = System.currentTimeMillis();
          if (ar.failed()) {
            errors.incrementAndGet();
          } else {
            updates.incrementAndGet();
            JsonObject status = new JsonObject(ar.result());
            if ("active".equals(status.getString("state"))) {
              admitted(v, status.getLong("activeUntil"), now);
            }
          }
          vertx.setTimer(every, id -> pollLoop(event, v, every));
        });
  }
}
