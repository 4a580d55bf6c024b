package dev.foyer.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * {@code bots}: what the defences against bots (issue 14: limits per client, proof of work) do on a
 * running node. Clients other than the harness are played through {@code X-Forwarded-For} from
 * 198.18.0.0/15 (the benchmarking range), so the node must trust loopback as its proxy and must not
 * exempt that range from the limits; the harness checks both before it starts. The phases, in this
 * order: {@link BotsLimits} (a bot address among fans), {@link BotsHoarder} (with the limits and
 * without), {@link BotsPowSolve} (what a bot pays per place) and {@link BotsPowJoins} (what checking
 * a solution costs the node). This class puts their figures together and prints them.
 */
final class BotsBench {

  private final BotsCalls calls;

  BotsBench(Vertx vertx, int port, String adminKey) {
    this.calls = new BotsCalls(vertx, port, adminKey);
  }

  JsonObject run(BotsOptions o) throws Exception {
    double loadBefore = loadAverage();
    BotsLimits limits = new BotsLimits(calls);
    limits.checkForwardedAddressesAreLimited();
    JsonObject limitsFigures = limits.run(o);
    BotsHoarder hoarder = new BotsHoarder(calls);
    JsonObject hoarderFigures = new JsonObject().put("limits", hoarder.run(o, true)).put("limitsOff", hoarder.run(o, false));
    JsonObject pow = new JsonObject().put("solve", new BotsPowSolve(calls).run(o))
        .put("throughput", new BotsPowJoins(calls).run(o));
    return new JsonObject().put("scenario", "bots").put("events", calls.prefix() + "-*").put("limits", limitsFigures)
        .put("hoarder", hoarderFigures).put("pow", pow).put("stalledRequests", calls.stalled())
        .put("stalledRequestsBy", calls.stalledBy()).put("loadAverageBefore", loadBefore)
        .put("loadAverageAfter", loadAverage());
  }

