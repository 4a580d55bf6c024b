package dev.foyer.bench;

import dev.foyer.support.FoyerCluster;
import dev.foyer.support.TestSetup;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Small, fast runs of every harness scenario against a real node, checking the harness's own
 * accounting (not speed): every visitor counted, every admission notice matched, the JSON written.
 */
@ExtendWith(VertxExtension.class)
class BenchHarnessTest {

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private Vertx harness;
  @TempDir
  Path out;

  @BeforeEach
  void startHarness() {
    harness = Vertx.vertx();
  }

  @AfterEach
  void stopHarness() throws Exception {
    harness.close().await(10, TimeUnit.SECONDS);
  }

  private JsonObject run(String scenario, Map<String, String> options) throws Exception {
    Map<String, String> o = new HashMap<>(options);
    o.put("port", String.valueOf(cluster.node().port()));
    o.put("admin-key", TestSetup.ADMIN_KEY);
    JsonObject result;
    // a scenario here takes seconds; one that runs past a minute has a request nobody answers, and
    // the threads at that moment (harness and node share this JVM) say whose
    try (ThreadDumpAfter watchdog = ThreadDumpAfter.seconds(60, scenario)) {
      result = Bench.run(harness, scenario, o);
    }
    Path file = Bench.write(result, out);
    assertEquals(result, new JsonObject(Files.readString(file)), "the JSON file holds every figure");
    assertTrue(Bench.summary(result).startsWith(scenario), Bench.summary(result));
    return result;
  }

  @Test
  void surgeCountsEveryJoinTheServerRecorded() throws Exception {
    JsonObject r = run("surge", Map.of("seconds", "2", "concurrency", "8"));
    assertEquals(0, r.getLong("errors"));
    // a count, not a speed: at load 19 on this 2-core machine 8 clients made 97 joins in 2 s
    assertTrue(r.getLong("joins") > 0, r.encode());
    assertEquals(r.getLong("joins"), r.getJsonObject("latencyMillis").getLong("count"));
    JsonObject stats = harnessStats(r.getString("event"));
    assertEquals(r.getLong("joins"), stats.getLong("waiting"), "the server holds exactly the joins counted");
  }

  @Test
  void waitMatchesEveryAdmissionNoticeToItsVisitorAcrossTwoClientProcesses() throws Exception {
    JsonObject r = run("wait", Map.of("visitors", "160", "seconds", "4", "admit-per-minute", "1200",
        "rank-push-millis", "500", "processes", "2"));
    assertEquals(160, r.getInteger("visitors"));
    assertTrue(r.getLong("admittedByServer") > 20, r.encode());
    assertEquals(r.getLong("admittedByServer"), r.getLong("admissionNoticesReceived"), "every notice matched");
    assertEquals(0, r.getLong("lostNotices"));
    assertEquals(0, r.getLong("duplicateNotices"));
    assertEquals(0, r.getLong("errors"));
    assertTrue(r.getLong("rankUpdatesPerSecond") > 0);
    assertTrue(r.getDouble("serverCpuSeconds") > 0, "CPU read from the server's own metrics");
    assertTrue(r.getLong("serverHeapBytes") > 0);
  }

  @Test
  void waitWithStalledSocketsRunsWithoutThenWithThemAndMatchesEveryNoticeInBoth() throws Exception {
    JsonObject r = run("wait", Map.of("visitors", "100", "seconds", "4", "admit-per-minute", "1200",
        "rank-push-millis", "500", "stalled", "20", "seat-churn", "4", "seats", "200",
        "server-pid", String.valueOf(ProcessHandle.current().pid())));
    assertEquals("wait-stalled", r.getString("scenario"));
    for (String phase : new String[] {"without", "with"}) {
      JsonObject p = r.getJsonObject(phase);
      assertEquals(100, p.getInteger("visitors"));
      assertTrue(p.getLong("admittedByServer") > 20, p.encode());
      assertEquals(p.getLong("admittedByServer"), p.getLong("admissionNoticesReceived"), phase + ": every notice matched");
      assertEquals(0, p.getLong("lostNotices"));
      assertEquals(0, p.getLong("duplicateNotices"));
      assertTrue(p.getLong("holdsPerSecond") > 0, phase + ": the seat churn ran: " + p.encode());
      assertTrue(p.getLong("heapAfterGcAtEndBytes") > 0, "heap read after a full GC");
    }
    assertEquals(0, r.getJsonObject("without").getInteger("stalledSockets"));
    assertEquals(20, r.getJsonObject("with").getInteger("stalledSockets"));
    assertTrue(r.getJsonObject("latencyRatio").getDouble("p50") > 0, r.encode());
  }

