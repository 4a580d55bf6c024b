package dev.foyer.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code line}: push against polling at the same freshness on a realistic line, in one command:
 * two phases ({@code --phases push,poll}, or either alone), each on a fresh event with the same
 * script, first the visitors on the bridge (as foyer-client.js: their own address only), then the
 * same number polling {@code GET .../visitors/me} every rankPushMillis. The line: visitors join
 * during the run, random ones far from the front leave, admission is paused and resumed, and a
 * small house ({@code maxActive} over {@code activeSeconds} is below the rate cap) makes admission
 * capacity-bound: in lumps as seats free up, not at a steady rate.
 *
 * <p>What the page shows is computed as the page does ({@link ShownPosition}, from the last frame
 * and its local receipt time; a polling page shows its last answer). The truth is asked of the
 * server: {@code samples} times a second a random waiting visitor's {@code GET .../visitors/me}
 * (its own token), and the shown position at the moment the answer arrives is compared with it
 * ({@link DisplayedError}). Both phases sample alike, so both pay the same for it.
 *
 * <p>Spread: the visitors (their sockets or polls, and the joins, departures and samples during the
 * run) go over this process and {@code --processes} - 1 worker processes ({@link LineWorker}),
 * since one process may hold at most 20,000 open files, and round-robin over the nodes of one
 * cluster ({@code --ports}); the admin calls go to the first node. The visitors at the start join
 * from this process, visitor k on node k mod nodes, and are dealt to process k mod processes, so
 * every process has visitors all along the line. Each process's pages are {@link LinePages}; their raw
 * figures are merged by {@link LineTally}; the server side is read by {@link LineServers}. This
 * class runs the script and puts the figures together.
 */
final class LineBench {

  /** Bounds: the whole run, and one harness process (its open files: sockets, plus the request pools and the JVM's own). */
  static final int MAX_VISITORS = 60_000;
  static final int MAX_SOCKETS_PER_PROCESS = 19_500;

  /** The line's script, the same for every phase. */
  record Script(int visitors, int seconds, int admitPerMinute, int rankPushMillis, int maxActive, int activeSeconds,
                double joinsPerSecond, double leavesPerSecond, int samplesPerSecond, double pauseAt, double pauseFor) {

    JsonObject toJson() {
      return new JsonObject().put("visitors", visitors).put("seconds", seconds).put("admitPerMinute", admitPerMinute)
          .put("rankPushMillis", rankPushMillis).put("maxActive", maxActive).put("activeSeconds", activeSeconds)
          .put("joinsPerSecond", joinsPerSecond).put("leavesPerSecond", leavesPerSecond)
          .put("samplesPerSecond", samplesPerSecond).put("pauseAt", pauseAt).put("pauseFor", pauseFor);
    }

    static Script from(JsonObject j) {
      return new Script(j.getInteger("visitors"), j.getInteger("seconds"), j.getInteger("admitPerMinute"),
          j.getInteger("rankPushMillis"), j.getInteger("maxActive"), j.getInteger("activeSeconds"),
          j.getDouble("joinsPerSecond"), j.getDouble("leavesPerSecond"), j.getInteger("samplesPerSecond"),
          j.getDouble("pauseAt"), j.getDouble("pauseFor"));
    }
  }

  /**
   * Where the run goes: the nodes' ports (admin calls to the first), the harness processes, the
   * nodes' pids (none, or one per port in the same order) and the phases to run.
   */
  record Spread(List<Integer> ports, int processes, List<String> serverPids, List<String> phases) {

    static Spread of(String ports, int processes, String serverPids, String phases) {
      List<String> pids = serverPids == null ? List.of()
          : List.of(serverPids.split(",")).stream().map(String::trim).filter(p -> !p.isEmpty()).toList();
      return new Spread(LineNodes.ports(ports), processes, pids,
          List.of(phases.split(",")).stream().map(String::trim).filter(p -> !p.isEmpty()).toList());
    }
  }

  private final Vertx vertx;
  private final String adminKey;
  private final Spread spread;

