package dev.foyer.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code line}: push against polling at the same freshness on a realistic line, in one command on
 * one node: two phases, each on a fresh event with the same script, first the visitors on the
 * bridge (as foyer-client.js: their own address only), then the same number polling
 * {@code GET .../visitors/me} every rankPushMillis. The line: visitors join during the run,
 * random ones far from the front leave, admission is paused and resumed, and a small house
 * ({@code maxActive} over {@code activeSeconds} is below the rate cap) makes admission
 * capacity-bound: in lumps as seats free up, not at a steady rate.
 *
 * <p>What the page shows is computed as the page does ({@link ShownPosition}, from the last frame
 * and its local receipt time; a polling page shows its last answer). The truth is asked of the
 * server: {@code samples} times a second a random waiting visitor's {@code GET .../visitors/me}
 * (its own token), and the shown position at the moment the answer arrives is compared with it
 * ({@link DisplayedError}). Both phases sample alike, so both pay the same for it. The visitors'
 * side is {@link LinePages}; this class runs the script and puts the figures together.
 */
final class LineBench {

  /** The line's script, the same for both phases. */
  record Script(int visitors, int seconds, int admitPerMinute, int rankPushMillis, int maxActive, int activeSeconds,
                double joinsPerSecond, double leavesPerSecond, int samplesPerSecond, double pauseAt, double pauseFor) {
  }

  private final Vertx vertx;
  private final HttpClient http;
  private final AdminCalls admin;
  private final int port;

