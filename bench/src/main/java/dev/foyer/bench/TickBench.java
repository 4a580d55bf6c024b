package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The admission tick of a running foyer, measured through its public interfaces only. The event is
 * created paused through the admin API and N visitors join it; the harness listens to the event's
 * {@code progress} messages on the bridge ({@code foyer.event.{event}}, one per tick, sent by the
 * ticking node right after its admission script returned) and scrapes {@code /metrics} after each
 * one. The change of {@code foyer_redis_script_seconds{script="admit"}} (count and sum) between two
 * scrapes is what that node's admission script took in that tick (its round trip to Redis, as the
 * node times it), and the change of the message's {@code admittedTotal} is how many it admitted.
 * Three phases: a few ticks paused (N waiting, nobody admitted), ticks at the rate cap after
 * {@code PUT .../settings {"paused": false}}, then one tick with {@code admitPerMinute} 0 (capacity
 * only) that admits as many as one tick may. The event is left paused.
 *
 * <p>A tick's figure is exact when that interval held exactly one run of the script; a tick whose
 * scrapes could hold a neighbouring tick's run as well (a scrape came back after the next tick had
 * started, or none was made because one was under way) is skipped and counted. The node's
 * other events run the same script in the same tick: their runs are counted ({@code admitRunsPerTick},
 * {@code isolated}) and included in the figures, since /metrics does not tell them apart.
 */
final class TickBench {

  private enum Phase { FILLING, PAUSED, RESUMING, STEADY, BURST, DONE }

  private final Vertx vertx;
  private final int port;
  private final HttpClient http;
  private final AdminCalls admin;

  // the fields below are used on the bridge socket's event loop only
  private Phase phase = Phase.FILLING;
  private int waiting;
  private int pausedWanted;
  private int steadyWanted;
  private String event;
  private TickScrapes scrapes;
  private final List<Tick> paused = new ArrayList<>();
  private final List<Tick> steady = new ArrayList<>();
  private Tick burst;
  private long skipped;
  private long ignored; // ticks of this event before a settings change reached the ticking node, or after the run
  private volatile long lastFrameAt;
  private final Promise<Void> done = Promise.promise();

  TickBench(Vertx vertx, int port, String adminKey) {
    this.vertx = vertx;
    this.port = port;
    this.http = vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(45).setDefaultHost("127.0.0.1")
        .setDefaultPort(port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(200).setMaxWaitQueueSize(-1));
    this.admin = AdminCalls.over(http, adminKey);
  }

  JsonObject run(int waiting, int pausedTicks, int ticks, int admitPerMinute) throws Exception {
    if (waiting < 1 || waiting > 200_000 || ticks < 1 || ticks > 300 || pausedTicks < 1 || pausedTicks > 60) {
      throw new IllegalArgumentException("bounded: 1 to 200,000 waiting, 1 to 300 ticks, 1 to 60 paused ticks");
    }
    if (admitPerMinute < 1) {
      throw new IllegalArgumentException("--admit-per-minute must be above 0 (the burst tick is the one without a cap)");
    }
    this.waiting = waiting;
    this.pausedWanted = pausedTicks;
    this.steadyWanted = ticks;
    this.event = "bench-tick-" + System.currentTimeMillis() % 1_000_000;
    this.scrapes = new TickScrapes(http, this::handle, done::tryFail);
    // paused: every joiner waits; nobody expires or is reaped while the run lasts
    admin.create(event, "Tick benchmark", AdminCalls.section("A", 1, 1), new JsonObject().put("paused", true)
            .put("gate", "on").put("stockPacing", false).put("maxActive", 1_000_000).put("admitPerMinute", admitPerMinute)
            .put("activeSeconds", 3600).put("graceSeconds", 3600)
            // every tick's progress to the socket: the harness times each tick from it
            .put("progressPushMillis", 0))
        .await(30, TimeUnit.SECONDS);
    int events = admin.events().await(10, TimeUnit.SECONDS).getJsonArray("events").size();

    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(port));
    WebSocket ws = client.connect(new WebSocketConnectOptions().setURI("/eventbus/websocket")).map(socket -> {
      socket.handler(this::onFrame);
      socket.writeTextMessage(new JsonObject().put("type", "register")
          .put("address", "foyer.event." + event).encode());
      return socket;
    }).await(30, TimeUnit.SECONDS);
    // the bridge closes a socket silent for 60 s; the pages ping every 20 s
    long ping = vertx.setPeriodic(20_000, id -> ws.writeTextMessage("{\"type\":\"ping\"}"));
    long watchdog = vertx.setPeriodic(5_000, id -> {
      if (lastFrameAt > 0 && System.currentTimeMillis() - lastFrameAt > 30_000) {
        done.tryFail("no progress message of " + event + " for 30 s: is the node at --port ticking it?");
      }
    });
    try {
      joinAll();
      lastFrameAt = System.currentTimeMillis();
      // every phase is at least a tick; 10 s a tick is ten times foyer's default
      done.future().await(60 + (pausedTicks + ticks + 10) * 10L, TimeUnit.SECONDS);
    } finally {
      vertx.cancelTimer(ping);
      vertx.cancelTimer(watchdog);
      ws.close();
      client.close();
      http.close();
    }

