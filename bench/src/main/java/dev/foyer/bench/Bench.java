package dev.foyer.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Benchmarks against a running foyer (loopback only), bounded in count and time. They speak only
 * foyer's public interfaces: the REST and admin API, the SockJS bridge and /metrics.
 * <pre>
 *   java -jar bench/target/foyer-bench.jar surge --port 8080 --admin-key K --seconds 10 --concurrency 64
 *   java -jar bench/target/foyer-bench.jar forwardauth --port 8080 --admin-key K --concurrency 32 --seconds 5 --rounds 3
 *   java -jar bench/target/foyer-bench.jar tick --port 8080 --admin-key K --waiting 10000 --ticks 20
 *   java -jar bench/target/foyer-bench.jar wait --port 8080 --admin-key K --visitors 10000 --seconds 60
 *   java -jar bench/target/foyer-bench.jar poll --port 8080 --admin-key K --visitors 10000 --seconds 60
 *   java -jar bench/target/foyer-bench.jar line --port 8080 --admin-key K --visitors 10000 --seconds 60 --server-pid PID
 *   java -jar bench/target/foyer-bench.jar line --ports 8081,8082,8083 --admin-key K --visitors 45000 --processes 3 --phases push --server-pid P1,P2,P3
 *   java -jar bench/target/foyer-bench.jar wait --port 8080 --admin-key K --visitors 5000 --stalled 500 --server-pid PID
 *   java -jar bench/target/foyer-bench.jar holds --port 8080 --admin-key K --visitors 500 --seats 100 --seconds 10
 *   java -jar bench/target/foyer-bench.jar seatview --port 8080 --admin-key K --viewers 1000 --changes 50
 *   java -jar bench/target/foyer-bench.jar seatmap --port 8080 --admin-key K --seats 50000 --clients 8 --seconds 5 --rounds 3
 *   java -jar bench/target/foyer-bench.jar eta --port 8080 --admin-key K --runs 5 --visitors 300 --max-active 30
 *   java -jar bench/target/foyer-bench.jar bots --port 8080 --admin-key K --bot-joins 5000 --fans 50 --seconds 15
 *   java -jar bench/target/foyer-bench.jar chance --port 8080 --admin-key K --runs 5 --visitors 1000 --seats 300
 * </pre>
 * Each prints a summary and writes its figures as JSON under bench-results/. Each command runs the
 * class named for it: {@link SurgeBench}, {@link ForwardAuthBench}, {@link TickBench},
 * {@link WaitBench} (wait and poll), {@link LineBench}, {@link HoldsBench}, {@link SeatViewBench},
 * {@link SeatMapBench}, {@link BestBench}, {@link EtaBench}, {@link BotsBench} and {@link ChanceBench}.
 */
public final class Bench {