  private LineBench(Vertx vertx, int port, String adminKey) {
    this.vertx = vertx;
    this.port = port;
    this.http = vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(45).setDefaultHost("127.0.0.1")
        .setDefaultPort(port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1));
    this.admin = AdminCalls.over(http, adminKey);
  }

  /** Both phases and their ratio. */
  static JsonObject compare(Vertx vertx, int port, String adminKey, Script script, String serverPid) throws Exception {
    if (script.visitors() + script.joinsPerSecond() * script.seconds() > 15_000 || script.seconds() > 900) {
      throw new IllegalArgumentException("bounded: at most 15,000 visitors with the joins (one harness process"
          + " holds at most 20,000 open files), 900 s");
    }
    JsonObject push = new LineBench(vertx, port, adminKey).run(false, script, serverPid);
    JsonObject poll = new LineBench(vertx, port, adminKey).run(true, script, serverPid);
    double a = push.getDouble("serverCpuSecondsPer1000VisitorMinutes");
    double b = poll.getDouble("serverCpuSecondsPer1000VisitorMinutes");
    return new JsonObject()
        .put("scenario", "line")
        .put("visitors", script.visitors())
        .put("push", push)
        .put("poll", poll)
        .put("pushOverPollCpu", b == 0 ? null : Math.round(a / b * 1000) / 1000.0)
        .put("pollOverPushCpu", a == 0 ? null : Math.round(b / a * 100) / 100.0);
  }

  private JsonObject run(boolean poll, Script s, String serverPid) throws Exception {
    String event = "bench-line-" + (poll ? "poll" : "push") + "-" + System.currentTimeMillis() % 1_000_000;
    JsonObject layout = AdminCalls.section("A", 1, 1);
    admin.put(event, "Line benchmark", layout, new JsonObject().put("paused", true).put("gate", "on")
            .put("maxActive", s.maxActive()).put("admitPerMinute", s.admitPerMinute())
            .put("activeSeconds", s.activeSeconds()).put("rankPushMillis", s.rankPushMillis()).put("graceSeconds", 120)
            // the line is measured, not the stock: with stock pacing a one-seat house lets one shopper in at a time
            .put("stockPacing", false))
        .await(30, TimeUnit.SECONDS);
    LinePages pages = new LinePages(vertx, port, http, event, s);
    ServerProcess.fullGc(serverPid);
    ServerMetrics empty = ServerMetrics.read(http).await(30, TimeUnit.SECONDS);
    List<LineClient> joined = pages.joinAll(s.visitors());
    if (!poll) {
      pages.connectAll(joined);
    }
    ServerProcess.fullGc(serverPid);
    ServerMetrics before = ServerMetrics.read(http).await(30, TimeUnit.SECONDS);
    long heapPerVisitor = (before.heapUsedBytes() - empty.heapUsedBytes()) / Math.max(1, s.visitors());

    pages.measure();
    long start = System.currentTimeMillis();
    long end = start + s.seconds() * 1000L;
    paused(event, layout, false);
    if (poll) {
      pages.pollAll(joined);
    }
    List<Long> timers = new ArrayList<>();
    if (s.joinsPerSecond() > 0) {
      timers.add(vertx.setPeriodic(Math.max(1, (long) (1000 / s.joinsPerSecond())), id -> pages.joinDuringRun(poll)));
    }
    if (s.leavesPerSecond() > 0) {
      timers.add(vertx.setPeriodic(Math.max(1, (long) (1000 / s.leavesPerSecond())), id -> pages.leaveOne()));
    }
    timers.add(vertx.setPeriodic(Math.max(1, 1000 / Math.max(1, s.samplesPerSecond())), id -> pages.sample()));
    long pauseAt = start + (long) (s.seconds() * 1000L * s.pauseAt());
    long resumeAt = pauseAt + (long) (s.seconds() * 1000L * s.pauseFor());
    boolean paused = false;
    boolean resumed = s.pauseFor() <= 0;
    double visitorSeconds = 0;
    long last = start;
    while (System.currentTimeMillis() < end) {
      Thread.sleep(Math.min(250, Math.max(1, end - System.currentTimeMillis())));
      long now = System.currentTimeMillis();
      visitorSeconds += pages.waiting() * (now - last) / 1000.0;
      last = now;
      if (!paused && !resumed && now >= pauseAt) {
        paused(event, layout, true);
        paused = true;
      } else if (paused && !resumed && now >= resumeAt) {
        paused(event, layout, false);
        resumed = true;
      }
    }
    timers.forEach(vertx::cancelTimer);
    pages.stopMeasuring();
    ServerMetrics after = ServerMetrics.read(http).await(30, TimeUnit.SECONDS);
    double elapsed = (System.currentTimeMillis() - start) / 1000.0;
    // end the sale, let the last notices arrive, then count: every admission must have reached its visitor
    paused(event, layout, true);
    Thread.sleep(Math.max(3000, 2L * s.rankPushMillis()));
    JsonObject stats = admin.stats(event).await(10, TimeUnit.SECONDS);
    pages.close();
    http.close();

    double cpu = after.cpuSeconds() - before.cpuSeconds();
    double visitorMinutes = visitorSeconds / 60.0;
    long admitted = stats.getLong("admittedTotal");
    return new JsonObject()
        .put("scenario", poll ? "line-poll" : "line-push")
        .put("event", event)
        .put("visitorsAtStart", s.visitors())
        .put("joinsDuringRun", pages.joinsDuringRun())
        .put("departuresDuringRun", pages.departures())
        .put("seconds", elapsed)
        .put("visitorMinutes", Math.round(visitorMinutes))
        .put("settings", new JsonObject().put("admitPerMinute", s.admitPerMinute()).put("maxActive", s.maxActive())
            .put("activeSeconds", s.activeSeconds()).put("rankPushMillis", s.rankPushMillis())
            .put("pausedFromSecond", Math.round(s.seconds() * s.pauseAt()))
            .put("pausedForSeconds", Math.round(s.seconds() * s.pauseFor())))
        .put("admittedByServer", admitted)
        .put("admissionNoticesReceived", pages.noticesReceived())
        .put("lostNotices", Math.max(0, admitted - pages.noticesReceived()))
        .put("duplicateNotices", pages.duplicateNotices())
        .put("admissionLatencyMillis", pages.noticeLatency().summaryMillis())
        .put(poll ? "pollsPerVisitorMinute" : "rankFramesPerVisitorMinute",
            Math.round((poll ? pages.polls() : pages.rankFrames()) / Math.max(1e-9, visitorMinutes) * 100) / 100.0)
        .put("displayedError", pages.displayed().toJson())
        .put("rankFramesByReason", poll ? null : difference(before.rankFramesByReason(), after.rankFramesByReason()))
        .put("serverCpuSeconds", cpu)
        .put("serverCpuSecondsPer1000VisitorMinutes", cpu / Math.max(1e-9, visitorMinutes / 1000.0))
        // push: the connected visitors' sockets and state; poll: none connected (for comparison)
        .put("heapPerVisitorBytes", heapPerVisitor)
        .put("heapReadAfterFullGc", serverPid != null)
        .put("errors", pages.errors());
  }

  /** The event replaced with only {@code paused} in its settings, as the line's script pauses and resumes it. */
  private void paused(String event, JsonObject layout, boolean paused) throws Exception {
    admin.put(event, "Line benchmark", layout, new JsonObject().put("paused", paused)).await(30, TimeUnit.SECONDS);
  }

  /** What the server counted between two reads, per reason (foyer_rank_frames_sent_total). */
  private static JsonObject difference(Map<String, Long> before, Map<String, Long> after) {
    JsonObject out = new JsonObject();
    after.forEach((reason, n) -> out.put(reason, n - before.getOrDefault(reason, 0L)));
    return out;
  }

  static String summary(JsonObject r) {
    JsonObject push = r.getJsonObject("push");
    JsonObject poll = r.getJsonObject("poll");
    JsonObject pe = push.getJsonObject("displayedError");
    JsonObject qe = poll.getJsonObject("displayedError");
    return String.format("line: %d visitors; push %.3f vs poll %.3f server CPU s per 1,000 visitor-minutes (push/poll %s);"
            + " %s rank frames vs %s polls per visitor-minute; displayed error p50/p99 push %s/%s places (%s/%s %%),"
            + " poll %s/%s places (%s/%s %%); within max(1, 1 %%): push %s %% (beyond 2,000: %s %%), poll %s %% (%s %%);"
            + " notice p99 push %s ms,"
            + " poll %s ms; lost %d/%d, duplicate %d/%d",
        r.getInteger("visitors"), push.getDouble("serverCpuSecondsPer1000VisitorMinutes"),
        poll.getDouble("serverCpuSecondsPer1000VisitorMinutes"), r.getValue("pushOverPollCpu"),
        push.getValue("rankFramesPerVisitorMinute"), poll.getValue("pollsPerVisitorMinute"),
        pe.getJsonObject("absolute").getValue("p50"), pe.getJsonObject("absolute").getValue("p99"),
        pe.getJsonObject("relativePercent").getValue("p50"), pe.getJsonObject("relativePercent").getValue("p99"),
        qe.getJsonObject("absolute").getValue("p50"), qe.getJsonObject("absolute").getValue("p99"),
        qe.getJsonObject("relativePercent").getValue("p50"), qe.getJsonObject("relativePercent").getValue("p99"),
        pe.getValue("withinMax1Or1Percent"),
        pe.getJsonObject("byTruePosition").getJsonObject("beyond2000").getValue("withinMax1Or1Percent"),
        qe.getValue("withinMax1Or1Percent"),
        qe.getJsonObject("byTruePosition").getJsonObject("beyond2000").getValue("withinMax1Or1Percent"),
        push.getJsonObject("admissionLatencyMillis").getValue("p99"),
        poll.getJsonObject("admissionLatencyMillis").getValue("p99"),
        push.getLong("lostNotices"), poll.getLong("lostNotices"), push.getLong("duplicateNotices"),
        poll.getLong("duplicateNotices"));
  }
}
