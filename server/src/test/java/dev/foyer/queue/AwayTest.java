package dev.foyer.queue;

import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Away is not gone: a visitor in line who is not seen for graceSeconds keeps the place for
 * awaySeconds, is stepped over by admission meanwhile, and on return is let in at the next tick if
 * their turn passed; an admitted visitor not seen for graceSeconds frees the slot.
 */
@ExtendWith(VertxExtension.class)
class AwayTest {

  private static final String EVENT = "night-train";
  /** A second of grace (sockets renew every 200 ms); one slot, held for an hour unless left. */
  private static final JsonObject ONE_SLOT = new JsonObject().put("graceSeconds", 1).put("rankPushMillis", 200)
      .put("maxActive", 1).put("activeSeconds", 3600).put("paused", true);

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private final List<BridgeClient> bridges = new ArrayList<>();

  @AfterEach
  void closeBridges() throws Exception {
    for (BridgeClient b : bridges) {
      b.close().otherwiseEmpty().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void anAwayVisitorKeepsThePlaceIsSteppedOverAndIsLetInAtTheNextTickOnceBack(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    List<JsonObject> v = new ArrayList<>();
    BridgeClient[] sockets = new BridgeClient[3];
    api.createEvent(EVENT, ONE_SLOT.copy())
        .compose(x -> joinAll(api, v, 3))
        // the first never opens a socket nor asks: away after a second; the other two stay connected
        .compose(x -> connect(vertx, v.get(1)).map(b -> sockets[1] = b))
        .compose(x -> connect(vertx, v.get(2)).map(b -> sockets[2] = b))
        .compose(x -> Waits.until(vertx, () -> isAway(v.get(0)), away -> away, 10_000))
        .compose(x -> api.putEvent(EVENT, new JsonObject().put("paused", false)))
        .compose(x -> sockets[1].nextMessage(address(v.get(1)), "admitted", 10_000))
        // the third moves up to 2, not 1: the away visitor is still ahead, positions count them
        .compose(x -> Waits.until(vertx, () -> lastRank(sockets[2], v.get(2)), r -> r.getLong("position") == 2,
            10_000))
        .compose(x -> Future.all(isAway(v.get(0)), gone(v.get(0))))
        .compose(all -> {
          ctx.verify(() -> {
            assertTrue(all.<Boolean>resultAt(0), "stepped over, still away");
            assertNull(all.resultAt(1), "and still in line");
          });
          // back with a socket: the register answers the place, kept
          return connect(vertx, v.get(0)).map(b -> sockets[0] = b);
        })
        .compose(x -> lastRank(sockets[0], v.get(0)))
        .compose(rank -> {
          ctx.verify(() -> assertEquals(1L, rank.getLong("position"), "back at the front of the line"));
          return isAway(v.get(0));
        })
        .compose(away -> {
          ctx.verify(() -> assertFalse(away, "present again"));
          // the slot frees: the one back gets it at the next tick, ahead of the one who waited connected
          return api.leave(EVENT, v.get(1).getString("token"));
        })
        .compose(x -> sockets[0].nextMessage(address(v.get(0)), "admitted", 10_000))
        .compose(x -> me(v.get(2)))
        .onComplete(ctx.succeeding(third -> ctx.verify(() -> {
          assertEquals("waiting", third.getString("state"));
          assertEquals(1L, third.getLong("position"));
          ctx.completeNow();
        })));
  }

  @Test
  void aVisitorBackByAskingIsToldThePlaceWasKeptOnceAndTheTurnThatPassedIsTheirs(Vertx vertx,
                                                                               VertxTestContext ctx) {
    ApiClient api = cluster.api();
    List<JsonObject> v = new ArrayList<>();
    BridgeClient[] second = new BridgeClient[1];
    api.createEvent(EVENT, ONE_SLOT.copy().put("awaySeconds", 120))
        .compose(x -> joinAll(api, v, 2))
        .compose(x -> connect(vertx, v.get(1)).map(b -> second[0] = b))
        .compose(x -> Waits.until(vertx, () -> isAway(v.get(0)), away -> away, 10_000))
        .compose(x -> api.rejoin(EVENT, v.get(0).getString("token")).map(HttpResponse::bodyAsJsonObject))
        .compose(back -> {
          ctx.verify(() -> {
            assertEquals("waiting", back.getString("state"));
            assertEquals(1L, back.getLong("position"));
            assertEquals(Boolean.TRUE, back.getBoolean("returned"), "told the place was kept");
            assertEquals(120, back.getInteger("awaySeconds"), "and how long one may be away");
          });
          return me(v.get(0));
        })
        .compose(again -> {
          ctx.verify(() -> assertNull(again.getValue("returned"), "said once, on return"));
          return api.putEvent(EVENT, new JsonObject().put("paused", false));
        })
        // kept present by asking; the turn is theirs, not the connected visitor's behind
        .compose(x -> Waits.until(vertx, () -> me(v.get(0)), s -> "active".equals(s.getString("state")), 10_000))
        .compose(x -> me(v.get(1)))
        .onComplete(ctx.succeeding(behind -> ctx.verify(() -> {
          assertEquals("waiting", behind.getString("state"));
          assertEquals(1L, behind.getLong("position"));
          ctx.completeNow();
        })));
  }

  @Test
  void aVisitorAwayPastAwaySecondsLosesThePlace(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    List<JsonObject> v = new ArrayList<>();
    api.createEvent(EVENT, ONE_SLOT.copy().put("awaySeconds", 3))
        .compose(x -> joinAll(api, v, 2))
        .compose(x -> connect(vertx, v.get(1)))
        .compose(x -> Waits.until(vertx, () -> isAway(v.get(0)), away -> away, 10_000))
        .compose(x -> {
          long awaySince = System.currentTimeMillis();
          return Waits.until(vertx, () -> gone(v.get(0)), "disconnected"::equals, 15_000)
              .map(reason -> System.currentTimeMillis() - awaySince);
        })
        .compose(after -> {
          ctx.verify(() -> assertTrue(after >= 1000, "away for a while first (" + after + " ms)"));
          return Future.all(me(v.get(0)), me(v.get(1)));
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          JsonObject first = all.resultAt(0);
          JsonObject second = all.resultAt(1);
          assertEquals("gone", first.getString("state"));
          assertEquals("disconnected", first.getString("reason"));
          assertEquals(1L, second.getLong("position"), "the one behind moved up");
          ctx.completeNow();
        })));
  }