    long minRuns = Long.MAX_VALUE;
    long maxRuns = 0;
    List<Tick> timed = new ArrayList<>(paused);
    timed.addAll(steady);
    if (burst != null && burst.timed()) {
      timed.add(burst);
    }
    for (Tick t : timed) {
      minRuns = Math.min(minRuns, t.runs);
      maxRuns = Math.max(maxRuns, t.runs);
    }
    long steadyAdmitted = steady.stream().mapToLong(t -> t.admitted).sum();
    JsonArray each = new JsonArray();
    steady.forEach(t -> each.add(new JsonObject().put("admitted", t.admitted).put("millis", t.millis)));
    return new JsonObject()
        .put("scenario", "tick")
        .put("event", event)
        .put("waiting", waiting)
        .put("admitPerMinute", admitPerMinute)
        .put("source", "foyer_redis_script_seconds{script=\"admit\"} on /metrics, read after each progress message")
        .put("events", events)
        .put("admitRunsPerTick", new JsonObject().put("min", timed.isEmpty() ? null : minRuns).put("max", maxRuns))
        .put("isolated", !timed.isEmpty() && maxRuns == 1)
        .put("tickIntervalMillis", median(steady.stream().mapToLong(t -> t.intervalMillis).toArray()))
        .put("pausedTicks", paused.size())
        .put("pausedTickMillis", summary(paused))
        .put("steadyTicks", steady.size())
        .put("steadyAdmitted", steadyAdmitted)
        .put("admittedPerSteadyTick", new JsonObject()
            .put("min", steady.stream().mapToLong(t -> t.admitted).min().orElse(0))
            .put("max", steady.stream().mapToLong(t -> t.admitted).max().orElse(0))
            .put("mean", steady.isEmpty() ? 0 : (double) steadyAdmitted / steady.size()))
        .put("steadyTickMillis", summary(steady))
        .put("steadyTicksEach", each)
        .put("burstTick", new JsonObject()
            .put("waitingBefore", burst.waitingBefore)
            .put("admittedBefore", burst.admittedTotal - burst.admitted)
            .put("admitted", burst.admitted)
            .put("millis", burst.millis)
            .put("runs", burst.runs))
        .put("skippedTicks", skipped)
        .put("unusedTicks", ignored);
  }

  private static JsonObject summary(List<Tick> ticks) {
    Latencies l = new Latencies();
    ticks.forEach(t -> l.add(Math.round(t.millis * 1000)));
    return l.summaryMillis();
  }

  private static long median(long[] values) {
    if (values.length == 0) {
      return 0;
    }
    java.util.Arrays.sort(values);
    return values[values.length / 2];
  }

  private void joinAll() throws Exception {
    int batch = 200;
    for (int from = 0; from < waiting; from += batch) {
      List<Future<Integer>> joins = new ArrayList<>();
      for (int i = from; i < Math.min(waiting, from + batch); i++) {
        joins.add(http.request(HttpMethod.POST, "/api/events/" + event + "/visitors")
            .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode()))));
      }
      Future.all(joins).await(60, TimeUnit.SECONDS);
      for (Future<Integer> j : joins) {
        if (j.result() != 201) {
          throw new IllegalStateException("a join answered " + j.result() + ", not 201");
        }
      }
    }
  }

  private void onFrame(Buffer data) {
    JsonObject frame = new JsonObject(data);
    JsonObject body = frame.getJsonObject("body");
    if (!"rec".equals(frame.getString("type")) || body == null || !"progress".equals(body.getString("type"))) {
      if ("err".equals(frame.getString("type"))) {
        done.tryFail("the bridge refused: " + frame.encode());
      }
      return;
    }
    lastFrameAt = System.currentTimeMillis();
    scrapes.progress(body);
  }

  private void handle(Tick t) {
    if (t.timed() && t.runs == 0) {
      done.tryFail("the node at port " + port + " did not run the admission script of " + event
          + " in a tick: another node of the cluster ticks it; point --port at that node");
      return;
    }
    switch (phase) {
      case FILLING -> {
        if (t.waitingAfter == waiting) {
          phase = Phase.PAUSED;
        }
      }
      case PAUSED -> {
        if (t.admitted != 0) {
          done.tryFail("the paused event admitted " + t.admitted);
        } else if (!t.timed()) {
          skipped++;
        } else {
          paused.add(t);
          if (paused.size() == pausedWanted) {
            phase = Phase.RESUMING;
            settings(new JsonObject().put("paused", false));
          }
        }
      }
      case RESUMING -> {
        if (t.admitted > 0) {
          phase = Phase.STEADY;
          steady(t);
        } else {
          ignored++; // the resume had not reached the ticking node yet
        }
      }
      case STEADY -> steady(t);
      case BURST -> {
        if (t.admitPerMinute == 0) {
          burst = t;
          phase = Phase.DONE;
          settings(new JsonObject().put("paused", true)).onSuccess(v -> done.tryComplete());
        } else {
          ignored++; // still at the rate cap: the change had not reached the ticking node yet
        }
      }
      case DONE -> ignored++;
    }
  }

  private void steady(Tick t) {
    if (!t.timed()) {
      skipped++;
    } else {
      steady.add(t);
    }
    if (steady.size() == steadyWanted || t.waitingAfter == 0) {
      phase = Phase.BURST;
      settings(new JsonObject().put("admitPerMinute", 0));
    }
  }

  private Future<Void> settings(JsonObject change) {
    return admin.settings(event, change)
        .<Void>mapEmpty()
        .onFailure(done::tryFail);
  }
}
