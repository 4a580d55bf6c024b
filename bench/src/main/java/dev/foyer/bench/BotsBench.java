package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bots}: what the defences against bots (issue 14: limits per client, proof of work) do on a
 * running node. Clients other than the harness are played through {@code X-Forwarded-For} from
 * 198.18.0.0/15 (the benchmarking range), so the node must trust loopback as its proxy and must not
 * exempt that range from the limits; the harness checks both before it starts.
 * <ul>
 *   <li>{@code limits}: one bot address sends {@code botJoins} joins spread over {@code seconds}
 *       while {@code fans} addresses (each on its own /24) join at a human pace, 15 times each;
 *       the same fans alone first, on a fresh event, as the baseline of their join times.</li>
 *   <li>{@code hoarder}: one address makes {@code hoard} joins, then {@code hoard} holds of 4 seats
 *       with the passes it got, on a 2,000-seat house; once with the limits, once without.</li>
 *   <li>{@code pow}: per difficulty step, the time one Java thread takes to solve the node's
 *       challenges (what a bot pays per place); then joins back to back with solutions found
 *       beforehand, on an event asking for proof of work and one that does not, taking turns, so
 *       the node's cost of checking a solution is what differs.</li>
 * </ul>
 */
final class BotsBench {

  static final String BOT = "198.18.0.1";
  static final String HOARDER = "198.18.1.1";
  static final String PROBE = "198.18.255.1";
  /** Each fan's joins in a phase: under the default 20 a minute, so a fan refused is the bot's doing. */
  static final int FAN_JOINS = 15;
  static final int HOUSE_ROWS = 20;
  static final int HOUSE_PER_ROW = 100;
  static final int HOLD_SEATS = 4;
  static final long STALL_MILLIS = 10_000;

  record Options(int botJoins, int fans, int seconds, int hoard, List<Long> steps, int challenges,
                 double solveSeconds, int powJoins, long powDifficulty, int concurrency) {
    Options {
      if (botJoins < 1 || botJoins > 50_000 || fans < 1 || fans > 250 || seconds < 1 || seconds > 60 || hoard < 1
          || hoard > HOUSE_ROWS * HOUSE_PER_ROW / HOLD_SEATS || steps.isEmpty() || steps.size() > 10
          || steps.stream().anyMatch(s -> s < 1 || s > 10_000_000) || challenges < 1 || challenges > 10_000
          || solveSeconds <= 0 || solveSeconds > 60 || powJoins < 2 || powJoins > 20_000 || powDifficulty < 1
          || powDifficulty > 1_000_000 || concurrency < 1 || concurrency > 256) {
        throw new IllegalArgumentException("bounded: 1-50,000 bot joins, 1-250 fans, 1-60 s, 1-500 hoarder joins,"
            + " 1-10 steps of 1-10,000,000, 1-10,000 challenges, 0-60 solve seconds, 2-20,000 PoW joins,"
            + " PoW difficulty 1-1,000,000, concurrency 1-256");
      }
    }

    static Options of(Map<String, String> o) {
      List<Long> steps = new ArrayList<>();
      for (String s : o.getOrDefault("steps", "1000,10000,50000,100000,250000,1000000").split(",")) {
        steps.add(Long.parseLong(s.trim()));
      }
      return new Options(Integer.parseInt(o.getOrDefault("bot-joins", "5000")),
          Integer.parseInt(o.getOrDefault("fans", "50")), Integer.parseInt(o.getOrDefault("seconds", "15")),
          Integer.parseInt(o.getOrDefault("hoard", "500")), steps,
          Integer.parseInt(o.getOrDefault("challenges", "200")),
          Double.parseDouble(o.getOrDefault("solve-seconds", "5")),
          Integer.parseInt(o.getOrDefault("pow-joins", "4000")),
          Long.parseLong(o.getOrDefault("pow-difficulty", "50000")),
          Integer.parseInt(o.getOrDefault("concurrency", "32")));
    }
  }

  private final Vertx vertx;
  private final String adminKey;
  private final java.net.http.HttpClient jdk;
  private final int port;
  private final String prefix = "bench-bots-" + System.currentTimeMillis() % 1_000_000;
  private final java.security.SecureRandom keys = new java.security.SecureRandom();
  /** Requests the node left unanswered for STALL_MILLIS (each sent once more). */
  private final AtomicLong stalled = new AtomicLong();
  private final Map<String, AtomicLong> stalledBy = new ConcurrentHashMap<>();

  BotsBench(Vertx vertx, int port, String adminKey) {
    this.vertx = vertx;
    this.adminKey = adminKey;
    this.port = port;
    // set-up, the hoarder and the challenges go through the JDK's client: with the harness's Vert.x
    // 5.0 client, on long runs, requests from this thread sometimes waited for a connection that was
    // never opened (none open, nothing sent). Timed calls use Vert.x clients of their own per phase.
    this.jdk = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
        .connectTimeout(java.time.Duration.ofSeconds(10)).build();
  }

