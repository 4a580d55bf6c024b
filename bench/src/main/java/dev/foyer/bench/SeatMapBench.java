package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * {@code seatmap}: what clients looping on a large seat map cost everyone else. A 50,000-seat event
 * is created through the admin API; a probe sends one other request ({@code GET /api/events/{e}})
 * every {@code probeMillis} and times it: with nothing else going on ({@code idle}), and while
 * {@code clients} clients loop as fast as they can, in these phases, which take turns for
 * {@code rounds} rounds of {@code seconds} each:
 * <ul>
 *   <li>{@code browser}: as a browser reloading the page would, {@code Accept-Encoding: gzip} and,
 *       once it has one, {@code If-None-Match} with the ETag it got;</li>
 *   <li>{@code gzip}: full loads, compressed, no validator;</li>
 *   <li>{@code plain}: full loads, no compression, no validator (what every load cost before);</li>
 *   <li>{@code control}: no seat map at all, the clients loop on the probe's own request: what any
 *       endpoint looped on as fast as the clients can costs the others on this machine.</li>
 * </ul>
 * Meanwhile a few admitted visitors change holds {@code holdsPerSecond} times a second, so the map
 * keeps changing as in a sale. Per phase: the probe's percentiles and its p50 over the idle p50,
 * seat-map loads per second and how they were answered, bytes per load, the server's CPU seconds.
 * The probe runs on a Vert.x of its own, so the loaders' work in the harness never queues ahead of
 * it; the loaders count the bytes as they stream in rather than keep them.
 */
final class SeatMapBench {

  private static final int PER_ROW = 100;
  private static final int ROWS_PER_SECTION = 50;
  private static final List<String> PHASES = List.of("idle", "browser", "gzip", "plain", "control");

  private final Vertx vertx;
  private final String adminKey;
  private final HttpClient http;
  private final int port;

  SeatMapBench(Vertx vertx, int port, String adminKey) {
    this.vertx = vertx;
    this.port = port;
    this.adminKey = adminKey;
    this.http = vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(60).setDefaultHost("127.0.0.1")
        .setDefaultPort(port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(-1));
  }

