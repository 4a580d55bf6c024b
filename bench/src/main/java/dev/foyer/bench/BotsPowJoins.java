package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bots}, what verifying proof of work costs the node: joins back to back at
 * {@code concurrency}, on an event without proof of work and one asking for it at
 * {@code powDifficulty}, two rounds taking turns; the solutions are found before the joins start,
 * so what differs is the node checking a solution (HMAC, the expiry, one SET NX).
 */
final class BotsPowJoins {

  private final BotsCalls calls;

  BotsPowJoins(BotsCalls calls) {
    this.calls = calls;
  }

  JsonObject run(BotsOptions o) throws Exception {
    JsonObject limitsOff = new JsonObject().put("joinsPerAddress", 0).put("joinsPerNetwork", 0);
    String off = calls.event("pow-off", new JsonObject().put("gate", "on").put("paused", true).put("limits", limitsOff), 1, 1);
    String on = calls.event("pow-on", new JsonObject().put("gate", "on").put("paused", true).put("limits", limitsOff)
        .put("pow", new JsonObject().put("mode", "fixed").put("difficulty", o.powDifficulty()).put("expireSeconds", 3600)), 1, 1);
    int warm = Math.max(1, o.powJoins() / 10);
    long fetchStart = System.nanoTime();
    List<JsonObject> challenges = calls.challenges(on, o.powJoins() + warm, o.concurrency());
    double fetchSeconds = (System.nanoTime() - fetchStart) / 1e9;
    long solveStart = System.nanoTime();
    List<String> solutions = new ArrayList<>();
    for (JsonObject c : challenges) {
      solutions.add(AltchaSolver.payload(c, AltchaSolver.solve(c)));
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
            .put("joinsPerSecond", Figures.ratio(onPhase.getDouble("joinsPerSecond"), offPhase.getDouble("joinsPerSecond")))
            .put("p50", Figures.ratio(onLatency.summaryMillis().getDouble("p50"), offLatency.summaryMillis().getDouble("p50")))
            .put("p99", Figures.ratio(onLatency.summaryMillis().getDouble("p99"), offLatency.summaryMillis().getDouble("p99")))
            .put("serverCpuPerJoin", Figures.ratio(onPhase.getDouble("serverCpuMicrosPerJoin"),
                offPhase.getDouble("serverCpuMicrosPerJoin"))));
  }

  /** {@code count} joins from loopback, {@code concurrency} at a time; adds to the phase's counts. */
  private void joinsBackToBack(String event, List<String> solutions, int count, int concurrency, Latencies latency,
                               JsonObject phase) throws Exception {
    AtomicInteger next = new AtomicInteger();
    StatusCounts status = new StatusCounts();
    HttpClient joinsHttp = calls.client(concurrency);
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
        .put("joined", phase.getLong("joined", 0L) + status.get(201));
    JsonObject byStatus = phase.getJsonObject("byStatus", new JsonObject());
    status.toJson().forEach(e -> byStatus.put(e.getKey(), byStatus.getLong(e.getKey(), 0L) + ((Number) e.getValue()).longValue()));
    phase.put("byStatus", byStatus);
  }

  private void joinLoop(HttpClient client, String event, List<String> solutions, int count, AtomicInteger next,
                        StatusCounts status, Latencies latency, Promise<Void> done) {
    int i = next.getAndIncrement();
    if (i >= count) {
      done.complete();
      return;
    }
    long t0 = System.nanoTime();
    calls.join(client, event, null, solutions == null ? null : solutions.get(i)).onComplete(ar -> {
      latency.add((System.nanoTime() - t0) / 1000);
      status.add(ar.succeeded() ? ar.result().getInteger("status") : -1);
      joinLoop(client, event, solutions, count, next, status, latency, done);
    });
  }
}