  private static double loadAverage() {
    try {
      return Double.parseDouble(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (Exception e) {
      return -1;
    }
  }

  /** The compact table a person reads, one line each. */
  static String table(JsonObject r) {
    StringBuilder t = new StringBuilder();
    JsonObject l = r.getJsonObject("limits");
    JsonObject bot = l.getJsonObject("with").getJsonObject("bot");
    JsonObject fa = l.getJsonObject("without").getJsonObject("fans");
    JsonObject fb = l.getJsonObject("with").getJsonObject("fans");
    t.append(String.format("limits per client (%s): bot %s joins from one address: %d joined, %d refused 429 (%s/s)%n",
        l.getJsonObject("settings").encode(), bot.getInteger("joins"), bot.getLong("joined"), bot.getLong("refused429"),
        bot.getValue("joinsPerSecond")));
    t.append(String.format("  fans (%d addresses): %-28s %-28s%n", l.getInteger("fans"), "without bot", "with bot"));
    t.append(String.format("    answers            %-28s %-28s%n", fa.getJsonObject("byStatus").encode(),
        fb.getJsonObject("byStatus").encode()));
    t.append(String.format("    join p50 / p99 ms  %-28s %-28s x%s / x%s%n",
        fa.getJsonObject("latencyMillis").getValue("p50") + " / " + fa.getJsonObject("latencyMillis").getValue("p99"),
        fb.getJsonObject("latencyMillis").getValue("p50") + " / " + fb.getJsonObject("latencyMillis").getValue("p99"),
        l.getJsonObject("fanLatencyWithOverWithout").getValue("p50"),
        l.getJsonObject("fanLatencyWithOverWithout").getValue("p99")));
    for (String k : List.of("limits", "limitsOff")) {
      JsonObject h = r.getJsonObject("hoarder").getJsonObject(k);
      t.append(String.format("hoarder, %-9s: %d joins -> %d joined (%d refused 429); %d holds of 4 -> %d made (%d refused"
              + " 429); %d of %d seats held (%.1f %%)%n", k.equals("limits") ? "limits" : "no limits", h.getInteger("joins"),
          h.getInteger("joined"), h.getLong("joinsRefused429"), h.getInteger("holds"), h.getLong("held201"),
          h.getLong("holdsRefused429"), h.getLong("seatsHeld"), h.getInteger("house"), h.getDouble("shareOfHouse") * 100));
    }
    t.append("proof of work, one Java thread:  difficulty | challenges | mean ms | p90 ms | hashes/s\n");
    for (Object o : r.getJsonObject("pow").getJsonArray("solve")) {
      JsonObject s = (JsonObject) o;
      t.append(String.format("  %,10d | %5d | %8s | %8s | %,d%n", s.getLong("difficulty"), s.getInteger("challenges"),
          s.getValue("meanMillis"), s.getValue("p90Millis"), s.getLong("hashesPerSecond")));
    }
    JsonObject tp = r.getJsonObject("pow").getJsonObject("throughput");
    for (String k : List.of("off", "on")) {
      JsonObject p = tp.getJsonObject(k);
      t.append(String.format("joins back to back (%d at once), PoW %-12s %s joins/s, p50 %s / p99 %s ms, %s us server CPU"
              + " a join, answers %s%n", tp.getInteger("concurrency"), k.equals("on") ? "at " + p.getLong("difficulty") + ":"
              : "off:", p.getValue("joinsPerSecond"), p.getJsonObject("latencyMillis").getValue("p50"),
          p.getJsonObject("latencyMillis").getValue("p99"), p.getValue("serverCpuMicrosPerJoin"),
          p.getJsonObject("byStatus").encode()));
    }
    t.append(String.format("  on / off: joins/s x%s, p50 x%s, p99 x%s, CPU a join x%s; %d challenges fetched at %s/s,"
            + " solved beforehand in %s s%n", tp.getJsonObject("onOverOff").getValue("joinsPerSecond"),
        tp.getJsonObject("onOverOff").getValue("p50"), tp.getJsonObject("onOverOff").getValue("p99"),
        tp.getJsonObject("onOverOff").getValue("serverCpuPerJoin"), tp.getInteger("challengesFetched"),
        tp.getValue("challengesPerSecond"), tp.getValue("solveSecondsBeforehand")));
    t.append(String.format("load average %s before, %s after; %s requests left unanswered for %d s and sent again%n",
        r.getValue("loadAverageBefore"), r.getValue("loadAverageAfter"), r.getValue("stalledRequests"), BotsCalls.STALL_MILLIS / 1000));
    return t.toString();
  }

  static String summary(JsonObject r) {
    JsonObject l = r.getJsonObject("limits");
    JsonObject bot = l.getJsonObject("with").getJsonObject("bot");
    JsonObject h = r.getJsonObject("hoarder").getJsonObject("limits");
    JsonObject tp = r.getJsonObject("pow").getJsonObject("throughput");
    JsonArray solve = r.getJsonObject("pow").getJsonArray("solve");
    JsonObject last = solve.getJsonObject(solve.size() - 1);
    return String.format("bots: bot %d joined / %d refused of %d; fans %s with the bot, p99 x%s; hoarder %.1f %% of the"
            + " house (%.1f %% without limits); PoW %,d solved in %s ms mean by one thread; joins at PoW %d: x%s the"
            + " joins/s, x%s the CPU a join of PoW off", bot.getLong("joined"), bot.getLong("refused429"),
        bot.getInteger("joins"), l.getJsonObject("with").getJsonObject("fans").getJsonObject("byStatus").encode(),
        l.getJsonObject("fanLatencyWithOverWithout").getValue("p99"), h.getDouble("shareOfHouse") * 100,
        r.getJsonObject("hoarder").getJsonObject("limitsOff").getDouble("shareOfHouse") * 100, last.getLong("difficulty"),
        last.getValue("meanMillis"), tp.getJsonObject("on").getLong("difficulty"),
        tp.getJsonObject("onOverOff").getValue("joinsPerSecond"), tp.getJsonObject("onOverOff").getValue("serverCpuPerJoin"));
  }
}
