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
 * every {@code probeMillis} and times it, first with nothing else going on, then while
 * {@code clients} clients load the seat map back to back in three ways:
 * <ul>
 *   <li>{@code browser}: as a browser reloading the page would, {@code Accept-Encoding: gzip} and,
 *       once it has one, {@code If-None-Match} with the ETag it got;</li>
 *   <li>{@code gzip}: full loads, compressed, no validator;</li>
 *   <li>{@code plain}: full loads, no compression, no validator (what every load cost before).</li>
 * </ul>
 * Meanwhile a few admitted visitors change holds {@code holdsPerSecond} times a second, so the map
 * keeps changing as in a sale. Per phase: the probe's percentiles and its p50 over the idle p50,
 * seat-map loads per second and how they were answered, bytes per load, the server's CPU seconds.
 * The probe runs on a Vert.x of its own, so the loaders' work in the harness never delays it.
 */
final class SeatMapBench {

  private static final int PER_ROW = 100;
  private static final int ROWS_PER_SECTION = 50;
  private static final List<String> PHASES = List.of("idle", "browser", "gzip", "plain");

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

  JsonObject run(int seats, int clients, int seconds, int probeMillis, int holdsPerSecond) throws Exception {
    if (seats < 1 || seats > 50_000 || clients < 1 || clients > 64 || seconds < 1 || seconds > 120) {
      throw new IllegalArgumentException("bounded: 1-50,000 seats, 1-64 clients, 1-120 seconds a phase");
    }
    int rows = (seats + PER_ROW - 1) / PER_ROW;
    String event = createEvent(rows);
    List<String> passes = admit(event, Math.max(1, Math.min(8, holdsPerSecond)));
    JsonObject check = checkMap(event, rows * PER_ROW);

    Vertx probeVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    HttpClient probeHttp = probeVertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(4));
    JsonObject phases = new JsonObject();
    try {
      for (String phase : PHASES) {
        phases.put(phase, phase(event, rows, phase, clients, seconds, probeMillis, holdsPerSecond, passes, probeVertx,
            probeHttp));
      }
    } finally {
      probeVertx.close().await(10, TimeUnit.SECONDS);
    }
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
        .put("probeMillis", probeMillis)
        .put("holdsPerSecond", holdsPerSecond)
        .put("map", check)
        .put("phases", phases);
  }

  private String createEvent(int rows) throws Exception {
    String event = "bench-seatmap-" + System.currentTimeMillis() % 1_000_000;
    JsonArray sections = new JsonArray();
    for (int s = 0, left = rows; left > 0; s++, left -= ROWS_PER_SECTION) {
      sections.add(new JsonObject().put("name", "S" + s).put("rows", Math.min(ROWS_PER_SECTION, left))
          .put("seatsPerRow", PER_ROW));
    }
    JsonObject body = new JsonObject().put("name", "Seat map benchmark")
        .put("seats", new JsonObject().put("sections", sections))
        .put("settings", new JsonObject().put("gate", "off").put("maxActive", 1_000_000).put("activeSeconds", 3600)
            .put("graceSeconds", 3600).put("holdSeconds", 3600));
    int status = send(HttpMethod.PUT, "/api/admin/events/" + event, "Bearer " + adminKey, body)
        .map(r -> r.getInteger("status")).await(60, TimeUnit.SECONDS);
    if (status != 201) {
      throw new IllegalStateException("could not create the benchmark event: HTTP " + status + " (check --admin-key)");
    }
    Thread.sleep(1500); // the node's hold verticle loads the new seat map
    return event;
  }

  private List<String> admit(String event, int n) throws Exception {
    List<String> passes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JsonObject r = send(HttpMethod.POST, "/api/events/" + event + "/visitors", null, null).await(30, TimeUnit.SECONDS);
      String pass = r.getJsonObject("body").getString("pass");
      if (pass == null) {
        throw new IllegalStateException("a visitor was not let straight in: " + r.encode());
      }
      passes.add(pass);
    }
    return passes;
  }

  /** One load of each kind, read whole: the map has every seat, and gzip (if answered) is the same JSON. */
  private JsonObject checkMap(String event, int seats) throws Exception {
    Load plain = load(event, false, null).await(60, TimeUnit.SECONDS);
    Load gzip = load(event, true, null).await(60, TimeUnit.SECONDS);
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

  private record Load(int status, String etag, String encoding, Buffer body) {
  }

  private Future<Load> load(String event, boolean gzip, String etag) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/events/" + event + "/seats");
    if (gzip) {
      options.putHeader("Accept-Encoding", "gzip");
    }
    if (etag != null) {
      options.putHeader("If-None-Match", etag);
    }
    return http.request(options).compose(req -> req.send().compose(resp -> resp.body().map(b -> new Load(
        resp.statusCode(), resp.getHeader("ETag"), resp.getHeader("Content-Encoding"), b))));
  }

  private static Buffer gunzip(Buffer body) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body.getBytes()))) {
      return Buffer.buffer(in.readAllBytes());
    }
  }

  private JsonObject phase(String event, int rows, String phase, int clients, int seconds, int probeMillis, int holdsPerSecond,
                           List<String> passes, Vertx probeVertx, HttpClient probeHttp) throws Exception {
    ServerMetrics before = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    Latencies probe = new Latencies();
    Latencies loadLatency = new Latencies();
    AtomicLong probeErrors = new AtomicLong();
    AtomicLong full = new AtomicLong();
    AtomicLong notModified = new AtomicLong();
    AtomicLong loadErrors = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicLong holds = new AtomicLong();
    AtomicLong holdErrors = new AtomicLong();
    List<Future<Void>> loops = new ArrayList<>();
    Promise<Void> probing = Promise.promise();
    probeVertx.runOnContext(v -> probeLoop(probeVertx, probeHttp, event, end, probeMillis, System.nanoTime(), probe,
        probeErrors, probing));
    loops.add(probing.future());
    if (!phase.equals("idle")) {
      for (int i = 0; i < clients; i++) {
        Promise<Void> done = Promise.promise();
        loops.add(done.future());
        loadLoop(event, phase, end, null, loadLatency, full, notModified, loadErrors, bytes, done);
      }
    }
    if (holdsPerSecond > 0) {
      Promise<Void> done = Promise.promise();
      loops.add(done.future());
      holdLoop(event, passes, rows, new Random(phase.hashCode()), end, 1_000_000_000L / holdsPerSecond,
          System.nanoTime(), holds, holdErrors, done);
    }
    Future.all(loops).await(seconds + 120L, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    ServerMetrics after = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
    long loads = full.get() + notModified.get();
    return new JsonObject()
        .put("seconds", Math.round(elapsed * 100) / 100.0)
        .put("probeMillis", probe.summaryMillis())
        .put("probeErrors", probeErrors.get())
        .put("loads", loads)
        .put("loadsPerSecond", Math.round(loads / elapsed * 10) / 10.0)
        .put("fullLoads", full.get())
        .put("notModified", notModified.get())
        .put("loadErrors", loadErrors.get())
        .put("bytesReceived", bytes.get())
        .put("bytesPerLoad", loads == 0 ? 0 : bytes.get() / loads)
        .put("loadMillis", loadLatency.summaryMillis())
        .put("holds", holds.get())
        .put("holdErrors", holdErrors.get())
        .put("serverCpuSeconds", Math.round((after.cpuSeconds() - before.cpuSeconds()) * 100) / 100.0);
  }

  /** One other request every probeMillis, on its own schedule; a late one goes at once, never two at a time. */
  private void probeLoop(Vertx probeVertx, HttpClient probeHttp, String event, long end, int probeMillis, long due,
                         Latencies probe, AtomicLong errors, Promise<Void> done) {
    long now = System.nanoTime();
    if (now >= end) {
      done.complete();
      return;
    }
    long wait = TimeUnit.NANOSECONDS.toMillis(due - now);
    if (wait >= 1) {
      probeVertx.setTimer(wait, id -> probeLoop(probeVertx, probeHttp, event, end, probeMillis, due, probe, errors,
          done));
      return;
    }
    long t0 = System.nanoTime();
    probeHttp.request(HttpMethod.GET, "/api/events/" + event)
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result() == 200) {
            probe.add((System.nanoTime() - t0) / 1000);
          } else {
            errors.incrementAndGet();
          }
          long next = due + TimeUnit.MILLISECONDS.toNanos(probeMillis);
          probeLoop(probeVertx, probeHttp, event, end, probeMillis, Math.max(next, System.nanoTime()), probe, errors,
              done);
        });
  }

  private void loadLoop(String event, String phase, long end, String etag, Latencies latency, AtomicLong full,
                        AtomicLong notModified, AtomicLong errors, AtomicLong bytes, Promise<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete();
      return;
    }
    long t0 = System.nanoTime();
    load(event, !phase.equals("plain"), phase.equals("browser") ? etag : null).onComplete(ar -> {
      String next = etag;
      if (ar.succeeded() && (ar.result().status == 200 || ar.result().status == 304)) {
        latency.add((System.nanoTime() - t0) / 1000);
        bytes.addAndGet(ar.result().body.length());
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
    send(HttpMethod.POST, "/api/events/" + event + "/holds", "Bearer " + pass, new JsonObject().put("seats", pick))
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

  /** {status, body}. */
  private Future<JsonObject> send(HttpMethod method, String path, String auth, JsonObject body) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path);
    if (auth != null) {
      options.putHeader("Authorization", auth);
    }
    return http.request(options)
        .compose(req -> body == null ? req.send() : req.send(body.toBuffer()))
        .compose(resp -> resp.body().map(b -> new JsonObject().put("status", resp.statusCode())
            .put("body", b.length() == 0 ? new JsonObject() : new JsonObject(b))));
  }
}