  private static HttpClient client(Vertx vertx, int port, int size) {
    return vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(60).setDefaultHost("127.0.0.1")
        .setDefaultPort(port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(size).setMaxWaitQueueSize(-1));
  }

  JsonObject run(Options o) throws Exception {
    double loadBefore = loadAverage();
    checkForwardedAddressesAreLimited();
    JsonObject limits = limits(o);
    JsonObject hoarder = new JsonObject().put("limits", hoard(o, true)).put("limitsOff", hoard(o, false));
    JsonObject pow = new JsonObject().put("solve", solveSteps(o)).put("throughput", powThroughput(o));
    return new JsonObject().put("scenario", "bots").put("events", prefix + "-*").put("limits", limits)
        .put("hoarder", hoarder).put("pow", pow).put("stalledRequests", stalled.get())
        .put("stalledRequestsBy", stalledBy()).put("loadAverageBefore", loadBefore)
        .put("loadAverageAfter", loadAverage());
  }

  // ---- limits per client -------------------------------------------------------------------------

  /** Fails early, in words, when the node does not read X-Forwarded-For from loopback or exempts the range. */
  private void checkForwardedAddressesAreLimited() throws Exception {
    String event = createEvent("check", new JsonObject().put("gate", "on").put("paused", true)
        .put("limits", new JsonObject().put("joinsPerAddress", 1).put("joinsPerNetwork", 0)), 1, 1);
    int first = join(null, event, PROBE, null).await(30, TimeUnit.SECONDS).getInteger("status");
    int second = join(null, event, PROBE, null).await(30, TimeUnit.SECONDS).getInteger("status");
    if (first != 201 || second != 429) {
      throw new IllegalStateException("the node does not limit " + PROBE + " as a client (joins answered " + first
          + " then " + second + ", expected 201 then 429): start it with FOYER_TRUSTED_PROXIES=127.0.0.1 and a"
          + " FOYER_UNLIMITED_CLIENTS that does not cover 198.18.0.0/15");
    }
  }

  private JsonObject limits(Options o) throws Exception {
    JsonObject settings = new JsonObject().put("gate", "on").put("paused", true)
        .put("limits", new JsonObject().put("joinsPerAddress", 20).put("joinsPerNetwork", 200));
    fansPhase(createEvent("warmup", settings, 1, 1), o, Math.min(3, o.seconds()), 0);
    String without = createEvent("fans", settings, 1, 1);
    JsonObject alone = fansPhase(without, o, o.seconds(), 0);
    String with = createEvent("fans-bot", settings, 1, 1);
    JsonObject withBot = fansPhase(with, o, o.seconds(), o.botJoins());
    alone.put("waitingOnServer", stats(without).getLong("waiting"));
    withBot.put("waitingOnServer", stats(with).getLong("waiting"));
    JsonObject a = alone.getJsonObject("fans").getJsonObject("latencyMillis");
    JsonObject b = withBot.getJsonObject("fans").getJsonObject("latencyMillis");
    return new JsonObject().put("settings", settings.getJsonObject("limits")).put("fans", o.fans())
        .put("fanJoinsEach", FAN_JOINS).put("botAddress", BOT).put("botJoins", o.botJoins())
        .put("seconds", o.seconds()).put("without", alone).put("with", withBot)
        .put("fanLatencyWithOverWithout", new JsonObject().put("p50", ratio(b.getDouble("p50"), a.getDouble("p50")))
            .put("p99", ratio(b.getDouble("p99"), a.getDouble("p99"))));
  }

  /**
   * The fans join {@value #FAN_JOINS} times each, evenly over the phase from a random offset; the
   * bot (when {@code botJoins} > 0) sends its joins at an even rate over the phase, at most 64
   * outstanding, ignoring Retry-After as a bot does.
   */
  private JsonObject fansPhase(String event, Options o, int seconds, int botJoins) throws Exception {
    // fans and bot on keep-alive clients of their own, so neither waits for the other's connections here
    HttpClient fansHttp = client(vertx, port, o.fans() + 8);
    HttpClient botHttp = client(vertx, port, 64);
    Latencies fanLatency = new Latencies();
    Map<Integer, AtomicLong> fanStatus = new ConcurrentHashMap<>();
    List<Future<Void>> fans = new ArrayList<>();
    long intervalMillis = Math.max(1, seconds * 1000L / FAN_JOINS);
    Random random = new Random(event.hashCode());
    long start = System.nanoTime();
    for (int f = 0; f < o.fans(); f++) {
      String address = "198.19." + f + ".1";
      Promise<Void> done = Promise.promise();
      fans.add(done.future());
      fanJoins(fansHttp, event, address, 1 + random.nextInt((int) intervalMillis), intervalMillis, FAN_JOINS,
          fanLatency, fanStatus, done);
    }
    JsonObject bot = null;
    if (botJoins > 0) {
      bot = bot(botHttp, event, botJoins, seconds);
    }
    Future.all(fans).await(seconds + 60L, TimeUnit.SECONDS);
    fansHttp.close();
    botHttp.close();
    JsonObject byStatus = new JsonObject();
    new TreeMap<>(fanStatus).forEach((s, n) -> byStatus.put(String.valueOf(s), n.get()));
    JsonObject out = new JsonObject().put("event", event).put("seconds", (System.nanoTime() - start) / 1e9)
        .put("fans", new JsonObject().put("joins", fanLatency.count()).put("byStatus", byStatus)
            .put("latencyMillis", fanLatency.summaryMillis()));
    return bot == null ? out : out.put("bot", bot);
  }

