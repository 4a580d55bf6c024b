package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code seatview}: N viewers on the live seat map ({@code foyer.seats.{event}}) while one visitor
 * holds and releases seats; the time from each change to each viewer.
 */
final class SeatViewBench {

  private final Vertx vertx;
  private final int port;
  private final String adminKey;
  private final HttpClient http;

  SeatViewBench(Vertx vertx, int port, String adminKey) {
    this.vertx = vertx;
    this.port = port;
    this.adminKey = adminKey;
    this.http = vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(45).setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(128).setMaxWaitQueueSize(-1));
  }

  /** The seat of the warm-up change: the map's last (10 rows of 10), never one of the measured changes. */
  private static final String WARM_UP = "A-10-10";

  JsonObject run(int viewers, int changes) throws Exception {
    if (viewers > 19_000 || changes < 1 || changes > 99) {
      throw new IllegalArgumentException("bounded: at most 19,000 viewers and 1-99 changes");
    }
    String event = AdminCalls.over(http, adminKey).create("bench-seatview-" + System.currentTimeMillis() % 1_000_000,
        "Seat benchmark", AdminCalls.section("A", 10, 10), AdminCalls.straightIn().put("graceSeconds", 600))
        .await(30, TimeUnit.SECONDS);
    Thread.sleep(1500); // every node's hold verticle loads the new seat map
    String auth = "Bearer " + Api.passes(http, event, 1).get(0);
    Map<String, Long> changedAt = new ConcurrentHashMap<>();
    Latencies delivery = new Latencies();
    AtomicLong received = new AtomicLong();
    List<WebSocket> sockets = connect(viewers, "foyer.seats." + event, changedAt, delivery, received);
    // a register is not answered: the viewers are listening once each has heard a warm-up change,
    // held and released on the last seat, which the measured changes never use
    changedAt.put(WARM_UP + "/held", System.currentTimeMillis());
    changedAt.put(WARM_UP + "/free", System.currentTimeMillis());
    JsonObject warm = Api.call(http, HttpMethod.POST, "/api/events/" + event + "/holds", auth,
        new JsonObject().put("seats", new JsonArray().add(WARM_UP))).await(30, TimeUnit.SECONDS);
    Api.call(http, HttpMethod.DELETE, "/api/events/" + event + "/holds/" + warm.getJsonObject("body").getString("holdId"),
        auth, null).await(30, TimeUnit.SECONDS);
    waitFor(received, 2L * viewers, 30_000);
    changedAt.clear();
    received.set(0);
    delivery.reset();
    for (int i = 0; i < changes; i++) {
      // a different seat each time, so every change is a distinct (seat, status) to time, and a
      // late frame still finds its own time however slow the machine
      String seat = "A-" + (1 + i / 10) + "-" + (1 + i % 10);
      // timed from before the call: a viewer's frame may come before the hold's own answer
      changedAt.put(seat + "/held", System.currentTimeMillis());
      JsonObject r = Api.call(http, HttpMethod.POST, "/api/events/" + event + "/holds", auth,
          new JsonObject().put("seats", new JsonArray().add(seat))).await(30, TimeUnit.SECONDS);
      Thread.sleep(150);
      changedAt.put(seat + "/free", System.currentTimeMillis());
      Api.call(http, HttpMethod.DELETE, "/api/events/" + event + "/holds/" + r.getJsonObject("body").getString("holdId"),
          auth, null).await(30, TimeUnit.SECONDS);
      Thread.sleep(150);
    }
    long expected = (long) viewers * changes * 2;
    // the last frames may still be on their way; a loaded machine gets up to 10 s, a quiet one none
    waitFor(received, expected, 10_000);
    sockets.forEach(WebSocket::close);
    return new JsonObject()
        .put("scenario", "seatview")
        .put("viewers", viewers)
        .put("changes", changes * 2)
        .put("deliveriesExpected", expected)
        .put("deliveriesReceived", received.get())
        .put("deliveryMillis", delivery.summaryMillis());
  }

  /** Until {@code count} reaches {@code target}, or the time is up (what is missing then is reported as such). */
  private static void waitFor(AtomicLong count, long target, long millis) throws InterruptedException {
    for (long deadline = System.currentTimeMillis() + millis; count.get() < target && System.currentTimeMillis() < deadline; ) {
      Thread.sleep(50);
    }
  }

  /** The viewers, 200 at a time, each timing the changes it is told of against {@code changedAt}. */
  private List<WebSocket> connect(int viewers, String address, Map<String, Long> changedAt, Latencies delivery,
                                  AtomicLong received) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(viewers + 10).setDefaultHost("127.0.0.1").setDefaultPort(port));
    List<WebSocket> sockets = new ArrayList<>();
    for (int from = 0; from < viewers; from += 200) {
      List<Future<WebSocket>> connects = new ArrayList<>();
      for (int i = from; i < Math.min(viewers, from + 200); i++) {
        connects.add(client.connect(new WebSocketConnectOptions().setURI("/eventbus/websocket")).map(ws -> {
          ws.handler(data -> {
            long now = System.currentTimeMillis();
            JsonObject frame = new JsonObject(data);
            JsonArray list = frame.getJsonObject("body") == null ? null : frame.getJsonObject("body").getJsonArray("changes");
            if (list != null) {
              for (Object c : list) {
                JsonObject change = (JsonObject) c;
                Long at = changedAt.get(change.getString("seat") + "/" + change.getString("status"));
                if (at != null) {
                  received.incrementAndGet();
                  delivery.add((now - at) * 1000);
                }
              }
            }
          });
          ws.writeTextMessage(new JsonObject().put("type", "register").put("address", address).encode());
          return ws;
        }));
      }
      Future.all(connects).await(60, TimeUnit.SECONDS);
      connects.forEach(c -> sockets.add(c.result()));
    }
    return sockets;
  }
}
