package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bots}, limits per client: one bot address sends {@code botJoins} joins spread over
 * {@code seconds} while {@code fans} addresses (each on its own /24) join at a human pace, 15 times
 * each; the same fans alone first, on a fresh event, as the baseline of their join times.
 */
final class BotsLimits {

  static final String BOT = "198.18.0.1";
  static final String PROBE = "198.18.255.1";
  /** Each fan's joins in a phase: under the default 20 a minute, so a fan refused is the bot's doing. */
  static final int FAN_JOINS = 15;

  private final Vertx vertx;
  private final BotsCalls calls;

  BotsLimits(BotsCalls calls) {
    this.vertx = calls.vertx();
    this.calls = calls;
  }

  /** Fails early, in words, when the node does not read X-Forwarded-For from loopback or exempts the range. */
  void checkForwardedAddressesAreLimited() throws Exception {
    String event = calls.event("check", new JsonObject().put("gate", "on").put("paused", true)
        .put("limits", new JsonObject().put("joinsPerAddress", 1).put("joinsPerNetwork", 0)), 1, 1);
    int first = calls.join(null, event, PROBE, null).await(30, TimeUnit.SECONDS).getInteger("status");
    int second = calls.join(null, event, PROBE, null).await(30, TimeUnit.SECONDS).getInteger("status");
    if (first != 201 || second != 429) {
      throw new IllegalStateException("the node does not limit " + PROBE + " as a client (joins answered " + first
          + " then " + second + ", expected 201 then 429): start it with FOYER_TRUSTED_PROXIES=127.0.0.1 and a"
          + " FOYER_UNLIMITED_CLIENTS that does not cover 198.18.0.0/15");
    }
  }

  JsonObject run(BotsOptions o) throws Exception {
    JsonObject settings = new JsonObject().put("gate", "on").put("paused", true)
        .put("limits", new JsonObject().put("joinsPerAddress", 20).put("joinsPerNetwork", 200));
    fansPhase(calls.event("warmup", settings, 1, 1), o, Math.min(3, o.seconds()), 0);
    String without = calls.event("fans", settings, 1, 1);
    JsonObject alone = fansPhase(without, o, o.seconds(), 0);
    String with = calls.event("fans-bot", settings, 1, 1);
    JsonObject withBot = fansPhase(with, o, o.seconds(), o.botJoins());
    alone.put("waitingOnServer", calls.admin().stats(without).await(60, TimeUnit.SECONDS).getLong("waiting"));
    withBot.put("waitingOnServer", calls.admin().stats(with).await(60, TimeUnit.SECONDS).getLong("waiting"));
    JsonObject a = alone.getJsonObject("fans").getJsonObject("latencyMillis");
    JsonObject b = withBot.getJsonObject("fans").getJsonObject("latencyMillis");
    return new JsonObject().put("settings", settings.getJsonObject("limits")).put("fans", o.fans())
        .put("fanJoinsEach", FAN_JOINS).put("botAddress", BOT).put("botJoins", o.botJoins())
        .put("seconds", o.seconds()).put("without", alone).put("with", withBot)
        .put("fanLatencyWithOverWithout", new JsonObject()
            .put("p50", Figures.ratio(b.getDouble("p50"), a.getDouble("p50")))
            .put("p99", Figures.ratio(b.getDouble("p99"), a.getDouble("p99"))));
  }

  /**
   * The fans join {@value #FAN_JOINS} times each, evenly over the phase from a random offset; the
   * bot (when {@code botJoins} > 0) sends its joins at an even rate over the phase, at most 64
   * outstanding, ignoring Retry-After as a bot does.
   */
  private JsonObject fansPhase(String event, BotsOptions o, int seconds, int botJoins) throws Exception {
    // fans and bot on keep-alive clients of their own, so neither waits for the other's connections here
    HttpClient fansHttp = calls.client(o.fans() + 8);
    HttpClient botHttp = calls.client(64);
    Latencies fanLatency = new Latencies();
    StatusCounts fanStatus = new StatusCounts();
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
    JsonObject out = new JsonObject().put("event", event).put("seconds", (System.nanoTime() - start) / 1e9)
        .put("fans", new JsonObject().put("joins", fanLatency.count()).put("byStatus", fanStatus.toJson())
            .put("latencyMillis", fanLatency.summaryMillis()));
    return bot == null ? out : out.put("bot", bot);
  }

  private void fanJoins(HttpClient fansHttp, String event, String address, long delay, long interval, int left,
                        Latencies latency, StatusCounts status, Promise<Void> done) {
    if (left == 0) {
      done.complete();
      return;
    }
    vertx.setTimer(delay, t -> {
      long sent = System.nanoTime();
      calls.join(fansHttp, event, address, null).onComplete(ar -> {
        latency.add((System.nanoTime() - sent) / 1000);
        status.add(ar.succeeded() ? ar.result().getInteger("status") : -1);
        fanJoins(fansHttp, event, address, interval, interval, left - 1, latency, status, done);
      });
    });
  }

  /** Open loop at joins/seconds a second, capped at 64 outstanding; runs on past the phase until all are sent. */
  private JsonObject bot(HttpClient botHttp, String event, int joins, int seconds) throws Exception {
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger outstanding = new AtomicInteger();
    StatusCounts status = new StatusCounts();
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
        calls.join(botHttp, event, BOT, null).onComplete(ar -> {
          outstanding.decrementAndGet();
          latency.add((System.nanoTime() - t0) / 1000);
          status.add(ar.succeeded() ? ar.result().getInteger("status") : -1);
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
    return new JsonObject().put("joins", joins).put("joined", status.get(201)).put("refused429", status.get(429))
        .put("byStatus", status.toJson()).put("seconds", took).put("joinsPerSecond", Math.round(joins / took))
        .put("latencyMillis", latency.summaryMillis());
  }
}