  @Test
  void etaComparesEveryLookWithItsVisitorsAdmissionInEachRun() throws Exception {
    JsonObject r = run("eta", Map.of("runs", "2", "visitors", "40", "max-active", "5", "dwell-min", "1",
        "dwell-max", "2", "look-every", "1", "rank-push-millis", "300"));
    assertEquals(2, r.getJsonArray("runs").size());
    for (Object o : r.getJsonArray("runs")) {
      JsonObject run = (JsonObject) o;
      assertEquals(0, run.getLong("leaveErrors"), "every leave went through (each failed one holds a slot): " + run);
      assertEquals(40, run.getLong("admitted"), "every visitor admitted, every one left after the dwell: " + run);
      long compared = run.getJsonObject("relativeError").getLong("n");
      assertTrue(compared > 0, "looks at a figure were compared: " + run);
      assertEquals(run.getLong("looks"), compared + run.getLong("measuringLooks"), "every look counted once");
    }
  }

  @Test
  void chanceSetsEveryVisitorsLabelAgainstItsOutcomeUntilTheHouseSoldOut() throws Exception {
    JsonObject r = run("chance", Map.ofEntries(Map.entry("runs", "2"), Map.entry("visitors", "50"),
        Map.entry("seats", "16"), Map.entry("max-active", "8"), Map.entry("admit-per-minute", "600"),
        Map.entry("dwell-min", "0"), Map.entry("dwell-max", "1"), Map.entry("hold-seconds", "3"),
        Map.entry("active-seconds", "10"), Map.entry("look-every", "1"), Map.entry("snapshot-every", "1"),
        Map.entry("rank-push-millis", "300"), Map.entry("seed", "7")));
    assertEquals(2, r.getJsonArray("runs").size());
    long told = 0;
    for (Object o : r.getJsonArray("runs")) {
      JsonObject run = (JsonObject) o;
      // those let in within the sale's first moments, before the line was first told the stock, never
      // see a label (counted apart below); everyone else does
      assertTrue(run.getLong("visitorsWithALabel") >= 25, "most visitors were told a chance: " + run);
      assertTrue(run.getDouble("soldOutAfterSeconds") != null, "the house sold out: " + run);
      assertEquals(16, run.getLong("seatsBought"), "every seat went to a buyer the harness counted: " + run);
      assertEquals(run.getLong("admittedByServer"), run.getLong("admitted"), "every admission reached its visitor");
      JsonObject outcomes = run.getJsonObject("outcomes");
      assertEquals(50, outcomes.fieldNames().stream().mapToLong(outcomes::getLong).sum(), "one outcome a visitor: " + run);
      assertTrue(outcomes.getLong("bought") > 0 && outcomes.getLong("not_admitted") > 0, run.encode());
      JsonObject last = run.getJsonObject("calibration").getJsonObject("lastLabel");
      long labelled = last.fieldNames().stream().mapToLong(l -> last.getJsonObject(l).getLong("told")).sum();
      assertEquals(50, labelled + run.getLong("visitorsWithoutALabelBeforeTheirEnd"), "each visitor counted once: " + run);
      assertEquals(0, run.getLong("errors"), run.encode());
      assertTrue(run.getJsonArray("saleFrames").stream().anyMatch(f -> "sold_out".equals(((JsonObject) f).getString("state"))));
      told += labelled;
    }
    JsonObject totals = r.getJsonObject("totals").getJsonObject("lastLabel");
    assertEquals(told, totals.fieldNames().stream().mapToLong(l -> totals.getJsonObject(l).getLong("told")).sum(),
        "the totals add the runs up");
  }

