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

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code chance}: how well the chance of a ticket a waiting visitor is told ("likely", "uncertain",
 * "unlikely" on its rank frames) foretells whether it gets seats, on a house smaller than the line.
 * Every visitor joins while the sale is paused and listens on its own address (as foyer-client.js);
 * then the sale opens. Each visitor has a profile drawn from the run's seed: a basket of 1 to
 * {@code maxPerHold} seats, a dwell before it acts once admitted, and whether it buys or abandons
 * (leaves without holding, holds and releases, or holds and lets the hold run out), at a rate drawn
 * for the run. A buyer holds its basket by best available (fewer seats when that many are not left
 * together, down to one, and tries again while seats are held by others and may come back) and
 * confirms. The label it was told is read three ways: at random looks (Poisson, as {@code eta}), at
 * fixed moments of the sale (every {@code snapshotEvery} seconds), and the last one before its
 * admission or before the sale sold out; each is set against whether the visitor got seats, over
 * the visitors who tried to buy (an admitted visitor who chose to abandon did not miss out because
 * seats ran out) and raw.
 */
final class ChanceBench {

  static final double LIKELY_TARGET = 0.80;
  static final double UNLIKELY_TARGET = 0.20;
  private static final List<String> LABELS = List.of("likely", "uncertain", "unlikely");

  /** The scenario's options, bounded. */
  record Options(int runs, int visitors, int seats, int maxActive, int admitPerMinute, int maxPerHold,
                 double dwellMin, double dwellMax, double abandonMin, double abandonMax, int holdSeconds,
                 int activeSeconds, double lookEvery, int snapshotEvery, int rankPushMillis, long seed) {

    static Options of(Map<String, String> o) {
      Options opt = new Options(Integer.parseInt(o.getOrDefault("runs", "5")),
          Integer.parseInt(o.getOrDefault("visitors", "1000")), Integer.parseInt(o.getOrDefault("seats", "300")),
          Integer.parseInt(o.getOrDefault("max-active", "40")), Integer.parseInt(o.getOrDefault("admit-per-minute", "300")),
          Integer.parseInt(o.getOrDefault("max-per-hold", "4")), Double.parseDouble(o.getOrDefault("dwell-min", "2")),
          Double.parseDouble(o.getOrDefault("dwell-max", "12")), Double.parseDouble(o.getOrDefault("abandon-min", "0.1")),
          Double.parseDouble(o.getOrDefault("abandon-max", "0.4")), Integer.parseInt(o.getOrDefault("hold-seconds", "10")),
          Integer.parseInt(o.getOrDefault("active-seconds", "30")), Double.parseDouble(o.getOrDefault("look-every", "5")),
          Integer.parseInt(o.getOrDefault("snapshot-every", "10")), Integer.parseInt(o.getOrDefault("rank-push-millis", "1000")),
          Long.parseLong(o.getOrDefault("seed", "24")));
      if (opt.runs < 1 || opt.runs > 20 || opt.visitors > 5000 || opt.seats < 1 || opt.seats >= opt.visitors
          || opt.maxPerHold < 1 || opt.maxPerHold > 50 || opt.dwellMin < 0 || opt.dwellMax < opt.dwellMin
          || opt.dwellMax > 120 || opt.abandonMin < 0 || opt.abandonMax > 1 || opt.abandonMax < opt.abandonMin
          || opt.snapshotEvery < 1 || opt.lookEvery <= 0) {
        throw new IllegalArgumentException("bounded: 1 to 20 runs of at most 5,000 visitors, fewer seats than visitors,"
            + " maxPerHold 1..50, dwell 0..120 s, abandon rates 0..1");
      }
      return opt;
    }

    JsonObject toJson() {
      return new JsonObject().put("runs", runs).put("visitors", visitors).put("seats", seats).put("maxActive", maxActive)
          .put("admitPerMinute", admitPerMinute).put("maxSeatsPerHold", maxPerHold)
          .put("dwellSeconds", dwellMin + ".." + dwellMax).put("abandonRate", abandonMin + ".." + abandonMax)
          .put("holdSeconds", holdSeconds).put("activeSeconds", activeSeconds).put("lookEverySeconds", lookEvery)
          .put("snapshotEverySeconds", snapshotEvery).put("rankPushMillis", rankPushMillis).put("seed", seed);
    }
  }

