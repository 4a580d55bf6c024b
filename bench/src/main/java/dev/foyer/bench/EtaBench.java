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
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * How honest the shown ETA is in a capacity-bound sale: {@code maxActive} slots, every admitted
 * visitor leaving after a random dwell of {@code dwellMin..dwellMax} seconds, {@code visitors}
 * joined at once and let in by the opening (the fill of the empty slots first). Each waiting
 * visitor listens on the bridge and looks at the ETA it was last sent at random moments (a Poisson
 * process, {@code lookEverySeconds} apart on average); once admitted, each look is compared with
 * the time it really took from the frame the visitor was looking at to the admission notice.
 * Repeated {@code runs} times, each on a fresh event; per run the median and p90 relative error.
 */
final class EtaBench {

  /** One look at the page: when the frame shown arrived, what it said, and the visitor's admission. */
  private record Look(long frameAt, Long etaSeconds, String status) {
  }

  private static final class Visitor {
    final String id;
    final String token;
    final List<Look> looks = new ArrayList<>();
    volatile long frameAt;
    volatile Long etaSeconds;
    volatile String status;
    volatile long admittedAt;
    WebSocket socket;

    Visitor(String id, String token) {
      this.id = id;
      this.token = token;
    }
  }

  private final Vertx vertx;
  private final int port;
  private final String adminKey;
  private final Random random = new Random();

  EtaBench(Vertx vertx, int port, String adminKey) {
    this.vertx = vertx;
    this.port = port;
    this.adminKey = adminKey;
  }

  JsonObject run(int runs, int visitors, int maxActive, int dwellMin, int dwellMax, int lookEverySeconds,
                 int rankPushMillis) throws Exception {
    if (runs > 20 || visitors > 5000 || maxActive > visitors || dwellMin < 1 || dwellMax < dwellMin || dwellMax > 120) {
      throw new IllegalArgumentException("bounded: at most 20 runs of 5,000 visitors, maxActive below the visitors,"
          + " dwell 1..120 s");
    }
    JsonArray results = new JsonArray();
    boolean met = true;
    for (int i = 0; i < runs; i++) {
      JsonObject one = once(i + 1, visitors, maxActive, dwellMin, dwellMax, lookEverySeconds, rankPushMillis);
      results.add(one);
      Double median = one.getJsonObject("relativeError").getDouble("p50");
      met &= median != null && median <= 0.20;
      System.out.println("run " + (i + 1) + ": " + one.getJsonObject("relativeError").encode() + ", "
          + one.getLong("looks") + " looks, " + one.getLong("measuringLooks") + " while measuring");
    }
    return new JsonObject()
        .put("scenario", "eta")
        .put("visitors", visitors)
        .put("maxActive", maxActive)
        .put("dwellSeconds", dwellMin + ".." + dwellMax)
        .put("lookEverySeconds", lookEverySeconds)
        .put("rankPushMillis", rankPushMillis)
        .put("runs", results)
        .put("targetMedianError", 0.20)
        .put("metInEveryRun", met);
  }

