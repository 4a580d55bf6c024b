package dev.foyer.push;

import dev.foyer.bus.Addresses;
import dev.foyer.queue.QueueVerticle;
import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.TestNode;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A visitor connected to node B hears of an admission made by node A's tick. */
@ExtendWith(VertxExtension.class)
class CrossNodeAdmissionTest {

  private static final String EVENT = "two-stages";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2).deployedByTest();

  private BridgeClient bridge;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    // node A alone creates the event, so A takes its lock and runs every tick; B comes later
    cluster.deploy(0)
        .compose(v -> cluster.api(0).createEvent(EVENT, new JsonObject().put("maxActive", 1).put("admitPerMinute", 0)
            .put("activeSeconds", 1).put("rankPushMillis", 200)))
        .compose(v -> Waits.sleep(vertx, 500))
        .compose(v -> cluster.deploy(1))
        .onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void closeBridge() throws Exception {
    if (bridge != null) {
      bridge.close().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aVisitorConnectedToNodeBIsAdmittedByNodeAsTickAndGetsTheNotice(Vertx vertx, VertxTestContext ctx) {
    TestNode nodeA = cluster.node(0);
    TestNode nodeB = cluster.node(1);
    ApiClient apiB = cluster.api(1);
    Set<String> admittingNodes = ConcurrentHashMap.newKeySet();
    // B's listener must be known to A before A's tick publishes, or the report misses it
    Future<Void> listening = nodeB.vertx().eventBus().<JsonObject>consumer(Addresses.ADMISSIONS, m -> {
      if (EVENT.equals(m.body().getString("event"))) {
        admittingNodes.add(m.body().getString("node"));
      }
    }).completion();
    String nodeAId = ((VertxInternal) nodeA.vertx()).clusterManager().getNodeId();
    JsonObject[] me = new JsonObject[1];
    listening.compose(v -> apiB.join(EVENT))
        .compose(first -> apiB.join(EVENT))
        .compose(second -> {
          me[0] = second.bodyAsJsonObject();
          return BridgeClient.connect(vertx, nodeB.port());
        })
        .compose(b -> {
          bridge = b;
          return b.registerVisitor(me[0].getString("visitor"), me[0].getString("token"))
              .compose(v -> b.nextMessage("foyer.visitor." + me[0].getString("visitor"), "admitted", 10_000));
        })
        .onComplete(ctx.succeeding(admitted -> ctx.verify(() -> {
          assertNotNull(admitted.getString("pass"));
          assertEquals(Set.of(nodeAId), admittingNodes, "only node A's ticks admitted anyone");
          ctx.completeNow();
        })));
  }

}
