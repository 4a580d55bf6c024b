package dev.foyer.bench;

import io.vertx.core.Future;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code line}: push against polling at the same freshness on a realistic line, in one command on
 * one node: two phases, each on a fresh event with the same script, first the visitors on the
 * bridge (as foyer-client.js: their own address only), then the same number polling
 * {@code GET .../visitors/me} every rankPushMillis. The line: visitors join during the run,
 * random ones far from the front leave, admission is paused and resumed, and a small house
 * ({@code maxActive} over {@code activeSeconds} is below the rate cap) makes admission
 * capacity-bound: in lumps as seats free up, not at a steady rate.
 *
 * <p>What the page shows is computed as the page does ({@link ShownPosition}, from the last frame
 * and its local receipt time; a polling page shows its last answer). The truth is asked of the
 * server: {@code samples} times a second a random waiting visitor's {@code GET .../visitors/me}
 * (its own token), and the shown position at the moment the answer arrives is compared with it.
 * Both phases sample alike, so both pay the same for it.
 */
final class LineSwarm {

  /** One simulated visitor: its token, and what its page shows. */
  private static final class Client {
    final String id;
    final String token;
    long position;
    double rate;
    long floor = 1;
    long receivedAt;
    boolean done;
    WebSocket socket;

    Client(String id, String token) {
      this.id = id;
      this.token = token;
    }

    synchronized void rank(long position, double rate, long floor, long now) {
      this.position = position;
      this.rate = rate;
      this.floor = floor;
      this.receivedAt = now;
    }

    synchronized long shown(long now) {
      return position <= 0 ? 0 : ShownPosition.shown(position, rate, floor, now - receivedAt);
    }

    synchronized long lastPosition() {
      return position;
    }

    synchronized boolean finish() {
      boolean was = done;
      done = true;
      return !was;
    }

    synchronized boolean isDone() {
      return done;
    }
  }

  /** The displayed-position error of the samples whose true position fell in one band of the line. */
  private static final class Band {
    final String name;
    final long upTo;
    final Latencies absolute = new Latencies();
    final Latencies relative = new Latencies();
    final AtomicLong within = new AtomicLong();
    final AtomicLong withinTick = new AtomicLong();

    Band(String name, long upTo) {
      this.name = name;
      this.upTo = upTo;
    }

    void add(long error, long truth, double lump) {
      absolute.add(error * 1000);
      relative.add(Math.round(error * 100.0 * 100 / truth) * 1000);
      if (error <= Math.max(1, truth / 100.0)) {
        within.incrementAndGet();
      }
      if (error <= Math.max(lump, Math.max(1, truth / 100.0))) {
        withinTick.incrementAndGet();
      }
    }

    JsonObject toJson() {
      long n = absolute.count();
      return new JsonObject().put("samples", n).put("absolute", absolute.summaryMillis())
          .put("relativePercent", percent(relative.summaryMillis()))
          .put("withinMax1Or1Percent", n == 0 ? null : Math.round(within.get() * 10000.0 / n) / 100.0)
          .put("withinMax1Or1PercentOrOneTick", n == 0 ? null : Math.round(withinTick.get() * 10000.0 / n) / 100.0);
    }
  }

  /** The line's script, the same for both phases. */
  record Script(int visitors, int seconds, int admitPerMinute, int rankPushMillis, int maxActive, int activeSeconds,
                double joinsPerSecond, double leavesPerSecond, int samplesPerSecond, double pauseAt, double pauseFor) {
  }