  /**
   * The line over this process and one worker process: every figure merged from both (the worker's
   * raw samples, notices and far-back records), none averaged.
   */
  @Test
  void lineRunsPushThenPollOverTwoProcessesAndAccountsForEveryNoticeAndEverySample() throws Exception {
    String pid = String.valueOf(ProcessHandle.current().pid());
    JsonObject r = run("line", Map.ofEntries(Map.entry("visitors", "400"), Map.entry("seconds", "8"),
        Map.entry("admit-per-minute", "1200"), Map.entry("rank-push-millis", "500"), Map.entry("max-active", "60"),
        Map.entry("active-seconds", "4"), Map.entry("joins-per-second", "6"), Map.entry("leaves-per-second", "2"),
        Map.entry("samples-per-second", "20"), Map.entry("processes", "2"), Map.entry("server-pid", pid)));
    assertEquals(2, r.getInteger("clientProcesses"));
    for (String phase : new String[] {"push", "poll"}) {
      JsonObject p = r.getJsonObject(phase);
      assertTrue(p.getLong("admittedByServer") > 20, phase + ": " + p.encode());
      assertEquals(p.getLong("admittedByServer"), (long) p.getInteger("admissionNoticesReceived"),
          phase + ": every notice matched");
      assertEquals(0, p.getLong("lostNotices"));
      assertEquals(0, p.getLong("duplicateNotices"));
      assertEquals(0, p.getLong("errors"), phase + ": " + p.encode());
      assertTrue(p.getLong("joinsDuringRun") > 10 && p.getLong("departuresDuringRun") > 3, p.encode());
      assertTrue(p.getJsonObject("displayedError").getLong("samples") > 20, p.encode());
      assertTrue(p.getDouble("serverCpuSeconds") > 0);
      assertEquals("proc", p.getString("serverCpuSource"));

      JsonArray processes = p.getJsonArray("processes");
      assertEquals(2, processes.size(), p.encode());
      long notices = 0;
      long samples = 0;
      for (Object o : processes) {
        JsonObject part = (JsonObject) o;
        assertEquals(200, part.getInteger("visitorsAtStart"), "the visitors split evenly: " + part);
        assertTrue(part.getInteger("admissionNotices") > 0 && part.getInteger("displayedErrorSamples") > 0,
            "both processes had admissions and samples: " + part);
        notices += part.getInteger("admissionNotices");
        samples += part.getInteger("displayedErrorSamples");
      }
      assertEquals(p.getInteger("admissionNoticesReceived"), (int) notices, "the notices of both, each once");
      assertEquals(notices, p.getJsonObject("admissionLatencyMillis").getLong("count"), "every latency sample merged");
      assertEquals(samples, p.getJsonObject("displayedError").getLong("samples"), "every error sample merged");

      JsonObject backHalf = p.getJsonObject("farBack").getJsonObject("backHalf");
      assertTrue(backHalf.getInteger("visitors") > 100 && backHalf.getDouble("visitorMinutes") > 0, p.encode());
      assertEquals(0, p.getJsonObject("farBack").getJsonObject("beyond2000").getInteger("visitors"),
          "a line of 400 has nobody beyond 2,000");
      JsonObject heap = p.getJsonObject("heapAfterGc");
      assertEquals("jstat", heap.getString("source"));
      assertEquals(400, heap.getJsonObject("total").getLong("visitors"));
      assertTrue(heap.getJsonObject("total").getLong("withVisitorsBytes") > 0, heap.encode());
    }
    assertTrue(r.getJsonObject("push").getDouble("rankFramesPerVisitorMinute") > 0);
    assertTrue(r.getJsonObject("poll").getDouble("pollsPerVisitorMinute") > 30, "a poll every 500 ms, or at least every 2 s on a busy machine: " + r.encode());
    assertTrue(r.getJsonObject("poll").getJsonObject("farBack").getJsonObject("backHalf")
        .getDouble("pollsPerVisitorMinute") > 30, r.encode());
    assertTrue(r.getDouble("pushOverPollCpu") > 0, r.encode());
  }

  @Test
  void pollSeesEveryAdmissionByPolling() throws Exception {
    JsonObject r = run("poll", Map.of("visitors", "120", "seconds", "4", "admit-per-minute", "1200",
        "rank-push-millis", "500"));
    assertEquals(r.getLong("admittedByServer"), r.getLong("admissionNoticesReceived"));
    assertEquals(0, r.getLong("lostNotices"));
    assertEquals(0, r.getLong("errors"));
    // a count, not a speed: on a loaded machine 120 pollers manage far fewer than the 240/s they aim at
    assertTrue(r.getLong("pollsPerSecond") > 0, r.encode());
  }

  @Test
  void wsfloorReadsTheHeapABareServerHoldsPerSocket() throws Exception {
    JsonObject r = run("wsfloor", Map.of("sockets", "200"));
    assertEquals(200, r.getInteger("sockets"));
    assertTrue(r.getString("server").startsWith("Vert.x 5."), r.encode());
    // a websocket costs its server kilobytes (connections, queues, the upgraded request), never nothing
    assertTrue(r.getLong("perSocketBytes") > 1000, r.encode());
  }