  @Test
  void anAdmittedVisitorNotSeenPastGraceSecondsFreesTheSlotForTheNextPresentVisitor(Vertx vertx,
                                                                                   VertxTestContext ctx) {
    ApiClient api = cluster.api();
    List<JsonObject> v = new ArrayList<>();
    BridgeClient[] second = new BridgeClient[1];
    BridgeClient[] first = new BridgeClient[1];
    api.createEvent(EVENT, ONE_SLOT.copy())
        .compose(x -> joinAll(api, v, 2))
        .compose(x -> connect(vertx, v.get(0)).map(b -> first[0] = b))
        .compose(x -> connect(vertx, v.get(1)).map(b -> second[0] = b))
        .compose(x -> api.putEvent(EVENT, new JsonObject().put("paused", false)))
        .compose(x -> first[0].nextMessage(address(v.get(0)), "admitted", 10_000))
        // admitted, then gone for good (the page closed)
        .compose(x -> first[0].close())
        .compose(x -> second[0].nextMessage(address(v.get(1)), "admitted", 15_000))
        .compose(x -> Future.all(gone(v.get(0)), api.stats(EVENT)))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertEquals("disconnected", all.resultAt(0), "away does not apply to an admitted visitor");
          assertEquals(1L, all.<JsonObject>resultAt(1).getLong("active"), "the slot went to the next one");
          ctx.completeNow();
        })));
  }

  private Future<Void> joinAll(ApiClient api, List<JsonObject> into, int n) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < n; i++) {
      chain = chain.compose(x -> api.join(EVENT)).map(r -> {
        into.add(r.bodyAsJsonObject());
        return null;
      });
    }
    return chain;
  }

  private Future<BridgeClient> connect(Vertx vertx, JsonObject visitor) {
    return BridgeClient.connect(vertx, cluster.node().port()).compose(b -> {
      bridges.add(b);
      return b.registerVisitor(visitor.getString("visitor"), visitor.getString("token")).map(b);
    });
  }

  /** The latest rank frame the socket got for the visitor, waiting for the first one if none came yet. */
  private Future<JsonObject> lastRank(BridgeClient socket, JsonObject visitor) {
    String address = address(visitor);
    return socket.next(f -> address.equals(f.getString("address")) && f.getJsonObject("body") != null
            && "rank".equals(f.getJsonObject("body").getString("type")), 5_000)
        .map(first -> {
          JsonObject last = first.getJsonObject("body");
          for (JsonObject f : socket.received()) {
            if (address.equals(f.getString("address")) && f.getJsonObject("body") != null
                && "rank".equals(f.getJsonObject("body").getString("type"))) {
              last = f.getJsonObject("body");
            }
          }
          return last;
        });
  }

  private static String address(JsonObject visitor) {
    return "foyer.visitor." + visitor.getString("visitor");
  }

  private Future<JsonObject> me(JsonObject visitor) {
    return cluster.api().me(EVENT, visitor.getString("token")).map(HttpResponse::bodyAsJsonObject);
  }

  /** Read straight from Redis, so looking does not renew the visitor's presence. */
  private Future<Boolean> isAway(JsonObject visitor) {
    return cluster.redis().send(Request.cmd(Command.ZSCORE).arg(key("away")).arg(visitor.getString("visitor")))
        .map(r -> r != null);
  }

  private Future<String> gone(JsonObject visitor) {
    return cluster.redis().send(Request.cmd(Command.HGET).arg(key("gone")).arg(visitor.getString("visitor")))
        .map(r -> r == null ? null : r.toString());
  }

  private String key(String name) {
    return cluster.setup().prefix() + ":{" + EVENT + "}:" + name;
  }
}