  private void fanJoins(HttpClient fansHttp, String event, String address, long delay, long interval, int left,
                        Latencies latency, Map<Integer, AtomicLong> status, Promise<Void> done) {
    if (left == 0) {
      done.complete();
      return;
    }
    vertx.setTimer(delay, t -> {
      long sent = System.nanoTime();
      join(fansHttp, event, address, null).onComplete(ar -> {
        latency.add((System.nanoTime() - sent) / 1000);
        status.computeIfAbsent(ar.succeeded() ? ar.result().getInteger("status") : -1, k -> new AtomicLong())
            .incrementAndGet();
        fanJoins(fansHttp, event, address, interval, interval, left - 1, latency, status, done);
      });
    });
  }

  /** Open loop at joins/seconds a second, capped at 64 outstanding; runs on past the phase until all are sent. */
  private JsonObject bot(HttpClient botHttp, String event, int joins, int seconds) throws Exception {
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger outstanding = new AtomicInteger();
    Map<Integer, AtomicLong> status = new ConcurrentHashMap<>();
    Latencies latency = new Latencies();
    Promise<Void> done = Promise.promise();
    AtomicInteger answered = new AtomicInteger();
    long start = System.nanoTime();
    vertx.setPeriodic(5, id -> {
      double due = Math.min(joins, (System.nanoTime() - start) / 1e9 / seconds * joins);
      while (sent.get() < due && outstanding.get() < 64) {
        sent.incrementAndGet();
        outstanding.incrementAndGet();
        long t0 = System.nanoTime();
        join(botHttp, event, BOT, null).onComplete(ar -> {
          outstanding.decrementAndGet();
          latency.add((System.nanoTime() - t0) / 1000);
          status.computeIfAbsent(ar.succeeded() ? ar.result().getInteger("status") : -1, k -> new AtomicLong())
              .incrementAndGet();
          if (answered.incrementAndGet() == joins) {
            done.complete();
          }
        });
      }
      if (sent.get() == joins) {
        vertx.cancelTimer(id);
      }
    });
    done.future().await(seconds + 120L, TimeUnit.SECONDS);
    double took = (System.nanoTime() - start) / 1e9;
    JsonObject byStatus = new JsonObject();
    new TreeMap<>(status).forEach((s, n) -> byStatus.put(String.valueOf(s), n.get()));
    return new JsonObject().put("joins", joins).put("joined", count(status, 201)).put("refused429", count(status, 429))
        .put("byStatus", byStatus).put("seconds", took).put("joinsPerSecond", Math.round(joins / took))
        .put("latencyMillis", latency.summaryMillis());
  }

  // ---- the hoarder -------------------------------------------------------------------------------