  private JsonObject once(int n, int count, int maxActive, int dwellMin, int dwellMax, int lookEverySeconds,
                          int rankPushMillis) throws Exception {
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(-1));
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(count + 10)
        .setDefaultHost("127.0.0.1").setDefaultPort(port));
    String event = "bench-eta-" + System.currentTimeMillis() % 1_000_000 + "-" + n;
    JsonObject seats = new JsonObject().put("sections", new JsonArray().add(new JsonObject().put("name", "A")
        .put("rows", 1).put("seatsPerRow", 1)));
    JsonObject settings = new JsonObject().put("paused", true).put("gate", "on").put("maxActive", maxActive)
        .put("admitPerMinute", 0).put("activeSeconds", 600).put("graceSeconds", 120)
        .put("rankPushMillis", rankPushMillis)
        // a capacity-bound sale: with stock pacing a one-seat house would let one visitor in at a time
        .put("stockPacing", false);
    admin(http, event, seats, settings).await(30, TimeUnit.SECONDS);
    List<Visitor> all = new ArrayList<>();
    Api.joinAll(http, event, count, 100).forEach(j -> all.add(new Visitor(j.visitor(), j.token())));
    List<Future<Void>> registered = new ArrayList<>();
    for (Visitor v : all) {
      registered.add(connect(ws, http, event, v, dwellMin, dwellMax));
    }
    Future.all(registered).await(60, TimeUnit.SECONDS);
    long start = System.currentTimeMillis();
    // the opening: everyone is in line and the empty slots fill at the first tick
    admin(http, event, seats, new JsonObject().put("paused", false)).await(30, TimeUnit.SECONDS);
    all.forEach(v -> scheduleLook(v, lookEverySeconds));
    long deadline = start + (long) (count * (dwellMin + dwellMax) / 2.0 / maxActive * 3 + 60) * 1000;
    while (all.stream().anyMatch(v -> v.admittedAt == 0) && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
    }
    long admitted = all.stream().filter(v -> v.admittedAt > 0).count();
    double seconds = (System.currentTimeMillis() - start) / 1000.0;
    all.forEach(v -> {
      if (v.socket != null) {
        v.socket.close();
      }
    });
    admin(http, event, seats, new JsonObject().put("paused", true)).await(30, TimeUnit.SECONDS);
    ws.close();
    http.close();

    List<Double> errors = new ArrayList<>();
    List<Double> errorsPast10s = new ArrayList<>();
    List<Double> signed = new ArrayList<>();
    List<Double> errorsFirst20s = new ArrayList<>();
    List<Double> errorsAfter20s = new ArrayList<>();
    long measuring = 0;
    long looks = 0;
    long inRange = 0;
    for (Visitor v : all) {
      if (v.admittedAt == 0) {
        continue;
      }
      synchronized (v.looks) {
        for (Look look : v.looks) {
          looks++;
          double actual = (v.admittedAt - look.frameAt) / 1000.0;
          if (look.etaSeconds == null || actual <= 0) {
            measuring++;
            continue;
          }
          double error = Math.abs(look.etaSeconds - actual) / Math.max(actual, 1);
          errors.add(error);
          signed.add((look.etaSeconds - actual) / Math.max(actual, 1));
          (look.frameAt - start < 20_000 ? errorsFirst20s : errorsAfter20s).add(error);
          if (actual >= 10) {
            errorsPast10s.add(error);
          }
        }
      }
    }
    return new JsonObject()
        .put("run", n)
        .put("event", event)
        .put("admitted", admitted)
        .put("seconds", seconds)
        .put("looks", looks)
        .put("measuringLooks", measuring)
        .put("relativeError", summary(errors))
        .put("relativeErrorWhenTenSecondsOrMoreAway", summary(errorsPast10s))
        .put("relativeErrorOfFramesInTheFirst20s", summary(errorsFirst20s))
        .put("relativeErrorOfLaterFrames", summary(errorsAfter20s))
        // above 0: the ETA shown was longer than the wait
        .put("signedRelativeError", summary(signed));
  }

  private static JsonObject summary(List<Double> errors) {
    Collections.sort(errors);
    return new JsonObject().put("n", errors.size()).put("p50", quantile(errors, 0.5)).put("p90", quantile(errors, 0.9));
  }

  private static Double quantile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return null;
    }
    return Math.round(sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size()))) * 1000) / 1000.0;
  }

  private void scheduleLook(Visitor v, int every) {
    long delay = 1 + (long) (-Math.log(1 - random.nextDouble()) * every * 1000);
    vertx.setTimer(delay, id -> {
      if (v.admittedAt != 0) {
        return;
      }
      if (v.frameAt > 0) {
        synchronized (v.looks) {
          v.looks.add(new Look(v.frameAt, v.etaSeconds, v.status));
        }
      }
      scheduleLook(v, every);
    });
  }

  private Future<Void> connect(WebSocketClient ws, HttpClient http, String event, Visitor v, int dwellMin, int dwellMax) {
    Promise<Void> registered = Promise.promise();
    return ws.connect(new WebSocketConnectOptions().setURI("/eventbus/websocket")).compose(socket -> {
      v.socket = socket;
      socket.handler(data -> onFrame(http, event, v, data, registered, dwellMin, dwellMax));
      socket.writeTextMessage(Api.register(v.id, v.token));
      // the pages ping every 20 s
      vertx.setPeriodic(20_000, id -> {
        if (v.admittedAt == 0) {
          socket.writeTextMessage("{\"type\":\"ping\"}");
        } else {
          vertx.cancelTimer(id);
        }
      });
      return registered.future();
    });
  }

  private void onFrame(HttpClient http, String event, Visitor v, Buffer data, Promise<Void> registered, int dwellMin,
                       int dwellMax) {
    long now = System.currentTimeMillis();
    JsonObject frame = new JsonObject(data);
    registered.tryComplete();
    JsonObject body = frame.getJsonObject("body");
    if (!"rec".equals(frame.getString("type")) || body == null) {
      return;
    }
    switch (String.valueOf(body.getString("type"))) {
      case "rank" -> {
        v.etaSeconds = body.getLong("etaSeconds");
        JsonObject eta = body.getJsonObject("eta");
        v.status = eta == null ? null : eta.getString("status");
        v.frameAt = now;
      }
      case "admitted" -> {
        if (v.admittedAt == 0) {
          v.admittedAt = now;
          long dwell = (dwellMin * 1000L) + (long) (random.nextDouble() * (dwellMax - dwellMin) * 1000);
          vertx.setTimer(dwell, id -> http.request(new RequestOptions().setMethod(HttpMethod.DELETE)
                  .setURI("/api/events/" + event + "/visitors/me").putHeader("Authorization", "Bearer " + v.token))
              .compose(req -> req.send()));
        }
      }
      default -> { }
    }
  }

  private Future<JsonObject> admin(HttpClient http, String event, JsonObject seats, JsonObject settings) {
    JsonObject body = new JsonObject().put("name", "ETA benchmark").put("seats", seats).put("settings", settings);
    return Api.admin(http, adminKey, HttpMethod.PUT, "/api/admin/events/" + event, body);
  }
}
