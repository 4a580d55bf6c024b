package dev.foyer.push;

import dev.foyer.bus.Addresses;
import dev.foyer.queue.QueueVerticle;
import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.TestNode;
import dev.foyer.support.TestSetup;
import dev.foyer.support.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A visitor connected to node B hears of an admission made by node A's tick. */
@ExtendWith(VertxExtension.class)
class CrossNodeAdmissionTest {

  private static final String EVENT = "two-stages";
  private static TestNode nodeA;
  private static TestNode nodeB;
  private TestSetup setup;
  private ApiClient apiA;
  private ApiClient apiB;
  private BridgeClient bridge;

  @BeforeAll
  static void startCluster() {
    List<TestNode> nodes = TestNode.cluster(CrossNodeAdmissionTest.class, 2);
    nodeA = nodes.get(0);
    nodeB = nodes.get(1);
  }

  @AfterAll
  static void stopCluster() {
    nodeA.close();
    nodeB.close();
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    setup = new TestSetup();
    // node A alone creates the event, so A takes its lock and runs every tick; B comes later
    nodeA.deploy(setup.config())
        .compose(v -> {
          apiA = new ApiClient(vertx, nodeA.port());
          return apiA.createEvent(EVENT, new JsonObject().put("maxActive", 1).put("admitPerMinute", 0)
              .put("activeSeconds", 1).put("rankPushMillis", 200));
        })
        .compose(v -> Waits.sleep(vertx, 500))
        .compose(v -> nodeB.deploy(setup.config()))
        .onSuccess(v -> apiB = new ApiClient(vertx, nodeB.port()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void undeploy(Vertx vertx) throws Exception {
    if (bridge != null) {
      bridge.close().await(5, TimeUnit.SECONDS);
    }
    nodeA.undeploy().await(30, TimeUnit.SECONDS);
    nodeB.undeploy().await(30, TimeUnit.SECONDS);
    setup.cleanUp(vertx);
    apiA.close();
    apiB.close();
  }

  @Test
  void aVisitorConnectedToNodeBIsAdmittedByNodeAsTickAndGetsTheNotice(Vertx vertx, VertxTestContext ctx) {
    Set<String> admittingNodes = ConcurrentHashMap.newKeySet();
    nodeB.vertx().eventBus().<JsonObject>consumer(Addresses.ADMISSIONS, m -> {
      if (EVENT.equals(m.body().getString("event"))) {
        admittingNodes.add(m.body().getString("node"));
      }
    });
    String nodeAId = ((VertxInternal) nodeA.vertx()).clusterManager().getNodeId();
    JsonObject[] me = new JsonObject[1];
    apiB.join(EVENT)
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