  @Test
  void holdsCountsHoldsConflictsAndConfirmations() throws Exception {
    JsonObject r = run("holds", Map.of("visitors", "60", "seats", "20", "seconds", "2", "concurrency", "8"));
    assertEquals(0, r.getLong("errors"), r.encode());
    assertTrue(r.getLong("holdsPerSecond") > 0);
    assertEquals(20, r.getLong("confirmed"), "one confirmed seat per buyer, as many as seats");
    assertEquals(20, r.getJsonObject("confirmLatencyMillis").getLong("count"));
  }

  @Test
  void bestTimesBestAvailableAndExactHoldsOnAPrefilledMap() throws Exception {
    JsonObject r = run("best", Map.of("seats", "2000", "buyers", "20", "seconds", "1", "rounds", "1", "prefill", "0.5"));
    assertEquals(1000, r.getInteger("prefilledSeats"));
    for (String phase : java.util.List.of("exact", "best")) {
      JsonObject p = r.getJsonObject("phases").getJsonObject(phase);
      assertEquals(0, p.getLong("errors"), phase + ": " + p.encode());
      assertTrue(p.getLong("holds") > 0, phase + ": " + p.encode());
      assertEquals(p.getJsonObject("latencyMillis").getLong("count"), p.getLong("holds") + p.getLong("refused"), phase);
    }
    JsonObject best = r.getJsonObject("phases").getJsonObject("best");
    assertEquals(best.getLong("holds"), best.getJsonObject("placements").getLong("together", 0L)
        + best.getJsonObject("placements").getLong("split", 0L)
        + best.getJsonObject("placements").getLong("orphan_allowed", 0L), "every best hold says how it was placed");
    assertTrue(r.getJsonObject("ratios").getDouble("holdsPerSecondBestOverExact") > 0);
  }

  @Test
  void seatviewDeliversEveryChangeToEveryViewer() throws Exception {
    JsonObject r = run("seatview", Map.of("viewers", "40", "changes", "4"));
    assertEquals(r.getLong("deliveriesExpected"), r.getLong("deliveriesReceived"), r.encode());
  }

  @Test
  void seatmapCountsEveryLoadAndProbeAndHowEachWasAnswered() throws Exception {
    JsonObject r = run("seatmap", Map.of("seats", "2000", "clients", "2", "seconds", "1", "rounds", "2",
        "probe-millis", "20", "holds-per-second", "10"));
    JsonObject map = r.getJsonObject("map");
    assertEquals(2000, map.getInteger("seats"));
    assertEquals(true, map.getBoolean("gzipAnswered"));
    assertEquals(true, map.getBoolean("sameJson"), "the gzip body is the plain JSON");
    assertTrue(map.getLong("gzipBytes") < map.getLong("plainBytes"), r.encode());
    JsonObject phases = r.getJsonObject("phases");
    assertEquals(java.util.List.of("idle", "browser", "gzip", "plain", "control"), java.util.List.copyOf(phases.fieldNames()));
    for (String name : phases.fieldNames()) {
      JsonObject p = phases.getJsonObject(name);
      long probes = p.getJsonObject("probeMillis").getLong("count");
      assertEquals(0, p.getLong("probeErrors"), name + ": " + p.encode());
      assertEquals(0, p.getLong("probesSkipped"), name + ": " + p.encode());
      assertEquals(100, probes, "one probe every 20 ms for a second in each of two rounds, each timed: " + p.encode());
      assertEquals(p.getLong("loads"), p.getLong("fullLoads") + p.getLong("notModified"), name);
      assertEquals(p.getLong("loads"), p.getJsonObject("loadMillis").getLong("count"), name);
      assertEquals(0, p.getLong("loadErrors"), name + ": " + p.encode());
      assertEquals(0, p.getLong("holdErrors"), name + ": " + p.encode());
      assertTrue(p.getLong("holds") >= 10, "about ten holds a second: " + p.encode());
      assertTrue(p.getDouble("serverCpuSeconds") > 0, name);
    }
    assertEquals(0, phases.getJsonObject("idle").getLong("loads"));
    assertEquals(1.0, phases.getJsonObject("idle").getDouble("probeP50OverIdle"));
    JsonObject browser = phases.getJsonObject("browser");
    JsonObject gzip = phases.getJsonObject("gzip");
    JsonObject plain = phases.getJsonObject("plain");
    assertTrue(browser.getLong("notModified") > 0, "a browser with the current ETag gets 304: " + browser.encode());
    assertTrue(browser.getLong("fullLoads") > 0, "and the map again after a hold changed it: " + browser.encode());
    assertEquals(0, gzip.getLong("notModified"));
    assertEquals(0, plain.getLong("notModified"));
    assertTrue(plain.getLong("loads") > 0 && gzip.getLong("loads") > 0);
    // a full plain load is the whole JSON (the version in it may gain a digit), a gzip one far less
    assertTrue(Math.abs(plain.getLong("bytesPerLoad") - map.getLong("plainBytes")) < 16, plain.encode());
    assertTrue(gzip.getLong("bytesPerLoad") * 4 < plain.getLong("bytesPerLoad"), gzip.encode());
    assertTrue(browser.getLong("bytesPerLoad") < gzip.getLong("bytesPerLoad"), browser.encode());
    JsonObject control = phases.getJsonObject("control");
    assertTrue(control.getLong("loads") > 0 && control.getLong("bytesPerLoad") < 2000, "the probe's own request: " + control);
  }

