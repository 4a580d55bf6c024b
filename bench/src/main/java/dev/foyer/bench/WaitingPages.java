package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The waiting pages of {@code wait} and {@code poll}, in one harness process: each visitor on the
 * bridge (registered on its own address, pinging every 20 s) or polling {@code GET .../visitors/me};
 * what reaches them is counted: rank updates (or polls), admission notices and the time from each
 * admission to its notice, duplicates, errors, sockets the server closed.
 */
final class WaitingPages {

  private final Vertx vertx;
  private final int port;
  private final HttpClient http;
  private final int activeSeconds;
  private final Latencies admissionLatency = new Latencies();
  private final Map<String, Integer> admittedNotices = new ConcurrentHashMap<>();
  private final AtomicLong updates = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final List<WebSocket> sockets = new ArrayList<>();
  private final List<WebSocketClient> wsClients = new ArrayList<>();
  /** The passes of the admitted readers, for the seat churn. */
  private final List<String> passes = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong readersClosed = new AtomicLong();
  private final Map<String, Integer> readerCloseStatuses = new ConcurrentHashMap<>();
  private volatile boolean running = true;

  WaitingPages(Vertx vertx, int port, HttpClient http, int activeSeconds) {
    this.vertx = vertx;
    this.port = port;
    this.http = http;
    this.activeSeconds = activeSeconds;
  }

  List<String> passes() {
    return passes;
  }

  void connectAll(List<Api.Joined> all) throws Exception {
    // kept in a field: a client nothing refers to any more is closed by Vert.x's cleaner at the next
    // GC, and all its websockets with it (status 1000), in the middle of a run
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(all.size() + 10).setDefaultHost("127.0.0.1").setDefaultPort(port));
    wsClients.add(client);
    int batch = 200;
    for (int from = 0; from < all.size(); from += batch) {
      List<Future<Void>> connects = new ArrayList<>();
      for (Api.Joined v : all.subList(from, Math.min(all.size(), from + batch))) {
        connects.add(connect(client, v));
      }
      Future.all(connects).await(60, TimeUnit.SECONDS);
    }
    // the pages ping every 20 s
    vertx.setPeriodic(20_000, id -> {
      if (running) {
        synchronized (sockets) {
          sockets.forEach(ws -> ws.writeTextMessage("{\"type\":\"ping\"}"));
        }
      }
    });
  }

  /** Every visitor polls every {@code every} ms, from a random first moment, until admitted or stopped. */
  void pollAll(String event, List<Api.Joined> all, int every) {
    all.forEach(v -> vertx.setTimer(1 + (long) (Math.random() * every), id -> pollLoop(event, v, every)));
  }

  /** No more pings or polls; what the server closes from now on is not counted. */
  void stop() {
    running = false;
  }

  void close() {
    synchronized (sockets) {
      sockets.forEach(WebSocket::close);
    }
    wsClients.forEach(WebSocketClient::close);
  }

  /** A worker's figures ({@link #toJson}) added to these. */
  void add(JsonObject part) {
    updates.addAndGet(part.getLong("updates"));
    errors.addAndGet(part.getLong("errors"));
    part.getJsonObject("notices").forEach(e -> admittedNotices.merge(e.getKey(), ((Number) e.getValue()).intValue(),
        Integer::sum));
    part.getJsonArray("latencyMicros").forEach(l -> admissionLatency.add(((Number) l).longValue()));
  }

  /** What a worker process reports to the harness. */
  JsonObject toJson() {
    JsonObject notices = new JsonObject();
    admittedNotices.forEach(notices::put);
    return new JsonObject().put("updates", updates.get()).put("errors", errors.get())
        .put("notices", notices).put("latencyMicros", new JsonArray(admissionLatency.values()));
  }

  Latencies admissionLatency() {
    return admissionLatency;
  }

  int noticesReceived() {
    return admittedNotices.size();
  }

  long duplicateNotices() {
    return admittedNotices.values().stream().filter(n -> n > 1).count();
  }

  long updates() {
    return updates.get();
  }

  long errors() {
    return errors.get();
  }

  long readersClosed() {
    return readersClosed.get();
  }

  JsonObject readerCloseStatuses() {
    return new JsonObject(new java.util.HashMap<>(readerCloseStatuses));
  }

  private Future<Void> connect(WebSocketClient client, Api.Joined v) {
    Promise<Void> registered = Promise.promise();
    return client.connect(new WebSocketConnectOptions().setURI("/eventbus/websocket")).compose(ws -> {
      synchronized (sockets) {
        sockets.add(ws);
      }
      ws.handler(data -> onFrame(v, data, registered));
      ws.closeHandler(x -> {
        if (running) {
          // by the server, or the network: the harness closes its sockets only at the end
          readersClosed.incrementAndGet();
          readerCloseStatuses.merge(String.valueOf(ws.closeStatusCode()), 1, Integer::sum);
        }
      });
      ws.writeTextMessage(Api.register(v.visitor(), v.token()));
      return registered.future();
    });
  }

  private void onFrame(Api.Joined v, Buffer data, Promise<Void> registered) {
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
        passes.add(body.getString("pass"));
      }
      default -> registered.tryComplete();
    }
  }

  private void admitted(Api.Joined v, long activeUntil, long now) {
    if (admittedNotices.merge(v.visitor(), 1, Integer::sum) == 1) {
      long admittedAt = activeUntil - activeSeconds * 1000L;
      admissionLatency.add(Math.max(0, now - admittedAt) * 1000);
    }
  }

  private void pollLoop(String event, Api.Joined v, int every) {
    if (!running || admittedNotices.containsKey(v.visitor())) {
      return;
    }
    http.request(Api.request(HttpMethod.GET, "/api/events/" + event + "/visitors/me")
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