  private LineBench(Vertx vertx, String adminKey, Spread spread) {
    this.vertx = vertx;
    this.adminKey = adminKey;
    this.spread = spread;
  }

  /** The phases asked for and, with both, their ratio. */
  static JsonObject compare(Vertx vertx, String adminKey, Script script, Spread spread) throws Exception {
    check(script, spread);
    LineBench bench = new LineBench(vertx, adminKey, spread);
    JsonObject out = new JsonObject()
        .put("scenario", "line")
        .put("visitors", script.visitors())
        .put("nodes", new JsonArray(List.copyOf(spread.ports())))
        .put("clientProcesses", spread.processes())
        .put("phases", new JsonArray(List.copyOf(spread.phases())));
    for (String phase : spread.phases()) {
      out.put(phase, bench.run(phase.equals("poll"), script));
    }
    if (out.containsKey("push") && out.containsKey("poll")) {
      double a = out.getJsonObject("push").getDouble("serverCpuSecondsPer1000VisitorMinutes");
      double b = out.getJsonObject("poll").getDouble("serverCpuSecondsPer1000VisitorMinutes");
      out.put("pushOverPollCpu", b == 0 ? null : Math.round(a / b * 1000) / 1000.0)
          .put("pollOverPushCpu", a == 0 ? null : Math.round(b / a * 100) / 100.0);
    }
    return out;
  }

  private static void check(Script s, Spread spread) {
    long sockets = s.visitors() + Math.round(s.joinsPerSecond() * s.seconds());
    long perProcess = (sockets + spread.processes() - 1) / Math.max(1, spread.processes());
    if (s.visitors() > MAX_VISITORS || perProcess > MAX_SOCKETS_PER_PROCESS || s.seconds() > 900
        || spread.processes() < 1 || spread.processes() > 8 || spread.ports().isEmpty() || spread.ports().size() > 8) {
      throw new IllegalArgumentException("bounded: at most 60,000 visitors, 19,500 of them with their share of the"
          + " joins in one harness process (each may hold 20,000 open files: raise --processes), 900 s, 1 to 8"
          + " processes, 1 to 8 nodes");
    }
    if (spread.phases().isEmpty() || !List.of("push", "poll").containsAll(spread.phases())) {
      throw new IllegalArgumentException("--phases: push, poll or push,poll");
    }
    if (!spread.serverPids().isEmpty() && spread.serverPids().size() != spread.ports().size()) {
      throw new IllegalArgumentException("--server-pid: one pid per node, in the order of the ports");
    }
  }

