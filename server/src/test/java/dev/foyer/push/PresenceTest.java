package dev.foyer.push;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Presence is a lease renewed by open sockets; past the grace period a visitor is gone. */
@ExtendWith(VertxExtension.class)
class PresenceTest {

  private static final String EVENT = "late-show";
  /** One second of grace, renewed every 200 ms while a socket is open. */
  private static final JsonObject SHORT_GRACE = new JsonObject().put("graceSeconds", 1).put("rankPushMillis", 200);

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private final List<BridgeClient> bridges = new ArrayList<>();

  @AfterEach
  void closeBridges() throws Exception {
    for (BridgeClient b : bridges) {
      b.close().otherwiseEmpty().await(5, TimeUnit.SECONDS);
    }
  }

  private Future<BridgeClient> connect(Vertx vertx, JsonObject visitor) {
    return BridgeClient.connect(vertx, cluster.node().port()).compose(b -> {
      bridges.add(b);
      return b.registerVisitor(visitor.getString("visitor"), visitor.getString("token"))
          .compose(v -> b.nextMessage("foyer.visitor." + visitor.getString("visitor"), "rank", 3000))
          .map(b);
    });
  }

  private Future<JsonObject> me(JsonObject visitor) {
    return cluster.api().me(EVENT, visitor.getString("token")).map(HttpResponse::bodyAsJsonObject);
  }

  @Test
  void aWaitingVisitorWhoStaysAwayPastAwaySecondsLosesThePlaceAndOneBackInTimeKeepsIt(Vertx vertx,
                                                                                     VertxTestContext ctx) {
    ApiClient api = cluster.api();
    List<JsonObject> v = new ArrayList<>();
    // away no longer than the grace: not seen for a second, the place is lost (AwayTest: longer)
    api.createEvent(EVENT, SHORT_GRACE.copy().put("paused", true).put("awaySeconds", 1))
        .compose(x -> api.join(EVENT)).map(r -> v.add(r.bodyAsJsonObject()))
        .compose(x -> api.join(EVENT)).map(r -> v.add(r.bodyAsJsonObject()))
        .compose(x -> api.join(EVENT)).map(r -> v.add(r.bodyAsJsonObject()))
        // first stays connected; second never connects; third drops and is back within the grace
        .compose(x -> connect(vertx, v.get(0)))
        .compose(x -> connect(vertx, v.get(2)))
        .compose(third -> Waits.sleep(vertx, 300).compose(x -> third.close()))
        .compose(x -> Waits.sleep(vertx, 500))
        .compose(x -> connect(vertx, v.get(2)))
        .compose(x -> Waits.sleep(vertx, 2500))
        .compose(x -> Future.all(me(v.get(0)), me(v.get(1)), me(v.get(2))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          JsonObject first = all.resultAt(0);
          JsonObject second = all.resultAt(1);
          JsonObject third = all.resultAt(2);
          assertEquals(1L, first.getLong("position"), "a connected visitor keeps the place");
          assertEquals("gone", second.getString("state"));
          assertEquals("disconnected", second.getString("reason"));
          assertEquals(2L, third.getLong("position"), "back within the grace: same place, moved up");
          ctx.completeNow();
        })));
  }

  @Test
  void anAdmittedVisitorWhoDisconnectsPastTheGraceFreesTheSlotAndIsToldWhenBack(Vertx vertx,
                                                                               VertxTestContext ctx) {
    ApiClient api = cluster.api();
    JsonObject[] visitor = new JsonObject[1];
    api.createEvent(EVENT, SHORT_GRACE.copy().put("gate", "off").put("maxActive", 5))
        .compose(x -> api.join(EVENT))
        .compose(r -> {
          visitor[0] = r.bodyAsJsonObject();
          ctx.verify(() -> assertEquals("active", visitor[0].getString("state")));
          return BridgeClient.connect(vertx, cluster.node().port());
        })
        .compose(b -> {
          bridges.add(b);
          String address = "foyer.visitor." + visitor[0].getString("visitor");
          return b.registerVisitor(visitor[0].getString("visitor"), visitor[0].getString("token"))
              .compose(x -> b.nextMessage(address, "admitted", 3000))
              .compose(x -> api.stats(EVENT))
              .compose(before -> {
                ctx.verify(() -> assertEquals(1L, before.getLong("active")));
                return b.close();
              });
        })
        .compose(x -> Waits.sleep(vertx, 2500))
        .compose(x -> api.stats(EVENT))
        .compose(after -> BridgeClient.connect(vertx, cluster.node().port()).compose(b -> {
          bridges.add(b);
          String address = "foyer.visitor." + visitor[0].getString("visitor");
          return b.registerVisitor(visitor[0].getString("visitor"), visitor[0].getString("token"))
              .compose(x -> b.nextMessage(address, "gone", 3000))
              .map(gone -> {
                ctx.verify(() -> {
                  assertEquals(0L, after.getLong("active"), "the slot was freed");
                  assertEquals("disconnected", gone.getString("reason"));
                });
                return null;
              });
        }))
        .onComplete(ctx.succeedingThenComplete());
  }
}