  private final Vertx vertx;
  private final String adminKey;
  private final HttpClient http;
  private final int port;
  private final List<Client> clients = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> notices = new ConcurrentHashMap<>();
  private final Latencies noticeLatency = new Latencies();
  private final Latencies absoluteError = new Latencies();
  private final Latencies relativeError = new Latencies();
  private final AtomicLong rankFrames = new AtomicLong();
  private final AtomicLong polls = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong withinTarget = new AtomicLong();
  /** Near the front a tick's admissions (a lump) are more than 1 %: the bands tell where the error is. */
  private final List<Band> bands = List.of(new Band("first100", 100), new Band("upTo2000", 2000),
      new Band("beyond2000", Long.MAX_VALUE));
  private final AtomicLong joinsDuringRun = new AtomicLong();
  private final AtomicLong departures = new AtomicLong();
  private final List<WebSocketClient> wsClients = new ArrayList<>();
  private volatile boolean measuring;
  /** Places one admission tick (1 s, the node's default tickMillis) moves the line at the rate cap. */
  private volatile double lump;
  private volatile boolean running = true;
  private int activeSeconds;

  private LineSwarm(Vertx vertx, int port, String adminKey) {
    this.vertx = vertx;
    this.port = port;
    this.adminKey = adminKey;
    this.http = vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(45).setDefaultHost("127.0.0.1")
        .setDefaultPort(port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1));
  }

  /** Both phases and their ratio. */
  static JsonObject compare(Vertx vertx, int port, String adminKey, Script script, String serverPid) throws Exception {
    if (script.visitors() + script.joinsPerSecond() * script.seconds() > 15_000 || script.seconds() > 900) {
      throw new IllegalArgumentException("bounded: at most 15,000 visitors with the joins (one harness process"
          + " holds at most 20,000 open files), 900 s");
    }
    JsonObject push = new LineSwarm(vertx, port, adminKey).run(false, script, serverPid);
    JsonObject poll = new LineSwarm(vertx, port, adminKey).run(true, script, serverPid);
    double a = push.getDouble("serverCpuSecondsPer1000VisitorMinutes");
    double b = poll.getDouble("serverCpuSecondsPer1000VisitorMinutes");
    return new JsonObject()
        .put("scenario", "line")
        .put("visitors", script.visitors())
        .put("push", push)
        .put("poll", poll)
        .put("pushOverPollCpu", b == 0 ? null : Math.round(a / b * 1000) / 1000.0)
        .put("pollOverPushCpu", a == 0 ? null : Math.round(b / a * 100) / 100.0);
  }

  private JsonObject run(boolean poll, Script s, String serverPid) throws Exception {
    activeSeconds = s.activeSeconds();
    lump = s.admitPerMinute() / 60.0;
    String event = "bench-line-" + (poll ? "poll" : "push") + "-" + System.currentTimeMillis() % 1_000_000;
    JsonObject layout = new JsonObject().put("sections", new JsonArray().add(new JsonObject().put("name", "A")
        .put("rows", 1).put("seatsPerRow", 1)));
    admin(HttpMethod.PUT, "/api/admin/events/" + event, new JsonObject().put("name", "Line benchmark")
        .put("seats", layout)
        .put("settings", new JsonObject().put("paused", true).put("gate", "on").put("stockPacing", false).put("maxActive", s.maxActive())
            .put("admitPerMinute", s.admitPerMinute()).put("activeSeconds", s.activeSeconds())
            .put("rankPushMillis", s.rankPushMillis()).put("graceSeconds", 120)
            // the line is measured, not the stock: with stock pacing a one-seat house lets one shopper in at a time
            .put("stockPacing", false)))
        .await(30, TimeUnit.SECONDS);
    fullGc(serverPid);
    ServerMetrics empty = ServerMetrics.read(http).await(30, TimeUnit.SECONDS);
    List<Client> joined = joinAll(event, s.visitors());
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(20_000).setDefaultHost("127.0.0.1").setDefaultPort(port));
    wsClients.add(ws);
    if (!poll) {
      for (int from = 0; from < joined.size(); from += 200) {
        List<Future<Void>> batch = new ArrayList<>();
        for (Client c : joined.subList(from, Math.min(joined.size(), from + 200))) {
          batch.add(connect(ws, c));
        }
        Future.all(batch).await(60, TimeUnit.SECONDS);
      }
      vertx.setPeriodic(20_000, id -> {
        if (running) {
          clients.forEach(c -> {
            WebSocket socket = c.socket;
            if (socket != null && !c.isDone()) {
              socket.writeTextMessage("{\"type\":\"ping\"}");
            }
          });
        }
      });
    }
    fullGc(serverPid);
    ServerMetrics before = ServerMetrics.read(http).await(30, TimeUnit.SECONDS);
    long heapPerVisitor = (before.heapUsedBytes() - empty.heapUsedBytes()) / Math.max(1, s.visitors());

    rankFrames.set(0);
    measuring = true;
    long start = System.currentTimeMillis();
    long end = start + s.seconds() * 1000L;
    admin(HttpMethod.PUT, "/api/admin/events/" + event, settings(false)).await(30, TimeUnit.SECONDS);
    if (poll) {
      joined.forEach(c -> vertx.setTimer(1 + (long) (Math.random() * s.rankPushMillis()),
          id -> pollLoop(event, c, s.rankPushMillis())));
    }
    List<Long> timers = new ArrayList<>();
    if (s.joinsPerSecond() > 0) {
      timers.add(vertx.setPeriodic(Math.max(1, (long) (1000 / s.joinsPerSecond())), id -> joinDuringRun(event, poll, ws, s)));
    }
    if (s.leavesPerSecond() > 0) {
      timers.add(vertx.setPeriodic(Math.max(1, (long) (1000 / s.leavesPerSecond())), id -> leaveOne(event)));
    }
    timers.add(vertx.setPeriodic(Math.max(1, 1000 / Math.max(1, s.samplesPerSecond())), id -> sample(event)));
    long pauseAt = start + (long) (s.seconds() * 1000L * s.pauseAt());
    long resumeAt = pauseAt + (long) (s.seconds() * 1000L * s.pauseFor());
    boolean paused = false;
    boolean resumed = s.pauseFor() <= 0;
    double visitorSeconds = 0;
    long last = start;
    while (System.currentTimeMillis() < end) {
      Thread.sleep(Math.min(250, Math.max(1, end - System.currentTimeMillis())));
      long now = System.currentTimeMillis();
      visitorSeconds += waiting() * (now - last) / 1000.0;
      last = now;
      if (!paused && !resumed && now >= pauseAt) {
        admin(HttpMethod.PUT, "/api/admin/events/" + event, settings(true)).await(30, TimeUnit.SECONDS);
        paused = true;
      } else if (paused && !resumed && now >= resumeAt) {
        admin(HttpMethod.PUT, "/api/admin/events/" + event, settings(false)).await(30, TimeUnit.SECONDS);
        resumed = true;
      }
    }
    timers.forEach(vertx::cancelTimer);
    measuring = false;
    ServerMetrics after = ServerMetrics.read(http).await(30, TimeUnit.SECONDS);
    double elapsed = (System.currentTimeMillis() - start) / 1000.0;
    // end the sale, let the last notices arrive, then count: every admission must have reached its visitor
    admin(HttpMethod.PUT, "/api/admin/events/" + event, settings(true)).await(30, TimeUnit.SECONDS);
    Thread.sleep(Math.max(3000, 2L * s.rankPushMillis()));
    JsonObject stats = admin(HttpMethod.GET, "/api/admin/events/" + event + "/stats", null).await(10, TimeUnit.SECONDS);
    running = false;
    for (Client c : clients) {
      if (c.socket != null) {
        c.socket.close();
      }
    }
    wsClients.forEach(WebSocketClient::close);
    http.close();

    double cpu = after.cpuSeconds() - before.cpuSeconds();
    double visitorMinutes = visitorSeconds / 60.0;
    long duplicates = notices.values().stream().filter(n -> n > 1).count();
    long admitted = stats.getLong("admittedTotal");
    long samples = absoluteError.count();
    return new JsonObject()
        .put("scenario", poll ? "line-poll" : "line-push")
        .put("event", event)
        .put("visitorsAtStart", s.visitors())
        .put("joinsDuringRun", joinsDuringRun.get())
        .put("departuresDuringRun", departures.get())
        .put("seconds", elapsed)
        .put("visitorMinutes", Math.round(visitorMinutes))
        .put("settings", new JsonObject().put("admitPerMinute", s.admitPerMinute()).put("maxActive", s.maxActive())
            .put("activeSeconds", s.activeSeconds()).put("rankPushMillis", s.rankPushMillis())
            .put("pausedFromSecond", Math.round(s.seconds() * s.pauseAt()))
            .put("pausedForSeconds", Math.round(s.seconds() * s.pauseFor())))
        .put("admittedByServer", admitted)
        .put("admissionNoticesReceived", notices.size())
        .put("lostNotices", Math.max(0, admitted - notices.size()))
        .put("duplicateNotices", duplicates)
        .put("admissionLatencyMillis", noticeLatency.summaryMillis())
        .put(poll ? "pollsPerVisitorMinute" : "rankFramesPerVisitorMinute",
            Math.round((poll ? polls.get() : rankFrames.get()) / Math.max(1e-9, visitorMinutes) * 100) / 100.0)
        .put("displayedError", new JsonObject()
            .put("samples", samples)
            // Latencies keeps microseconds and reports milliseconds: an error recorded as places x 1000 reads back in places
            .put("absolute", absoluteError.summaryMillis())
            .put("relativePercent", percent(relativeError.summaryMillis()))
            .put("withinMax1Or1Percent", samples == 0 ? null : Math.round(withinTarget.get() * 10000.0 / samples) / 100.0)
            .put("byTruePosition", bandsJson()))
        .put("rankFramesByReason", poll ? null : difference(before.rankFramesByReason(), after.rankFramesByReason()))
        .put("serverCpuSeconds", cpu)
        .put("serverCpuSecondsPer1000VisitorMinutes", cpu / Math.max(1e-9, visitorMinutes / 1000.0))
        // push: the connected visitors' sockets and state; poll: none connected (for comparison)
        .put("heapPerVisitorBytes", heapPerVisitor)
        .put("heapReadAfterFullGc", serverPid != null)
        .put("errors", errors.get());
  }

  private static JsonObject percent(JsonObject summary) {
    JsonObject out = new JsonObject().put("count", summary.getValue("count"));
    for (String k : List.of("p50", "p90", "p99", "max")) {
      Double v = summary.getDouble(k);
      out.put(k, v == null ? null : v / 100.0);
    }
    return out;
  }

  /** What the server counted between two reads, per reason (foyer_rank_frames_sent_total). */
  private static JsonObject difference(Map<String, Long> before, Map<String, Long> after) {
    JsonObject out = new JsonObject();
    after.forEach((reason, n) -> out.put(reason, n - before.getOrDefault(reason, 0L)));
    return out;
  }

  private JsonObject bandsJson() {
    JsonObject out = new JsonObject();
    bands.forEach(b -> out.put(b.name, b.toJson()));
    return out;
  }

  private JsonObject settings(boolean paused) {
    return new JsonObject().put("name", "Line benchmark").put("seats", new JsonObject().put("sections",
        new JsonArray().add(new JsonObject().put("name", "A").put("rows", 1).put("seatsPerRow", 1))))
        .put("settings", new JsonObject().put("paused", paused));
  }

  private long waiting() {
    long n = 0;
    for (Client c : clients) {
      if (!c.isDone()) {
        n++;
      }
    }
    return n;
  }

  private void sample(String event) {
    if (clients.isEmpty()) {
      return;
    }
    Client c = clients.get(ThreadLocalRandom.current().nextInt(clients.size()));
    if (c.isDone() || c.lastPosition() <= 0) {
      return;
    }
    me(event, c).onSuccess(status -> {
      long now = System.currentTimeMillis();
      if (!measuring || !"waiting".equals(status.getString("state")) || c.isDone()) {
        return;
      }
      long truth = status.getLong("position");
      long shown = c.shown(now);
      long error = Math.abs(shown - truth);
      absoluteError.add(error * 1000);
      relativeError.add(Math.round(error * 100.0 * 100 / truth) * 1000); // hundredths of a percent
      if (error <= Math.max(1, truth / 100.0)) {
        withinTarget.incrementAndGet();
      }
      for (Band b : bands) {
        if (truth <= b.upTo) {
          b.add(error, truth, lump);
          break;
        }
      }
    }).onFailure(e -> errors.incrementAndGet());
  }

  private void joinDuringRun(String event, boolean poll, WebSocketClient ws, Script s) {
    join(event).onSuccess(c -> {
      joinsDuringRun.incrementAndGet();
      if (poll) {
        pollLoop(event, c, s.rankPushMillis());
      } else {
        connect(ws, c);
      }
    }).onFailure(e -> errors.incrementAndGet());
  }

  /** A random visitor far from the front leaves (so it is never one being admitted at that moment). */
  private void leaveOne(String event) {
    for (int attempt = 0; attempt < 20 && !clients.isEmpty(); attempt++) {
      Client c = clients.get(ThreadLocalRandom.current().nextInt(clients.size()));
      if (!c.isDone() && c.shown(System.currentTimeMillis()) > 300 && c.finish()) {
        departures.incrementAndGet();
        if (c.socket != null) {
          c.socket.close();
        }
        http.request(new RequestOptions().setMethod(HttpMethod.DELETE).setURI("/api/events/" + event + "/visitors/me")
                .putHeader("Authorization", "Bearer " + c.token))
            .compose(req -> req.send().compose(resp -> resp.body()))
            .onFailure(e -> errors.incrementAndGet());
        return;
      }
    }
  }

  private Future<JsonObject> me(String event, Client c) {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/events/" + event + "/visitors/me")
            .putHeader("Authorization", "Bearer " + c.token))
        .compose(req -> req.send().compose(resp -> resp.body()))
        .map(JsonObject::new);
  }

  private void pollLoop(String event, Client c, int every) {
    if (!running || c.isDone()) {
      return;
    }
    me(event, c).onComplete(ar -> {
      long now = System.currentTimeMillis();
      if (ar.failed()) {
        errors.incrementAndGet();
      } else {
        if (measuring) {
          polls.incrementAndGet();
        }
        JsonObject status = ar.result();
        switch (String.valueOf(status.getString("state"))) {
          case "waiting" -> c.rank(status.getLong("position"), 0, 1, now);
          case "active" -> admitted(c, status.getLong("activeUntil"), now);
          default -> c.finish();
        }
      }
      vertx.setTimer(every, id -> pollLoop(event, c, every));
    });
  }

  private Future<Void> connect(WebSocketClient ws, Client c) {
    io.vertx.core.Promise<Void> registered = io.vertx.core.Promise.promise();
    return ws.connect(new WebSocketConnectOptions().setURI("/eventbus/websocket")).compose(socket -> {
      c.socket = socket;
      socket.handler(data -> {
        long now = System.currentTimeMillis();
        JsonObject frame = new JsonObject(data);
        JsonObject body = frame.getJsonObject("body");
        if (!"rec".equals(frame.getString("type")) || body == null) {
          errors.incrementAndGet();
          registered.tryComplete();
          return;
        }
        switch (String.valueOf(body.getString("type"))) {
          case "rank" -> {
            if (measuring) {
              rankFrames.incrementAndGet();
            }
            Long position = body.getLong("position");
            if (position != null) {
              c.rank(position, body.getDouble("rate", 0.0), body.getLong("floor", 1L), now);
            }
          }
          case "admitted" -> {
            admitted(c, body.getLong("activeUntil"), now);
            socket.close(); // the page moves on to the seat page
          }
          case "gone" -> c.finish();
          default -> { }
        }
        registered.tryComplete();
      });
      socket.writeTextMessage(Api.register(c.id, c.token));
      return registered.future();
    });
  }

  private void admitted(Client c, long activeUntil, long now) {
    c.finish();
    if (notices.merge(c.id, 1, Integer::sum) == 1) {
      noticeLatency.add(Math.max(0, now - (activeUntil - activeSeconds * 1000L)) * 1000);
    }
  }

  private Future<Client> join(String event) {
    return http.request(HttpMethod.POST, "/api/events/" + event + "/visitors")
        .compose(req -> req.send().compose(resp -> resp.body()))
        .map(b -> {
          JsonObject j = new JsonObject(b);
          Client c = new Client(j.getString("visitor"), j.getString("token"));
          clients.add(c);
          return c;
        });
  }

  private List<Client> joinAll(String event, int n) throws Exception {
    List<Client> out = new ArrayList<>(n);
    for (int from = 0; from < n; from += 200) {
      List<Future<Client>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + 200); i++) {
        batch.add(join(event));
      }
      Future.all(batch).await(60, TimeUnit.SECONDS);
      batch.forEach(f -> out.add(f.result()));
    }
    return out;
  }

  private Future<JsonObject> admin(HttpMethod method, String path, JsonObject body) {
    return Api.admin(http, adminKey, method, path, body);
  }

  private static void fullGc(String pid) throws Exception {
    if (pid != null) {
      new ProcessBuilder("jcmd", pid, "GC.run").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
    }
  }

  static String summary(JsonObject r) {
    JsonObject push = r.getJsonObject("push");
    JsonObject poll = r.getJsonObject("poll");
    JsonObject pe = push.getJsonObject("displayedError");
    JsonObject qe = poll.getJsonObject("displayedError");
    return String.format("line: %d visitors; push %.3f vs poll %.3f server CPU s per 1,000 visitor-minutes (push/poll %s);"
            + " %s rank frames vs %s polls per visitor-minute; displayed error p50/p99 push %s/%s places (%s/%s %%),"
            + " poll %s/%s places (%s/%s %%); within max(1, 1 %%): push %s %% (beyond 2,000: %s %%), poll %s %% (%s %%);"
            + " notice p99 push %s ms,"
            + " poll %s ms; lost %d/%d, duplicate %d/%d",
        r.getInteger("visitors"), push.getDouble("serverCpuSecondsPer1000VisitorMinutes"),
        poll.getDouble("serverCpuSecondsPer1000VisitorMinutes"), r.getValue("pushOverPollCpu"),
        push.getValue("rankFramesPerVisitorMinute"), poll.getValue("pollsPerVisitorMinute"),
        pe.getJsonObject("absolute").getValue("p50"), pe.getJsonObject("absolute").getValue("p99"),
        pe.getJsonObject("relativePercent").getValue("p50"), pe.getJsonObject("relativePercent").getValue("p99"),
        qe.getJsonObject("absolute").getValue("p50"), qe.getJsonObject("absolute").getValue("p99"),
        qe.getJsonObject("relativePercent").getValue("p50"), qe.getJsonObject("relativePercent").getValue("p99"),
        pe.getValue("withinMax1Or1Percent"),
        pe.getJsonObject("byTruePosition").getJsonObject("beyond2000").getValue("withinMax1Or1Percent"),
        qe.getValue("withinMax1Or1Percent"),
        qe.getJsonObject("byTruePosition").getJsonObject("beyond2000").getValue("withinMax1Or1Percent"),
        push.getJsonObject("admissionLatencyMillis").getValue("p99"),
        poll.getJsonObject("admissionLatencyMillis").getValue("p99"),
        push.getLong("lostNotices"), poll.getLong("lostNotices"), push.getLong("duplicateNotices"),
        poll.getLong("duplicateNotices"));
  }
}
