package dev.foyer.hold;

import dev.foyer.FoyerConfig;
import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
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
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seat holds on one node: all or nothing, replacement, expiry, confirmation, release, bad input. */
@ExtendWith(VertxExtension.class)
// the awaits inside allow a loaded two-core machine a minute; the extension's 30 s default would cut them short
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
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

  private BridgeClient bridge;

  @AfterEach
  void closeBridge() throws Exception {
    if (bridge != null) {
      bridge.close().otherwiseEmpty().await(5, TimeUnit.SECONDS);
    }
  }

  private static String pass(JsonObject visitor) {
    return visitor.getString("pass");
  }

  @Test
  void aHoldTakesAllItsSeatsOrNoneAndANewHoldReplacesTheOld(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    JsonObject[] v = new JsonObject[2];
    api.createEvent(EVENT, OPEN)
        .compose(x -> api.admitted(EVENT)).map(a -> v[0] = a)
        .compose(x -> api.admitted(EVENT)).map(b -> v[1] = b)
        .compose(x -> api.hold(EVENT, pass(v[0]), "A-1-1", "A-1-2"))
        .compose(first -> {
          ctx.verify(() -> {
            assertEquals(201, first.statusCode(), first.bodyAsString());
            JsonObject body = first.bodyAsJsonObject();
            assertEquals(new JsonArray().add("A-1-1").add("A-1-2"), body.getJsonArray("seats"));
            long expected = System.currentTimeMillis() + 300_000;
            assertTrue(Math.abs(body.getLong("expiresAt") - expected) < 5000, "held for holdSeconds (300 s)");
          });
          return api.hold(EVENT, pass(v[1]), "A-1-2", "A-1-3");
        })
        .compose(conflict -> {
          ctx.verify(() -> {
            assertEquals(409, conflict.statusCode());
            assertEquals("seats_unavailable", conflict.bodyAsJsonObject().getString("error"));
            assertEquals(new JsonArray().add("A-1-2"), conflict.bodyAsJsonObject().getJsonArray("seats"));
          });
          return api.seatStatuses(EVENT);
        })
        .compose(statuses -> {
          ctx.verify(() -> {
            assertEquals("held", statuses.get("A-1-1"));
            assertEquals("held", statuses.get("A-1-2"));
            assertEquals("free", statuses.get("A-1-3"), "a refused hold takes nothing");
          });
          return api.hold(EVENT, pass(v[0]), "A-1-2", "A-1-3");
        })
        .compose(replaced -> {
          ctx.verify(() -> assertEquals(201, replaced.statusCode()));
          return api.seatStatuses(EVENT);
        })
        .onComplete(ctx.succeeding(statuses -> ctx.verify(() -> {
          assertEquals("free", statuses.get("A-1-1"), "the old hold's other seat was let go");
          assertEquals("held", statuses.get("A-1-2"));
          assertEquals("held", statuses.get("A-1-3"));
          assertEquals(48, statuses.values().stream().filter("free"::equals).count());
          ctx.completeNow();
        })));
  }

  @Test
  void confirmingSellsTheSeatsForGoodFreesTheActiveSlotAndARetryGetsTheSameReservation(Vertx vertx,
                                                                                     VertxTestContext ctx) {
    ApiClient api = cluster.api();
    Pool pg = cluster.pg();
    JsonObject[] v = new JsonObject[2];
    String[] holdId = new String[1];
    JsonObject[] reservation = new JsonObject[1];
    api.createEvent(EVENT, OPEN)
        .compose(x -> api.admitted(EVENT)).map(a -> v[0] = a)
        .compose(x -> api.admitted(EVENT)).map(b -> v[1] = b)
        .compose(x -> api.hold(EVENT, pass(v[0]), "A-2-1", "A-2-2"))
        .compose(held -> {
          holdId[0] = held.bodyAsJsonObject().getString("holdId");
          return api.confirm(EVENT, pass(v[0]), holdId[0]);
        })
        .compose(confirmed -> {
          ctx.verify(() -> assertEquals(201, confirmed.statusCode(), confirmed.bodyAsString()));
          reservation[0] = confirmed.bodyAsJsonObject();
          return api.confirm(EVENT, pass(v[0]), holdId[0]);
        })
        .compose(retry -> {
          ctx.verify(() -> {
            assertEquals(201, retry.statusCode(), "a retried confirmation succeeds again");
            assertEquals(reservation[0], retry.bodyAsJsonObject(), "with the same reservation");
          });
          return api.hold(EVENT, pass(v[1]), "A-2-2");
        })
        .compose(taken -> {
          ctx.verify(() -> assertEquals(409, taken.statusCode(), "a sold seat cannot be held"));
          return Future.all(api.seatStatuses(EVENT), api.stats(EVENT), api.me(EVENT, v[0].getString("token")),
              pg.query("SELECT seat_id, reservation_id::text FROM reservations ORDER BY seat_id").execute());
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          Map<String, String> statuses = all.resultAt(0);
          JsonObject stats = all.resultAt(1);
          JsonObject me = all.<HttpResponse<Buffer>>resultAt(2).bodyAsJsonObject();
          io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row> rows = all.resultAt(3);
          assertEquals("sold", statuses.get("A-2-1"));
          assertEquals("sold", statuses.get("A-2-2"));
          assertEquals(2L, stats.getLong("sold"));
          assertEquals(0L, stats.getLong("held"));
          assertEquals(1L, stats.getLong("active"), "the buyer's slot went to the next in line");
          assertEquals("gone", me.getString("state"));
          assertEquals("confirmed", me.getString("reason"));
          assertEquals(2, rows.size());
          rows.forEach(r -> assertEquals(reservation[0].getString("reservationId"), r.getString(1)));
          ctx.completeNow();
        })));
  }

  @Test
  void holdsExpireOnTimeAndTheChangeReachesSeatMapViewersWithinASecond(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    ApiClient probe = api.forwardedFor(SETUP_CLIENT);
    JsonObject[] v = new JsonObject[1];
    long[] expiresAt = new long[1];
    String seats = "foyer.seats." + EVENT;
    api.createEvent(EVENT, OPEN.copy().put("holdSeconds", 1))
        .compose(x -> BridgeClient.connect(vertx, cluster.node().port()))
        .compose(b -> {
          bridge = b;
          return b.register(seats, null);
        })
        // the probe (an exempt client's, spending none of the test's tokens) changes A-4-4 until its
        // change comes through: from then on the node has the event's seat broadcasts
        .compose(x -> probe.admitted(EVENT))
        .compose(p -> SeatFeed.following(probe, bridge, EVENT, pass(p), "A-4-4"))
        .compose(x -> api.admitted(EVENT)).map(a -> v[0] = a)
        .compose(x -> api.hold(EVENT, pass(v[0]), "A-3-3"))
        .compose(held -> {
          expiresAt[0] = held.bodyAsJsonObject().getLong("expiresAt");
          return bridge.next(f -> SeatFeed.changed(f, "A-3-3", "held"), 2000);
        })
        .compose(x -> bridge.next(f -> SeatFeed.changed(f, "A-3-3", "free"), 3000))
        .compose(freed -> {
          long late = System.currentTimeMillis() - expiresAt[0];
          ctx.verify(() -> {
            assertTrue(late >= -50, "not released before its time: " + late + " ms");
            assertTrue(late < 1000, "released and broadcast within a second: " + late + " ms late");
          });
          return api.seatStatuses(EVENT);
        })
        .onComplete(ctx.succeeding(statuses -> ctx.verify(() -> {
          assertEquals("free", statuses.get("A-3-3"));
          ctx.completeNow();
        })));
  }

  @Test
  void aConfirmationRacingTheExpiryEitherWinsCleanlyOrGets410NeverBoth(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    Pool pg = cluster.pg();
    int visitors = 16;
    List<JsonObject> outcomes = new ArrayList<>();
    api.createEvent(EVENT, OPEN.copy().put("holdSeconds", 1))
        .compose(x -> {
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
          return Future.all(races).map(all -> {
            races.forEach(f -> outcomes.add(f.result()));
            return null;
          });
        })
        .compose(x -> Waits.sleep(vertx, 1200))
        .compose(x -> Future.all(api.seatStatuses(EVENT),
            pg.query("SELECT seat_id FROM reservations").execute()))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          Map<String, String> statuses = all.resultAt(0);
          io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row> rows = all.resultAt(1);
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
          ctx.completeNow();
        })));
  }

  @Test
  void aVisitorWhoLeavesOrRunsOutOfTimeOrDisconnectsLosesTheHold(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    JsonObject[] v = new JsonObject[3];
    // active for 2 s, gone 1 s after the last sign of life
    api.createEvent(EVENT, OPEN.copy().put("activeSeconds", 2).put("graceSeconds", 1))
        .compose(x -> api.admitted(EVENT)).map(a -> v[0] = a)
        .compose(x -> api.hold(EVENT, pass(v[0]), "A-1-1"))
        .compose(x -> api.leave(EVENT, v[0].getString("token")))
        .compose(x -> Waits.sleep(vertx, 300))
        .compose(x -> api.seatStatuses(EVENT))
        .compose(afterLeave -> {
          ctx.verify(() -> assertEquals("free", afterLeave.get("A-1-1"), "leaving releases"));
          return api.admitted(EVENT).map(a -> v[1] = a);
        })
        .compose(x -> api.hold(EVENT, pass(v[1]), "A-1-2"))
        // v[1] keeps calling (present) but its active time runs out
        .compose(x -> keepPolling(vertx, v[1], 2600))
        .compose(x -> api.seatStatuses(EVENT))
        .compose(afterExpiry -> {
          ctx.verify(() -> assertEquals("free", afterExpiry.get("A-1-2"), "active expiry releases"));
          return api.admitted(EVENT).map(a -> v[2] = a);
        })
        .compose(x -> api.hold(EVENT, pass(v[2]), "A-1-3"))
        // v[2] goes silent: past the grace it is gone
        .compose(x -> Waits.sleep(vertx, 1800))
        .compose(x -> api.seatStatuses(EVENT))
        .onComplete(ctx.succeeding(afterSilence -> ctx.verify(() -> {
          assertEquals("free", afterSilence.get("A-1-3"), "disconnecting past the grace releases");
          ctx.completeNow();
        })));
  }

  private Future<Void> keepPolling(Vertx vertx, JsonObject visitor, long millis) {
    ApiClient api = cluster.api();
    long until = System.currentTimeMillis() + millis;
    Supplier<Future<Void>>[] loop = new Supplier[1];
    loop[0] = () -> System.currentTimeMillis() > until ? Future.succeededFuture()
        : api.me(EVENT, visitor.getString("token")).compose(r -> Waits.sleep(vertx, 300)).compose(x -> loop[0].get());
    return loop[0].get();
  }

  @Test
  void badHoldRequestsGetTheirCodeAndChangeNothingNotEvenALimitToken(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    ApiClient setup = api.forwardedFor(SETUP_CLIENT);
    JsonObject[] v = new JsonObject[2];
    String[] holdId = new String[1];
    String path = "/api/events/" + EVENT + "/holds";
    setup.createEvent(EVENT, OPEN)
        .compose(x -> setup.createEvent("other-hall", OPEN))
        .compose(x -> setup.admitted(EVENT)).map(a -> v[0] = a)
        .compose(x -> setup.admitted("other-hall")).map(b -> v[1] = b)
        .compose(x -> setup.hold(EVENT, pass(v[0]), "A-1-1"))
        .compose(held -> {
          holdId[0] = held.bodyAsJsonObject().getString("holdId");
          return setup.admitted(EVENT);
        })
        .compose(stranger -> {
          // refused from what the request says (its body, its pass, the event's maxSeatsPerHold),
          // before any limit is counted, and releases, which no limit counts
          List<Refusal> free = List.of(
              new Refusal(() -> api.hold(EVENT, pass(v[0]), "A-1-2", "A-1-2"), 400, "duplicate_seats"),
              new Refusal(() -> api.hold(EVENT, pass(v[0])), 400, "no_seats"),
              new Refusal(() -> api.hold(EVENT, pass(v[0]), "A-1-2", "A-1-3", "A-1-4", "A-1-5", "A-1-6"), 422, "too_many_seats"),
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
              new Refusal(() -> api.release(EVENT, pass(stranger), holdId[0]), 403, "not_your_hold"),
              new Refusal(() -> api.release(EVENT, pass(v[0]), "no-such-hold"), 404, "unknown_hold"));
          // refused by the seat store after a hold's or confirmation's work there: each takes its
          // one token, as docs/API.md (Limits per client) says, and changes nothing else
          List<Refusal> counted = List.of(
              new Refusal(() -> api.hold(EVENT, pass(v[0]), "A-1-2", "Z-9-9"), 400, "unknown_seats"),
              new Refusal(() -> api.confirm(EVENT, pass(stranger), holdId[0]), 403, "not_your_hold"),
              new Refusal(() -> api.confirm(EVENT, pass(v[0]), "no-such-hold"), 410, "hold_expired"));
          return snapshot(List.of()).compose(before -> answered(ctx, free).compose(x -> snapshot(List.of()))
                  .map(after -> {
                    ctx.verify(() -> before.assertSameAs(after, "requests refused before the store changed nothing"));
                    return null;
                  }))
              .compose(x -> snapshot(List.of(BUCKETS)))
              .compose(before -> answered(ctx, counted)
                  .compose(x -> Future.all(snapshot(List.of(BUCKETS)),
                      RedisSnapshot.of(cluster.redis(), cluster.setup().prefix(), List.of(ALL_BUT_BUCKETS))))
                  .map(all -> {
                    StoredState after = all.resultAt(0);
                    RedisSnapshot buckets = all.resultAt(1);
                    String address = "{" + EVENT + "}:limit:%s:a:127.0.0.1";
                    String network = "{" + EVENT + "}:limit:%s:n:127.0.0.0/24";
                    ctx.verify(() -> {
                      before.assertSameAs(after, "requests refused by the store changed nothing but limit tokens");
                      assertEquals(java.util.Set.of(address.formatted("hold"), network.formatted("hold"),
                          address.formatted("confirm"), network.formatted("confirm")), buckets.keys(),
                          "the client's hold and confirmation buckets, and no other: " + buckets);
                      // a fresh bucket holds its limit (30); each take leaves one less, plus what refilled since
                      assertEquals(29.0, tokens(buckets.get(address.formatted("hold"))), 0.0, "one hold token: " + buckets);
                      double confirms = tokens(buckets.get(address.formatted("confirm")));
                      assertTrue(confirms >= 28 && confirms < 29, "two confirmation tokens: " + buckets);
                    });
                    return null;
                  }));
        })
        .onComplete(ctx.succeedingThenComplete());
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
  private static Future<Void> answered(VertxTestContext ctx, List<Refusal> refusals) {
    List<Future<HttpResponse<Buffer>>> calls = refusals.stream().map(r -> r.call().get()).toList();
    return Future.all(calls).map(all -> {
      ctx.verify(() -> {
        for (int i = 0; i < refusals.size(); i++) {
          Refusal c = refusals.get(i);
          HttpResponse<Buffer> r = calls.get(i).result();
          assertEquals(c.status(), r.statusCode(), c.error() + ": " + r.bodyAsString());
          assertEquals(c.error(), r.bodyAsJsonObject().getString("error"));
        }
      });
      return null;
    });
  }

  @Test
  void aRedisFlushOfTheSeatMapLosesNoSale(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    Redis redis = cluster.redis();
    JsonObject[] v = new JsonObject[1];
    String base = cluster.setup().prefix() + ":{" + EVENT + "}:";
    api.createEvent(EVENT, OPEN)
        .compose(x -> api.admitted(EVENT)).map(a -> v[0] = a)
        .compose(x -> api.hold(EVENT, pass(v[0]), "A-5-5"))
        .compose(held -> api.confirm(EVENT, pass(v[0]), held.bodyAsJsonObject().getString("holdId")))
        .compose(x -> redis.send(Request.cmd(Command.DEL).arg(base + "seats").arg(base + "sold")))
        .compose(x -> api.seatStatuses(EVENT))
        .onComplete(ctx.succeeding(statuses -> ctx.verify(() -> {
          assertEquals("sold", statuses.get("A-5-5"), "rebuilt from PostgreSQL");
          assertEquals(49, statuses.values().stream().filter("free"::equals).count());
          ctx.completeNow();
        })));
  }

  /** Every Redis key of the test (less what moves on its own, and {@code alsoIgnoring}), and the reservations. */
  private Future<StoredState> snapshot(List<RedisSnapshot.Ignored> alsoIgnoring) {
    List<RedisSnapshot.Ignored> ignoring = new ArrayList<>(RedisSnapshot.Ignored.BACKGROUND);
    ignoring.addAll(alsoIgnoring);
    return StoredState.of(cluster.redis(), cluster.setup().prefix(), ignoring, cluster.pg(),
        "SELECT count(*) FROM reservations");
  }



}
