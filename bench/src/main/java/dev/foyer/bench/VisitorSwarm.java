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
    this.http = vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(45).setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1));
  }

  JsonObject run(boolean poll, int visitors, int seconds, int admitPerMinute, int rankPushMillis) throws Exception {
    return run(poll, visitors, seconds, admitPerMinute, rankPushMillis, 1, null);
  }

  /**
   * With {@code processes} above 1 (wait only), the sockets are spread over this process and
   * worker processes of the harness, since one process may hold at most 20,000 open files.
   * {@code serverPid}, when given, lets the harness ask the server JVM for a full GC (jcmd) before
   * reading its heap, so heap per visitor counts live data, not garbage.
   */
  JsonObject run(boolean poll, int visitors, int seconds, int admitPerMinute, int rankPushMillis, int processes,
                 String serverPid) throws Exception {
    if (visitors > 19_500 || seconds > 900 || processes > 8) {
      throw new IllegalArgumentException("bounded: at most 19,500 visitors (the server's open-file limit), 900 s, 8 processes");
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

    fullGc(serverPid);
    ServerMetrics empty = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    List<Visitor> all = joinAll(event, visitors);
    List<Worker> workers = new ArrayList<>();
    if (!poll) {
      int share = (visitors + processes - 1) / processes;
      connectAll(all.subList(0, Math.min(share, all.size())));
      for (int from = share; from < all.size(); from += share) {
        workers.add(Worker.start(port, all.subList(from, Math.min(all.size(), from + share))));
      }
      for (Worker w : workers) {
        w.awaitReady();
      }
    }
    fullGc(serverPid);
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
    // end the sale, let the last notices arrive, then count: every admission must have reached its visitor
    admin(HttpMethod.PUT, "/api/admin/events/" + event, new JsonObject().put("name", "Swarm benchmark")
        .put("seats", new JsonObject().put("sections", new JsonArray().add(new JsonObject().put("name", "A")
            .put("rows", 1).put("seatsPerRow", 1))))
        .put("settings", new JsonObject().put("paused", true))).await(30, TimeUnit.SECONDS);
    Thread.sleep(Math.max(2000, rankPushMillis));
    JsonObject stats = admin(HttpMethod.GET, "/api/admin/events/" + event + "/stats", null).await(10, TimeUnit.SECONDS);
    running = false;
    for (Worker w : workers) {
      JsonObject part = w.stop();
      updates.addAndGet(part.getLong("updates"));
      errors.addAndGet(part.getLong("errors"));
      part.getJsonObject("notices").forEach(e -> {
        admittedNotices.merge(e.getKey(), ((Number) e.getValue()).intValue(), Integer::sum);
      });
      part.getJsonArray("latencyMicros").forEach(l -> admissionLatency.add(((Number) l).longValue()));
    }
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
        .put("clientProcesses", poll ? 1 : processes)
        .put("seconds", elapsed)
        .put("admitPerMinute", admitPerMinute)
        .put("rankPushMillis", rankPushMillis)
        .put("admittedByServer", stats.getLong("admittedTotal"))
        .put("admissionNoticesReceived", admittedNotices.size())
        .put("lostNotices", Math.max(0, stats.getLong("admittedTotal") - admittedNotices.size()))
        .put("duplicateNotices", duplicates)
        .put("admissionLatencyMillis", admissionLatency.summaryMillis())
        .put(poll ? "pollsPerSecond" : "rankUpdatesPerSecond", Math.round(updates.get() / elapsed))
        .put("serverCpuSeconds", cpu)
        .put("serverCpuSecondsPer1000VisitorMinutes", cpu / (visitorMinutes / 1000.0))
        .put("serverHeapBytes", after.heapUsedBytes())
        .put("heapPerVisitorBytes", (before.heapUsedBytes() - empty.heapUsedBytes()) / Math.max(1, visitors))
        .put("errors", errors.get());
  }

  private static void fullGc(String pid) throws Exception {
    if (pid != null) {
      new ProcessBuilder("jcmd", pid, "GC.run").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Worker side of a spread-out wait run: connects the visitors whose tokens it was given, says
   * READY, counts what arrives until told STOP, then prints its figures as one JSON line.
   */
  static void worker(Vertx vertx, int port) throws Exception {
    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
    List<Visitor> visitors = new ArrayList<>();
    String line;
    while ((line = in.readLine()) != null && !line.equals("END")) {
      String[] parts = line.split(" ");
      visitors.add(new Visitor(parts[0], parts[1]));
    }
    VisitorSwarm swarm = new VisitorSwarm(vertx, port, null);
    swarm.activeSeconds = 3600;
    swarm.connectAll(visitors);
    System.out.println("READY");
    System.out.flush();
    while ((line = in.readLine()) != null && !line.equals("STOP")) {
      // waiting for the parent's word
    }
    swarm.running = false;
    JsonObject notices = new JsonObject();
    swarm.admittedNotices.forEach(notices::put);
    System.out.println(new JsonObject().put("updates", swarm.updates.get()).put("errors", swarm.errors.get())
        .put("notices", notices).put("latencyMicros", new JsonArray(swarm.admissionLatency.values())).encode());
    System.out.flush();
  }

  /** A worker process of the harness, fed its visitors' tokens on standard input. */
  private record Worker(Process process, java.io.BufferedReader out, java.io.PrintWriter in) {

    static Worker start(int port, List<Visitor> visitors) throws Exception {
      Process p = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx1g", "-cp", System.getProperty("java.class.path"), Bench.class.getName(), "wait-worker",
          "--port", String.valueOf(port))
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      java.io.PrintWriter in = new java.io.PrintWriter(p.getOutputStream(), true);
      visitors.forEach(v -> in.println(v.id() + " " + v.token()));
      in.println("END");
      return new Worker(p, new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())), in);
    }

    void awaitReady() throws Exception {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.equals("READY")) {
          return;
        }
      }
      throw new IllegalStateException("a worker process died before it was ready");
    }

    JsonObject stop() throws Exception {
      in.println("STOP");
      String line;
      String last = null;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("{")) {
          last = line;
        }
      }
      process.waitFor(30, TimeUnit.SECONDS);
      return new JsonObject(last);
    }
  }

  private Future<JsonObject> admin(HttpMethod method, String path, JsonObject body) {
    return http.request(new RequestOptions().setMethod(method).setURI(path)
            .putHeader("Authorization", "Bearer " + adminKey))
        .compose(req -> body == null ? req.send() : req.putHeader("Content-Type", "application/json").send(body.toBuffer()))
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
    // the pages ping every 20 s
    vertx.setPeriodic(20_000, id -> {
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
