package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The limits per client, on two nodes sharing the buckets in Redis. Loopback is the trusted proxy
 * in the tests' configuration, so X-Forwarded-For plays the clients.
 */
@ExtendWith(VertxExtension.class)
class ClientLimitsTest {

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  private static Future<HttpResponse<Buffer>> joinFrom(ApiClient api, String event, String address) {
    return api.request(HttpMethod.POST, "/api/events/" + event + "/visitors").putHeader("X-Forwarded-For", address).send();
  }

  /** Runs {@code count} calls, {@code inFlight} at a time, and gives back every answer. */
  private static Future<List<HttpResponse<Buffer>>> run(int count, int inFlight, java.util.function.IntFunction<Future<HttpResponse<Buffer>>> call) {
    List<HttpResponse<Buffer>> out = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < inFlight; lane++) {
      lanes.add(lane(next, count, call, out));
    }
    return Future.all(lanes).map(v -> out);
  }

  private static Future<Void> lane(AtomicInteger next, int count, java.util.function.IntFunction<Future<HttpResponse<Buffer>>> call,
                                   List<HttpResponse<Buffer>> out) {
    int i = next.getAndIncrement();
    if (i >= count) {
      return Future.succeededFuture();
    }
    return call.apply(i).compose(r -> {
      out.add(r);
      return lane(next, count, call, out);
    });
  }

  @Test
  void fiveThousandJoinsFromOneAddressAreMostlyRefusedWhileFiftyOthersJoin() {
    String event = "limits-joins";
    ApiClient a = cluster.api(0);
    ApiClient b = cluster.api(1);
    await(a.createEvent(event, new JsonObject().put("gate", "on").put("paused", true)));
    // the bot alternates between the nodes: the bucket is the cluster's, not a node's
    List<HttpResponse<Buffer>> bot = await(run(5000, 32, i -> joinFrom(i % 2 == 0 ? a : b, event, "203.0.113.7")));
    List<HttpResponse<Buffer>> fans = await(run(50, 10, i -> joinFrom(i % 2 == 0 ? a : b, event, "198.51." + i + ".20")));
    long joined = bot.stream().filter(r -> r.statusCode() == 201).count();
    List<HttpResponse<Buffer>> refused = bot.stream().filter(r -> r.statusCode() == 429).toList();
    System.out.printf("limits: 5000 joins from one address: %d joined, %d refused with 429%n", joined, refused.size());
    assertEquals(5000, joined + refused.size(), "every answer is a join or a 429");
    // 20 at once, then 20 a minute: a few more while the run lasts
    assertTrue(joined >= 20 && joined <= 40, "joined " + joined);
    HttpResponse<Buffer> one = refused.get(0);
    assertEquals("rate_limited", one.bodyAsJsonObject().getString("error"));
    assertNotNull(one.getHeader("Retry-After"));
    assertTrue(Long.parseLong(one.getHeader("Retry-After")) >= 1);
    fans.forEach(r -> assertEquals(201, r.statusCode(), r.bodyAsString()));
    assertEquals(50, fans.size());
  }

  @Test
  void aHoarderFromOneAddressHoldsAtMostItsShareOfTheSeats() {
    String event = "limits-hoard";
    ApiClient api = cluster.api(0);
    String bot = "192.0.2.66";
    JsonObject body = new JsonObject().put("name", "Hoard").put("seats", ApiClient.layout(40, 50))
        .put("settings", new JsonObject().put("gate", "off"));
    AtomicInteger seat = new AtomicInteger();
    await(api.admin(HttpMethod.PUT, "/api/admin/events/" + event).sendJsonObject(body));
    List<HttpResponse<Buffer>> joins = await(run(500, 16, i -> joinFrom(api, event, bot)));
    List<String> passes = joins.stream().filter(r -> r.statusCode() == 201)
        .map(r -> r.bodyAsJsonObject().getString("pass")).toList();
    // 500 holds of 4 seats each, spread over the passes the bot got
    List<HttpResponse<Buffer>> holds = await(run(500, 16, i -> {
      int s = seat.getAndAdd(4);
      List<Object> seats = new ArrayList<>();
      for (int k = s; k < s + 4; k++) {
        seats.add("A-" + (k / 50 + 1) + "-" + (k % 50 + 1));
      }
      return api.request(HttpMethod.POST, "/api/events/" + event + "/holds")
          .putHeader("X-Forwarded-For", bot).bearerTokenAuthentication(passes.get(i % passes.size()))
          .sendJsonObject(new JsonObject().put("seats", new io.vertx.core.json.JsonArray(seats)));
    }));
    JsonObject stats = await(api.stats(event));
    long joined = joins.stream().filter(r -> r.statusCode() == 201).count();
    long held = holds.stream().filter(r -> r.statusCode() == 201).count();
    long refusedHolds = holds.stream().filter(r -> r.statusCode() == 429).count();
    long seatsHeld = stats.getLong("held");
    System.out.printf("limits: hoarder: %d of 500 joins, %d of 500 holds (%d refused 429), %d of 2000 seats held%n",
        joined, held, refusedHolds, seatsHeld);
    // the share one address can take: its joins (20 at once) times 4 seats, one hold per visitor
    assertTrue(seatsHeld <= 40 * 4, "held " + seatsHeld);
    assertTrue(seatsHeld * 100 / 2000 <= 8, "at most 8% of the house");
    assertTrue(joined <= 40);
  }

  @Test
  void holdsPerAddressAreLimitedEvenWhenJoinsAreNot() {
    String event = "limits-holds";
    ApiClient api = cluster.api(0);
    String bot = "192.0.2.77";
    JsonObject body = new JsonObject().put("name", "Holds").put("seats", ApiClient.layout(40, 50))
        .put("settings", new JsonObject().put("gate", "off").put("maxActive", 1000).put("admitPerMinute", 0)
            .put("limits", new JsonObject().put("joinsPerAddress", 0).put("joinsPerNetwork", 0).put("holdsPerAddress", 10)));
    await(api.admin(HttpMethod.PUT, "/api/admin/events/" + event).sendJsonObject(body));
    List<HttpResponse<Buffer>> joins = await(run(200, 16, i -> joinFrom(api, event, bot)));
    List<String> passes = joins.stream().map(r -> r.bodyAsJsonObject().getString("pass")).toList();
    List<HttpResponse<Buffer>> holds = await(run(200, 16, i -> api.request(HttpMethod.POST, "/api/events/" + event + "/holds")
        .putHeader("X-Forwarded-For", bot).bearerTokenAuthentication(passes.get(i))
        .sendJsonObject(new JsonObject().put("seats", new io.vertx.core.json.JsonArray()
            .add("A-" + (i / 50 + 1) + "-" + (i % 50 + 1))))));
    long held = holds.stream().filter(r -> r.statusCode() == 201).count();
    long refused = holds.stream().filter(r -> r.statusCode() == 429).count();
    System.out.printf("limits: 200 holds from one address with holdsPerAddress 10: %d held, %d refused%n", held, refused);
    assertTrue(held >= 10 && held <= 15, "held " + held);
    assertEquals(200, held + refused);
  }

  @Test
  void aClientCannotHideBehindAHeaderLineOfItsOwnBeforeTheProxys() {
    String event = "limits-lines";
    ApiClient api = cluster.api(0);
    await(api.createEvent(event, new JsonObject().put("gate", "on").put("paused", true)
        .put("limits", new JsonObject().put("joinsPerAddress", 3).put("joinsPerNetwork", 0))));
    // a fresh address in the client's own line every time; the proxy's line names the client
    List<HttpResponse<Buffer>> joins = await(run(10, 1, i -> api.request(HttpMethod.POST, "/api/events/" + event + "/visitors")
        .putHeader("X-Forwarded-For", List.of("100.64." + i + ".1", "203.0.113.41")).send()));
    assertEquals(3, joins.stream().filter(r -> r.statusCode() == 201).count(), "the address the proxy saw counts");
    assertEquals(7, joins.stream().filter(r -> r.statusCode() == 429).count());
  }

  @Test
  void wrongAdminKeysBehindTheProxyBlockTheGuesserNotEveryoneBehindIt() {
    ApiClient api = cluster.api(1);
    String guesser = "203.0.113.66";
    List<HttpResponse<Buffer>> guesses = await(run(dev.foyer.ingress.AdminGuard.LIMIT + 1, 1,
        i -> api.request(HttpMethod.GET, "/api/admin/events")
            .putHeader("X-Forwarded-For", guesser).bearerTokenAuthentication("guess-" + i).send()));
    HttpResponse<Buffer> blocked = await(api.admin(HttpMethod.GET, "/api/admin/events")
        .putHeader("X-Forwarded-For", guesser).send());
    HttpResponse<Buffer> operator = await(api.admin(HttpMethod.GET, "/api/admin/events")
        .putHeader("X-Forwarded-For", "198.51.100.66").send());
    assertEquals(429, guesses.get(guesses.size() - 1).statusCode(), "the guesser is blocked");
    assertEquals(429, blocked.statusCode(), "even with the right key");
    assertEquals(200, operator.statusCode(), "another client behind the same proxy is not: "
        + operator.bodyAsString());
  }

  @Test
  void oneSocketKeepsAtMostPlacesPerSocketVisitorsAlive(Vertx vertx) {
    String event = "limits-places";
    ApiClient api = cluster.api(0);
    List<JsonObject> visitors = new ArrayList<>();
    await(api.createEvent(event, new JsonObject().put("gate", "on").put("paused", true)));
    await(run(4, 1, i -> api.join(event))).forEach(r -> visitors.add(r.bodyAsJsonObject()));
    BridgeClient socket = await(BridgeClient.connect(vertx, cluster.node(0).port()));
    await(socket.registerVisitor(visitors.get(0).getString("visitor"), visitors.get(0).getString("token")));
    await(socket.registerVisitor(visitors.get(1).getString("visitor"), visitors.get(1).getString("token")));
    await(socket.registerVisitor(visitors.get(2).getString("visitor"), visitors.get(2).getString("token")));
    JsonObject err = await(socket.nextError(10_000));
    assertEquals("too_many_places", err.getString("body"), err.encode());
    assertEquals("foyer.visitor." + visitors.get(2).getString("visitor"), err.getString("address"));
  }

  private static String type(JsonObject frame) {
    return frame.getValue("body") instanceof JsonObject body ? body.getString("type") : null;
  }

  @Test
  void aSocketRegisteringItsVisitorInALoopIsRefusedPastItsBudget(Vertx vertx) throws Exception {
    String event = "limits-registers";
    ApiClient api = cluster.api(0);
    int pairs = 60;
    await(api.createEvent(event, new JsonObject().put("gate", "off")));
    JsonObject visitor = await(api.join(event)).bodyAsJsonObject();
    BridgeClient socket = await(BridgeClient.connect(vertx, cluster.node(0).port()));
    String address = "foyer.visitor." + visitor.getString("visitor");
    long startedAt = System.currentTimeMillis();
    for (int i = 0; i < pairs; i++) {
      await(socket.registerVisitor(visitor.getString("visitor"), visitor.getString("token")));
      await(socket.send(new JsonObject().put("type", "unregister").put("address", address)));
    }
    long loopMillis = System.currentTimeMillis() - startedAt;
    // every register is answered: the visitor's state (admitted) or the refusal
    Waits.until("every register answered", 20_000, () -> socket.received().stream()
        .filter(f -> "too_many_registers".equals(f.getString("body")) || "admitted".equals(type(f))).count() >= pairs);
    long seconds = loopMillis / 1000 + 1;
    long refused = socket.received().stream().filter(f -> "too_many_registers".equals(f.getString("body"))).count();
    System.out.printf("limits: %d visitor registers on one socket: %d refused%n", pairs, refused);
    // 16 in a row, then one a second while the loop lasted
    assertTrue(refused >= pairs - 16 - seconds && refused < pairs, "refused " + refused + " of " + pairs);
    socket.close();
  }

  @Test
  void socketsPastTheLimitOfAnAddressAreClosedWithRateLimited(Vertx vertx) throws Exception {
    // the tests' node settings: 60 sockets a minute per address; 90 open at once, over both nodes
    List<Future<BridgeClient>> opening = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      opening.add(BridgeClient.connectFrom(vertx, cluster.node(i % 2).port(), "203.0.113.99"));
    }
    await(Future.all(opening));
    List<BridgeClient> sockets = opening.stream().map(Future::result).toList();
    Waits.until("sockets closed with 1008", 20_000, () -> sockets.stream()
        .filter(b -> b.isClosed() && Short.valueOf((short) 1008).equals(b.closeStatus())).count() >= 15);
    long refused = sockets.stream().filter(BridgeClient::isClosed).count();
    System.out.printf("limits: 90 sockets from one address: %d refused%n", refused);
    // 60 at once; the bucket refills one a second while they open (slowly, on a loaded machine)
    assertTrue(refused >= 15 && refused <= 30, "refused " + refused);
    BridgeClient one = sockets.stream().filter(BridgeClient::isClosed).findFirst().orElseThrow();
    assertTrue(one.received().stream().anyMatch(f -> "rate_limited".equals(f.getString("body"))), one.received().toString());
    sockets.forEach(BridgeClient::close);
  }
}
