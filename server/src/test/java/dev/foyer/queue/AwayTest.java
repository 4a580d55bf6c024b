package dev.foyer.queue;

import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
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

import static dev.foyer.support.Waits.await;
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
  void anAwayVisitorKeepsThePlaceIsSteppedOverAndIsLetInAtTheNextTickOnceBack(Vertx vertx) throws Exception {
    ApiClient api = cluster.api();
    await(api.createEvent(EVENT, ONE_SLOT.copy()));
    List<JsonObject> v = joinAll(api, 3);
    // the first never opens a socket nor asks: away after a second; the other two stay connected
    BridgeClient second = connect(vertx, v.get(1));
    BridgeClient third = connect(vertx, v.get(2));
    Waits.until("the first is away", 10_000, () -> isAway(v.get(0)));
    await(api.putEvent(EVENT, new JsonObject().put("paused", false)));
    await(second.nextMessage(address(v.get(1)), "admitted", 10_000));
    // the third moves up to 2, not 1: the away visitor is still ahead, positions count them
    Waits.until("the third moves up to 2", 10_000, () -> lastRank(third, v.get(2)).getLong("position") == 2);
    assertTrue(isAway(v.get(0)), "stepped over, still away");
    assertNull(gone(v.get(0)), "and still in line");

    // back with a socket: the register answers the place, kept
    BridgeClient first = connect(vertx, v.get(0));
    assertEquals(1L, lastRank(first, v.get(0)).getLong("position"), "back at the front of the line");
    assertFalse(isAway(v.get(0)), "present again");
    // the slot frees: the one back gets it at the next tick, ahead of the one who waited connected
    await(api.leave(EVENT, v.get(1).getString("token")));
    await(first.nextMessage(address(v.get(0)), "admitted", 10_000));
    JsonObject stillWaiting = me(v.get(2));
    assertEquals("waiting", stillWaiting.getString("state"));
    assertEquals(1L, stillWaiting.getLong("position"));
  }

  @Test
  void aVisitorBackByAskingIsToldThePlaceWasKeptOnceAndTheTurnThatPassedIsTheirs(Vertx vertx) throws Exception {
    ApiClient api = cluster.api();
    await(api.createEvent(EVENT, ONE_SLOT.copy().put("awaySeconds", 120)));
    List<JsonObject> v = joinAll(api, 2);
    connect(vertx, v.get(1));
    Waits.until("the first is away", 10_000, () -> isAway(v.get(0)));
    JsonObject back = await(api.rejoin(EVENT, v.get(0).getString("token"))).bodyAsJsonObject();
    assertEquals("waiting", back.getString("state"));
    assertEquals(1L, back.getLong("position"));
    assertEquals(Boolean.TRUE, back.getBoolean("returned"), "told the place was kept");
    assertEquals(120, back.getInteger("awaySeconds"), "and how long one may be away");
    assertNull(me(v.get(0)).getValue("returned"), "said once, on return");
    await(api.putEvent(EVENT, new JsonObject().put("paused", false)));
    // kept present by asking; the turn is theirs, not the connected visitor's behind
    Waits.until("the first is admitted", 10_000, () -> "active".equals(me(v.get(0)).getString("state")));
    JsonObject behind = me(v.get(1));
    assertEquals("waiting", behind.getString("state"));
    assertEquals(1L, behind.getLong("position"));
  }

  @Test
  void aVisitorAwayPastAwaySecondsLosesThePlace(Vertx vertx) throws Exception {
    ApiClient api = cluster.api();
    await(api.createEvent(EVENT, ONE_SLOT.copy().put("awaySeconds", 3)));
    List<JsonObject> v = joinAll(api, 2);
    connect(vertx, v.get(1));
    Waits.until("the first is away", 10_000, () -> isAway(v.get(0)));
    long awaySince = System.currentTimeMillis();
    Waits.until("the first lost the place", 15_000, () -> "disconnected".equals(gone(v.get(0))));
    long after = System.currentTimeMillis() - awaySince;
    assertTrue(after >= 1000, "away for a while first (" + after + " ms)");
    JsonObject first = me(v.get(0));
    JsonObject second = me(v.get(1));
    assertEquals("gone", first.getString("state"));
    assertEquals("disconnected", first.getString("reason"));
    assertEquals(1L, second.getLong("position"), "the one behind moved up");
  }

  @Test
  void anAdmittedVisitorNotSeenPastGraceSecondsFreesTheSlotForTheNextPresentVisitor(Vertx vertx) throws Exception {
    ApiClient api = cluster.api();
    await(api.createEvent(EVENT, ONE_SLOT.copy()));
    List<JsonObject> v = joinAll(api, 2);
    BridgeClient first = connect(vertx, v.get(0));
    BridgeClient second = connect(vertx, v.get(1));
    await(api.putEvent(EVENT, new JsonObject().put("paused", false)));
    await(first.nextMessage(address(v.get(0)), "admitted", 10_000));
    // admitted, then gone for good (the page closed)
    await(first.close());
    await(second.nextMessage(address(v.get(1)), "admitted", 15_000));
    assertEquals("disconnected", gone(v.get(0)), "away does not apply to an admitted visitor");
    assertEquals(1L, await(api.stats(EVENT)).getLong("active"), "the slot went to the next one");
  }

  /** {@code n} visitors joined one after another, in line in that order. */
  private List<JsonObject> joinAll(ApiClient api, int n) {
    List<JsonObject> joined = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      joined.add(await(api.join(EVENT)).bodyAsJsonObject());
    }
    return joined;
  }

  private BridgeClient connect(Vertx vertx, JsonObject visitor) {
    BridgeClient b = await(BridgeClient.connect(vertx, cluster.node().port()));
    bridges.add(b);
    await(b.registerVisitor(visitor.getString("visitor"), visitor.getString("token")));
    return b;
  }

  /** The latest rank frame the socket got for the visitor, waiting for the first one if none came yet. */
  private JsonObject lastRank(BridgeClient socket, JsonObject visitor) {
    String address = address(visitor);
    JsonObject last = await(socket.next(f -> address.equals(f.getString("address")) && f.getJsonObject("body") != null
        && "rank".equals(f.getJsonObject("body").getString("type")), 5_000)).getJsonObject("body");
    for (JsonObject f : socket.received()) {
      if (address.equals(f.getString("address")) && f.getJsonObject("body") != null
          && "rank".equals(f.getJsonObject("body").getString("type"))) {
        last = f.getJsonObject("body");
      }
    }
    return last;
  }

  private static String address(JsonObject visitor) {
    return "foyer.visitor." + visitor.getString("visitor");
  }

  private JsonObject me(JsonObject visitor) {
    return await(cluster.api().me(EVENT, visitor.getString("token"))).bodyAsJsonObject();
  }

  /** Read straight from Redis, so looking does not renew the visitor's presence. */
  private boolean isAway(JsonObject visitor) {
    return await(cluster.redis().send(Request.cmd(Command.ZSCORE).arg(key("away")).arg(visitor.getString("visitor"))))
        != null;
  }

  private String gone(JsonObject visitor) {
    Response r = await(cluster.redis().send(Request.cmd(Command.HGET).arg(key("gone")).arg(visitor.getString("visitor"))));
    return r == null ? null : r.toString();
  }

  private String key(String name) {
    return cluster.setup().prefix() + ":{" + EVENT + "}:" + name;
  }
}
