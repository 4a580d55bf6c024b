package dev.foyer.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code wait} and {@code poll}: N simulated visitors against one foyer node on loopback, either
 * listening on the bridge ({@code wait}) or polling {@code GET .../visitors/me} every
 * rankPushMillis ({@code poll}), while admission runs. Measures what reaches the visitors
 * ({@link WaitingPages}) and what it costs the server; {@code wait --stalled N} runs twice, without
 * and with browsers that stop reading ({@link #compare}).
 */
final class WaitBench {

  /**
   * What the {@code wait} run adds around its readers: {@code sockets} browsers that register and
   * never read (joined behind the readers), {@code churn} loops of admitted readers holding and
   * releasing 1 to 4 of {@code seats} seats (the seat page's traffic, which every seat-map listener
   * gets), a heap after GC past which the run stops early (0: none), and how often that heap is read
   * (a full GC each time) when the server's pid is given (0: only before and after the sale).
   */
  record Stall(int sockets, int churn, int seats, long heapLimitBytes, long heapEveryMillis) {
    static final Stall NONE = new Stall(0, 0, 0, 0, 0);

    Stall without() {
      return new Stall(0, churn, seats, heapLimitBytes, heapEveryMillis);
    }
  }

  private static final int SEATS_PER_ROW = 50;
  private static final int ACTIVE_SECONDS = 3600;

  private final Vertx vertx;
  private final int port;
  private final HttpClient http;
  private final AdminCalls admin;

  WaitBench(Vertx vertx, int port, String adminKey) {
    this.vertx = vertx;
    this.port = port;
    this.http = vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(45).setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1));
    this.admin = AdminCalls.over(http, adminKey);
  }

  /**
   * Two {@code wait} runs in one command, each on a fresh event: without, then with
   * {@code stall.sockets()} browsers that never read; the readers' figures side by side and their
   * ratio. Both runs have the same seat churn, so only the stalled sockets differ.
   */
  static JsonObject compare(Vertx vertx, int port, String adminKey, int visitors, int seconds, int admitPerMinute,
                            int rankPushMillis, String serverPid, Stall stall) throws Exception {
    JsonObject without = new WaitBench(vertx, port, adminKey).run(false, visitors, seconds, admitPerMinute,
        rankPushMillis, 1, serverPid, stall.without());
    JsonObject with = new WaitBench(vertx, port, adminKey).run(false, visitors, seconds, admitPerMinute,
        rankPushMillis, 1, serverPid, stall);
    JsonObject a = without.getJsonObject("admissionLatencyMillis");
    JsonObject b = with.getJsonObject("admissionLatencyMillis");
    return new JsonObject()
        .put("scenario", "wait-stalled")
        .put("visitors", visitors)
        .put("stalledSockets", stall.sockets())
        .put("without", without)
        .put("with", with)
        .put("latencyRatio", new JsonObject().put("p50", Figures.ratio(b.getDouble("p50"), a.getDouble("p50")))
            .put("p99", Figures.ratio(b.getDouble("p99"), a.getDouble("p99"))))
        .put("maxHeapAfterGcBytes", new JsonObject().put("without", without.getLong("maxHeapAfterGcBytes"))
            .put("with", with.getLong("maxHeapAfterGcBytes")));
  }

  /**
   * With {@code processes} above 1 (wait only), the sockets are spread over this process and
   * worker processes of the harness ({@link WaitWorker}), since one process may hold at most 20,000
   * open files. {@code serverPid}, when given, lets the harness ask the server JVM for a full GC
   * before reading its heap, so heap per visitor counts live data, not garbage.
   */
  JsonObject run(boolean poll, int visitors, int seconds, int admitPerMinute, int rankPushMillis, int processes,
                 String serverPid, Stall stall) throws Exception {
    if (visitors + stall.sockets() > 19_500 || seconds > 900 || processes > 8 || stall.churn() > 256) {
      throw new IllegalArgumentException("bounded: at most 19,500 visitors and stalled sockets (the server's open-file"
          + " limit), 900 s, 8 processes, 256 churn loops");
    }
    if (stall.sockets() > 0 && (poll || processes > 1)) {
      throw new IllegalArgumentException("--stalled runs wait in one client process");
    }
    String event = "bench-" + (poll ? "poll" : stall.sockets() > 0 ? "stalled" : "wait") + "-"
        + System.currentTimeMillis() % 1_000_000;
    int rows = stall.churn() > 0 ? Math.max(1, (stall.seats() + SEATS_PER_ROW - 1) / SEATS_PER_ROW) : 1;
    JsonObject layout = AdminCalls.section("A", rows, stall.churn() > 0 ? SEATS_PER_ROW : 1);
    admin.put(event, "Swarm benchmark", layout, new JsonObject().put("paused", true).put("gate", "on")
            .put("stockPacing", false).put("maxActive", 1_000_000).put("admitPerMinute", admitPerMinute)
            .put("activeSeconds", ACTIVE_SECONDS).put("rankPushMillis", rankPushMillis).put("graceSeconds", 120))
        .await(30, TimeUnit.SECONDS);

    WaitingPages pages = new WaitingPages(vertx, port, http, ACTIVE_SECONDS);
    ServerProcess.fullGc(serverPid);
    ServerMetrics empty = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    List<Api.Joined> all = Api.joinAll(http, event, visitors, 200);
    List<Api.Joined> stalledVisitors = stall.sockets() > 0 ? Api.joinAll(http, event, stall.sockets(), 200) : List.of();
    List<WaitWorker> workers = new ArrayList<>();
    if (!poll) {
      int share = (visitors + processes - 1) / processes;
      pages.connectAll(all.subList(0, Math.min(share, all.size())));
      for (int from = share; from < all.size(); from += share) {
        workers.add(WaitWorker.start(port, all.subList(from, Math.min(all.size(), from + share))));
      }
      for (WaitWorker w : workers) {
        w.awaitReady();
      }
    }
    StalledSockets stalled = StalledSockets.connect(port, event, stalledVisitors.stream()
        .map(v -> new String[] {v.visitor(), v.token()}).toList());
    if (stalled.size() > 0) {
      awaitConnected(visitors + stalled.size());
    }
    ServerProcess.fullGc(serverPid);
    ServerMetrics before = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    long start = System.currentTimeMillis();
    admin.put(event, "Swarm benchmark", layout, new JsonObject().put("paused", false)).await(30, TimeUnit.SECONDS);
    if (poll) {
      pages.pollAll(event, all, rankPushMillis);
    }
    long end = start + seconds * 1000L;
    SeatChurn churn = new SeatChurn(vertx, http, event, rows * SEATS_PER_ROW, pages.passes());
    churn.start(stall.churn(), end);
    HeapWatch heap = new HeapWatch(http, serverPid, stall.heapEveryMillis(), stall.heapLimitBytes());
    heap.watch(start, end, before);
    churn.stop();
    ServerMetrics after = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    double elapsed = (System.currentTimeMillis() - start) / 1000.0;
    // end the sale, let the last notices arrive, then count: every admission must have reached its visitor
    admin.put(event, "Swarm benchmark", layout, new JsonObject().put("paused", true)).await(30, TimeUnit.SECONDS);
    Thread.sleep(Math.max(2000, rankPushMillis));
    JsonObject stats = admin.stats(event).await(10, TimeUnit.SECONDS);
    pages.stop();
    ServerProcess.fullGc(serverPid);
    ServerMetrics last = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    int stalledCount = stalled.size();
    stalled.close();
    for (WaitWorker w : workers) {
      pages.add(w.stop());
    }
    pages.close();
    http.close();

    double cpu = after.cpuSeconds() - before.cpuSeconds();
    double visitorMinutes = visitors * elapsed / 60.0;
    long admitted = stats.getLong("admittedTotal");
    return new JsonObject()
        .put("scenario", poll ? "poll" : "wait")
        .put("event", event)
        .put("visitors", visitors)
        .put("clientProcesses", poll ? 1 : processes)
        .put("seconds", elapsed)
        .put("admitPerMinute", admitPerMinute)
        .put("rankPushMillis", rankPushMillis)
        .put("admittedByServer", admitted)
        .put("admissionNoticesReceived", pages.noticesReceived())
        // the stalled visitors queue behind the readers, so the first admissions are the readers'
        .put("lostNotices", Math.max(0, Math.min(visitors, admitted) - pages.noticesReceived()))
        .put("admittedStalledVisitors", Math.max(0, admitted - visitors))
        .put("duplicateNotices", pages.duplicateNotices())
        .put("admissionLatencyMillis", pages.admissionLatency().summaryMillis())
        .put(poll ? "pollsPerSecond" : "rankUpdatesPerSecond", Math.round(pages.updates() / elapsed))
        .put("serverCpuSeconds", cpu)
        .put("serverCpuSecondsPer1000VisitorMinutes", cpu / (visitorMinutes / 1000.0))
        .put("serverHeapBytes", after.heapUsedBytes())
        .put("heapPerVisitorBytes", (before.heapUsedBytes() - empty.heapUsedBytes()) / Math.max(1, visitors))
        .put("errors", pages.errors())
        .put("readerSocketsClosedDuringRun", pages.readersClosed())
        .put("readerCloseStatuses", pages.readerCloseStatuses())
        .put("stalledSockets", stalledCount)
        .put("seatChurnLoops", stall.churn())
        .mergeIn(churn.toJson(elapsed))
        .put("heapAfterGcBeforeSaleBytes", serverPid == null ? null : before.heapUsedBytes())
        .mergeIn(heap.toJson(last))
        .put("slowSocketsClosed", last.slowSocketsClosed() - before.slowSocketsClosed())
        .put("framesCoalesced", last.framesCoalesced() - before.framesCoalesced());
  }

  /** Until the server counts this many registered visitors: the stalled sockets' registers were read. */
  private void awaitConnected(long wanted) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (ServerMetrics.read(http).await(10, TimeUnit.SECONDS).connectedVisitors() < wanted) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the server never counted " + wanted + " connected visitors");
      }
      Thread.sleep(200);
    }
  }
}
