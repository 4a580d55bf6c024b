package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code best}: best available on a big map with many buyers racing, against exact holds on the
 * same map in the same command. An event of {@code seats} seats (sections of 50 rows x 100) is
 * created and its front {@code prefill} share held row by row by filler visitors (so best available
 * has to find its way past full rows, as late in a sale); then {@code buyers} admitted buyers loop
 * at once for {@code seconds}, in phases that take turns for {@code rounds} rounds:
 * <ul>
 *   <li>{@code exact}: each buyer holds 2 random seats of the free part by id (409s count and the
 *       buyer tries again), the baseline: one hold script, no search;</li>
 *   <li>{@code best}: each buyer asks for the best 1 to 4 seats ({@code {"best": {"count": n}}}).</li>
 * </ul>
 * A buyer's new hold replaces its last, so the map stays as full as the prefill plus the buyers'
 * holds. Per phase: answer time p50/p99, holds made per second, refusals, placements (and errors by
 * status and code); best over
 * exact as ratios.
 */
final class BestBench {

  private static final int PER_ROW = 100;
  private static final int ROWS_PER_SECTION = 50;
  private static final int FILL_PER_HOLD = 50;

  private final String adminKey;
  private final HttpClient http;

  BestBench(Vertx vertx, int port, String adminKey) {
    this.adminKey = adminKey;
    this.http = vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(60).setDefaultHost("127.0.0.1")
        .setDefaultPort(port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(512).setMaxWaitQueueSize(-1));
  }

  JsonObject run(int seats, int buyers, int seconds, int rounds, double prefill) throws Exception {
    if (seats < PER_ROW || seats > 50_000 || buyers < 1 || buyers > 2000 || seconds < 1 || seconds > 120 || rounds < 1
        || rounds > 10 || prefill < 0 || prefill > 0.9) {
      throw new IllegalArgumentException("bounded: 100-50,000 seats, 1-2,000 buyers, 1-120 s, 1-10 rounds, prefill 0-0.9");
    }
    int rows = seats / PER_ROW;
    String event = createEvent(rows);
    List<String> rowsInOrder = new ArrayList<>();
    for (int s = 0; s * ROWS_PER_SECTION < rows; s++) {
      for (int r = 1; r <= Math.min(ROWS_PER_SECTION, rows - s * ROWS_PER_SECTION); r++) {
        rowsInOrder.add("S" + s + "-" + r);
      }
    }
    int filledRows = (int) (rowsInOrder.size() * prefill);
    fill(event, rowsInOrder.subList(0, filledRows));
    List<String> free = new ArrayList<>();
    for (String row : rowsInOrder.subList(filledRows, rowsInOrder.size())) {
      for (int n = 1; n <= PER_ROW; n++) {
        free.add(row + "-" + n);
      }
    }
    List<String> passes = Api.passes(http, event, buyers);
    JsonObject phases = new JsonObject();
    Map<String, List<JsonObject>> runs = new TreeMap<>();
    for (int round = 0; round < rounds; round++) {
      for (String phase : List.of("exact", "best")) {
        runs.computeIfAbsent(phase, p -> new ArrayList<>()).add(phase(event, phase, passes, free, seconds));
      }
    }
    runs.forEach((phase, list) -> phases.put(phase, merge(list)));
    JsonObject exact = phases.getJsonObject("exact");
    JsonObject best = phases.getJsonObject("best");
    return new JsonObject().put("scenario", "best").put("event", event).put("seats", rows * PER_ROW)
        .put("prefilledSeats", filledRows * PER_ROW).put("buyers", buyers).put("seconds", seconds).put("rounds", rounds)
        .put("phases", phases)
        .put("ratios", new JsonObject()
            .put("p50BestOverExact", Figures.ratio(best.getJsonObject("latencyMillis").getDouble("p50"),
                exact.getJsonObject("latencyMillis").getDouble("p50")))
            .put("p99BestOverExact", Figures.ratio(best.getJsonObject("latencyMillis").getDouble("p99"),
                exact.getJsonObject("latencyMillis").getDouble("p99")))
            .put("holdsPerSecondBestOverExact", Figures.ratio(best.getDouble("holdsPerSecond"), exact.getDouble("holdsPerSecond"))));
  }

  /** The rounds of one phase as one: all latencies, holds over all seconds. */
  private static JsonObject merge(List<JsonObject> list) {
    Latencies all = new Latencies();
    long holds = 0;
    long refused = 0;
    long errors = 0;
    double seconds = 0;
    JsonObject placements = new JsonObject();
    for (JsonObject r : list) {
      r.getJsonArray("micros").forEach(m -> all.add(((Number) m).longValue()));
      holds += r.getLong("holds");
      refused += r.getLong("refused");
      errors += r.getLong("errors");
      seconds += r.getDouble("seconds");
      r.getJsonObject("placements").forEach(e -> placements.put(e.getKey(),
          placements.getLong(e.getKey(), 0L) + ((Number) e.getValue()).longValue()));
    }
    return new JsonObject().put("latencyMillis", all.summaryMillis()).put("holds", holds)
        .put("holdsPerSecond", Math.round(holds / seconds * 10) / 10.0).put("refused", refused).put("errors", errors)
        .put("placements", placements);
  }

