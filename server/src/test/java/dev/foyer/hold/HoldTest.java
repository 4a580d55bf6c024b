package dev.foyer.hold;

import dev.foyer.FoyerConfig;
import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.BridgeSockets;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.RedisSnapshot;
import dev.foyer.support.SeatFeed;
import dev.foyer.support.StoredState;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seat holds on one node: all or nothing, replacement, expiry, confirmation, release, bad input. */
@ExtendWith(VertxExtension.class)
class HoldTest {

  private static final String EVENT = "city-hall";
  /** Everyone is let straight in, so each join gives an admitted visitor with a pass. */
  private static final JsonObject OPEN = new JsonObject().put("gate", "off").put("maxActive", 1000);

  /** The setup's own requests come as this client, which no limit counts, so they leave no bucket behind. */
  private static final String SETUP_CLIENT = "192.0.2.7";

  /**
   * Loopback is the trusted proxy but, unlike the suite's default, counted by the limits per client:
   * a refusal that spent a limit token shows as a bucket in the snapshot. (A bucket the setup left
   * would refill and expire while a test watches, so the setup speaks as an exempt client.)
   */
  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1).deployedWith(config -> config.withClients(
      new FoyerConfig.Clients(List.of("127.0.0.0/8", "::1"), List.of(SETUP_CLIENT), 60, 600)));

  /** The limit buckets ({@code {event}:limit:hold:a:127.0.0.1} and the like), looked at on their own. */
  private static final RedisSnapshot.Ignored BUCKETS = RedisSnapshot.Ignored.key("\\{[^}]+\\}:limit:.*",
      "the limit buckets are looked at on their own");
  private static final RedisSnapshot.Ignored ALL_BUT_BUCKETS = RedisSnapshot.Ignored.key("(?!\\{[^}]+\\}:limit:).*",
      "only the limit buckets are looked at here");

  @RegisterExtension
  static final BridgeSockets bridges = BridgeSockets.closedAfterEachTest();

  private static String pass(JsonObject visitor) {
    return visitor.getString("pass");
  }

  @Test
  void aHoldTakesAllItsSeatsOrNoneAndANewHoldReplacesTheOld() {
    ApiClient api = cluster.api();
    await(api.createEvent(EVENT, OPEN));
    JsonObject[] v = {await(api.admitted(EVENT)), await(api.admitted(EVENT))};
    HttpResponse<Buffer> first = await(api.hold(EVENT, pass(v[0]), "A-1-1", "A-1-2"));
    assertEquals(201, first.statusCode(), first.bodyAsString());
    JsonObject body = first.bodyAsJsonObject();
    assertEquals(new JsonArray().add("A-1-1").add("A-1-2"), body.getJsonArray("seats"));
    long expected = System.currentTimeMillis() + 300_000;
    assertTrue(Math.abs(body.getLong("expiresAt") - expected) < 5000, "held for holdSeconds (300 s)");

    HttpResponse<Buffer> conflict = await(api.hold(EVENT, pass(v[1]), "A-1-2", "A-1-3"));
    assertEquals(409, conflict.statusCode());
    assertEquals("seats_unavailable", conflict.bodyAsJsonObject().getString("error"));
    assertEquals(new JsonArray().add("A-1-2"), conflict.bodyAsJsonObject().getJsonArray("seats"));
    Map<String, String> statuses = await(api.seatStatuses(EVENT));
    assertEquals("held", statuses.get("A-1-1"));
    assertEquals("held", statuses.get("A-1-2"));
    assertEquals("free", statuses.get("A-1-3"), "a refused hold takes nothing");

    HttpResponse<Buffer> replaced = await(api.hold(EVENT, pass(v[0]), "A-1-2", "A-1-3"));
    assertEquals(201, replaced.statusCode());
    statuses = await(api.seatStatuses(EVENT));
    assertEquals("free", statuses.get("A-1-1"), "the old hold's other seat was let go");
    assertEquals("held", statuses.get("A-1-2"));
    assertEquals("held", statuses.get("A-1-3"));
    assertEquals(48, statuses.values().stream().filter("free"::equals).count());
  }

  @Test
  void confirmingSellsTheSeatsForGoodFreesTheActiveSlotAndARetryGetsTheSameReservation() {
    ApiClient api = cluster.api();
    Pool pg = cluster.pg();
    await(api.createEvent(EVENT, OPEN));
    JsonObject[] v = {await(api.admitted(EVENT)), await(api.admitted(EVENT))};
    String holdId = await(api.hold(EVENT, pass(v[0]), "A-2-1", "A-2-2")).bodyAsJsonObject().getString("holdId");
    HttpResponse<Buffer> confirmed = await(api.confirm(EVENT, pass(v[0]), holdId));
    assertEquals(201, confirmed.statusCode(), confirmed.bodyAsString());
    JsonObject reservation = confirmed.bodyAsJsonObject();
    HttpResponse<Buffer> retry = await(api.confirm(EVENT, pass(v[0]), holdId));
    assertEquals(201, retry.statusCode(), "a retried confirmation succeeds again");
    assertEquals(reservation, retry.bodyAsJsonObject(), "with the same reservation");
    HttpResponse<Buffer> taken = await(api.hold(EVENT, pass(v[1]), "A-2-2"));
    assertEquals(409, taken.statusCode(), "a sold seat cannot be held");

    Map<String, String> statuses = await(api.seatStatuses(EVENT));
    JsonObject stats = await(api.stats(EVENT));
    JsonObject me = await(api.me(EVENT, v[0].getString("token"))).bodyAsJsonObject();
    RowSet<Row> rows = await(pg.query("SELECT seat_id, reservation_id::text FROM reservations ORDER BY seat_id")
        .execute());
    assertEquals("sold", statuses.get("A-2-1"));
    assertEquals("sold", statuses.get("A-2-2"));
    assertEquals(2L, stats.getLong("sold"));
    assertEquals(0L, stats.getLong("held"));
    assertEquals(1L, stats.getLong("active"), "the buyer's slot went to the next in line");
    assertEquals("gone", me.getString("state"));
    assertEquals("confirmed", me.getString("reason"));
    assertEquals(2, rows.size());
    rows.forEach(r -> assertEquals(reservation.getString("reservationId"), r.getString(1)));
  }

  @Test
  void holdsExpireOnTimeAndTheChangeReachesSeatMapViewersWithinASecond() throws Exception {
    ApiClient api = cluster.api();
    ApiClient probe = api.forwardedFor(SETUP_CLIENT);
    String seats = "foyer.seats." + EVENT;
    await(api.createEvent(EVENT, OPEN.copy().put("holdSeconds", 1)));
    BridgeClient bridge = bridges.connect(cluster.node().port());
    await(bridge.register(seats, null));
    // the probe (an exempt client's, spending none of the test's tokens) changes A-4-4 until its
    // change comes through: from then on the node has the event's seat broadcasts
    JsonObject p = await(probe.admitted(EVENT));
    SeatFeed.following(probe, bridge, EVENT, pass(p), "A-4-4").await(90, TimeUnit.SECONDS);
    JsonObject v = await(api.admitted(EVENT));
    long expiresAt = await(api.hold(EVENT, pass(v), "A-3-3")).bodyAsJsonObject().getLong("expiresAt");
    await(bridge.next(f -> SeatFeed.changed(f, "A-3-3", "held"), 2000));
    // the time the change arrived, taken as it arrives (not when this thread wakes)
    long freedAt = await(bridge.next(f -> SeatFeed.changed(f, "A-3-3", "free"), 3000)
        .map(freed -> System.currentTimeMillis()));
    long late = freedAt - expiresAt;
    assertTrue(late >= -50, "not released before its time: " + late + " ms");
    assertTrue(late < 1000, "released and broadcast within a second: " + late + " ms late");
    assertEquals("free", await(api.seatStatuses(EVENT)).get("A-3-3"));
  }

  @Test
  void aConfirmationRacingTheExpiryEitherWinsCleanlyOrGets410NeverBoth(Vertx vertx) throws Exception {
    ApiClient api = cluster.api();
    Pool pg = cluster.pg();
    int visitors = 16;
    await(api.createEvent(EVENT, OPEN.copy().put("holdSeconds", 1)));
    List<Future<JsonObject>> races = new ArrayList<>();
    for (int i = 0; i < visitors; i++) {
      String seat = "A-" + (1 + i / 10) + "-" + (1 + i % 10);
      long offset = -160 + 20L * i; // from well before to well after the expiry
      races.add(api.admitted(EVENT).compose(a -> api.hold(EVENT, pass(a), seat).compose(held -> {
        JsonObject h = held.bodyAsJsonObject();
        long wait = Math.max(0, h.getLong("expiresAt") + offset - System.currentTimeMillis());
        return Waits.sleep(vertx, wait).compose(w -> api.confirm(EVENT, pass(a), h.getString("holdId")))
            .map(r -> new JsonObject().put("seat", seat).put("status", r.statusCode()).put("offset", offset));
      })));
    }
    await(Future.all(races));
    List<JsonObject> outcomes = races.stream().map(Future::result).toList();
    // a hold that lost goes once the expiry sweep has passed it
    List<String> lost = outcomes.stream().filter(o -> o.getInteger("status") != 201).map(o -> o.getString("seat"))
        .toList();
    AtomicReference<Map<String, String>> read = new AtomicReference<>();
    Waits.until("the seats of the holds that lost are swept", 30_000, () -> {
      read.set(await(api.seatStatuses(EVENT)));
      return lost.stream().allMatch(seat -> "free".equals(read.get().get(seat)));
    });

    Map<String, String> statuses = read.get();
    RowSet<Row> rows = await(pg.query("SELECT seat_id FROM reservations").execute());
    List<String> reserved = new ArrayList<>();
    rows.forEach(r -> reserved.add(r.getString(0)));
    for (JsonObject o : outcomes) {
      String seat = o.getString("seat");
      int status = o.getInteger("status");
      assertTrue(status == 201 || status == 410, "only a win or a 410: " + o);
      if (status == 201) {
        assertTrue(reserved.contains(seat), "a won confirmation is in PostgreSQL: " + o);
        assertEquals("sold", statuses.get(seat), "and stays sold: " + o);
      } else {
        assertTrue(!reserved.contains(seat), "a 410 sold nothing: " + o);
        assertEquals("free", statuses.get(seat), "and its seat is free again: " + o);
      }
    }
    assertTrue(outcomes.stream().anyMatch(o -> o.getInteger("status") == 201), "early confirmations win");
    assertTrue(outcomes.stream().anyMatch(o -> o.getInteger("status") == 410), "late ones get 410");
  }

  @Test
  void aVisitorWhoLeavesOrRunsOutOfTimeOrDisconnectsLosesTheHold() throws Exception {
    ApiClient api = cluster.api();
    // active for 2 s, gone 1 s after the last sign of life
    await(api.createEvent(EVENT, OPEN.copy().put("activeSeconds", 2).put("graceSeconds", 1)));
    JsonObject[] v = new JsonObject[3];
    v[0] = await(api.admitted(EVENT));
    await(api.hold(EVENT, pass(v[0]), "A-1-1"));
    await(api.leave(EVENT, v[0].getString("token")));
    // a visitor who left has neither an active time nor a lease any more: only the departure frees the
    // seat before the hold's own 300 s
    Map<String, String> afterLeave = onceFree("A-1-1", () -> { });
    assertEquals("free", afterLeave.get("A-1-1"), "leaving releases");

    v[1] = await(api.admitted(EVENT));
    await(api.hold(EVENT, pass(v[1]), "A-1-2"));
    // v[1] keeps calling (present) but its active time runs out
    Map<String, String> afterExpiry = onceFree("A-1-2", () -> await(api.me(EVENT, v[1].getString("token"))));
    assertEquals("free", afterExpiry.get("A-1-2"), "active expiry releases");

    v[2] = await(api.admitted(EVENT));
    await(api.hold(EVENT, pass(v[2]), "A-1-3"));
    // v[2] goes silent: past the grace it is gone
    Map<String, String> afterSilence = onceFree("A-1-3", () -> { });
    assertEquals("free", afterSilence.get("A-1-3"), "disconnecting past the grace releases");
    // the grace (1 s), not the active time (2 s), let it go: the visitor's state tells which, where a
    // read at 1.8 s did
    assertEquals("disconnected", await(api.me(EVENT, v[2].getString("token"))).bodyAsJsonObject().getString("reason"),
        "disconnecting past the grace releases");
  }

  /** A step done before each look at the seat map (a visitor's sign of life); it may block. */
  @FunctionalInterface
  private interface Meanwhile {
    void run() throws Exception;
  }

  /** The seat map once {@code seat} shows free, looked at every 100 ms for half a minute. */
  private static Map<String, String> onceFree(String seat, Meanwhile meanwhile) throws Exception {
    AtomicReference<Map<String, String>> statuses = new AtomicReference<>();
    Waits.until(seat + " free", 30_000, () -> {
      meanwhile.run();
      statuses.set(await(cluster.api().seatStatuses(EVENT)));
      return "free".equals(statuses.get().get(seat));
    });
    return statuses.get();
  }

  @Test
  void badHoldRequestsGetTheirCodeAndChangeNothingNotEvenALimitToken() {
    ApiClient api = cluster.api();
    ApiClient setup = api.forwardedFor(SETUP_CLIENT);
    String path = "/api/events/" + EVENT + "/holds";
    await(setup.createEvent(EVENT, OPEN));
    await(setup.createEvent("other-hall", OPEN));
    JsonObject[] v = {await(setup.admitted(EVENT)), await(setup.admitted("other-hall"))};
    String holdId = await(setup.hold(EVENT, pass(v[0]), "A-1-1")).bodyAsJsonObject().getString("holdId");
    JsonObject stranger = await(setup.admitted(EVENT));
    // refused from what the request says (its body, its pass, the event's maxSeatsPerHold),
    // before any limit is counted, and releases, which no limit counts
    List<Refusal> free = List.of(
        new Refusal(() -> api.hold(EVENT, pass(v[0]), "A-1-2", "A-1-2"), 400, "duplicate_seats"),
        new Refusal(() -> api.hold(EVENT, pass(v[0])), 400, "no_seats"),
        new Refusal(() -> api.hold(EVENT, pass(v[0]), "A-1-2", "A-1-3", "A-1-4", "A-1-5", "A-1-6"), 422,
            "too_many_seats"),
        new Refusal(() -> api.request(HttpMethod.POST, path).bearerTokenAuthentication(pass(v[0]))
            .sendJsonObject(new JsonObject().put("seats", "A-1-2")), 400, "invalid_seats"),
        new Refusal(() -> api.request(HttpMethod.POST, path).bearerTokenAuthentication(pass(v[0]))
            .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{seats")), 400, "invalid_json"),
        new Refusal(() -> api.holdWith(EVENT, pass(v[0]), new JsonObject().put("seats", new JsonArray().add("A-1-2"))
            .put("best", new JsonObject().put("count", 1)), null), 400, "invalid_hold"),
        new Refusal(() -> api.holdWith(EVENT, pass(v[0]), new JsonObject().put("seats", new JsonArray().add("A-1-2")),
            "short"), 400, "invalid_idempotency_key"),
        new Refusal(() -> api.request(HttpMethod.POST, path).sendJsonObject(new JsonObject().put("seats",
            new JsonArray().add("A-1-2"))), 401, "missing_pass"),
        new Refusal(() -> api.hold(EVENT, pass(v[1]), "A-1-2"), 403, "not_admitted"),
        new Refusal(() -> api.hold(EVENT, v[0].getString("token"), "A-1-2"), 403, "not_admitted"),
        new Refusal(() -> api.hold(EVENT, pass(v[0]).substring(0, pass(v[0]).length() - 4) + "AAAA", "A-1-2"),
            403, "not_admitted"),
        new Refusal(() -> api.release(EVENT, pass(stranger), holdId), 403, "not_your_hold"),
        new Refusal(() -> api.release(EVENT, pass(v[0]), "no-such-hold"), 404, "unknown_hold"));
    // refused by the seat store after a hold's or confirmation's work there: each takes its
    // one token, as docs/API.md (Limits per client) says, and changes nothing else
    List<Refusal> counted = List.of(
        new Refusal(() -> api.hold(EVENT, pass(v[0]), "A-1-2", "Z-9-9"), 400, "unknown_seats"),
        new Refusal(() -> api.confirm(EVENT, pass(stranger), holdId), 403, "not_your_hold"),
        new Refusal(() -> api.confirm(EVENT, pass(v[0]), "no-such-hold"), 410, "hold_expired"));

    StoredState before = await(snapshot(List.of()));
    answered(free);
    before.assertSameAs(await(snapshot(List.of())), "requests refused before the store changed nothing");

    StoredState beforeCounted = await(snapshot(List.of(BUCKETS)));
    answered(counted);
    Future<StoredState> afterCounted = snapshot(List.of(BUCKETS));
    Future<RedisSnapshot> bucketsRead = RedisSnapshot.of(cluster.redis(), cluster.setup().prefix(),
        List.of(ALL_BUT_BUCKETS));
    await(Future.all(afterCounted, bucketsRead));
    StoredState after = afterCounted.result();
    RedisSnapshot buckets = bucketsRead.result();
    String address = "{" + EVENT + "}:limit:%s:a:127.0.0.1";
    String network = "{" + EVENT + "}:limit:%s:n:127.0.0.0/24";
    beforeCounted.assertSameAs(after, "requests refused by the store changed nothing but limit tokens");
    assertEquals(java.util.Set.of(address.formatted("hold"), network.formatted("hold"),
        address.formatted("confirm"), network.formatted("confirm")), buckets.keys(),
        "the client's hold and confirmation buckets, and no other: " + buckets);
    // a fresh bucket holds its limit (30); each take leaves one less, plus what refilled since
    assertEquals(29.0, tokens(buckets.get(address.formatted("hold"))), 0.0, "one hold token: " + buckets);
    double confirms = tokens(buckets.get(address.formatted("confirm")));
    assertTrue(confirms >= 28 && confirms < 29, "two confirmation tokens: " + buckets);
  }

  /** The tokens left in a limit bucket, as a snapshot shows it ("hash expiring {at=..., tokens=28.5}"). */
  private static double tokens(String bucket) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("tokens=([0-9.]+)").matcher(String.valueOf(bucket));
    if (!m.find()) {
      throw new AssertionError("not a limit bucket: " + bucket);
    }
    return Double.parseDouble(m.group(1));
  }

  /** A request and the error it must get. */
  private record Refusal(Supplier<Future<HttpResponse<Buffer>>> call, int status, String error) {
  }

  /** Makes the calls together, once the caller has read the state before them, and checks each answer. */
  private static void answered(List<Refusal> refusals) {
    List<Future<HttpResponse<Buffer>>> calls = refusals.stream().map(r -> r.call().get()).toList();
    await(Future.all(calls));
    for (int i = 0; i < refusals.size(); i++) {
      Refusal c = refusals.get(i);
      HttpResponse<Buffer> r = calls.get(i).result();
      assertEquals(c.status(), r.statusCode(), c.error() + ": " + r.bodyAsString());
      assertEquals(c.error(), r.bodyAsJsonObject().getString("error"));
    }
  }

  @Test
  void aRedisFlushOfTheSeatMapLosesNoSale() {
    ApiClient api = cluster.api();
    Redis redis = cluster.redis();
    String base = cluster.setup().prefix() + ":{" + EVENT + "}:";
    await(api.createEvent(EVENT, OPEN));
    JsonObject v = await(api.admitted(EVENT));
    String holdId = await(api.hold(EVENT, pass(v), "A-5-5")).bodyAsJsonObject().getString("holdId");
    await(api.confirm(EVENT, pass(v), holdId));
    await(redis.send(Request.cmd(Command.DEL).arg(base + "seats").arg(base + "sold")));
    Map<String, String> statuses = await(api.seatStatuses(EVENT));
    assertEquals("sold", statuses.get("A-5-5"), "rebuilt from PostgreSQL");
    assertEquals(49, statuses.values().stream().filter("free"::equals).count());
  }

  /** Every Redis key of the test (less what moves on its own, and {@code alsoIgnoring}), and the reservations. */
  private static Future<StoredState> snapshot(List<RedisSnapshot.Ignored> alsoIgnoring) {
    List<RedisSnapshot.Ignored> ignoring = new ArrayList<>(RedisSnapshot.Ignored.BACKGROUND);
    ignoring.addAll(alsoIgnoring);
    return StoredState.of(cluster.redis(), cluster.setup().prefix(), ignoring, cluster.pg(),
        "SELECT count(*) FROM reservations");
  }
}