  @Test
  void tickTimesEveryAdmissionTickOfARunningNodeFromItsMetrics() throws Exception {
    JsonObject r = run("tick", Map.of("waiting", "500", "paused-ticks", "2", "ticks", "3"));
    // the node is shared with the other scenarios' events, which may still tick (active visitors of
    // the eta, line and best runs): the harness counts their runs rather than pretend it is alone
    assertTrue(r.getJsonObject("admitRunsPerTick").getInteger("min") >= 1, r.encode());
    assertEquals(r.getJsonObject("admitRunsPerTick").getInteger("max") == 1, r.getBoolean("isolated"), r.encode());
    assertEquals(2, r.getJsonObject("pausedTickMillis").getInteger("count"));
    assertEquals(3, r.getInteger("steadyTicks"));
    assertEquals(3, r.getJsonObject("steadyTickMillis").getInteger("count"));
    assertTrue(r.getJsonObject("steadyTickMillis").getDouble("p50") > 0, r.encode());
    JsonObject perTick = r.getJsonObject("admittedPerSteadyTick");
    assertTrue(perTick.getLong("min") > 0, r.encode());
    assertTrue(perTick.getLong("max") <= 100, "the token bucket holds one second at 6000 a minute: " + r.encode());
    JsonObject burst = r.getJsonObject("burstTick");
    assertTrue(burst.getDouble("millis") > 0, r.encode());
    assertEquals(burst.getLong("waitingBefore"), burst.getLong("admitted"), "the rest of the line in one tick");
    JsonObject stats = harnessStats(r.getString("event"));
    assertEquals(500, burst.getLong("admittedBefore") + burst.getLong("admitted"));
    assertEquals(500, stats.getLong("admittedTotal"), "the server admitted exactly the line");
    assertEquals(0, stats.getLong("waiting"));
    assertEquals(true, stats.getJsonObject("settings").getBoolean("paused"), "the event is left paused");
  }

  @Test
  void forwardauthCountsEveryAnswerOfEachPhase() throws Exception {
    JsonObject r = run("forwardauth", Map.of("visitors", "5", "concurrency", "2", "seconds", "1", "rounds", "1"));
    JsonObject phases = r.getJsonObject("phases");
    assertEquals(java.util.List.of("jwks", "health", "auth", "denied"), java.util.List.copyOf(phases.fieldNames()));
    for (String name : phases.fieldNames()) {
      JsonObject p = phases.getJsonObject(name);
      assertEquals(0, p.getLong("unexpected"), name + ": " + p.encode());
      assertTrue(p.getLong("requests") > 0, name + ": " + p.encode());
      assertEquals(p.getLong("requests"), p.getJsonObject("latencyMillis").getLong("count"), name);
    }
    assertEquals(401, phases.getJsonObject("denied").getInteger("expectedStatus"));
  }

