package dev.foyer.push;

import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.BridgeSockets;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Presence is a lease renewed by open sockets; past the grace period a visitor is gone. */
@ExtendWith(VertxExtension.class)
class PresenceTest {

  private static final String EVENT = "late-show";
  /** One second of grace, renewed every 200 ms while a socket is open. */
  private static final JsonObject SHORT_GRACE = new JsonObject().put("graceSeconds", 1).put("rankPushMillis", 200);

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);
  @RegisterExtension
  static final BridgeSockets bridges = BridgeSockets.closedAfterEachTest();

  /** A socket registered for the visitor, once it has told the visitor's rank. */
  private static BridgeClient connect(JsonObject visitor) {
    BridgeClient b = bridges.connect(cluster.node().port());
    await(b.registerVisitor(visitor.getString("visitor"), visitor.getString("token")));
    await(b.nextMessage("foyer.visitor." + visitor.getString("visitor"), "rank", 3000));
    return b;
  }

  private static JsonObject me(JsonObject visitor) {
    return await(cluster.api().me(EVENT, visitor.getString("token"))).bodyAsJsonObject();
  }

  @Test
  void aWaitingVisitorWhoStaysAwayPastAwaySecondsLosesThePlaceAndOneBackInTimeKeepsIt() throws Exception {
    ApiClient api = cluster.api();
    List<JsonObject> v = new ArrayList<>();
    // away no longer than the grace: not seen for a second, the place is lost (AwayTest: longer)
    await(api.createEvent(EVENT, SHORT_GRACE.copy().put("paused", true).put("awaySeconds", 1)));
    for (int i = 0; i < 3; i++) {
      v.add(await(api.join(EVENT)).bodyAsJsonObject());
    }
    // first stays connected; second never connects; third drops and is back within the grace
    connect(v.get(0));
    BridgeClient thirdSocket = connect(v.get(2));
    // the visitors' own time, not a wait for something expected: the third stays 300 ms, then is
    // away for half a second, well within the grace
    Thread.sleep(300);
    await(thirdSocket.close());
    Thread.sleep(500);
    connect(v.get(2));
    // the one who never connected goes once the grace is past (the admin's count, as asking for the
    // visitor's state would be a sign of life); the others keep their places
    Waits.until("the visitor who never connected is gone", 30_000,
        () -> await(api.stats(EVENT)).getLong("waiting") == 2L);

    JsonObject first = me(v.get(0));
    JsonObject second = me(v.get(1));
    JsonObject third = me(v.get(2));
    assertEquals(1L, first.getLong("position"), "a connected visitor keeps the place");
    assertEquals("gone", second.getString("state"));
    assertEquals("disconnected", second.getString("reason"));
    assertEquals(2L, third.getLong("position"), "back within the grace: same place, moved up");
  }

  @Test
  void anAdmittedVisitorWhoDisconnectsPastTheGraceFreesTheSlotAndIsToldWhenBack() throws Exception {
    ApiClient api = cluster.api();
    await(api.createEvent(EVENT, SHORT_GRACE.copy().put("gate", "off").put("maxActive", 5)));
    JsonObject visitor = await(api.join(EVENT)).bodyAsJsonObject();
    assertEquals("active", visitor.getString("state"));
    String address = "foyer.visitor." + visitor.getString("visitor");
    BridgeClient b = bridges.connect(cluster.node().port());
    await(b.registerVisitor(visitor.getString("visitor"), visitor.getString("token")));
    await(b.nextMessage(address, "admitted", 3000));
    JsonObject before = await(api.stats(EVENT));
    assertEquals(1L, before.getLong("active"));
    await(b.close());

    JsonObject[] after = {null};
    Waits.until("the slot was freed", 30_000, () -> {
      after[0] = await(api.stats(EVENT));
      return after[0].getLong("active") == 0L;
    });
    BridgeClient back = bridges.connect(cluster.node().port());
    await(back.registerVisitor(visitor.getString("visitor"), visitor.getString("token")));
    JsonObject gone = await(back.nextMessage(address, "gone", 3000));
    assertEquals(0L, after[0].getLong("active"), "the slot was freed");
    assertEquals("disconnected", gone.getString("reason"));
  }
}
