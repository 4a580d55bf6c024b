package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The seat page's traffic during a {@code wait} run: loops of admitted readers each holding 1 to 4
 * random seats of a one-section map (rows of 50) and releasing them, until the run ends. Every
 * seat-map listener gets each change.
 */
final class SeatChurn {

  private final Vertx vertx;
  private final HttpClient http;
  private final String event;
  private final int seats;
  /** The admitted readers' passes, filled as their notices come. */
  private final List<String> passes;
  private final AtomicLong holds = new AtomicLong();
  private final AtomicLong conflicts = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile String lastError;
  private volatile long until;

  SeatChurn(Vertx vertx, HttpClient http, String event, int seats, List<String> passes) {
    this.vertx = vertx;
    this.http = http;
    this.event = event;
    this.seats = seats;
    this.passes = passes;
  }

  /** {@code loops} loops until {@code until} (epoch ms). */
  void start(int loops, long until) {
    this.until = until;
    for (int i = 0; i < loops; i++) {
      loop();
    }
  }

  void stop() {
    until = 0;
  }

  /** Held and released, refused 409, other answers, and the last of those. */
  JsonObject toJson(double seconds) {
    return new JsonObject().put("holdsPerSecond", Math.round(holds.get() / seconds))
        .put("holdConflicts", conflicts.get()).put("holdErrors", errors.get()).put("lastHoldError", lastError);
  }

  private void loop() {
    if (System.currentTimeMillis() >= until) {
      return;
    }
    String pass;
    synchronized (passes) {
      pass = passes.isEmpty() ? null : passes.get((int) (Math.random() * passes.size()));
    }
    if (pass == null) {
      vertx.setTimer(100, id -> loop());
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
                errors.incrementAndGet();
                lastError = resp.statusCode() + " " + b;
              }
              return null;
            })))
        .compose(holdId -> holdId == null ? Future.<Void>succeededFuture()
            : http.request(new RequestOptions().setMethod(HttpMethod.DELETE)
                    .setURI("/api/events/" + event + "/holds/" + holdId).putHeader("Authorization", "Bearer " + pass))
                .compose(req -> req.send().compose(resp -> resp.body()))
                .map(b -> {
                  holds.incrementAndGet();
                  return null;
                }))
        .onComplete(ar -> loop());
  }
}