  /** N joins, then N holds of 4 seats with the passes they gave, from one address; seats held from the map. */
  private JsonObject hoard(Options o, boolean limited) throws Exception {
    JsonObject limits = limited
        ? new JsonObject().put("joinsPerAddress", 20).put("joinsPerNetwork", 200).put("holdsPerAddress", 30)
            .put("holdsPerNetwork", 300)
        : new JsonObject().put("joinsPerAddress", 0).put("joinsPerNetwork", 0).put("holdsPerAddress", 0)
            .put("holdsPerNetwork", 0);
    String event = createEvent(limited ? "hoard" : "hoard-unlimited", new JsonObject().put("gate", "off")
        .put("stockPacing", false).put("maxActive", 1_000_000).put("admitPerMinute", 0).put("activeSeconds", 3600).put("holdSeconds", 3600)
        .put("graceSeconds", 3600).put("maxSeatsPerHold", HOLD_SEATS).put("limits", limits), HOUSE_ROWS, HOUSE_PER_ROW);
    List<String> passes = new ArrayList<>();
    Map<Integer, AtomicLong> joinStatus = new ConcurrentHashMap<>();
    for (int from = 0; from < o.hoard(); from += o.concurrency()) {
      List<Future<JsonObject>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(o.hoard(), from + o.concurrency()); i++) {
        batch.add(join(null, event, HOARDER, null));
      }
      Future.all(batch).await(60, TimeUnit.SECONDS);
      for (Future<JsonObject> j : batch) {
        joinStatus.computeIfAbsent(j.result().getInteger("status"), k -> new AtomicLong()).incrementAndGet();
        String pass = j.result().getJsonObject("body").getString("pass");
        if (pass != null) {
          passes.add(pass);
        }
      }
    }
    Map<Integer, AtomicLong> holdStatus = new ConcurrentHashMap<>();
    for (int from = 0; from < o.hoard() && !passes.isEmpty(); from += o.concurrency()) {
      List<Future<JsonObject>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(o.hoard(), from + o.concurrency()); i++) {
        // hold i takes its own block of 4; a pass used again replaces its earlier hold, as the API says
        int row = 1 + (i * HOLD_SEATS) / HOUSE_PER_ROW;
        int first = 1 + (i * HOLD_SEATS) % HOUSE_PER_ROW;
        JsonArray seats = new JsonArray();
        for (int n = first; n < first + HOLD_SEATS; n++) {
          seats.add("H-" + row + "-" + n);
        }
        batch.add(call(null, HttpMethod.POST, "/api/events/" + event + "/holds", "Bearer " + passes.get(i % passes.size()),
            HOARDER, new JsonObject().put("seats", seats)));
      }
      Future.all(batch).await(60, TimeUnit.SECONDS);
      batch.forEach(h -> holdStatus.computeIfAbsent(h.result().getInteger("status"), k -> new AtomicLong())
          .incrementAndGet());
    }
    JsonObject map = call(null, HttpMethod.GET, "/api/events/" + event + "/seats", null, null, null)
        .await(60, TimeUnit.SECONDS).getJsonObject("body");
    long held = map.getJsonArray("seats").stream().filter(s -> "held".equals(((JsonObject) s).getString("status"))).count();
    int house = HOUSE_ROWS * HOUSE_PER_ROW;
    return new JsonObject().put("event", event).put("settings", limits).put("address", HOARDER).put("joins", o.hoard())
        .put("joined", passes.size()).put("joinsRefused429", count(joinStatus, 429)).put("joinsByStatus", json(joinStatus))
        .put("holds", passes.isEmpty() ? 0 : o.hoard()).put("held201", count(holdStatus, 201))
        .put("holdsRefused429", count(holdStatus, 429)).put("holdsByStatus", json(holdStatus)).put("house", house)
        .put("seatsHeld", held).put("shareOfHouse", Math.round(held * 10000.0 / house) / 10000.0);
  }

  // ---- proof of work -----------------------------------------------------------------------------

  /** Per step: solve challenges of the node one after the other in this thread, until the count or the time is up. */
  private JsonArray solveSteps(Options o) throws Exception {
    String event = createEvent("pow-steps", new JsonObject().put("gate", "on").put("paused", true)
        .put("pow", new JsonObject().put("mode", "fixed").put("difficulty", o.steps().get(0)))
        .put("limits", new JsonObject().put("joinsPerAddress", 0).put("joinsPerNetwork", 0)), 1, 1);
    warmSolver();
    JsonArray out = new JsonArray();
    for (long step : o.steps()) {
      settings(event, new JsonObject().put("pow", new JsonObject().put("mode", "fixed").put("difficulty", step)));
      Latencies solve = new Latencies();
      long hashes = 0;
      long solveNanos = 0;
      long deadline = System.nanoTime() + (long) (o.solveSeconds() * 1e9);
      while (solve.count() < o.challenges() && (System.nanoTime() < deadline || solve.count() < 3)) {
        List<JsonObject> batch = challenges(event, Math.min(20, o.challenges() - solve.count()), 8);
        for (JsonObject c : batch) {
          if (c.getLong("maxnumber") != step) {
            throw new IllegalStateException("the node still hands out challenges of " + c.getLong("maxnumber")
                + " after the event was set to " + step);
          }
          long t0 = System.nanoTime();
          long number = solve(c);
          long took = System.nanoTime() - t0;
          solve.add(took / 1000);
          solveNanos += took;
          hashes += number + 1;
          if (solve.count() >= o.challenges() || (System.nanoTime() >= deadline && solve.count() >= 3)) {
            break;
          }
        }
      }
      JsonObject ms = solve.summaryMillis();
      out.add(new JsonObject().put("difficulty", step).put("challenges", solve.count())
          .put("meanMillis", Math.round(solveNanos / 1e3 / solve.count()) / 1000.0).put("p50Millis", ms.getValue("p50"))
          .put("p90Millis", ms.getValue("p90")).put("maxMillis", ms.getValue("max"))
          .put("hashesPerSecond", Math.round(hashes / (solveNanos / 1e9))));
    }
    return out;
  }

  /**
   * Joins back to back at {@code concurrency}, on an event without proof of work and one asking for
   * it at {@code powDifficulty}, two rounds taking turns; the solutions are found before the joins
   * start, so what differs is the node checking a solution (HMAC, the expiry, one SET NX).
   */
  private JsonObject powThroughput(Options o) throws Exception {
    JsonObject limitsOff = new JsonObject().put("joinsPerAddress", 0).put("joinsPerNetwork", 0);
    String off = createEvent("pow-off", new JsonObject().put("gate", "on").put("paused", true).put("limits", limitsOff), 1, 1);
    String on = createEvent("pow-on", new JsonObject().put("gate", "on").put("paused", true).put("limits", limitsOff)
        .put("pow", new JsonObject().put("mode", "fixed").put("difficulty", o.powDifficulty()).put("expireSeconds", 3600)), 1, 1);
    int warm = Math.max(1, o.powJoins() / 10);
    long fetchStart = System.nanoTime();
    List<JsonObject> challenges = challenges(on, o.powJoins() + warm, o.concurrency());
    double fetchSeconds = (System.nanoTime() - fetchStart) / 1e9;
    long solveStart = System.nanoTime();
    List<String> solutions = new ArrayList<>();
    for (JsonObject c : challenges) {
      solutions.add(payload(c, solve(c)));
    }
    double solveSeconds = (System.nanoTime() - solveStart) / 1e9;
    int half = o.powJoins() / 2;
    JsonObject offPhase = new JsonObject();
    JsonObject onPhase = new JsonObject();
    Latencies offLatency = new Latencies();
    Latencies onLatency = new Latencies();
    // a tenth more first on each, not counted, so neither path is timed while it is being compiled
    joinsBackToBack(off, null, warm, o.concurrency(), new Latencies(), new JsonObject());
    joinsBackToBack(on, solutions.subList(o.powJoins(), o.powJoins() + warm), warm, o.concurrency(), new Latencies(),
        new JsonObject());
    for (int round = 0; round < 2; round++) {
      joinsBackToBack(off, null, half, o.concurrency(), offLatency, offPhase);
      joinsBackToBack(on, solutions.subList(round * half, round * half + half), half, o.concurrency(), onLatency, onPhase);
    }
    for (JsonObject p : List.of(offPhase, onPhase)) {
      long joined = p.getLong("joined", 0L);
      p.put("joinsPerSecond", Math.round(joined / p.getDouble("seconds") * 10) / 10.0)
          .put("serverCpuMicrosPerJoin", joined == 0 ? null : (double) Math.round(p.getDouble("serverCpuSeconds") * 1e6 / joined));
    }
    offPhase.put("event", off).put("latencyMillis", offLatency.summaryMillis());
    onPhase.put("event", on).put("difficulty", o.powDifficulty()).put("latencyMillis", onLatency.summaryMillis());
    return new JsonObject().put("concurrency", o.concurrency()).put("joinsPerPhase", 2 * half)
        .put("warmUpJoinsEach", warm).put("challengesFetched", challenges.size())
        .put("challengesPerSecond", Math.round(challenges.size() / fetchSeconds * 10) / 10.0)
        .put("solveSecondsBeforehand", Math.round(solveSeconds * 100) / 100.0)
        .put("off", offPhase).put("on", onPhase)
        .put("onOverOff", new JsonObject()
            .put("joinsPerSecond", ratio(onPhase.getDouble("joinsPerSecond"), offPhase.getDouble("joinsPerSecond")))
            .put("p50", ratio(onLatency.summaryMillis().getDouble("p50"), offLatency.summaryMillis().getDouble("p50")))
            .put("p99", ratio(onLatency.summaryMillis().getDouble("p99"), offLatency.summaryMillis().getDouble("p99")))
            .put("serverCpuPerJoin", ratio(onPhase.getDouble("serverCpuMicrosPerJoin"),
                offPhase.getDouble("serverCpuMicrosPerJoin"))));
  }

  /** {@code joins} joins from loopback, {@code concurrency} at a time; adds to the phase's counts. */
  private void joinsBackToBack(String event, List<String> solutions, int count, int concurrency, Latencies latency,
                               JsonObject phase) throws Exception {
    AtomicInteger next = new AtomicInteger();
    Map<Integer, AtomicLong> status = new ConcurrentHashMap<>();
    HttpClient joinsHttp = client(vertx, port, concurrency);
    double cpuBefore = ServerMetrics.read(joinsHttp).await(30, TimeUnit.SECONDS).cpuSeconds();
    long start = System.nanoTime();
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Promise<Void> done = Promise.promise();
      loops.add(done.future());
      joinLoop(joinsHttp, event, solutions, count, next, status, latency, done);
    }
    Future.all(loops).await(300, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = ServerMetrics.read(joinsHttp).await(30, TimeUnit.SECONDS).cpuSeconds() - cpuBefore;
    joinsHttp.close();
    phase.put("seconds", phase.getDouble("seconds", 0.0) + seconds)
        .put("serverCpuSeconds", phase.getDouble("serverCpuSeconds", 0.0) + cpu)
        .put("joined", phase.getLong("joined", 0L) + count(status, 201));
    JsonObject byStatus = phase.getJsonObject("byStatus", new JsonObject());
    status.forEach((s, n) -> byStatus.put(String.valueOf(s), byStatus.getLong(String.valueOf(s), 0L) + n.get()));
    phase.put("byStatus", byStatus);
  }

  private void joinLoop(HttpClient client, String event, List<String> solutions, int count, AtomicInteger next,
                        Map<Integer, AtomicLong> status, Latencies latency, Promise<Void> done) {
    int i = next.getAndIncrement();
    if (i >= count) {
      done.complete();
      return;
    }
    long t0 = System.nanoTime();
    join(client, event, null, solutions == null ? null : solutions.get(i)).onComplete(ar -> {
      latency.add((System.nanoTime() - t0) / 1000);
      status.computeIfAbsent(ar.succeeded() ? ar.result().getInteger("status") : -1, k -> new AtomicLong())
          .incrementAndGet();
      joinLoop(client, event, solutions, count, next, status, latency, done);
    });
  }

  /** Half a second of solving challenges made here, so the first step is timed on compiled code, as a bot's would be. */
  private static void warmSolver() throws Exception {
    Random random = new Random(1);
    long end = System.nanoTime() + 500_000_000L;
    while (System.nanoTime() < end) {
      String salt = Long.toHexString(random.nextLong());
      long secret = random.nextInt(50_000);
      String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest((salt + secret).getBytes(StandardCharsets.UTF_8)));
      if (solve(new JsonObject().put("challenge", hash).put("salt", salt).put("maxnumber", 50_000L)) != secret) {
        throw new IllegalStateException("the solver is wrong");
      }
    }
  }

  /** Finds the number in 0..maxnumber whose SHA-256(salt + number) is the challenge, as a bot would: one thread, no browser. */
  static long solve(JsonObject challenge) {
    try {
      byte[] target = HexFormat.of().parseHex(challenge.getString("challenge"));
      MessageDigest salted = MessageDigest.getInstance("SHA-256");
      salted.update(challenge.getString("salt").getBytes(StandardCharsets.UTF_8));
      long max = challenge.getLong("maxnumber");
      byte[] digits = new byte[20];
      for (long n = 0; n <= max; n++) {
        int len = digits(n, digits);
        MessageDigest md = (MessageDigest) salted.clone();
        md.update(digits, digits.length - len, len);
        if (MessageDigest.isEqual(md.digest(), target)) {
          return n;
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not solve a challenge", e);
    }
    throw new IllegalStateException("no number up to maxnumber solves the challenge " + challenge.encode());
  }

  /** The decimal digits of n at the end of the buffer; their count. */
  private static int digits(long n, byte[] buffer) {
    int at = buffer.length;
    do {
      buffer[--at] = (byte) ('0' + n % 10);
      n /= 10;
    } while (n > 0);
    return buffer.length - at;
  }

  /** The widget's payload: base64 of {algorithm, challenge, number, salt, signature}. */
  static String payload(JsonObject challenge, long number) {
    JsonObject p = new JsonObject().put("algorithm", challenge.getString("algorithm"))
        .put("challenge", challenge.getString("challenge")).put("number", number).put("salt", challenge.getString("salt"))
        .put("signature", challenge.getString("signature"));
    return Base64.getEncoder().encodeToString(p.encode().getBytes(StandardCharsets.UTF_8));
  }

  private List<JsonObject> challenges(String event, int n, int concurrency) throws Exception {
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

  // ---- calls -------------------------------------------------------------------------------------

  private String createEvent(String name, JsonObject settings, int rows, int perRow) throws Exception {
    String event = prefix + "-" + name;
    JsonObject body = new JsonObject().put("name", "Bots benchmark (" + name + ")")
        .put("seats", new JsonObject().put("sections", new JsonArray().add(new JsonObject().put("name", "H")
            .put("rows", rows).put("seatsPerRow", perRow))))
        .put("settings", settings);
    int status = call(null, HttpMethod.PUT, "/api/admin/events/" + event, "Bearer " + adminKey, null, body)
        .await(60, TimeUnit.SECONDS).getInteger("status");
    if (status != 201) {
      throw new IllegalStateException("could not create the benchmark event " + event + ": HTTP " + status
          + " (check --admin-key)");
    }
    return event;
  }

  private void settings(String event, JsonObject settings) throws Exception {
    int status = call(null, HttpMethod.PUT, "/api/admin/events/" + event + "/settings", "Bearer " + adminKey, null,
        settings).await(60, TimeUnit.SECONDS).getInteger("status");
    if (status != 200) {
      throw new IllegalStateException("could not change the settings of " + event + ": HTTP " + status);
    }
  }

  private JsonObject stats(String event) throws Exception {
    return call(null, HttpMethod.GET, "/api/admin/events/" + event + "/stats", "Bearer " + adminKey, null, null)
        .await(60, TimeUnit.SECONDS).getJsonObject("body");
  }

  private Future<JsonObject> join(HttpClient client, String event, String address, String pow) {
    return call(client, HttpMethod.POST, "/api/events/" + event + "/visitors", null, address,
        pow == null ? null : new JsonObject().put("pow", pow));
  }

  /**
   * {status, body}; {@code address} is the client played, sent as X-Forwarded-For. A request the
   * node leaves unanswered for {@value #STALL_MILLIS} ms is counted, its connection dropped, and
   * sent once more with the same Idempotency-Key (a join or hold that did go through is not made twice).
   */
  private Future<JsonObject> call(HttpClient client, HttpMethod method, String path, String auth, String address,
                                  JsonObject body) {
    String key = method == HttpMethod.POST ? Long.toHexString(keys.nextLong()) + Long.toHexString(keys.nextLong()) : null;
    if (client == null) {
      return jdkCall(method, path, auth, address, body, key);
    }
    return attempt(client, method, path, auth, address, body, key).recover(err -> {
      if (!(err instanceof java.util.concurrent.TimeoutException)) {
        return Future.failedFuture(err);
      }
      stalled.incrementAndGet();
      stalledBy.computeIfAbsent(method + " " + path.replace(prefix, "{run}"), k -> new AtomicLong()).incrementAndGet();
      return attempt(client, method, path, auth, address, body, key);
    });
  }

  /** The same through the JDK's client (set-up calls, not timed), retried once on a timeout. */
  private Future<JsonObject> jdkCall(HttpMethod method, String path, String auth, String address, JsonObject body,
                                     String key) {
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
        + port + path)).timeout(java.time.Duration.ofMillis(STALL_MILLIS)).method(method.name(), body == null
        ? java.net.http.HttpRequest.BodyPublishers.noBody()
        : java.net.http.HttpRequest.BodyPublishers.ofString(body.encode()));
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
    java.net.http.HttpRequest request = b.build();
    java.util.function.Supplier<Future<JsonObject>> send = () -> Future.fromCompletionStage(
        jdk.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofString()).thenApply(r -> new JsonObject()
            .put("status", r.statusCode())
            .put("body", r.body().isEmpty() || r.body().charAt(0) != '{' ? new JsonObject() : new JsonObject(r.body()))),
        vertx.getOrCreateContext());
    return send.get().recover(err -> {
      Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
      if (!(cause instanceof java.net.http.HttpTimeoutException)) {
        return Future.failedFuture(err);
      }
      stalled.incrementAndGet();
      stalledBy.computeIfAbsent(method + " " + path.replace(prefix, "{run}"), k -> new AtomicLong()).incrementAndGet();
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

  private JsonObject stalledBy() {
    JsonObject out = new JsonObject();
    new TreeMap<>(stalledBy).forEach((k, n) -> out.put(k, n.get()));
    return out;
  }

  private static long count(Map<Integer, AtomicLong> status, int code) {
    AtomicLong n = status.get(code);
    return n == null ? 0 : n.get();
  }

  private static JsonObject json(Map<Integer, AtomicLong> status) {
    JsonObject out = new JsonObject();
    new TreeMap<>(status).forEach((s, n) -> out.put(String.valueOf(s), n.get()));
    return out;
  }

  private static Double ratio(Double a, Double b) {
    return a == null || b == null || b == 0 ? null : Math.round(a / b * 100) / 100.0;
  }

  private static double loadAverage() {
    try {
      return Double.parseDouble(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (Exception e) {
      return -1;
    }
  }

  /** The compact table a person reads, one line each. */
  static String table(JsonObject r) {
    StringBuilder t = new StringBuilder();
    JsonObject l = r.getJsonObject("limits");
    JsonObject bot = l.getJsonObject("with").getJsonObject("bot");
    JsonObject fa = l.getJsonObject("without").getJsonObject("fans");
    JsonObject fb = l.getJsonObject("with").getJsonObject("fans");
    t.append(String.format("limits per client (%s): bot %s joins from one address: %d joined, %d refused 429 (%s/s)%n",
        l.getJsonObject("settings").encode(), bot.getInteger("joins"), bot.getLong("joined"), bot.getLong("refused429"),
        bot.getValue("joinsPerSecond")));
    t.append(String.format("  fans (%d addresses): %-28s %-28s%n", l.getInteger("fans"), "without bot", "with bot"));
    t.append(String.format("    answers            %-28s %-28s%n", fa.getJsonObject("byStatus").encode(),
        fb.getJsonObject("byStatus").encode()));
    t.append(String.format("    join p50 / p99 ms  %-28s %-28s x%s / x%s%n",
        fa.getJsonObject("latencyMillis").getValue("p50") + " / " + fa.getJsonObject("latencyMillis").getValue("p99"),
        fb.getJsonObject("latencyMillis").getValue("p50") + " / " + fb.getJsonObject("latencyMillis").getValue("p99"),
        l.getJsonObject("fanLatencyWithOverWithout").getValue("p50"),
        l.getJsonObject("fanLatencyWithOverWithout").getValue("p99")));
    for (String k : List.of("limits", "limitsOff")) {
      JsonObject h = r.getJsonObject("hoarder").getJsonObject(k);
      t.append(String.format("hoarder, %-9s: %d joins -> %d joined (%d refused 429); %d holds of 4 -> %d made (%d refused"
              + " 429); %d of %d seats held (%.1f %%)%n", k.equals("limits") ? "limits" : "no limits", h.getInteger("joins"),
          h.getInteger("joined"), h.getLong("joinsRefused429"), h.getInteger("holds"), h.getLong("held201"),
          h.getLong("holdsRefused429"), h.getLong("seatsHeld"), h.getInteger("house"), h.getDouble("shareOfHouse") * 100));
    }
    t.append("proof of work, one Java thread:  difficulty | challenges | mean ms | p90 ms | hashes/s\n");
    for (Object o : r.getJsonObject("pow").getJsonArray("solve")) {
      JsonObject s = (JsonObject) o;
      t.append(String.format("  %,10d | %5d | %8s | %8s | %,d%n", s.getLong("difficulty"), s.getInteger("challenges"),
          s.getValue("meanMillis"), s.getValue("p90Millis"), s.getLong("hashesPerSecond")));
    }
    JsonObject tp = r.getJsonObject("pow").getJsonObject("throughput");
    for (String k : List.of("off", "on")) {
      JsonObject p = tp.getJsonObject(k);
      t.append(String.format("joins back to back (%d at once), PoW %-12s %s joins/s, p50 %s / p99 %s ms, %s us server CPU"
              + " a join, answers %s%n", tp.getInteger("concurrency"), k.equals("on") ? "at " + p.getLong("difficulty") + ":"
              : "off:", p.getValue("joinsPerSecond"), p.getJsonObject("latencyMillis").getValue("p50"),
          p.getJsonObject("latencyMillis").getValue("p99"), p.getValue("serverCpuMicrosPerJoin"),
          p.getJsonObject("byStatus").encode()));
    }
    t.append(String.format("  on / off: joins/s x%s, p50 x%s, p99 x%s, CPU a join x%s; %d challenges fetched at %s/s,"
            + " solved beforehand in %s s%n", tp.getJsonObject("onOverOff").getValue("joinsPerSecond"),
        tp.getJsonObject("onOverOff").getValue("p50"), tp.getJsonObject("onOverOff").getValue("p99"),
        tp.getJsonObject("onOverOff").getValue("serverCpuPerJoin"), tp.getInteger("challengesFetched"),
        tp.getValue("challengesPerSecond"), tp.getValue("solveSecondsBeforehand")));
    t.append(String.format("load average %s before, %s after; %s requests left unanswered for %d s and sent again%n",
        r.getValue("loadAverageBefore"), r.getValue("loadAverageAfter"), r.getValue("stalledRequests"), STALL_MILLIS / 1000));
    return t.toString();
  }

  static String summary(JsonObject r) {
    JsonObject l = r.getJsonObject("limits");
    JsonObject bot = l.getJsonObject("with").getJsonObject("bot");
    JsonObject h = r.getJsonObject("hoarder").getJsonObject("limits");
    JsonObject tp = r.getJsonObject("pow").getJsonObject("throughput");
    JsonArray solve = r.getJsonObject("pow").getJsonArray("solve");
    JsonObject last = solve.getJsonObject(solve.size() - 1);
    return String.format("bots: bot %d joined / %d refused of %d; fans %s with the bot, p99 x%s; hoarder %.1f %% of the"
            + " house (%.1f %% without limits); PoW %,d solved in %s ms mean by one thread; joins at PoW %d: x%s the"
            + " joins/s, x%s the CPU a join of PoW off", bot.getLong("joined"), bot.getLong("refused429"),
        bot.getInteger("joins"), l.getJsonObject("with").getJsonObject("fans").getJsonObject("byStatus").encode(),
        l.getJsonObject("fanLatencyWithOverWithout").getValue("p99"), h.getDouble("shareOfHouse") * 100,
        r.getJsonObject("hoarder").getJsonObject("limitsOff").getDouble("shareOfHouse") * 100, last.getLong("difficulty"),
        last.getValue("meanMillis"), tp.getJsonObject("on").getLong("difficulty"),
        tp.getJsonObject("onOverOff").getValue("joinsPerSecond"), tp.getJsonObject("onOverOff").getValue("serverCpuPerJoin"));
  }
}
