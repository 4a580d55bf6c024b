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

  /**
   * What the {@code wait} run adds around its readers: {@code sockets} browsers that register and
   * never read (joined behind the readers), {@code churn} loops of admitted readers holding and
   * releasing 1 to 4 of {@code seats} seats (the seat page's traffic, which every seat-map listener
   * gets), a heap after GC past which the run stops early (0: none), and how often that heap is read
   * (a full GC each time) when the server's pid is given (0: only before and after the sale).
   */
  record Stall(int sockets, int churn, int seats, long heapLimitBytes, long heapEveryMillis) {
    static final Stall NONE = new Stall(0, 0, 0, 0, 0);

    Stall without() {
      return new Stall(0, churn, seats, heapLimitBytes, heapEveryMillis);
    }
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
  private final List<WebSocketClient> wsClients = new ArrayList<>();
  private final List<String> passes = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong holds = new AtomicLong();
  private final AtomicLong readersClosed = new AtomicLong();
  private final Map<String, Integer> readerCloseStatuses = new ConcurrentHashMap<>();
  private final AtomicLong conflicts = new AtomicLong();
  private final AtomicLong holdErrors = new AtomicLong();
  private volatile String lastHoldError;
  private volatile boolean running = true;
  private volatile long churnUntil;
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
    return run(poll, visitors, seconds, admitPerMinute, rankPushMillis, processes, serverPid, Stall.NONE);
  }

  /**
   * Two {@code wait} runs in one command, each on a fresh event: without, then with
   * {@code stall.sockets()} browsers that never read; the readers' figures side by side and their
   * ratio. Both runs have the same seat churn, so only the stalled sockets differ.
   */
  static JsonObject compare(Vertx vertx, int port, String adminKey, int visitors, int seconds, int admitPerMinute,
                            int rankPushMillis, String serverPid, Stall stall) throws Exception {
    JsonObject without = new VisitorSwarm(vertx, port, adminKey).run(false, visitors, seconds, admitPerMinute,
        rankPushMillis, 1, serverPid, stall.without());
    JsonObject with = new VisitorSwarm(vertx, port, adminKey).run(false, visitors, seconds, admitPerMinute,
        rankPushMillis, 1, serverPid, stall);
    JsonObject a = without.getJsonObject("admissionLatencyMillis");
    JsonObject b = with.getJsonObject("admissionLatencyMillis");
    return new JsonObject()
        .put("scenario", "wait-stalled")
        .put("visitors", visitors)
        .put("stalledSockets", stall.sockets())
        .put("without", without)
        .put("with", with)
        .put("latencyRatio", new JsonObject().put("p50", ratio(b.getDouble("p50"), a.getDouble("p50")))
            .put("p99", ratio(b.getDouble("p99"), a.getDouble("p99"))))
        .put("maxHeapAfterGcBytes", new JsonObject().put("without", without.getLong("maxHeapAfterGcBytes"))
            .put("with", with.getLong("maxHeapAfterGcBytes")));
  }

  private static Double ratio(Double a, Double b) {
    return a == null || b == null || b == 0 ? null : Math.round(a / b * 100) / 100.0;
  }

  JsonObject run(boolean poll, int visitors, int seconds, int admitPerMinute, int rankPushMillis, int processes,
                 String serverPid, Stall stall) throws Exception {
    if (visitors + stall.sockets() > 19_500 || seconds > 900 || processes > 8 || stall.churn() > 256) {
      throw new IllegalArgumentException("bounded: at most 19,500 visitors and stalled sockets (the server's open-file"
          + " limit), 900 s, 8 processes, 256 churn loops");
    }
    if (stall.sockets() > 0 && (poll || processes > 1)) {
      throw new IllegalArgumentException("--stalled runs wait in one client process");
    }
    activeSeconds = 3600;
    String event = "bench-" + (poll ? "poll" : stall.sockets() > 0 ? "stalled" : "wait") + "-"
        + System.currentTimeMillis() % 1_000_000;
    int seatsPerRow = 50;
    int rows = stall.churn() > 0 ? Math.max(1, (stall.seats() + seatsPerRow - 1) / seatsPerRow) : 1;
    JsonObject layout = new JsonObject().put("sections", new JsonArray().add(new JsonObject().put("name", "A")
        .put("rows", rows).put("seatsPerRow", stall.churn() > 0 ? seatsPerRow : 1)));
    admin(HttpMethod.PUT, "/api/admin/events/" + event, new JsonObject().put("name", "Swarm benchmark")
        .put("seats", layout)
        .put("settings", new JsonObject().put("paused", true).put("gate", "on").put("stockPacing", false).put("maxActive", 1_000_000)
            .put("admitPerMinute", admitPerMinute).put("activeSeconds", activeSeconds)
            .put("rankPushMillis", rankPushMillis).put("graceSeconds", 120)))
        .await(30, TimeUnit.SECONDS);

    fullGc(serverPid);
    ServerMetrics empty = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    List<Visitor> all = joinAll(event, visitors);
    List<Visitor> stalledVisitors = stall.sockets() > 0 ? joinAll(event, stall.sockets()) : List.of();
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
    StalledSockets stalled = StalledSockets.connect(port, event, stalledVisitors.stream()
        .map(v -> new String[] {v.id(), v.token()}).toList());
    if (stalled.size() > 0) {
      awaitConnected(visitors + stalled.size());
    }
    fullGc(serverPid);
    ServerMetrics before = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    long start = System.currentTimeMillis();
    admin(HttpMethod.PUT, "/api/admin/events/" + event, new JsonObject().put("name", "Swarm benchmark")
        .put("seats", layout)
        .put("settings", new JsonObject().put("paused", false))).await(30, TimeUnit.SECONDS);
    if (poll) {
      all.forEach(v -> vertx.setTimer(1 + (long) (Math.random() * rankPushMillis), id -> pollLoop(event, v, rankPushMillis)));
    }
    long end = start + seconds * 1000L;
    churnUntil = end;
    for (int i = 0; i < stall.churn(); i++) {
      churnLoop(event, rows * seatsPerRow);
    }
    JsonArray heapSamples = new JsonArray();
    Long stoppedEarly = null;
    long maxHeap = 0;
    long maxBehind = 0;
    boolean sampling = serverPid != null && stall.heapEveryMillis() > 0;
    while (System.currentTimeMillis() < end) {
      Thread.sleep(Math.min(sampling ? stall.heapEveryMillis() : Long.MAX_VALUE, Math.max(0, end - System.currentTimeMillis())));
      if (!sampling || System.currentTimeMillis() >= end) {
        continue;
      }
      fullGc(serverPid);
      ServerMetrics now = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
      long at = (System.currentTimeMillis() - start) / 1000;
      heapSamples.add(new JsonObject().put("atSeconds", at).put("heapBytes", now.heapUsedBytes())
          .put("rssBytes", rss(serverPid)).put("socketsBehind", now.socketsBehind())
          .put("slowSocketsClosed", now.slowSocketsClosed() - before.slowSocketsClosed()));
      maxHeap = Math.max(maxHeap, now.heapUsedBytes());
      maxBehind = Math.max(maxBehind, now.socketsBehind());
      if (stall.heapLimitBytes() > 0 && now.heapUsedBytes() > stall.heapLimitBytes()) {
        stoppedEarly = at;
        break;
      }
    }
    churnUntil = 0;
    ServerMetrics after = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    double elapsed = (System.currentTimeMillis() - start) / 1000.0;
    // end the sale, let the last notices arrive, then count: every admission must have reached its visitor
    admin(HttpMethod.PUT, "/api/admin/events/" + event, new JsonObject().put("name", "Swarm benchmark")
        .put("seats", layout)
        .put("settings", new JsonObject().put("paused", true))).await(30, TimeUnit.SECONDS);
    Thread.sleep(Math.max(2000, rankPushMillis));
    JsonObject stats = admin(HttpMethod.GET, "/api/admin/events/" + event + "/stats", null).await(10, TimeUnit.SECONDS);
    running = false;
    fullGc(serverPid);
    ServerMetrics last = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    if (serverPid != null) {
      maxHeap = Math.max(maxHeap, last.heapUsedBytes());
    }
    int stalledCount = stalled.size();
    stalled.close();
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
    wsClients.forEach(WebSocketClient::close);
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
        // the stalled visitors queue behind the readers, so the first admissions are the readers'
        .put("lostNotices", Math.max(0, Math.min(visitors, stats.getLong("admittedTotal")) - admittedNotices.size()))
        .put("admittedStalledVisitors", Math.max(0, stats.getLong("admittedTotal") - visitors))
        .put("duplicateNotices", duplicates)
        .put("admissionLatencyMillis", admissionLatency.summaryMillis())
        .put(poll ? "pollsPerSecond" : "rankUpdatesPerSecond", Math.round(updates.get() / elapsed))
        .put("serverCpuSeconds", cpu)
        .put("serverCpuSecondsPer1000VisitorMinutes", cpu / (visitorMinutes / 1000.0))
        .put("serverHeapBytes", after.heapUsedBytes())
        .put("heapPerVisitorBytes", (before.heapUsedBytes() - empty.heapUsedBytes()) / Math.max(1, visitors))
        .put("errors", errors.get())
        .put("readerSocketsClosedDuringRun", readersClosed.get())
        .put("readerCloseStatuses", new JsonObject(new java.util.HashMap<>(readerCloseStatuses)))
        .put("stalledSockets", stalledCount)
        .put("seatChurnLoops", stall.churn())
        .put("holdsPerSecond", Math.round(holds.get() / elapsed))
        .put("holdConflicts", conflicts.get())
        .put("holdErrors", holdErrors.get())
        .put("lastHoldError", lastHoldError)
        .put("heapAfterGcBeforeSaleBytes", serverPid == null ? null : before.heapUsedBytes())
        .put("heapAfterGcSamples", heapSamples)
        .put("heapAfterGcAtEndBytes", serverPid == null ? null : last.heapUsedBytes())
        .put("maxHeapAfterGcBytes", serverPid == null ? null : maxHeap)
        .put("stoppedEarlyAtSeconds", stoppedEarly)
        .put("maxSocketsBehind", Math.max(maxBehind, last.socketsBehind()))
        .put("slowSocketsClosed", last.slowSocketsClosed() - before.slowSocketsClosed())
        .put("framesCoalesced", last.framesCoalesced() - before.framesCoalesced());
  }

  /** The server's resident memory, heap and all (kernel socket buffers are not in it). */
  private static Long rss(String pid) {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", pid, "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      // not on Linux, or not this machine's process
    }
    return null;
  }

  /** Until the server counts this many registered visitors: the stalled sockets' registers were read. */
  private void awaitConnected(long wanted) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (ServerMetrics.read(http).await(10, TimeUnit.SECONDS).connectedVisitors() < wanted) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the server never counted " + wanted + " connected visitors");
      }
      Thread.sleep(200);
    }
  }

  /** Holds 1 to 4 random seats with an admitted reader's pass and releases them, until the run ends. */
  private void churnLoop(String event, int seats) {
    if (System.currentTimeMillis() >= churnUntil) {
      return;
    }
    String pass;
    synchronized (passes) {
      pass = passes.isEmpty() ? null : passes.get((int) (Math.random() * passes.size()));
    }
    if (pass == null) {
      vertx.setTimer(100, id -> churnLoop(event, seats));
      return;
    }
    JsonArray wanted = new JsonArray();
    int n = 1 + (int) (Math.random() * 4);
    while (wanted.size() < n) {
      int seat = (int) (Math.random() * seats);
      String id = "A-" + (seat / 50 + 1) + "-" + (seat % 50 + 1);
      if (!wanted.contains(id)) {
        wanted.add(id);
      }
    }
    http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/events/" + event + "/holds")
            .putHeader("Authorization", "Bearer " + pass))
        .compose(req -> req.putHeader("Content-Type", "application/json")
            .send(new JsonObject().put("seats", wanted).toBuffer())
            .compose(resp -> resp.body().map(b -> {
              if (resp.statusCode() == 201) {
                return new JsonObject(b).getString("holdId");
              }
              if (resp.statusCode() == 409) {
                conflicts.incrementAndGet();
              } else {
                holdErrors.incrementAndGet();
                lastHoldError = resp.statusCode() + " " + b;
              }
              return null;
            })))
        .compose(holdId -> holdId == null ? io.vertx.core.Future.<Void>succeededFuture()
            : http.request(new RequestOptions().setMethod(HttpMethod.DELETE)
                    .setURI("/api/events/" + event + "/holds/" + holdId).putHeader("Authorization", "Bearer " + pass))
                .compose(req -> req.send().compose(resp -> resp.body()))
                .map(b -> {
                  holds.incrementAndGet();
                  return null;
                }))
        .onComplete(ar -> churnLoop(event, seats));
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
    // kept in a field: a client nothing refers to any more is closed by Vert.x's cleaner at the next
    // GC, and all its websockets with it (status 1000), in the middle of a run
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(all.size() + 10).setDefaultHost("127.0.0.1").setDefaultPort(port));
    wsClients.add(client);
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
      ws.closeHandler(x -> {
        if (running) {
          // by the server, or the network: the harness closes its sockets only at the end
          readersClosed.incrementAndGet();
          readerCloseStatuses.merge(String.valueOf(ws.closeStatusCode()), 1, Integer::sum);
        }
      });
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
        passes.add(body.getString("pass"));
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