  /**
   * The node trusts loopback as its proxy and exempts only loopback from the limits
   * (TestSetup.LOOPBACK_UNLIMITED), so the clients the scenario plays through X-Forwarded-For from
   * 198.18.0.0/15 are limited, as its own check at the start requires.
   */
  @Test
  void botsAccountsForEveryAnswerOfTheBotTheFansTheHoarderAndEveryProofOfWork() throws Exception {
    JsonObject r = run("bots", Map.ofEntries(Map.entry("bot-joins", "60"), Map.entry("fans", "3"),
        Map.entry("seconds", "1"), Map.entry("hoard", "40"), Map.entry("steps", "1000,5000"),
        Map.entry("challenges", "5"), Map.entry("solve-seconds", "30"), Map.entry("pow-joins", "20"),
        Map.entry("pow-difficulty", "1000"), Map.entry("concurrency", "8")));
    JsonObject limits = r.getJsonObject("limits");
    for (String phase : new String[] {"without", "with"}) {
      JsonObject fans = limits.getJsonObject(phase).getJsonObject("fans");
      assertEquals(45, fans.getLong("joins"), phase + ": 3 fans, 15 joins each: " + fans);
      assertEquals(new JsonObject().put("201", 45L), fans.getJsonObject("byStatus"),
          phase + ": a fan's 15 joins are under its 20, whatever the bot does: " + fans);
    }
    JsonObject bot = limits.getJsonObject("with").getJsonObject("bot");
    assertEquals(60, bot.getLong("joined") + bot.getLong("refused429"), "every bot join answered 201 or 429: " + bot);
    assertTrue(bot.getLong("joined") >= 20 && bot.getLong("refused429") > 0, "its bucket of 20, then 429s: " + bot);
    assertEquals(45, limits.getJsonObject("without").getLong("waitingOnServer"), "the server holds the fans' joins");
    assertEquals(45 + bot.getLong("joined"), limits.getJsonObject("with").getLong("waitingOnServer"),
        "and the bot's that got in");

    JsonObject limited = r.getJsonObject("hoarder").getJsonObject("limits");
    JsonObject unlimited = r.getJsonObject("hoarder").getJsonObject("limitsOff");
    for (JsonObject h : new JsonObject[] {limited, unlimited}) {
      assertEquals(40, h.getLong("joined") + h.getLong("joinsRefused429"), "every join answered 201 or 429: " + h);
      assertEquals(40, h.getInteger("holds"));
      assertEquals(40, h.getLong("held201") + h.getLong("holdsRefused429"), "every hold answered 201 or 429: " + h);
      assertTrue(h.getLong("seatsHeld") <= 4 * h.getLong("joined"), "a pass holds at most one hold of 4: " + h);
    }
    assertTrue(limited.getLong("joinsRefused429") > 0, limited.encode());
    assertEquals(160, unlimited.getLong("seatsHeld"), "without limits every join and hold went through: " + unlimited);
    assertTrue(limited.getDouble("shareOfHouse") < unlimited.getDouble("shareOfHouse"), r.getJsonObject("hoarder").encode());

    JsonArray solve = r.getJsonObject("pow").getJsonArray("solve");
    assertEquals(2, solve.size());
    for (int i = 0; i < 2; i++) {
      JsonObject step = solve.getJsonObject(i);
      assertEquals(i == 0 ? 1000 : 5000, step.getLong("difficulty"));
      assertEquals(5, step.getInteger("challenges"), "every challenge asked for was solved: " + step);
      assertTrue(step.getLong("hashesPerSecond") > 0, step.encode());
    }
    JsonObject throughput = r.getJsonObject("pow").getJsonObject("throughput");
    assertEquals(22, throughput.getInteger("challengesFetched"), "20 joins and 2 of warm-up");
    for (String phase : new String[] {"off", "on"}) {
      JsonObject p = throughput.getJsonObject(phase);
      assertEquals(new JsonObject().put("201", 20L), p.getJsonObject("byStatus"), phase + ": " + p);
      assertEquals(20, p.getJsonObject("latencyMillis").getLong("count"), phase);
      assertEquals(22, harnessStats(p.getString("event")).getLong("waiting"),
          phase + ": the node took every join, warm-up included, so every solution");
    }
    JsonObject stalledBy = r.getJsonObject("stalledRequestsBy");
    assertEquals(r.getLong("stalledRequests"), stalledBy.fieldNames().stream().mapToLong(stalledBy::getLong).sum());
    assertTrue(BotsBench.table(r).contains("hoarder, no limits: 40 joins -> 40 joined"), BotsBench.table(r));
  }

  private JsonObject harnessStats(String event) throws Exception {
    var client = io.vertx.ext.web.client.WebClient.create(harness);
    try {
      return client.get(cluster.node().port(), "127.0.0.1", "/api/admin/events/" + event + "/stats")
          .bearerTokenAuthentication(TestSetup.ADMIN_KEY).send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    } finally {
      client.close();
    }
  }
}
