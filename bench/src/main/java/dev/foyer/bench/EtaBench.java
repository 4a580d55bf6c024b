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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
    volatile boolean done;
    WebSocket socket;
    long pingTimer = -1;

    Visitor(String id, String token) {
      this.id = id;
      this.token = token;
    }
  }

  private final Vertx vertx;
  private final int port;
  private final String adminKey;
  private final Random random = new Random();
  /** A run's leaves that failed even after their retries: each keeps a slot for activeSeconds. */
  private final AtomicLong leaveErrors = new AtomicLong();
  /** Requests answered 503 (or not at all) and tried again, as a page would. */
  private final AtomicLong retries = new AtomicLong();
  /** Sockets the server closed before their visitor's admission, reconnected. */
  private final AtomicLong reconnects = new AtomicLong();
  /** Admitted visitors of the run, and the moment all of them are. */
  private AtomicInteger waitingForAdmission;
  private Promise<Void> allAdmitted;

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
    leaveErrors.set(0);
    retries.set(0);
    reconnects.set(0);
    waitingForAdmission = new AtomicInteger(count);
    allAdmitted = Promise.promise();
    List<Visitor> all = new ArrayList<>();
    for (int from = 0; from < count; from += 100) {
      List<Future<Visitor>> joins = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + 100); i++) {
        joins.add(join(http, event, java.util.UUID.randomUUID().toString(), 5));
      }
      // the awaits are bounds for a run that makes no progress, far past what a loaded machine takes
      Future.all(joins).await(180, TimeUnit.SECONDS);
      joins.forEach(f -> all.add(f.result()));
    }
    List<Future<Void>> registered = new ArrayList<>();
    for (Visitor v : all) {
      registered.add(connect(ws, http, event, v, dwellMin, dwellMax));
    }
    Future.all(registered).await(180, TimeUnit.SECONDS);
    long start = System.currentTimeMillis();
    // the opening: everyone is in line and the empty slots fill at the first tick
    admin(http, event, seats, new JsonObject().put("paused", false)).await(60, TimeUnit.SECONDS);
    all.forEach(v -> scheduleLook(v, lookEverySeconds));
    long bound = (long) (count * (dwellMin + dwellMax) / 2.0 / maxActive * 3 + 60) * 1000;
    try {
      allAdmitted.future().await(bound, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // reported in the run's figures: admitted below the visitors, with the leaves that failed
    }
    long admitted = all.stream().filter(v -> v.admittedAt > 0).count();
    double seconds = (System.currentTimeMillis() - start) / 1000.0;
    all.forEach(v -> {
      v.done = true;
      vertx.cancelTimer(v.pingTimer);
      if (v.socket != null) {
        v.socket.close();
      }
    });
    admin(http, event, seats, new JsonObject().put("paused", true)).await(60, TimeUnit.SECONDS);
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
        .put("leaveErrors", leaveErrors.get())
        .put("retries", retries.get())
        .put("reconnects", reconnects.get())
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

  /**
   * A new visitor's join, with one Idempotency-Key across its retries (as the waiting page does):
   * a 503, or no answer, is tried again a second later, so a slow store costs time, not the run.
   */
  private Future<Visitor> join(HttpClient http, String event, String key, int triesLeft) {
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/events/" + event + "/visitors")
            .putHeader("Idempotency-Key", key))
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() != 201) {
            throw new IllegalStateException("a join answered " + resp.statusCode() + ": " + b);
          }
          JsonObject j = new JsonObject(b);
          return new Visitor(j.getString("visitor"), j.getString("token"));
        })))
        .recover(err -> {
          if (triesLeft <= 1 || !retryable(err)) {
            return Future.failedFuture(err);
          }
          retries.incrementAndGet();
          return later(1000).compose(x -> join(http, event, key, triesLeft - 1));
        });
  }

  /** A 503 or a lost connection is worth another try; any other answer is the harness's mistake. */
  private static boolean retryable(Throwable err) {
    String message = String.valueOf(err.getMessage());
    return !(err instanceof IllegalStateException) || message.contains(" 503:");
  }

  private Future<Void> later(long millis) {
    Promise<Void> done = Promise.promise();
    vertx.setTimer(millis, id -> done.complete());
    return done.future();
  }

  /**
   * The visitor's socket: registered once the server's first frame for the visitor's own address
   * comes (its place, or its admission); an err frame fails the registration with the server's
   * reason. A socket the server closes before the admission is opened again, as the page does.
   */
  private Future<Void> connect(WebSocketClient ws, HttpClient http, String event, Visitor v, int dwellMin, int dwellMax) {
    Promise<Void> registered = Promise.promise();
    open(ws, http, event, v, dwellMin, dwellMax, registered, 3).onFailure(registered::tryFail);
    if (v.pingTimer < 0) {
      // the pages ping every 20 s
      v.pingTimer = vertx.setPeriodic(20_000, id -> {
        WebSocket socket = v.socket;
        if (v.admittedAt != 0 || v.done) {
          vertx.cancelTimer(id);
        } else if (socket != null) {
          socket.writeTextMessage("{\"type\":\"ping\"}");
        }
      });
    }
    return registered.future();
  }

  private Future<Void> open(WebSocketClient ws, HttpClient http, String event, Visitor v, int dwellMin, int dwellMax,
                            Promise<Void> registered, int reconnectsLeft) {
    String address = "foyer.visitor." + v.id;
    return ws.connect(new WebSocketConnectOptions().setURI("/eventbus/websocket")).compose(socket -> {
      v.socket = socket;
      socket.handler(data -> onFrame(http, event, v, address, data, registered, dwellMin, dwellMax));
      socket.closeHandler(x -> {
        if (v.admittedAt != 0 || v.done) {
          return;
        }
        if (reconnectsLeft > 0) {
          reconnects.incrementAndGet();
          open(ws, http, event, v, dwellMin, dwellMax, registered, reconnectsLeft - 1)
              .onFailure(registered::tryFail);
        } else {
          registered.tryFail("the server closed visitor " + v.id + "'s socket four times");
        }
      });
      return socket.writeTextMessage(new JsonObject().put("type", "register").put("address", address)
          .put("headers", new JsonObject().put("token", v.token)).encode());
    });
  }

  private void onFrame(HttpClient http, String event, Visitor v, String address, Buffer data, Promise<Void> registered,
                       int dwellMin, int dwellMax) {
    long now = System.currentTimeMillis();
    JsonObject frame = new JsonObject(data);
    JsonObject body = frame.getJsonObject("body");
    if ("err".equals(frame.getString("type"))) {
      registered.tryFail("the bridge refused visitor " + v.id + ": " + frame.encode());
      return;
    }
    if (!"rec".equals(frame.getString("type")) || body == null || !address.equals(frame.getString("address"))) {
      return;
    }
    registered.tryComplete();
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
          if (waitingForAdmission.decrementAndGet() == 0) {
            allAdmitted.tryComplete();
          }
          long dwell = (dwellMin * 1000L) + (long) (random.nextDouble() * (dwellMax - dwellMin) * 1000);
          vertx.setTimer(dwell, id -> leave(http, event, v, 5));
        }
      }
      default -> { }
    }
  }

  /**
   * The visitor leaves after its dwell and frees its slot for the next in line. A leave that fails
   * would keep the slot for activeSeconds (600 s) and stall the line, so it is tried again (a
   * leave is idempotent: 204 again) and one that never goes through is counted in the run.
   */
  private void leave(HttpClient http, String event, Visitor v, int triesLeft) {
    if (v.done) {
      // the run is over (every visitor admitted) and its client closed: the last dwells need no end
      return;
    }
    http.request(new RequestOptions().setMethod(HttpMethod.DELETE).setURI("/api/events/" + event + "/visitors/me")
            .putHeader("Authorization", "Bearer " + v.token))
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() != 204) {
            throw new IllegalStateException("a leave answered " + resp.statusCode() + ": " + b);
          }
          return b;
        })))
        .onFailure(err -> {
          if (v.done) {
            return;
          }
          if (triesLeft > 1 && retryable(err)) {
            retries.incrementAndGet();
            vertx.setTimer(1000, id -> leave(http, event, v, triesLeft - 1));
          } else {
            leaveErrors.incrementAndGet();
            System.err.println("eta: visitor " + v.id + " could not leave: " + err.getMessage());
          }
        });
  }

  private Future<JsonObject> admin(HttpClient http, String event, JsonObject seats, JsonObject settings) {
    JsonObject body = new JsonObject().put("name", "ETA benchmark").put("seats", seats).put("settings", settings);
    return Api.admin(http, adminKey, HttpMethod.PUT, "/api/admin/events/" + event, body);
  }
}
