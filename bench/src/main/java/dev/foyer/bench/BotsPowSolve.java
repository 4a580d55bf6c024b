package dev.foyer.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bots}, what proof of work costs a bot: per difficulty step, the time one Java thread takes
 * to solve the node's challenges one after the other, until the count or the time is up.
 */
final class BotsPowSolve {

  private final BotsCalls calls;

  BotsPowSolve(BotsCalls calls) {
    this.calls = calls;
  }

  JsonArray run(BotsOptions o) throws Exception {
    String event = calls.event("pow-steps", new JsonObject().put("gate", "on").put("paused", true)
        .put("pow", new JsonObject().put("mode", "fixed").put("difficulty", o.steps().get(0)))
        .put("limits", new JsonObject().put("joinsPerAddress", 0).put("joinsPerNetwork", 0)), 1, 1);
    AltchaSolver.warm();
    JsonArray out = new JsonArray();
    for (long step : o.steps()) {
      calls.admin().settings(event, new JsonObject().put("pow", new JsonObject().put("mode", "fixed")
          .put("difficulty", step))).await(60, TimeUnit.SECONDS);
      out.add(step(event, step, o));
    }
    return out;
  }

  private JsonObject step(String event, long step, BotsOptions o) throws Exception {
    Latencies solve = new Latencies();
    long hashes = 0;
    long solveNanos = 0;
    long deadline = System.nanoTime() + (long) (o.solveSeconds() * 1e9);
    while (solve.count() < o.challenges() && (System.nanoTime() < deadline || solve.count() < 3)) {
      List<JsonObject> batch = calls.challenges(event, Math.min(20, o.challenges() - solve.count()), 8);
      for (JsonObject c : batch) {
        if (c.getLong("maxnumber") != step) {
          throw new IllegalStateException("the node still hands out challenges of " + c.getLong("maxnumber")
              + " after the event was set to " + step);
        }
        long t0 = System.nanoTime();
        long number = AltchaSolver.solve(c);
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
    return new JsonObject().put("difficulty", step).put("challenges", solve.count())
        .put("meanMillis", Math.round(solveNanos / 1e3 / solve.count()) / 1000.0).put("p50Millis", ms.getValue("p50"))
        .put("p90Millis", ms.getValue("p90")).put("maxMillis", ms.getValue("max"))
        .put("hashesPerSecond", Math.round(hashes / (solveNanos / 1e9)));
  }
}