  /** What an admitted visitor does. */
  enum Plan { BUY, LEAVE, RELEASE, EXPIRE }

  /** How it ended for a visitor. */
  enum Outcome { BOUGHT, ABANDONED, FAILED, NOT_ADMITTED }

  /** A label the visitor's page showed, and where it stood then. */
  private record Shown(long at, long position, String label) {
  }

  private static final class Visitor {
    final String id;
    final String token;
    final int basket;
    final long dwellMillis;
    final Plan plan;
    final List<Shown> looks = new ArrayList<>();
    final List<Shown> snapshots = new ArrayList<>();
    final List<Shown> labels = new ArrayList<>();
    String label;
    long position;
    long admittedAt;
    String pass;
    long activeUntil;
    Outcome outcome;
    int seatsBought;
    WebSocket socket;

    Visitor(Api.Joined j, int basket, long dwellMillis, Plan plan) {
      this.id = j.visitor();
      this.token = j.token();
      this.basket = basket;
      this.dwellMillis = dwellMillis;
      this.plan = plan;
    }

    synchronized void rank(long now, JsonObject body) {
      Long p = body.getLong("position");
      position = p == null ? 0 : p;
      label = body.getString("chance");
      if (label != null) {
        labels.add(new Shown(now, position, label));
      }
    }

    /** What the page shows now, while waiting; null once admitted or without a label. */
    synchronized Shown showing(long now) {
      return admittedAt != 0 || label == null ? null : new Shown(now, position, label);
    }

    synchronized boolean admit(long now, String pass, long activeUntil) {
      if (admittedAt != 0) {
        return false;
      }
      admittedAt = now;
      this.pass = pass;
      this.activeUntil = activeUntil;
      return true;
    }

    synchronized void end(Outcome o, int seats) {
      if (outcome == null) {
        outcome = o;
        seatsBought = seats;
      }
    }

    synchronized boolean ended() {
      return outcome != null;
    }

    synchronized boolean pending() {
      return admittedAt != 0 && outcome == null;
    }

    /** The last label before {@code until}. */
    synchronized Shown lastBefore(long until) {
      for (int i = labels.size() - 1; i >= 0; i--) {
        if (labels.get(i).at() <= until) {
          return labels.get(i);
        }
      }
      return null;
    }
  }

  /** One label's count: told, and of those how many got seats, over all and over those who tried. */
  private static final class Tally {
    final Map<String, long[]> byLabel = new TreeMap<>();

    void add(String label, Outcome outcome) {
      long[] n = byLabel.computeIfAbsent(label, l -> new long[4]);
      n[0]++;
      boolean got = outcome == Outcome.BOUGHT;
      boolean tried = outcome != Outcome.ABANDONED;
      n[1] += got ? 1 : 0;
      n[2] += tried ? 1 : 0;
      n[3] += got && tried ? 1 : 0;
    }

    void addAll(Tally other) {
      other.byLabel.forEach((l, n) -> {
        long[] m = byLabel.computeIfAbsent(l, x -> new long[4]);
        for (int i = 0; i < 4; i++) {
          m[i] += n[i];
        }
      });
    }

    static Tally of(JsonObject json) {
      Tally t = new Tally();
      json.fieldNames().forEach(l -> {
        JsonObject j = json.getJsonObject(l);
        t.byLabel.put(l, new long[] {j.getLong("told"), j.getLong("gotSeats"), j.getLong("tried"),
            j.getLong("triedAndGotSeats")});
      });
      return t;
    }

    JsonObject toJson() {
      JsonObject out = new JsonObject();
      for (String l : LABELS) {
        long[] n = byLabel.getOrDefault(l, new long[4]);
        out.put(l, new JsonObject().put("told", n[0]).put("gotSeats", n[1]).put("tried", n[2])
            .put("triedAndGotSeats", n[3])
            .put("shareOverTried", n[2] == 0 ? null : Math.round(n[3] * 1000.0 / n[2]) / 1000.0)
            .put("shareRaw", n[0] == 0 ? null : Math.round(n[1] * 1000.0 / n[0]) / 1000.0));
      }
      return out;
    }
  }

  private final Vertx vertx;
  private final int port;
  private final String adminKey;