  private JsonObject phase(String event, String phase, List<String> passes, List<String> free, int seconds)
      throws Exception {
    Latencies latency = new Latencies();
    AtomicLong holds = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    Map<String, AtomicLong> placements = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < passes.size(); i++) {
      Promise<Void> done = Promise.promise();
      loop(event, phase, passes.get(i), free, new Random(i * 31L + phase.length()), end, latency, holds, refused, errors,
          placements, done);
      loops.add(done.future());
    }
    Future.all(loops).await(seconds + 60L, TimeUnit.SECONDS);
    double took = (System.nanoTime() - start) / 1e9;
    JsonObject p = new JsonObject();
    placements.forEach((k, v) -> p.put(k, v.get()));
    return new JsonObject().put("micros", new JsonArray(latency.values())).put("holds", holds.get())
        .put("refused", refused.get()).put("errors", errors.get()).put("seconds", took).put("placements", p);
  }

  private void loop(String event, String phase, String pass, List<String> free, Random random, long end,
                    Latencies latency, AtomicLong holds, AtomicLong refused, AtomicLong errors,
                    Map<String, AtomicLong> placements, Promise<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete();
      return;
    }
    JsonObject body;
    if (phase.equals("best")) {
      body = new JsonObject().put("best", new JsonObject().put("count", 1 + random.nextInt(4)));
    } else {
      int at = random.nextInt(free.size() - 1);
      body = new JsonObject().put("seats", new JsonArray().add(free.get(at)).add(free.get(at + 1)));
    }
    long sent = System.nanoTime();
    Api.call(http, HttpMethod.POST, "/api/events/" + event + "/holds", "Bearer " + pass, body).onComplete(ar -> {
      latency.add((System.nanoTime() - sent) / 1000);
      if (ar.failed()) {
        errors.incrementAndGet();
        placements.computeIfAbsent("error " + ar.cause().getClass().getSimpleName(), k -> new AtomicLong())
            .incrementAndGet();
      } else if (ar.result().getInteger("status") == 201) {
        holds.incrementAndGet();
        String placement = ar.result().getJsonObject("body").getString("placement");
        if (placement != null) {
          placements.computeIfAbsent(placement, k -> new AtomicLong()).incrementAndGet();
        }
      } else if (ar.result().getInteger("status") == 409) {
        refused.incrementAndGet();
      } else {
        errors.incrementAndGet();
        placements.computeIfAbsent("error " + ar.result().getInteger("status") + " "
            + ar.result().getJsonObject("body").getString("error"), k -> new AtomicLong()).incrementAndGet();
      }
      loop(event, phase, pass, free, random, end, latency, holds, refused, errors, placements, done);
    });
  }

  private String createEvent(int rows) throws Exception {
    String event = AdminCalls.over(http, adminKey).create("bench-best-" + System.currentTimeMillis() % 1_000_000,
        "Best available benchmark", AdminCalls.sections(rows, PER_ROW, ROWS_PER_SECTION), AdminCalls.straightIn()
            .put("admitPerMinute", 0).put("graceSeconds", 3600).put("holdSeconds", 3600)
            .put("maxSeatsPerHold", FILL_PER_HOLD))
        .await(60, TimeUnit.SECONDS);
    Thread.sleep(3000); // the node loads the new seat map and its rows index
    return event;
  }

  /** Holds these rows whole, {@value #FILL_PER_HOLD} seats a filler visitor. */
  private void fill(String event, List<String> rows) throws Exception {
    List<List<String>> holds = new ArrayList<>();
    for (String row : rows) {
      for (int from = 1; from <= PER_ROW; from += FILL_PER_HOLD) {
        List<String> seats = new ArrayList<>();
        for (int n = from; n < from + FILL_PER_HOLD && n <= PER_ROW; n++) {
          seats.add(row + "-" + n);
        }
        holds.add(seats);
      }
    }
    List<String> fillers = Api.passes(http, event, holds.size());
    for (int from = 0; from < holds.size(); from += 100) {
      List<Future<JsonObject>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(holds.size(), from + 100); i++) {
        batch.add(Api.call(http, HttpMethod.POST, "/api/events/" + event + "/holds", "Bearer " + fillers.get(i),
            new JsonObject().put("seats", new JsonArray(new ArrayList<Object>(holds.get(i))))));
      }
      Future.all(batch).await(120, TimeUnit.SECONDS);
      for (Future<JsonObject> f : batch) {
        if (f.result().getInteger("status") != 201) {
          throw new IllegalStateException("prefill hold refused: " + f.result().encode());
        }
      }
    }
  }
}