  private JsonObject run(boolean poll, Script s) throws Exception {
    String event = "bench-line-" + (poll ? "poll" : "push") + "-" + System.currentTimeMillis() % 1_000_000;
    JsonObject layout = AdminCalls.section("A", 1, 1);
    LineNodes nodes = new LineNodes(vertx, spread.ports());
    AdminCalls admin = AdminCalls.over(nodes.first().http(), adminKey);
    List<LineWorker> workers = new ArrayList<>();
    try {
      admin.put(event, "Line benchmark", layout, new JsonObject().put("paused", true).put("gate", "on")
              .put("maxActive", s.maxActive()).put("admitPerMinute", s.admitPerMinute())
              .put("activeSeconds", s.activeSeconds()).put("rankPushMillis", s.rankPushMillis()).put("graceSeconds", 120)
              // the line is measured, not the stock: with stock pacing a one-seat house lets one shopper in at a time
              .put("stockPacing", false))
          .await(30, TimeUnit.SECONDS);
      LineServers servers = new LineServers(nodes, spread.serverPids());
      long[] heapEmpty = servers.heap();
      int processes = spread.processes();
      for (int p = 1; p < processes; p++) {
        workers.add(LineWorker.start(p, LineWorker.part(spread.ports(), event, poll, s, LinePages.Share.of(s, p, processes))));
      }
      // every visitor joins from here, in order, and is dealt to process k mod processes: each
      // process's visitors are spread along the whole line
      List<LinePages.Seed> seeds = LinePages.joinAll(nodes, event, s.visitors());
      for (int p = 1; p < processes; p++) {
        workers.get(p - 1).hand(dealt(seeds, p, processes));
      }
      LinePages pages = new LinePages(vertx, nodes, event, poll, s, LinePages.Share.of(s, 0, processes));
      pages.prepare(dealt(seeds, 0, processes));
      for (LineWorker w : workers) {
        w.awaitReady(60_000 + 20L * LinePages.Share.of(s, 1, processes).visitors());
      }
      long[] heapWith = servers.heap();
      LineServers.Reading before = servers.read();

      pages.start();
      for (LineWorker w : workers) {
        w.start();
      }
      long start = System.currentTimeMillis();
      long end = start + s.seconds() * 1000L;
      paused(admin, event, layout, false);
      long pauseAt = start + (long) (s.seconds() * 1000L * s.pauseAt());
      long resumeAt = pauseAt + (long) (s.seconds() * 1000L * s.pauseFor());
      if (s.pauseFor() > 0 && pauseAt < end) {
        Thread.sleep(Math.max(0, pauseAt - System.currentTimeMillis()));
        paused(admin, event, layout, true);
        if (resumeAt < end) {
          Thread.sleep(Math.max(0, resumeAt - System.currentTimeMillis()));
          paused(admin, event, layout, false);
        }
      }
      Thread.sleep(Math.max(0, end - System.currentTimeMillis()));
      pages.stop();
      for (LineWorker w : workers) {
        w.stop();
      }
      LineServers.Reading after = servers.read();
      double elapsed = (System.currentTimeMillis() - start) / 1000.0;
      // end the sale, let the last notices arrive, then count: every admission must have reached its visitor
      paused(admin, event, layout, true);
      Thread.sleep(Math.max(3000, 2L * s.rankPushMillis()));
      JsonObject stats = admin.stats(event).await(10, TimeUnit.SECONDS);
      LineTally tally = new LineTally(s.admitPerMinute(), nodes.size());
      tally.add(pages.toJson());
      for (LineWorker w : workers) {
        tally.add(w.report());
      }
      pages.close();
      return figures(poll, s, event, servers, tally, stats, elapsed, before, after, heapEmpty, heapWith);
    } finally {
      workers.forEach(LineWorker::close);
      nodes.close();
    }
  }

  private JsonObject figures(boolean poll, Script s, String event, LineServers servers, LineTally tally, JsonObject stats,
                             double elapsed, LineServers.Reading before, LineServers.Reading after, long[] heapEmpty,
                             long[] heapWith) {
    double cpu = after.cpuTotal() - before.cpuTotal();
    double visitorMinutes = tally.visitorMinutes();
    long admitted = stats.getLong("admittedTotal");
    String perMinute = poll ? "pollsPerVisitorMinute" : "rankFramesPerVisitorMinute";
    JsonObject heap = servers.heapJson(heapEmpty, heapWith, tally.visitorsAtStartByNode(), before);
    return new JsonObject()
        .put("scenario", poll ? "line-poll" : "line-push")
        .put("event", event)
        .put("nodes", new JsonArray(List.copyOf(spread.ports())))
        .put("clientProcesses", spread.processes())
        .put("visitorsAtStart", s.visitors())
        .put("joinsDuringRun", tally.joinsDuringRun())
        .put("departuresDuringRun", tally.departures())
        .put("seconds", elapsed)
        .put("visitorMinutes", Math.round(visitorMinutes))
        .put("settings", new JsonObject().put("admitPerMinute", s.admitPerMinute()).put("maxActive", s.maxActive())
            .put("activeSeconds", s.activeSeconds()).put("rankPushMillis", s.rankPushMillis())
            .put("pausedFromSecond", Math.round(s.seconds() * s.pauseAt()))
            .put("pausedForSeconds", Math.round(s.seconds() * s.pauseFor())))
        .put("admittedByServer", admitted)
        .put("admissionNoticesReceived", tally.noticesReceived())
        .put("lostNotices", Math.max(0, admitted - tally.noticesReceived()))
        .put("duplicateNotices", tally.duplicateNotices())
        .put("admissionLatencyMillis", tally.noticeLatency().summaryMillis())
        .put(perMinute, Math.round((poll ? tally.polls() : tally.rankFrames()) / Math.max(1e-9, visitorMinutes) * 100) / 100.0)
        .put("farBack", tally.farBackJson(perMinute))
        .put("displayedError", tally.displayed().toJson())
        .put("rankFramesByReason", poll ? null : LineServers.rankFramesByReason(before, after))
        .put("serverCpuSeconds", cpu)
        .put("serverCpuSecondsPer1000VisitorMinutes", cpu / Math.max(1e-9, visitorMinutes / 1000.0))
        .put("serverCpuSource", servers.cpuSource())
        .put("serverCpuSecondsByNode", servers.cpuJson(before, after))
        // push: the connected visitors' sockets and state; poll: none connected (for comparison)
        .put("heapPerVisitorBytes", heap.getJsonObject("total").getLong("perVisitorBytes"))
        .put("heapReadAfterFullGc", !spread.serverPids().isEmpty())
        .put("heapAfterGc", heap)
        .put("processes", tally.processes())
        .put("errors", tally.errors());
  }

