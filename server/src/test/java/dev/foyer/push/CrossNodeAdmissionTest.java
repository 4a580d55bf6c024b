package dev.foyer.push;

import dev.foyer.bus.Addresses;
import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.BridgeSockets;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.TestNode;
import dev.foyer.support.Waits;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A visitor connected to node B hears of an admission made by node A's tick. */
@ExtendWith(VertxExtension.class)
class CrossNodeAdmissionTest {

  private static final String EVENT = "two-stages";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2).deployedByTest();
  @RegisterExtension
  static final BridgeSockets bridges = BridgeSockets.closedAfterEachTest();

  @BeforeEach
  void deploy() throws Exception {
    // node A alone creates the event, so A takes its lock and runs every tick; B comes later, once A
    // has ticked the event (only the node holding its lock ticks it)
    await(cluster.deploy(0));
    AtomicInteger ticked = new AtomicInteger();
    MessageConsumer<JsonObject> progress = cluster.node(0).vertx().eventBus()
        .consumer(Addresses.event(EVENT), m -> ticked.incrementAndGet());
    await(progress.completion());
    await(cluster.api(0).createEvent(EVENT, new JsonObject().put("maxActive", 1).put("admitPerMinute", 0)
        .put("activeSeconds", 1).put("rankPushMillis", 200)));
    Waits.until("node A ticked the event", 30_000, () -> ticked.get() > 0);
    await(progress.unregister());
    await(cluster.deploy(1));
  }

  @Test
  void aVisitorConnectedToNodeBIsAdmittedByNodeAsTickAndGetsTheNotice() throws Exception {
    TestNode nodeA = cluster.node(0);
    TestNode nodeB = cluster.node(1);
    ApiClient apiB = cluster.api(1);
    Set<String> admittingNodes = ConcurrentHashMap.newKeySet();
    // B's listener must be known to A before A's tick publishes, or the report misses it
    await(nodeB.vertx().eventBus().<JsonObject>consumer(Addresses.ADMISSIONS, m -> {
      if (EVENT.equals(m.body().getString("event"))) {
        admittingNodes.add(m.body().getString("node"));
      }
    }).completion());
    String nodeAId = ((VertxInternal) nodeA.vertx()).clusterManager().getNodeId();
    await(apiB.join(EVENT));
    JsonObject me = await(apiB.join(EVENT)).bodyAsJsonObject();
    BridgeClient bridge = bridges.connect(nodeB.port());
    await(bridge.registerVisitor(me.getString("visitor"), me.getString("token")));
    JsonObject admitted = await(bridge.nextMessage("foyer.visitor." + me.getString("visitor"), "admitted", 10_000));

    assertNotNull(admitted.getString("pass"));
    // the page may hear it first from the state its register reads in Redis, before A's publish
    // has crossed the cluster to B's listener
    Waits.until("node B heard node A's admission", 30_000, () -> !admittingNodes.isEmpty());
    assertEquals(Set.of(nodeAId), admittingNodes, "only node A's ticks admitted anyone");
  }

}
