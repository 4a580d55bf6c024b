package dev.foyer.push;

import dev.foyer.bus.Addresses;
import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.BridgeSockets;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator's tool joins the Hazelcast cluster as a node of its own and watches what foyer's
 * verticles put on the bus: admission batches and one progress message per tick; the positions that
 * follow are watched where the visitor sees them, on the bridge socket.
 */
@ExtendWith(VertxExtension.class)
class EventBusHarnessTest {

  private static final String EVENT = "big-hall";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2).deployedByTest();
  @RegisterExtension
  static final BridgeSockets bridges = BridgeSockets.closedAfterEachTest();

  @BeforeEach
  void deploy() {
    await(cluster.deploy(0));
  }

  @Test
  void theHarnessSeesAdmissionBatchesInJoinOrderAndOneProgressPerTick() throws Exception {
    TestNode foyer = cluster.node(0);
    TestNode harness = cluster.node(1);
    ApiClient api = cluster.api(0);
    List<JsonObject> admissions = new CopyOnWriteArrayList<>();
    List<JsonObject> progress = new CopyOnWriteArrayList<>();
    var bus = harness.vertx().eventBus();
    await(Future.all(
        bus.<JsonObject>consumer(Addresses.ADMISSIONS, m -> admissions.add(m.body())).completion(),
        bus.<JsonObject>consumer(Addresses.event(EVENT), m -> progress.add(m.body())).completion()));
    List<String> joinOrder = new ArrayList<>();
    long tick = cluster.setup().config().tickMillis();
    await(api.createEvent(EVENT, new JsonObject().put("maxActive", 2).put("admitPerMinute", 0)
        .put("activeSeconds", 1).put("rankPushMillis", 200).put("paused", true)));
    for (int i = 0; i < 8; i++) {
      joinOrder.add(await(api.join(EVENT)).bodyAsJsonObject().getString("visitor"));
    }
    BridgeClient bridge = bridges.connect(foyer.port());
    JsonObject last = await(api.join(EVENT)).bodyAsJsonObject();
    joinOrder.add(last.getString("visitor"));
    await(bridge.registerVisitor(last.getString("visitor"), last.getString("token")));
    await(api.putEvent(EVENT, new JsonObject().put("paused", false)));
    progress.clear();
    // a window watched, not a wait for something expected: the progress messages of 3 s are counted
    Thread.sleep(3000);

    long ticks = 3000 / tick;
    assertTrue(progress.size() >= ticks / 2 && progress.size() <= ticks + 2,
        progress.size() + " progress messages in 3 s at one tick per " + tick + " ms");
    progress.forEach(p -> assertEquals("progress", p.getString("type")));
    List<String> admittedOrder = new ArrayList<>();
    admissions.stream().filter(a -> EVENT.equals(a.getString("event")))
        .sorted((a, b) -> Long.compare(a.getLong("admittedTotal"), b.getLong("admittedTotal")))
        .forEach(a -> a.getJsonArray("visitors").forEach(x -> admittedOrder.add((String) x)));
    assertTrue(admittedOrder.size() >= 4, "admissions seen: " + admittedOrder);
    assertEquals(joinOrder.subList(0, admittedOrder.size()), admittedOrder, "admitted in join order");
    // near the front a change may go out from the look-up right after an admission batch
    // rather than from a round, so the socket is asked what it was told
    List<Long> positions = bridge.received().stream()
        .map(f -> f.getJsonObject("body"))
        .filter(b -> b != null && "rank".equals(b.getString("type")))
        .map(b -> b.getLong("position")).distinct().toList();
    assertTrue(positions.size() >= 2, "a changed position was pushed: " + positions);
  }
}