  JsonObject run(int seats, int clients, int seconds, int rounds, int probeMillis, int holdsPerSecond)
      throws Exception {
    if (seats < 1 || seats > 50_000 || clients < 1 || clients > 64 || seconds < 1 || seconds > 120 || rounds < 1
        || rounds > 10) {
      throw new IllegalArgumentException("bounded: 1-50,000 seats, 1-64 clients, 1-120 seconds a phase, 1-10 rounds");
    }
    String loadBefore = loadAverage();
    int rows = (seats + PER_ROW - 1) / PER_ROW;
    String event = createEvent(rows);
    List<String> passes = Api.passes(http, event, Math.max(1, Math.min(8, holdsPerSecond)));
    JsonObject check = checkMap(event, rows * PER_ROW);

    Vertx probeVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    HttpClient probeHttp = probeVertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(Probes.MAX_IN_FLIGHT));
    // the phases take turns, round after round, so a neighbour's burst on a shared machine falls on
    // all of them alike rather than on one
    java.util.Map<String, SeatMapStats> stats = new java.util.LinkedHashMap<>();
    PHASES.forEach(phase -> stats.put(phase, new SeatMapStats()));
    try {
      for (int round = 0; round < rounds; round++) {
        for (String phase : PHASES) {
          phase(event, rows, phase, clients, seconds, probeMillis, holdsPerSecond, passes, probeVertx, probeHttp,
              new Random(round * 31L + phase.hashCode()), stats.get(phase));
        }
      }
    } finally {
      probeVertx.close().await(10, TimeUnit.SECONDS);
    }
    JsonObject phases = new JsonObject();
    stats.forEach((phase, st) -> phases.put(phase, st.toJson()));
    Double idle = phases.getJsonObject("idle").getJsonObject("probeMillis").getDouble("p50");
    for (String phase : PHASES) {
      JsonObject p = phases.getJsonObject(phase);
      Double p50 = p.getJsonObject("probeMillis").getDouble("p50");
      p.put("probeP50OverIdle", idle == null || p50 == null || idle == 0 ? null
          : Math.round(p50 / idle * 100) / 100.0);
    }
    http.close();
    return new JsonObject()
        .put("scenario", "seatmap")
        .put("event", event)
        .put("seats", rows * PER_ROW)
        .put("clients", clients)
        .put("secondsPerPhase", seconds)
        .put("rounds", rounds)
        .put("loadAverageBefore", loadBefore)
        .put("loadAverageAfter", loadAverage())
        .put("probeMillis", probeMillis)
        .put("holdsPerSecond", holdsPerSecond)
        .put("map", check)
        .put("phases", phases);
  }

  private String createEvent(int rows) throws Exception {
    String event = AdminCalls.over(http, adminKey).create("bench-seatmap-" + System.currentTimeMillis() % 1_000_000,
        "Seat map benchmark", AdminCalls.sections(rows, PER_ROW, ROWS_PER_SECTION),
        AdminCalls.straightIn().put("graceSeconds", 3600).put("holdSeconds", 3600)).await(60, TimeUnit.SECONDS);
    Thread.sleep(1500); // the node's hold verticle loads the new seat map
    return event;
  }

  /** One load of each kind, read whole: the map has every seat, and gzip (if answered) is the same JSON. */
  private JsonObject checkMap(String event, int seats) throws Exception {
    Load plain = seatMap(event, false).await(60, TimeUnit.SECONDS);
    Load gzip = seatMap(event, true).await(60, TimeUnit.SECONDS);
    JsonObject map = new JsonObject(plain.body);
    int count = map.getJsonArray("seats").size();
    if (count != seats) {
      throw new IllegalStateException("the map has " + count + " seats, not " + seats);
    }
    Buffer decoded = "gzip".equals(gzip.encoding) ? gunzip(gzip.body) : gzip.body;
    return new JsonObject()
        .put("seats", count)
        .put("plainBytes", plain.body.length())
        .put("gzipAnswered", "gzip".equals(gzip.encoding))
        .put("gzipBytes", gzip.body.length())
        .put("sameJson", new JsonObject(decoded).getJsonArray("seats").equals(map.getJsonArray("seats")))
        .put("etag", gzip.etag);
  }

  /** An answer; {@code body} only when kept, {@code length} always. */
  private record Load(int status, String etag, String encoding, Buffer body, long length) {
  }

  private Future<Load> seatMap(String event, boolean gzip) {
    return request("/api/events/" + event + "/seats", gzip, null).compose(resp -> resp.body().map(b -> new Load(
        resp.statusCode(), resp.getHeader("ETag"), resp.getHeader("Content-Encoding"), b, b.length())));
  }

  /** Reads the body as it streams in and only counts it: the harness shares the machine with the node. */
  private Future<Load> load(String uri, boolean gzip, String etag) {
    return request(uri, gzip, etag).compose(resp -> {
      Promise<Load> done = Promise.promise();
      long[] length = {0};
      resp.handler(chunk -> length[0] += chunk.length());
      resp.exceptionHandler(done::tryFail);
      resp.endHandler(v -> done.tryComplete(new Load(resp.statusCode(), resp.getHeader("ETag"),
          resp.getHeader("Content-Encoding"), null, length[0])));
      return done.future();
    });
  }

  private Future<io.vertx.core.http.HttpClientResponse> request(String uri, boolean gzip, String etag) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(uri);
    if (gzip) {
      options.putHeader("Accept-Encoding", "gzip");
    }
    if (etag != null) {
      options.putHeader("If-None-Match", etag);
    }
    return http.request(options).compose(req -> req.send());
  }

  private static Buffer gunzip(Buffer body) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body.getBytes()))) {
      return Buffer.buffer(in.readAllBytes());
    }
  }

  private void phase(String event, int rows, String phase, int clients, int seconds, int probeMillis,
                     int holdsPerSecond, List<String> passes, Vertx probeVertx, HttpClient probeHttp, Random random,
                     SeatMapStats st) throws Exception {
    ServerMetrics before = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    List<Future<Void>> loops = new ArrayList<>();
    Promise<Void> probing = Promise.promise();
    probeVertx.runOnContext(v -> new Probes(probeVertx, probeHttp, event, start, end, probeMillis, st.probe,
        st.probeErrors, st.probesSkipped, probing).tick());
    loops.add(probing.future());
    if (!phase.equals("idle")) {
      for (int i = 0; i < clients; i++) {
        Promise<Void> done = Promise.promise();
        loops.add(done.future());
        loadLoop(event, phase, end, null, st.loadLatency, st.full, st.notModified, st.loadErrors, st.bytes, done);
      }
    }
    if (holdsPerSecond > 0) {
      Promise<Void> done = Promise.promise();
      loops.add(done.future());
      holdLoop(event, passes, rows, random, end, 1_000_000_000L / holdsPerSecond, System.nanoTime(), st.holds,
          st.holdErrors, done);
    }
    Future.all(loops).await(seconds + 120L, TimeUnit.SECONDS);
    st.seconds += (System.nanoTime() - start) / 1e9;
    ServerMetrics after = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    st.cpuSeconds += after.cpuSeconds() - before.cpuSeconds();
  }

  /** The machine's load average (1, 5, 15 minutes), as a shared machine's context for the figures. */
  private static String loadAverage() {
    try {
      String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private void loadLoop(String event, String phase, long end, String etag, Latencies latency, AtomicLong full,
                        AtomicLong notModified, AtomicLong errors, AtomicLong bytes, Promise<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete();
      return;
    }
    long t0 = System.nanoTime();
    String uri = phase.equals("control") ? "/api/events/" + event : "/api/events/" + event + "/seats";
    load(uri, !phase.equals("plain"), phase.equals("browser") ? etag : null).onComplete(ar -> {
      String next = etag;
      if (ar.succeeded() && (ar.result().status == 200 || ar.result().status == 304)) {
        latency.add((System.nanoTime() - t0) / 1000);
        bytes.addAndGet(ar.result().length);
        (ar.result().status == 200 ? full : notModified).incrementAndGet();
        if (ar.result().etag != null) {
          next = ar.result().etag;
        }
      } else {
        errors.incrementAndGet();
      }
      loadLoop(event, phase, end, next, latency, full, notModified, errors, bytes, done);
    });
  }

  /** A few visitors each replacing their hold with 1-4 random seats, paced at one hold per interval. */
  private void holdLoop(String event, List<String> passes, int rows, Random random, long end, long intervalNanos,
                        long due, AtomicLong holds, AtomicLong errors, Promise<Void> done) {
    long now = System.nanoTime();
    if (now >= end) {
      done.complete();
      return;
    }
    if (due > now) {
      vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(due - now)), id -> holdLoop(event, passes, rows, random,
          end, intervalNanos, due, holds, errors, done));
      return;
    }
    JsonArray pick = new JsonArray();
    for (int n = 1 + random.nextInt(4); pick.size() < n; ) {
      int row = random.nextInt(rows);
      String seat = "S" + row / ROWS_PER_SECTION + "-" + (1 + row % ROWS_PER_SECTION) + "-" + (1 + random.nextInt(PER_ROW));
      if (!pick.contains(seat)) {
        pick.add(seat);
      }
    }
    String pass = passes.get(random.nextInt(passes.size()));
    Api.call(http, HttpMethod.POST, "/api/events/" + event + "/holds", "Bearer " + pass, new JsonObject().put("seats", pick))
        .onComplete(ar -> {
          // a seat another visitor holds is a 409, a normal outcome in a sale
          if (ar.succeeded() && (ar.result().getInteger("status") == 201 || ar.result().getInteger("status") == 409)) {
            holds.incrementAndGet();
          } else {
            errors.incrementAndGet();
          }
          holdLoop(event, passes, rows, random, end, intervalNanos, Math.max(due + intervalNanos, System.nanoTime()),
              holds, errors, done);
        });
  }
}
