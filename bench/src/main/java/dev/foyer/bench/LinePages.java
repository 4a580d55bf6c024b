package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
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
 * The waiting pages of one {@code line} phase in one harness process (the run's only one, or one of
 * {@code --processes}): this process's share of the visitors on the bridge (their own address only,
 * as foyer-client.js) or polling {@code GET .../visitors/me}, each on its node; this share of the
 * joins and departures during the run, and of the samples that set what a page shows against what
 * the server says. Counts what reached them inside the measured window, and hands it over raw
 * ({@link #toJson}) so that {@link LineTally} merges the processes exactly.
 */
final class LinePages {

  /** This process's part of the run: its visitors at the start and its share of the script's rates. */
  record Share(int process, int processes, int visitors, double joinsPerSecond, double leavesPerSecond,
               double samplesPerSecond) {

    /** Process {@code p} of {@code processes}: visitors k = p, p + processes, ... of the run, and its share of the rates. */
    static Share of(LineBench.Script s, int p, int processes) {
      int visitors = s.visitors() / processes + (p < s.visitors() % processes ? 1 : 0);
      return new Share(p, processes, visitors, s.joinsPerSecond() / processes, s.leavesPerSecond() / processes,
          (double) s.samplesPerSecond() / processes);
    }

    JsonObject toJson() {
      return new JsonObject().put("process", process).put("processes", processes).put("visitors", visitors)
          .put("joinsPerSecond", joinsPerSecond).put("leavesPerSecond", leavesPerSecond)
          .put("samplesPerSecond", samplesPerSecond);
    }

    static Share from(JsonObject j) {
      return new Share(j.getInteger("process"), j.getInteger("processes"), j.getInteger("visitors"),
          j.getDouble("joinsPerSecond"), j.getDouble("leavesPerSecond"), j.getDouble("samplesPerSecond"));
    }
  }

  private final Vertx vertx;
  private final LineNodes nodes;
  private final String event;
  private final boolean poll;
  private final LineBench.Script script;
  private final Share share;
  private final List<LineClient> clients = new CopyOnWriteArrayList<>();
  /** The joins during the run this process made so far. */
  private final AtomicLong joinedHere = new AtomicLong();
  private final Map<String, Integer> notices = new ConcurrentHashMap<>();
  private final Latencies noticeLatency = new Latencies();
  private final DisplayedError displayed;
  private final AtomicLong rankFrames = new AtomicLong();
  private final AtomicLong polls = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong joinsDuringRun = new AtomicLong();
  private final AtomicLong departures = new AtomicLong();
  /** The script's timers of this share (joins, departures, samples), cancelled when the window closes. */
  private final List<Long> timers = new ArrayList<>();
  private long pings = -1;
  private volatile boolean measuring;
  private volatile boolean running = true;
  private long windowFrom;
  private long windowTo;
  private long waitedMillis;
  private long[] visitorsAtStartByNode;
  private JsonArray farBack = new JsonArray();

  LinePages(Vertx vertx, LineNodes nodes, String event, boolean poll, LineBench.Script script, Share share) {
    this.vertx = vertx;
    this.nodes = nodes;
    this.event = event;
    this.poll = poll;
    this.script = script;
    this.share = share;
    this.displayed = new DisplayedError(script.admitPerMinute());
  }

  /** A visitor joined before the run: its id, token and node (by index). */
  record Seed(String visitor, String token, int node) {
  }

  /**
   * The run's {@code n} visitors join, 200 at a time, visitor k on node k mod nodes, all from this
   * process and in this order, so that dealing them to the processes (k mod processes) interleaves
   * every process's visitors along the line.
   */
  static List<Seed> joinAll(LineNodes nodes, String event, int n) throws Exception {
    List<Seed> all = new ArrayList<>(n);
    for (int from = 0; from < n; from += 200) {
      List<Future<Seed>> batch = new ArrayList<>();
      for (int k = from; k < Math.min(n, from + 200); k++) {
        LineNodes.Node node = nodes.of(k);
        batch.add(node.http().request(Api.request(HttpMethod.POST, "/api/events/" + event + "/visitors"))
            .compose(req -> req.send().compose(resp -> resp.body()))
            .map(b -> new JsonObject(b)).map(j -> new Seed(j.getString("visitor"), j.getString("token"), node.index())));
      }
      Future.all(batch).await(60, TimeUnit.SECONDS);
      batch.forEach(f -> all.add(f.result()));
    }
    return all;
  }

  /** This share's visitors (joined by {@link #joinAll}); pushed, they connect, 200 at a time, and ping every 20 s. */
  void prepare(List<Seed> seeds) throws Exception {
    long now = System.currentTimeMillis();
    List<LineClient> joined = new ArrayList<>(seeds.size());
    for (Seed seed : seeds) {
      joined.add(new LineClient(seed.visitor(), seed.token(), nodes.all().get(seed.node()), now));
    }
    clients.addAll(joined);
    visitorsAtStartByNode = new long[nodes.size()];
    joined.forEach(c -> visitorsAtStartByNode[c.node.index()]++);
    if (poll) {
      return;
    }
    for (int from = 0; from < joined.size(); from += 200) {
      List<Future<Void>> batch = new ArrayList<>();
      for (LineClient c : joined.subList(from, Math.min(joined.size(), from + 200))) {
        batch.add(connect(c));
      }
      Future.all(batch).await(60, TimeUnit.SECONDS);
    }
    pings = vertx.setPeriodic(20_000, id -> {
      if (running) {
        clients.forEach(c -> {
          if (c.socket != null && !c.isDone()) {
            c.socket.writeTextMessage("{\"type\":\"ping\"}");
          }
        });
      }
    });
  }

  /**
   * The measured window opens: frames and polls count from now; polling pages start (each from a
   * random first moment within rankPushMillis), and this share's joins, departures and samples run.
   */
  void start() {
    windowFrom = System.currentTimeMillis();
    rankFrames.set(0);
    polls.set(0);
    measuring = true;
    if (poll) {
      clients.forEach(c -> vertx.setTimer(1 + (long) (Math.random() * script.rankPushMillis()), id -> pollLoop(c)));
    }
    every(share.joinsPerSecond(), this::joinDuringRun);
    every(share.leavesPerSecond(), this::leaveOne);
    every(share.samplesPerSecond(), this::sample);
  }

  /**
   * The window closes: no more joins, departures or samples, frames no longer count; each page's
   * waiting time in the window and, for the far-back figures, where it was at its end. Polling and
   * listening go on, so the last admission notices still arrive.
   */
  void stop() {
    measuring = false;
    windowTo = System.currentTimeMillis();
    timers.forEach(vertx::cancelTimer);
    JsonArray records = new JsonArray();
    long waited = 0;
    for (LineClient c : clients) {
      waited += c.waitedMillis(windowFrom, windowTo);
      long[] r = c.farBackRecord(windowFrom, windowTo);
      if (r != null) {
        records.add(r[0]).add(r[1]).add(r[2]);
      }
    }
    waitedMillis = waited;
    farBack = records;
  }

  void close() {
    running = false;
    timers.forEach(vertx::cancelTimer);
    vertx.cancelTimer(pings);
    for (LineClient c : clients) {
      if (c.socket != null) {
        c.socket.close();
      }
    }
  }

  /**
   * What this process counted, raw, for {@link LineTally#add}: every notice by visitor, every
   * latency and displayed-error sample, the far-back records {shown, frames, ms waited} flat.
   */
  JsonObject toJson() {
    JsonObject byVisitor = new JsonObject();
    notices.forEach(byVisitor::put);
    JsonArray byNode = new JsonArray();
    for (long n : visitorsAtStartByNode) {
      byNode.add(n);
    }
    return new JsonObject()
        .put("process", share.process())
        .put("visitorsAtStart", share.visitors())
        .put("visitorsAtStartByNode", byNode)
        .put("joinsDuringRun", joinsDuringRun.get())
        .put("departures", departures.get())
        .put("rankFrames", rankFrames.get())
        .put("polls", polls.get())
        .put("errors", errors.get())
        .put("waitedMillis", waitedMillis)
        .put("notices", byVisitor)
        .put("noticeLatencyMicros", new JsonArray(noticeLatency.values()))
        .put("displayedSamples", displayed.samplesJson())
        .put("farBack", farBack);
  }

  /** {@code action} {@code perSecond} times a second until the window closes. */
  private void every(double perSecond, Runnable action) {
    if (perSecond > 0) {
      timers.add(vertx.setPeriodic(Math.max(1, Math.round(1000 / perSecond)), id -> action.run()));
    }
  }

  /** One more visitor joins, and listens or polls as the others. */
  private void joinDuringRun() {
    join().onSuccess(c -> {
      joinsDuringRun.incrementAndGet();
      if (poll) {
        pollLoop(c);
      } else {
        connect(c).onFailure(e -> errors.incrementAndGet());
      }
    }).onFailure(e -> errors.incrementAndGet());
  }

  /** A random visitor far from the front leaves (so it is never one being admitted at that moment). */
  private void leaveOne() {
    for (int attempt = 0; attempt < 20 && !clients.isEmpty(); attempt++) {
      LineClient c = clients.get(ThreadLocalRandom.current().nextInt(clients.size()));
      if (!c.isDone() && c.shown(System.currentTimeMillis()) > 300 && c.finish()) {
        departures.incrementAndGet();
        if (c.socket != null) {
          c.socket.close();
        }
        Api.call(c.node.http(), HttpMethod.DELETE, "/api/events/" + event + "/visitors/me", "Bearer " + c.token, null)
            .onFailure(e -> errors.incrementAndGet());
        return;
      }
    }
  }

  /** A random waiting visitor asks its node its position; what its page shows then is set against it. */
  private void sample() {
    if (clients.isEmpty()) {
      return;
    }
    LineClient c = clients.get(ThreadLocalRandom.current().nextInt(clients.size()));
    if (c.isDone() || c.lastPosition() <= 0) {
      return;
    }
    me(c).onSuccess(status -> {
      long now = System.currentTimeMillis();
      if (!measuring || !"waiting".equals(status.getString("state")) || c.isDone()) {
        return;
      }
      displayed.add(c.shown(now), status.getLong("position"));
    }).onFailure(e -> errors.incrementAndGet());
  }

  private Future<JsonObject> me(LineClient c) {
    return c.node.http().request(Api.request(HttpMethod.GET, "/api/events/" + event + "/visitors/me")
            .putHeader("Authorization", "Bearer " + c.token))
        .compose(req -> req.send().compose(resp -> resp.body()))
        .map(JsonObject::new);
  }

  private void pollLoop(LineClient c) {
    if (!running || c.isDone()) {
      return;
    }
    me(c).onComplete(ar -> {
      long now = System.currentTimeMillis();
      if (ar.failed()) {
        errors.incrementAndGet();
      } else {
        if (measuring) {
          polls.incrementAndGet();
          c.countFrame();
        }
        JsonObject status = ar.result();
        switch (String.valueOf(status.getString("state"))) {
          case "waiting" -> c.rank(status.getLong("position"), 0, 1, now);
          case "active" -> admitted(c, status.getLong("activeUntil"), now);
          default -> c.finish();
        }
      }
      if (running) {
        vertx.setTimer(script.rankPushMillis(), id -> pollLoop(c));
      }
    });
  }

  private Future<Void> connect(LineClient c) {
    Promise<Void> registered = Promise.promise();
    return c.node.ws().connect(new WebSocketConnectOptions().setURI("/eventbus/websocket")).compose(socket -> {
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
              c.countFrame();
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

  private void admitted(LineClient c, long activeUntil, long now) {
    c.admit();
    if (notices.merge(c.id, 1, Integer::sum) == 1) {
      noticeLatency.add(Math.max(0, now - (activeUntil - script.activeSeconds() * 1000L)) * 1000);
    }
  }

  /** A visitor joins during the run: this process's j-th, visitor k = visitors + process + processes x j of the run, on node k mod nodes. */
  private Future<LineClient> join() {
    long k = script.visitors() + share.process() + (long) share.processes() * joinedHere.getAndIncrement();
    LineNodes.Node node = nodes.of(k);
    long at = System.currentTimeMillis();
    return node.http().request(Api.request(HttpMethod.POST, "/api/events/" + event + "/visitors"))
        .compose(req -> req.send().compose(resp -> resp.body()))
        .map(b -> {
          JsonObject j = new JsonObject(b);
          LineClient c = new LineClient(j.getString("visitor"), j.getString("token"), node, at);
          clients.add(c);
          return c;
        });
  }
}
