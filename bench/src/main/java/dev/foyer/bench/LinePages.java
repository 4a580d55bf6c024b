package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
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
 * The waiting pages of one {@code line} phase: visitors on the bridge (their own address only, as
 * foyer-client.js) or polling {@code GET .../visitors/me}, joining and leaving during the run, and
 * the samples that set what a page shows against what the server says. Counts what reached them.
 */
final class LinePages {

  private final Vertx vertx;
  private final HttpClient http;
  private final String event;
  private final int activeSeconds;
  private final int rankPushMillis;
  private final WebSocketClient ws;
  private final List<LineClient> clients = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> notices = new ConcurrentHashMap<>();
  private final Latencies noticeLatency = new Latencies();
  private final DisplayedError displayed;
  private final AtomicLong rankFrames = new AtomicLong();
  private final AtomicLong polls = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong joinsDuringRun = new AtomicLong();
  private final AtomicLong departures = new AtomicLong();
  private volatile boolean measuring;
  private volatile boolean running = true;

  LinePages(Vertx vertx, int port, HttpClient http, String event, LineBench.Script s) {
    this.vertx = vertx;
    this.http = http;
    this.event = event;
    this.activeSeconds = s.activeSeconds();
    this.rankPushMillis = s.rankPushMillis();
    this.displayed = new DisplayedError(s.admitPerMinute());
    this.ws = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(20_000).setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  List<LineClient> joinAll(int n) throws Exception {
    List<LineClient> out = new ArrayList<>(n);
    for (int from = 0; from < n; from += 200) {
      List<Future<LineClient>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + 200); i++) {
        batch.add(join());
      }
      Future.all(batch).await(60, TimeUnit.SECONDS);
      batch.forEach(f -> out.add(f.result()));
    }
    return out;
  }

  /** On the bridge, 200 at a time; the pages ping every 20 s. */
  void connectAll(List<LineClient> joined) throws Exception {
    for (int from = 0; from < joined.size(); from += 200) {
      List<Future<Void>> batch = new ArrayList<>();
      for (LineClient c : joined.subList(from, Math.min(joined.size(), from + 200))) {
        batch.add(connect(c));
      }
      Future.all(batch).await(60, TimeUnit.SECONDS);
    }
    vertx.setPeriodic(20_000, id -> {
      if (running) {
        clients.forEach(c -> {
          if (c.socket != null && !c.isDone()) {
            c.socket.writeTextMessage("{\"type\":\"ping\"}");
          }
        });
      }
    });
  }

  /** Each polls every rankPushMillis from a random first moment. */
  void pollAll(List<LineClient> joined) {
    joined.forEach(c -> vertx.setTimer(1 + (long) (Math.random() * rankPushMillis), id -> pollLoop(c)));
  }

  /** From now on rank frames and polls count. */
  void measure() {
    rankFrames.set(0);
    measuring = true;
  }

  void stopMeasuring() {
    measuring = false;
  }

  void close() {
    running = false;
    for (LineClient c : clients) {
      if (c.socket != null) {
        c.socket.close();
      }
    }
    ws.close();
  }

  /** Visitors still waiting (not admitted, gone or left). */
  long waiting() {
    return clients.stream().filter(c -> !c.isDone()).count();
  }

  /** One more visitor joins, and listens or polls as the others. */
  void joinDuringRun(boolean poll) {
    join().onSuccess(c -> {
      joinsDuringRun.incrementAndGet();
      if (poll) {
        pollLoop(c);
      } else {
        connect(c);
      }
    }).onFailure(e -> errors.incrementAndGet());
  }

  /** A random visitor far from the front leaves (so it is never one being admitted at that moment). */
  void leaveOne() {
    for (int attempt = 0; attempt < 20 && !clients.isEmpty(); attempt++) {
      LineClient c = clients.get(ThreadLocalRandom.current().nextInt(clients.size()));
      if (!c.isDone() && c.shown(System.currentTimeMillis()) > 300 && c.finish()) {
        departures.incrementAndGet();
        if (c.socket != null) {
          c.socket.close();
        }
        Api.call(http, HttpMethod.DELETE, "/api/events/" + event + "/visitors/me", "Bearer " + c.token, null)
            .onFailure(e -> errors.incrementAndGet());
        return;
      }
    }
  }

  /** A random waiting visitor asks the server its position; what its page shows then is set against it. */
  void sample() {
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

  int noticesReceived() {
    return notices.size();
  }

  long duplicateNotices() {
    return notices.values().stream().filter(n -> n > 1).count();
  }

  Latencies noticeLatency() {
    return noticeLatency;
  }

  DisplayedError displayed() {
    return displayed;
  }

  long rankFrames() {
    return rankFrames.get();
  }

  long polls() {
    return polls.get();
  }

  long errors() {
    return errors.get();
  }

  long joinsDuringRun() {
    return joinsDuringRun.get();
  }

  long departures() {
    return departures.get();
  }

  private Future<JsonObject> me(LineClient c) {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/events/" + event + "/visitors/me")
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
        }
        JsonObject status = ar.result();
        switch (String.valueOf(status.getString("state"))) {
          case "waiting" -> c.rank(status.getLong("position"), 0, 1, now);
          case "active" -> admitted(c, status.getLong("activeUntil"), now);
          default -> c.finish();
        }
      }
      vertx.setTimer(rankPushMillis, id -> pollLoop(c));
    });
  }

  private Future<Void> connect(LineClient c) {
    Promise<Void> registered = Promise.promise();
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

  private void admitted(LineClient c, long activeUntil, long now) {
    c.finish();
    if (notices.merge(c.id, 1, Integer::sum) == 1) {
      noticeLatency.add(Math.max(0, now - (activeUntil - activeSeconds * 1000L)) * 1000);
    }
  }

  private Future<LineClient> join() {
    return http.request(HttpMethod.POST, "/api/events/" + event + "/visitors")
        .compose(req -> req.send().compose(resp -> resp.body()))
        .map(b -> {
          JsonObject j = new JsonObject(b);
          LineClient c = new LineClient(j.getString("visitor"), j.getString("token"));
          clients.add(c);
          return c;
        });
  }
}