  ChanceBench(Vertx vertx, int port, String adminKey) {
    this.vertx = vertx;
    this.port = port;
    this.adminKey = adminKey;
  }

  JsonObject run(Options o) throws Exception {
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    JsonArray runs = new JsonArray();
    Map<String, Tally> totals = new TreeMap<>();
    boolean metEveryRun = true;
    for (int i = 0; i < o.runs(); i++) {
      JsonObject one = new Run(o, i + 1, o.seed() + i).go();
      runs.add(one);
      for (String kind : List.of("lastLabel", "looks", "snapshots", "looksWhileUnmeasured", "looksOnceMeasured")) {
        totals.computeIfAbsent(kind, k -> new Tally()).addAll(Tally.of(one.getJsonObject("calibration").getJsonObject(kind)));
      }
      metEveryRun &= one.getJsonObject("target").getBoolean("met");
      System.out.println("run " + (i + 1) + ": looks " + summaryOf(one.getJsonObject("calibration").getJsonObject("looks"))
          + "; fixed moments " + summaryOf(one.getJsonObject("calibration").getJsonObject("snapshots"))
          + "; " + one.getJsonObject("outcomes").encode());
    }
    JsonObject total = new JsonObject();
    totals.forEach((k, t) -> total.put(k, t.toJson()));
    return new JsonObject()
        .put("scenario", "chance")
        .put("options", o.toJson())
        .put("runs", runs)
        .put("totals", total)
        .put("target", target(total).put("metInEveryRun", metEveryRun))
        .put("loadAverageBefore", loadBefore)
        .put("loadAverageAfter", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /**
   * The target, on each way of reading the labels (the last before admission or sell-out,
   * the random looks, the fixed moments): at least 80 % of "likely" and at most 20 % of "unlikely"
   * got seats, of those who tried. Met when it holds on every one.
   */
  private static JsonObject target(JsonObject calibration) {
    JsonObject out = new JsonObject().put("likelyAtLeast", LIKELY_TARGET).put("unlikelyAtMost", UNLIKELY_TARGET);
    boolean met = true;
    for (String view : List.of("lastLabel", "looks", "snapshots")) {
      JsonObject tally = calibration.getJsonObject(view);
      Double likely = tally.getJsonObject("likely").getDouble("shareOverTried");
      Double unlikely = tally.getJsonObject("unlikely").getDouble("shareOverTried");
      boolean ok = (likely == null || likely >= LIKELY_TARGET) && (unlikely == null || unlikely <= UNLIKELY_TARGET);
      out.put(view, new JsonObject().put("likely", likely).put("unlikely", unlikely).put("met", ok));
      met &= ok;
    }
    return out.put("met", met);
  }

  private static String summaryOf(JsonObject tally) {
    StringBuilder out = new StringBuilder();
    for (String l : LABELS) {
      JsonObject t = tally.getJsonObject(l);
      out.append(String.format("%s%s %s of %d tried (raw %s of %d)", out.length() == 0 ? "" : ", ", l,
          percent(t.getDouble("shareOverTried")), t.getLong("tried"), percent(t.getDouble("shareRaw")), t.getLong("told")));
    }
    return out.toString();
  }

  private static String percent(Double share) {
    return share == null ? "-" : Math.round(share * 1000) / 10.0 + " %";
  }

  static String summary(JsonObject r) {
    JsonObject t = r.getJsonObject("target");
    JsonObject totals = r.getJsonObject("totals");
    return "chance: " + r.getJsonArray("runs").size() + " runs; got seats of those who tried, by the label at random looks: "
        + summaryOf(totals.getJsonObject("looks")) + "; at fixed moments: " + summaryOf(totals.getJsonObject("snapshots"))
        + "; the last before admission or sell-out: " + summaryOf(totals.getJsonObject("lastLabel"))
        + (t.getBoolean("met") ? "; target met (likely >= 80 %, unlikely <= 20 %)" : "; target missed")
        + (t.getBoolean("metInEveryRun") ? " in every run" : ", not in every run");
  }

  /** One sale on a fresh event. */
  private final class Run {
    final Options o;
    final int n;
    final long seed;
    final SplittableRandom random;
    final HttpClient http;
    final WebSocketClient ws;
    final String event;
    final List<Visitor> visitors = new ArrayList<>();
    final List<JsonObject> saleFrames = new CopyOnWriteArrayList<>();
    final List<JsonObject> stockFrames = new CopyOnWriteArrayList<>();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong holdTries = new AtomicLong();
    WebSocket observer;
    volatile long soldOutAt;
    volatile long openedAt;
    volatile boolean running = true;

    Run(Options o, int n, long seed) {
      this.o = o;
      this.n = n;
      this.seed = seed;
      // SplittableRandom mixes its seed: java.util.Random's first draws of seeds 24, 25, 26... are nearly equal
      this.random = new SplittableRandom(seed);
      this.http = vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(45).setDefaultHost("127.0.0.1")
          .setDefaultPort(port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(-1));
      this.ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(o.visitors() + 10)
          .setDefaultHost("127.0.0.1").setDefaultPort(port));
      this.event = "bench-chance-" + System.currentTimeMillis() % 1_000_000 + "-" + n;
    }

    JsonObject go() throws Exception {
      double abandonRate = o.abandonMin() + random.nextDouble() * (o.abandonMax() - o.abandonMin());
      int perRow = 20;
      JsonObject seats = new JsonObject().put("sections", new JsonArray());
      for (int left = o.seats(), s = 0; left > 0; s++) {
        int rows = Math.min(left / perRow, 99);
        JsonObject section = rows > 0 ? new JsonObject().put("rows", rows).put("seatsPerRow", perRow)
            : new JsonObject().put("rows", 1).put("seatsPerRow", left);
        left -= rows > 0 ? rows * perRow : left;
        seats.getJsonArray("sections").add(section.put("name", String.valueOf((char) ('A' + s))));
      }
      JsonObject settings = new JsonObject().put("paused", true).put("gate", "on").put("maxActive", o.maxActive())
          .put("admitPerMinute", o.admitPerMinute()).put("activeSeconds", o.activeSeconds())
          .put("holdSeconds", o.holdSeconds()).put("maxSeatsPerHold", o.maxPerHold()).put("graceSeconds", 120)
          .put("rankPushMillis", o.rankPushMillis());
      admin(new JsonObject().put("name", "Chance benchmark").put("seats", seats).put("settings", settings));
      for (Api.Joined j : Api.joinAll(http, event, o.visitors(), 100)) {
        visitors.add(profile(j, abandonRate));
      }
      JsonObject plans = new JsonObject();
      visitors.forEach(v -> plans.put(v.plan.name().toLowerCase(), plans.getInteger(v.plan.name().toLowerCase(), 0) + 1));
      observe();
      for (int from = 0; from < visitors.size(); from += 200) {
        List<Future<Void>> batch = new ArrayList<>();
        for (Visitor v : visitors.subList(from, Math.min(visitors.size(), from + 200))) {
          batch.add(connect(v));
        }
        Future.all(batch).await(60, TimeUnit.SECONDS);
      }
      long pinger = vertx.setPeriodic(20_000, id -> {
        if (running) {
          observer.writeTextMessage("{\"type\":\"ping\"}");
          visitors.forEach(v -> v.socket.writeTextMessage("{\"type\":\"ping\"}"));
        }
      });
      openedAt = System.currentTimeMillis();
      admin(new JsonObject().put("name", "Chance benchmark").put("seats", seats)
          .put("settings", new JsonObject().put("paused", false)));
      SplittableRandom looks = random.split();
      visitors.forEach(v -> scheduleLook(v, looks));
      long snapshots = vertx.setPeriodic(o.snapshotEvery() * 1000L, id -> snapshot());
      // the sale runs until it sold out and every admitted visitor is done, or its deadline
      long deadline = openedAt + (long) ((o.visitors() * 60.0 / Math.max(1, o.admitPerMinute())
          + o.dwellMax() + o.holdSeconds() + o.activeSeconds()) * 2 * 1000) + 60_000;
      while (System.currentTimeMillis() < deadline && !((soldOutAt > 0 && visitors.stream().noneMatch(Visitor::pending))
          || visitors.stream().allMatch(Visitor::ended))) {
        Thread.sleep(200);
      }
      long endedAt = System.currentTimeMillis();
      running = false;
      vertx.cancelTimer(snapshots);
      vertx.cancelTimer(pinger);
      admin(new JsonObject().put("name", "Chance benchmark").put("seats", seats)
          .put("settings", new JsonObject().put("paused", true)));
      JsonObject stats = Api.admin(http, adminKey, HttpMethod.GET, "/api/admin/events/" + event + "/stats", null)
          .await(30, TimeUnit.SECONDS);
      visitors.forEach(v -> v.socket.close());
      observer.close();
      ws.close();
      http.close();
      return result(abandonRate, plans, endedAt, stats);
    }

    private Visitor profile(Api.Joined j, double abandonRate) {
      // baskets: 2 is the most common, then 1, 3, 4 alike (mean 2.4 at a maximum of 4)
      int basket = o.maxPerHold() == 1 ? 1 : random.nextDouble() < 0.4 ? Math.min(2, o.maxPerHold())
          : 1 + random.nextInt(o.maxPerHold());
      long dwell = (long) ((o.dwellMin() + random.nextDouble() * (o.dwellMax() - o.dwellMin())) * 1000);
      Plan plan = random.nextDouble() >= abandonRate ? Plan.BUY : Plan.values()[1 + random.nextInt(3)];
      return new Visitor(j, basket, dwell, plan);
    }

    private JsonObject result(double abandonRate, JsonObject plans, long endedAt, JsonObject stats) {
      long until = soldOutAt > 0 ? soldOutAt : endedAt;
      Tally last = new Tally();
      Tally looks = new Tally();
      Tally unmeasured = new Tally();
      Tally measured = new Tally();
      long measuredAt = stockFrames.stream().filter(f -> f.getJsonObject("measured", new JsonObject()).getValue("buyShare") != null
          && f.getJsonObject("measured").getValue("perBuyer") != null).mapToLong(f -> f.getLong("receivedAt")).min()
          .orElse(Long.MAX_VALUE);
      Tally snaps = new Tally();
      Map<String, List<Long>> lastPositions = new TreeMap<>();
      Map<Outcome, Long> outcomes = new TreeMap<>();
      long seatsBought = 0;
      long labelled = 0;
      long withoutLabel = 0;
      long abandonedHoldingAtSoldOut = 0;
      for (Visitor v : visitors) {
        synchronized (v) {
          Outcome outcome = v.outcome == null ? (v.admittedAt == 0 ? Outcome.NOT_ADMITTED : Outcome.FAILED) : v.outcome;
          outcomes.merge(outcome, 1L, Long::sum);
          seatsBought += v.seatsBought;
          labelled += v.labels.isEmpty() ? 0 : 1;
          Shown shown = v.lastBefore(v.admittedAt != 0 && v.admittedAt < until ? v.admittedAt : until);
          if (shown == null) {
            withoutLabel++;
          } else {
            last.add(shown.label(), outcome);
            lastPositions.computeIfAbsent(shown.label(), l -> new ArrayList<>()).add(shown.position());
          }
          v.looks.forEach(s -> {
            looks.add(s.label(), outcome);
            (s.at() < measuredAt ? unmeasured : measured).add(s.label(), outcome);
          });
          v.snapshots.forEach(s -> snaps.add(s.label(), outcome));
          abandonedHoldingAtSoldOut += outcome == Outcome.ABANDONED && v.plan == Plan.EXPIRE ? 1 : 0;
        }
      }
      JsonObject positions = new JsonObject();
      lastPositions.forEach((l, p) -> {
        Collections.sort(p);
        positions.put(l, new JsonObject().put("n", p.size()).put("min", p.get(0)).put("p50", p.get(p.size() / 2))
            .put("max", p.get(p.size() - 1)));
      });
      JsonObject outcomeJson = new JsonObject();
      outcomes.forEach((k, v) -> outcomeJson.put(k.name().toLowerCase(), v));
      JsonObject calibration = new JsonObject().put("lastLabel", last.toJson()).put("looks", looks.toJson())
          .put("snapshots", snaps.toJson())
          // the looks before the first stock frame with the sale's figures measured, and after it
          .put("looksWhileUnmeasured", unmeasured.toJson()).put("looksOnceMeasured", measured.toJson());
      JsonObject lastStock = stockFrames.isEmpty() ? null : stockFrames.get(stockFrames.size() - 1);
      return new JsonObject()
          .put("run", n)
          .put("seed", seed)
          .put("event", event)
          .put("abandonRate", Math.round(abandonRate * 1000) / 1000.0)
          .put("plans", plans)
          .put("seconds", (endedAt - openedAt) / 1000.0)
          .put("soldOutAfterSeconds", soldOutAt == 0 ? null : (soldOutAt - openedAt) / 1000.0)
          .put("admitted", visitors.stream().filter(v -> v.admittedAt != 0).count())
          .put("admittedByServer", stats.getLong("admittedTotal"))
          .put("outcomes", outcomeJson)
          .put("seatsBought", seatsBought)
          .put("holdTries", holdTries.get())
          .put("visitorsWithALabel", labelled)
          .put("visitorsWithoutALabelBeforeTheirEnd", withoutLabel)
          .put("calibration", calibration)
          .put("measuredAfterSeconds", measuredAt == Long.MAX_VALUE ? null : (measuredAt - openedAt) / 1000.0)
          .put("lastLabelPositions", positions)
          .put("target", target(calibration))
          .put("saleFrames", new JsonArray(saleFrames.stream().map(f -> (Object) new JsonObject()
              .put("state", f.getString("state")).put("afterSeconds", (f.getLong("receivedAt") - openedAt) / 1000.0))
              .toList()))
          .put("stockFrames", stockFrames.size())
          .put("lastMeasured", lastStock == null ? null : lastStock.getJsonObject("measured"))
          .put("errors", errors.get());
    }

    private void admin(JsonObject body) throws Exception {
      Api.admin(http, adminKey, HttpMethod.PUT, "/api/admin/events/" + event, body).await(30, TimeUnit.SECONDS);
    }

    /** One socket listens to the event's broadcasts: the sale frames (also on every visitor's) and the stock frames. */
    private void observe() throws Exception {
      ws.connect(new WebSocketConnectOptions().setURI("/eventbus/websocket")).onSuccess(socket -> {
        observer = socket;
        socket.handler(data -> {
          JsonObject body = new JsonObject(data).getJsonObject("body");
          if (body != null && "stock".equals(body.getString("type"))) {
            stockFrames.add(body.put("receivedAt", System.currentTimeMillis()));
          }
        });
        socket.writeTextMessage(new JsonObject().put("type", "register").put("address", "foyer.stock." + event).encode());
      }).await(30, TimeUnit.SECONDS);
    }

    private void snapshot() {
      long now = System.currentTimeMillis();
      if (!running || soldOutAt > 0) {
        return;
      }
      for (Visitor v : visitors) {
        Shown s = v.showing(now);
        if (s != null) {
          synchronized (v) {
            v.snapshots.add(s);
          }
        }
      }
    }

    private void scheduleLook(Visitor v, SplittableRandom looks) {
      double u;
      synchronized (looks) { // timers run on either event loop
        u = looks.nextDouble();
      }
      long delay = 1 + (long) (-Math.log(1 - u) * o.lookEvery() * 1000);
      vertx.setTimer(delay, id -> {
        long now = System.currentTimeMillis();
        if (!running || soldOutAt > 0 || v.admittedAt != 0) {
          return;
        }
        Shown s = v.showing(now);
        if (s != null) {
          synchronized (v) {
            v.looks.add(s);
          }
        }
        scheduleLook(v, looks);
      });
    }

    private Future<Void> connect(Visitor v) {
      Promise<Void> registered = Promise.promise();
      return ws.connect(new WebSocketConnectOptions().setURI("/eventbus/websocket")).compose(socket -> {
        v.socket = socket;
        socket.handler(data -> onFrame(v, data, registered));
        socket.writeTextMessage(Api.register(v.id, v.token));
        return registered.future();
      });
    }

    private void onFrame(Visitor v, Buffer data, Promise<Void> registered) {
      long now = System.currentTimeMillis();
      JsonObject frame = new JsonObject(data);
      registered.tryComplete();
      JsonObject body = frame.getJsonObject("body");
      if (!"rec".equals(frame.getString("type")) || body == null) {
        errors.incrementAndGet();
        return;
      }
      switch (String.valueOf(body.getString("type"))) {
        case "rank" -> v.rank(now, body);
        case "sale" -> sale(body, now);
        case "admitted" -> {
          if (v.admit(now, body.getString("pass"), body.getLong("activeUntil"))) {
            vertx.setTimer(Math.max(1, v.dwellMillis), id -> act(v));
          }
        }
        default -> { }
      }
    }

    /** Every visitor hears each sale frame: the first to hear it records it. */
    private void sale(JsonObject body, long now) {
      synchronized (saleFrames) {
        long at = body.getLong("at", 0L);
        if (saleFrames.stream().noneMatch(f -> f.getLong("at", 0L) == at)) {
          saleFrames.add(body.copy().put("receivedAt", now));
          if ("sold_out".equals(body.getString("state")) && soldOutAt == 0) {
            soldOutAt = now;
          }
        }
      }
    }

    private void act(Visitor v) {
      switch (v.plan) {
        case BUY -> buy(v, v.basket);
        case LEAVE -> {
          v.end(Outcome.ABANDONED, 0);
          leave(v);
        }
        case RELEASE -> hold(v, v.basket).onComplete(ar -> {
          v.end(Outcome.ABANDONED, 0);
          String holdId = ar.succeeded() ? ar.result().getJsonObject("body").getString("holdId") : null;
          vertx.setTimer(1000 + (long) (Math.random() * 2000), id -> {
            Future<?> released = holdId == null ? Future.succeededFuture()
                : call(HttpMethod.DELETE, "/api/events/" + event + "/holds/" + holdId, v.pass, null);
            released.onComplete(x -> leave(v));
          });
        });
        case EXPIRE -> hold(v, v.basket).onComplete(ar -> v.end(Outcome.ABANDONED, 0)); // and never comes back
        default -> { }
      }
    }

    /** Best available for {@code count}; fewer when that many are not left, and again while held seats may come back. */
    private void buy(Visitor v, int count) {
      hold(v, count).onComplete(ar -> {
        if (ar.failed()) {
          errors.incrementAndGet();
          fail(v);
          return;
        }
        JsonObject answer = ar.result();
        int status = answer.getInteger("status");
        if (status == 201) {
          String holdId = answer.getJsonObject("body").getString("holdId");
          call(HttpMethod.POST, "/api/events/" + event + "/holds/" + holdId + "/confirm", v.pass, null).onComplete(c -> {
            if (c.succeeded() && c.result().getInteger("status") == 201) {
              v.end(Outcome.BOUGHT, c.result().getJsonObject("body").getJsonArray("seats", new JsonArray()).size());
            } else {
              errors.incrementAndGet();
              fail(v);
            }
          });
        } else if (status == 409 && count > 1) {
          buy(v, count - 1);
        } else if (status == 409 && soldOutAt == 0 && System.currentTimeMillis() < v.activeUntil - 2000 && running) {
          vertx.setTimer(1000, id -> buy(v, 1)); // seats held by others may come back
        } else {
          if (status != 409 && status != 403) {
            errors.incrementAndGet();
          }
          fail(v);
        }
      });
    }

    private void fail(Visitor v) {
      v.end(Outcome.FAILED, 0);
      leave(v);
    }

    private Future<JsonObject> hold(Visitor v, int count) {
      holdTries.incrementAndGet();
      return call(HttpMethod.POST, "/api/events/" + event + "/holds", v.pass,
          new JsonObject().put("best", new JsonObject().put("count", count)));
    }

    private void leave(Visitor v) {
      if (!running) {
        return; // the run is over and its client closed: the event is paused and left as it is
      }
      http.request(new RequestOptions().setMethod(HttpMethod.DELETE).setURI("/api/events/" + event + "/visitors/me")
              .putHeader("Authorization", "Bearer " + v.token))
          .compose(req -> req.send().compose(resp -> resp.body()));
    }

    /** {status, body}. */
    private Future<JsonObject> call(HttpMethod method, String path, String pass, JsonObject body) {
      if (!running) {
        return Future.failedFuture("the run is over");
      }
      RequestOptions options = new RequestOptions().setMethod(method).setURI(path)
          .putHeader("Authorization", "Bearer " + pass);
      return http.request(options)
          .compose(req -> body == null ? req.send() : req.putHeader("Content-Type", "application/json").send(body.toBuffer()))
          .compose(resp -> resp.body().map(b -> new JsonObject().put("status", resp.statusCode())
              .put("body", b.length() == 0 || b.getByte(0) != '{' ? new JsonObject() : new JsonObject(b))));
    }
  }
}