  /** Process {@code p}'s visitors: k = p, p + processes, ... */
  private static List<LinePages.Seed> dealt(List<LinePages.Seed> seeds, int p, int processes) {
    List<LinePages.Seed> out = new ArrayList<>();
    for (int k = p; k < seeds.size(); k += processes) {
      out.add(seeds.get(k));
    }
    return out;
  }

  /** The event replaced with only {@code paused} in its settings, as the line's script pauses and resumes it. */
  private static void paused(AdminCalls admin, String event, JsonObject layout, boolean paused) throws Exception {
    admin.put(event, "Line benchmark", layout, new JsonObject().put("paused", paused)).await(30, TimeUnit.SECONDS);
  }

  static String summary(JsonObject r) {
    StringBuilder out = new StringBuilder(String.format("line: %d visitors over %d node(s) and %d harness process(es)",
        r.getInteger("visitors"), r.getJsonArray("nodes").size(), r.getInteger("clientProcesses")));
    if (r.containsKey("pushOverPollCpu")) {
      out.append(String.format("; push/poll CPU %s", r.getValue("pushOverPollCpu")));
    }
    for (String phase : List.of("push", "poll")) {
      JsonObject p = r.getJsonObject(phase);
      if (p == null) {
        continue;
      }
      String perMinute = phase.equals("push") ? "rankFramesPerVisitorMinute" : "pollsPerVisitorMinute";
      JsonObject e = p.getJsonObject("displayedError");
      JsonObject far = p.getJsonObject("farBack");
      out.append(String.format("; %s: %.3f server CPU s per 1,000 visitor-minutes, %s %s per visitor-minute"
              + " (beyond 2,000: %s; back half: %s), displayed error p50/p99 %s/%s places (%s/%s %%), within"
              + " max(1, 1 %%) %s %% (beyond 2,000: %s %%), notice p50/p99 %s/%s ms, lost %d, duplicate %d,"
              + " heap %s bytes a visitor",
          phase, p.getDouble("serverCpuSecondsPer1000VisitorMinutes"), p.getValue(perMinute),
          phase.equals("push") ? "frames" : "polls",
          far.getJsonObject("beyond2000").getValue(perMinute), far.getJsonObject("backHalf").getValue(perMinute),
          e.getJsonObject("absolute").getValue("p50"), e.getJsonObject("absolute").getValue("p99"),
          e.getJsonObject("relativePercent").getValue("p50"), e.getJsonObject("relativePercent").getValue("p99"),
          e.getValue("withinMax1Or1Percent"),
          e.getJsonObject("byTruePosition").getJsonObject("beyond2000").getValue("withinMax1Or1Percent"),
          p.getJsonObject("admissionLatencyMillis").getValue("p50"), p.getJsonObject("admissionLatencyMillis").getValue("p99"),
          p.getLong("lostNotices"), p.getLong("duplicateNotices"), p.getValue("heapPerVisitorBytes")));
    }
    return out.toString();
  }
}