  private Bench() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: Bench surge|forwardauth|wait|poll|holds|seatview|seatmap|best|tick|eta|line|bots|chance|wsfloor [--option value ...]");
      System.exit(2);
    }
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(2));
    try {
      if (args[0].equals("wait-worker")) {
        WaitWorker.work(vertx, Integer.parseInt(options.getOrDefault("port", "8080")));
        return;
      }
      if (args[0].equals("line-worker")) {
        LineWorker.work(vertx);
        return;
      }
      JsonObject result = run(vertx, args[0], options);
      Path file = write(result, Path.of(options.getOrDefault("out", "bench-results")));
      System.out.println(result.encodePrettily());
      if (args[0].equals("bots")) {
        System.out.print(BotsBench.table(result));
      }
      System.out.println(summary(result));
      System.out.println("written to " + file);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Runs one scenario; options as on the command line, without the dashes. */
  public static JsonObject run(Vertx vertx, String scenario, Map<String, String> o) throws Exception {
    int port = Integer.parseInt(o.getOrDefault("port", "8080"));
    String adminKey = o.get("admin-key");
    JsonObject result = switch (scenario) {
      case "surge" -> new SurgeBench(vertx, port, adminKey).run(Integer.parseInt(o.getOrDefault("seconds", "10")),
          Integer.parseInt(o.getOrDefault("concurrency", "64")), o.get("event"));
      case "forwardauth" -> new ForwardAuthBench(vertx, port, adminKey).run(Integer.parseInt(o.getOrDefault("visitors", "200")),
          Integer.parseInt(o.getOrDefault("concurrency", "32")), Integer.parseInt(o.getOrDefault("seconds", "5")),
          Integer.parseInt(o.getOrDefault("rounds", "3")));
      case "tick" -> new TickBench(vertx, port, adminKey).run(Integer.parseInt(o.getOrDefault("waiting", "10000")),
          Integer.parseInt(o.getOrDefault("paused-ticks", "5")), Integer.parseInt(o.getOrDefault("ticks", "20")),
          Integer.parseInt(o.getOrDefault("admit-per-minute", "6000")));
      case "holds" -> new HoldsBench(vertx, port, adminKey).run(Integer.parseInt(o.getOrDefault("visitors", "500")),
          Integer.parseInt(o.getOrDefault("seats", "100")), Integer.parseInt(o.getOrDefault("seconds", "10")),
          Integer.parseInt(o.getOrDefault("concurrency", "64")));
      case "seatmap" -> new SeatMapBench(vertx, port, adminKey).run(Integer.parseInt(o.getOrDefault("seats", "50000")),
          Integer.parseInt(o.getOrDefault("clients", "8")), Integer.parseInt(o.getOrDefault("seconds", "5")),
          Integer.parseInt(o.getOrDefault("rounds", "3")), Integer.parseInt(o.getOrDefault("probe-millis", "20")), Integer.parseInt(o.getOrDefault("holds-per-second", "20")));
      case "best" -> new BestBench(vertx, port, adminKey).run(Integer.parseInt(o.getOrDefault("seats", "50000")),
          Integer.parseInt(o.getOrDefault("buyers", "500")), Integer.parseInt(o.getOrDefault("seconds", "10")),
          Integer.parseInt(o.getOrDefault("rounds", "2")), Double.parseDouble(o.getOrDefault("prefill", "0.8")));
      case "seatview" -> new SeatViewBench(vertx, port, adminKey).run(Integer.parseInt(o.getOrDefault("viewers", "1000")),
          Integer.parseInt(o.getOrDefault("changes", "50")));
      case "wait" -> Integer.parseInt(o.getOrDefault("stalled", "0")) > 0
          ? WaitBench.compare(vertx, port, adminKey, Integer.parseInt(o.getOrDefault("visitors", "1000")),
              Integer.parseInt(o.getOrDefault("seconds", "30")), Integer.parseInt(o.getOrDefault("admit-per-minute", "1200")),
              Integer.parseInt(o.getOrDefault("rank-push-millis", "2000")), o.get("server-pid"), stall(o))
          : new WaitBench(vertx, port, adminKey).run(false,
              Integer.parseInt(o.getOrDefault("visitors", "1000")), Integer.parseInt(o.getOrDefault("seconds", "30")),
              Integer.parseInt(o.getOrDefault("admit-per-minute", "1200")),
              Integer.parseInt(o.getOrDefault("rank-push-millis", "2000")),
              Integer.parseInt(o.getOrDefault("processes", "1")), o.get("server-pid"), stall(o));
      case "line" -> LineBench.compare(vertx, adminKey, new LineBench.Script(
          Integer.parseInt(o.getOrDefault("visitors", "10000")), Integer.parseInt(o.getOrDefault("seconds", "60")),
          Integer.parseInt(o.getOrDefault("admit-per-minute", "1200")),
          Integer.parseInt(o.getOrDefault("rank-push-millis", "2000")), Integer.parseInt(o.getOrDefault("max-active", "400")),
          Integer.parseInt(o.getOrDefault("active-seconds", "40")), Double.parseDouble(o.getOrDefault("joins-per-second", "10")),
          Double.parseDouble(o.getOrDefault("leaves-per-second", "3")), Integer.parseInt(o.getOrDefault("samples-per-second", "20")),
          Double.parseDouble(o.getOrDefault("pause-at", "0.4")), Double.parseDouble(o.getOrDefault("pause-for", "0.15"))),
          LineBench.Spread.of(o.getOrDefault("ports", o.getOrDefault("nodes", String.valueOf(port))),
              Integer.parseInt(o.getOrDefault("processes", "1")), o.get("server-pid"),
              o.getOrDefault("phases", "push,poll")));
      case "poll" -> new WaitBench(vertx, port, adminKey).run(true,
          Integer.parseInt(o.getOrDefault("visitors", "1000")), Integer.parseInt(o.getOrDefault("seconds", "30")),
          Integer.parseInt(o.getOrDefault("admit-per-minute", "1200")),
          Integer.parseInt(o.getOrDefault("rank-push-millis", "2000")),
          Integer.parseInt(o.getOrDefault("processes", "1")), o.get("server-pid"), WaitBench.Stall.NONE);
      case "eta" -> new EtaBench(vertx, port, adminKey).run(Integer.parseInt(o.getOrDefault("runs", "5")),
          Integer.parseInt(o.getOrDefault("visitors", "300")), Integer.parseInt(o.getOrDefault("max-active", "30")),
          Integer.parseInt(o.getOrDefault("dwell-min", "3")), Integer.parseInt(o.getOrDefault("dwell-max", "12")),
          Integer.parseInt(o.getOrDefault("look-every", "5")), Integer.parseInt(o.getOrDefault("rank-push-millis", "1000")));
      case "bots" -> new BotsBench(vertx, port, adminKey).run(BotsOptions.of(o));
      case "chance" -> new ChanceBench(vertx, port, adminKey).run(ChanceBench.Options.of(o));
      case "wsfloor" -> WsFloorBench.run(vertx, Integer.parseInt(o.getOrDefault("sockets", "5000")),
          Integer.parseInt(o.getOrDefault("floor-port", "0")));
      default -> throw new IllegalArgumentException("unknown scenario " + scenario);
    };
    return result.put("at", java.time.Instant.now().toString());
  }

  /**
   * {@code --stalled N --seat-churn C --seats S --heap-limit-mb L --heap-every SECONDS}: see
   * WaitBench.Stall. A plain {@code wait} reads the heap only before and after the sale, as it did.
   */
  private static WaitBench.Stall stall(Map<String, String> o) {
    return new WaitBench.Stall(Integer.parseInt(o.getOrDefault("stalled", "0")),
        Integer.parseInt(o.getOrDefault("seat-churn", "0")), Integer.parseInt(o.getOrDefault("seats", "1000")),
        Long.parseLong(o.getOrDefault("heap-limit-mb", "0")) << 20,
        Long.parseLong(o.getOrDefault("heap-every", o.containsKey("stalled") ? "10" : "0")) * 1000);
  }

  public static Path write(JsonObject result, Path dir) throws java.io.IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(result.getString("scenario") + "-" + System.currentTimeMillis() + ".json");
    Files.writeString(file, result.encodePrettily());
    return file;
  }

  /** One line a person reads first. */
  static String summary(JsonObject r) {
    return switch (r.getString("scenario")) {
      case "surge" -> String.format("surge: %d joins/s, p99 %s ms, %d errors", r.getLong("joinsPerSecond"),
          r.getJsonObject("latencyMillis").getValue("p99"), r.getLong("errors"));
      case "wait", "poll" -> String.format("%s: %d visitors, admission notice p50 %s / p99 %s ms, %d lost, "
              + "server %.2f CPU s per 1,000 visitor-minutes, heap %d MiB (%d bytes a visitor)",
          r.getString("scenario"), r.getInteger("visitors"), r.getJsonObject("admissionLatencyMillis").getValue("p50"),
          r.getJsonObject("admissionLatencyMillis").getValue("p99"), r.getLong("lostNotices"),
          r.getDouble("serverCpuSecondsPer1000VisitorMinutes"), r.getLong("serverHeapBytes") >> 20,
          r.getLong("heapPerVisitorBytes"));
      case "wait-stalled" -> stalledSummary(r);
      case "line" -> LineBench.summary(r);
      case "holds" -> String.format("holds: %d attempts/s, %d held/s, confirm p99 %s ms, %d errors",
          r.getLong("holdAttemptsPerSecond"), r.getLong("holdsPerSecond"),
          r.getJsonObject("confirmLatencyMillis").getValue("p99"), r.getLong("errors"));
      case "seatview" -> String.format("seatview: %d of %d deliveries, p99 %s ms", r.getLong("deliveriesReceived"),
          r.getLong("deliveriesExpected"), r.getJsonObject("deliveryMillis").getValue("p99"));
      case "seatmap" -> seatmapSummary(r);
      case "best" -> String.format("best: %d buyers on %d seats (%d held before): best p50 %s / p99 %s ms, %s holds/s; "
              + "exact p50 %s / p99 %s ms, %s holds/s; best/exact p50 x%s, p99 x%s, holds/s x%s", r.getInteger("buyers"),
          r.getInteger("seats"), r.getInteger("prefilledSeats"),
          r.getJsonObject("phases").getJsonObject("best").getJsonObject("latencyMillis").getValue("p50"),
          r.getJsonObject("phases").getJsonObject("best").getJsonObject("latencyMillis").getValue("p99"),
          r.getJsonObject("phases").getJsonObject("best").getValue("holdsPerSecond"),
          r.getJsonObject("phases").getJsonObject("exact").getJsonObject("latencyMillis").getValue("p50"),
          r.getJsonObject("phases").getJsonObject("exact").getJsonObject("latencyMillis").getValue("p99"),
          r.getJsonObject("phases").getJsonObject("exact").getValue("holdsPerSecond"),
          r.getJsonObject("ratios").getValue("p50BestOverExact"), r.getJsonObject("ratios").getValue("p99BestOverExact"),
          r.getJsonObject("ratios").getValue("holdsPerSecondBestOverExact"));
      case "forwardauth" -> forwardAuthSummary(r);
      case "bots" -> BotsBench.summary(r);
      case "chance" -> ChanceBench.summary(r);
      case "tick" -> String.format("tick: %d waiting, a tick admitting %.0f takes p50 %s / p99 %s ms (paused: p50 %s ms),"
              + " one admitting %d takes %s ms; %s", r.getInteger("waiting"),
          r.getJsonObject("admittedPerSteadyTick").getDouble("mean"), r.getJsonObject("steadyTickMillis").getValue("p50"),
          r.getJsonObject("steadyTickMillis").getValue("p99"), r.getJsonObject("pausedTickMillis").getValue("p50"),
          r.getJsonObject("burstTick").getLong("admitted"), r.getJsonObject("burstTick").getValue("millis"),
          r.getBoolean("isolated") ? "the node ticks no other event"
              : "includes the node's other events (up to " + r.getJsonObject("admitRunsPerTick").getLong("max")
                  + " admission scripts a tick)");
      case "eta" -> "eta: median / p90 relative error per run " + r.getJsonArray("runs").stream()
          .map(run -> ((JsonObject) run).getJsonObject("relativeError"))
          .map(e -> e.getValue("p50") + " / " + e.getValue("p90")).toList()
          + (r.getBoolean("metInEveryRun") ? "; median <= 20 % in every run" : "; median over 20 % in some run");
      default -> r.getString("scenario") + ": " + r.encode();
    };
  }

  private static String forwardAuthSummary(JsonObject r) {
    StringBuilder out = new StringBuilder(String.format("forwardauth: %d clients;", r.getInteger("concurrency")));
    for (String phase : r.getJsonObject("phases").fieldNames()) {
      JsonObject p = r.getJsonObject("phases").getJsonObject(phase);
      out.append(String.format(" %s %s req/s p50 %s p99 %s ms (%d unexpected);", phase, p.getValue("requestsPerSecond"),
          p.getJsonObject("latencyMillis").getValue("p50"), p.getJsonObject("latencyMillis").getValue("p99"),
          p.getLong("unexpected")));
    }
    return out.append(String.format(" auth/jwks: %s of the req/s, p99 x%s; auth/health: %s of the req/s, p99 x%s",
        r.getJsonObject("authOver_jwks").getValue("requestsPerSecond"), r.getJsonObject("authOver_jwks").getValue("p99"),
        r.getJsonObject("authOver_health").getValue("requestsPerSecond"), r.getJsonObject("authOver_health").getValue("p99")))
        .toString();
  }

  private static String seatmapSummary(JsonObject r) {
    StringBuilder out = new StringBuilder(String.format("seatmap: %d seats, %d clients; other requests p50/p99 ms:",
        r.getInteger("seats"), r.getInteger("clients")));
    for (String phase : r.getJsonObject("phases").fieldNames()) {
      JsonObject p = r.getJsonObject("phases").getJsonObject(phase);
      JsonObject probe = p.getJsonObject("probeMillis");
      out.append(String.format(" %s %s/%s", phase, probe.getValue("p50"), probe.getValue("p99")));
      if (!phase.equals("idle")) {
        out.append(String.format(" (%sx, %s loads/s, %d KB each)", p.getValue("probeP50OverIdle"),
            p.getValue("loadsPerSecond"), p.getLong("bytesPerLoad") / 1024));
      }
      out.append(';');
    }
    return out.toString();
  }

  private static String stalledSummary(JsonObject r) {
    JsonObject a = r.getJsonObject("without");
    JsonObject b = r.getJsonObject("with");
    return String.format("wait-stalled: %d readers, admission notice p50/p99 %s/%s ms without and %s/%s ms with %d"
            + " stalled sockets (x%s/x%s); heap after GC at most %s MiB without, %s MiB with%s; %d stalled sockets"
            + " closed by the server, %d notices lost",
        r.getInteger("visitors"), a.getJsonObject("admissionLatencyMillis").getValue("p50"),
        a.getJsonObject("admissionLatencyMillis").getValue("p99"), b.getJsonObject("admissionLatencyMillis").getValue("p50"),
        b.getJsonObject("admissionLatencyMillis").getValue("p99"), r.getInteger("stalledSockets"),
        r.getJsonObject("latencyRatio").getValue("p50"), r.getJsonObject("latencyRatio").getValue("p99"),
        mib(a.getLong("maxHeapAfterGcBytes")), mib(b.getLong("maxHeapAfterGcBytes")),
        b.getLong("stoppedEarlyAtSeconds") == null ? "" : " (stopped at " + b.getLong("stoppedEarlyAtSeconds")
            + " s: past --heap-limit-mb)", b.getLong("slowSocketsClosed"),
        a.getLong("lostNotices") + b.getLong("lostNotices"));
  }

  private static String mib(Long bytes) {
    return bytes == null ? "?" : String.valueOf(bytes >> 20);
  }
}
