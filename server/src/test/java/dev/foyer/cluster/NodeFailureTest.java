package dev.foyer.cluster;

import dev.foyer.bus.Addresses;
import dev.foyer.queue.QueueVerticle;
import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.NodeProcess;
import dev.foyer.support.TestNode;
import dev.foyer.support.TestSetup;
import dev.foyer.support.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two real node processes; the one running an event's ticks is killed with SIGKILL. Another takes
 * the ticks over, admission goes on, nobody is admitted twice or lost, and visitors whose sockets
 * were on the dead node reconnect to the other one and keep their place.
 */
@Tag("alone") // starts nodes from the shipped cluster.xml, whose bare member finds only ports 5701 to 5703
@ExtendWith(VertxExtension.class)
class NodeFailureTest {

  private static final String EVENT = "no-goodbye";
  private TestSetup setup;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private TestNode harness;

  @BeforeEach
  void start() {
    setup = new TestSetup();
  }

  @AfterEach
  void stop(Vertx vertx) throws Exception {
    for (NodeProcess n : nodes) {
      n.stop();
    }
    if (harness != null) {
      harness.close();
    }
    setup.cleanUp(vertx);
  }

  @Test
  void killingTheTickingNodeMovesTheTicksAndLosesNobody(Vertx vertx) throws Exception {
    String cluster = TestSetup.clusterName(NodeFailureTest.class);
    NodeProcess a = NodeProcess.start(setup, cluster, Map.of());
    nodes.add(a);
    assertTrue(a.awaitLog("foyer is up", 90_000), "node A started: " + a.log());
    NodeProcess b = NodeProcess.start(setup, cluster, Map.of());
    nodes.add(b);
    assertTrue(b.awaitLog("foyer is up", 90_000), "node B started: " + b.log());
    // an operator's tool in the same cluster watches every admission batch
    harness = TestNode.start(cluster);
    Map<String, Integer> admittedCount = new ConcurrentHashMap<>();
    harness.vertx().eventBus().<JsonObject>consumer(Addresses.ADMISSIONS, m -> {
      if (EVENT.equals(m.body().getString("event"))) {
        m.body().getJsonArray("visitors").forEach(v -> admittedCount.merge((String) v, 1, Integer::sum));
      }
    }).completion().await(10, TimeUnit.SECONDS);

    ApiClient apiA = new ApiClient(vertx, a.port());
    ApiClient apiB = new ApiClient(vertx, b.port());
    // two at a time for two seconds each: the line moves all through the test
    apiA.createEvent(EVENT, new JsonObject().put("gate", "on").put("maxActive", 2).put("admitPerMinute", 0)
        .put("activeSeconds", 2).put("rankPushMillis", 300)).await(10, TimeUnit.SECONDS);
    assertTrue(a.awaitLog("runs admission for event " + EVENT, 10_000) || b.awaitLog("runs admission for event " + EVENT, 1),
        "one node took the event's ticks");
    NodeProcess owner = a.logged("runs admission for event " + EVENT) ? a : b;
    NodeProcess survivor = owner == a ? b : a;
    ApiClient ownerApi = owner == a ? apiA : apiB;
    ApiClient survivorApi = owner == a ? apiB : apiA;

    List<JsonObject> visitors = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      visitors.add(ownerApi.join(EVENT).await(10, TimeUnit.SECONDS).bodyAsJsonObject());
    }
    // the last three wait with a socket on the node that is about to die
    List<JsonObject> connected = visitors.subList(37, 40);
    List<BridgeClient> sockets = new ArrayList<>();
    for (JsonObject v : connected) {
      BridgeClient b1 = BridgeClient.connect(vertx, owner.port()).await(10, TimeUnit.SECONDS);
      b1.registerVisitor(v.getString("visitor"), v.getString("token")).await(5, TimeUnit.SECONDS);
      b1.nextMessage("foyer.visitor." + v.getString("visitor"), "rank", 5000).await(10, TimeUnit.SECONDS);
      sockets.add(b1);
    }
    // the kill comes mid-sale: once a second batch went in (the first one's two seconds ran out)
    Waits.until("two batches admitted before the kill", 60_000,
        () -> admittedTotal(survivorApi) >= 4);
    long admittedBefore = admittedTotal(survivorApi);
    Map<String, Long> positionBefore = new HashMap<>();
    for (JsonObject v : connected) {
      positionBefore.put(v.getString("visitor"),
          survivorApi.me(EVENT, v.getString("token")).await(10, TimeUnit.SECONDS).bodyAsJsonObject().getLong("position"));
    }

    long killedAt = System.currentTimeMillis();
    owner.kill();

    // the sockets on the dead node reconnect to the survivor and find their place
    List<BridgeClient> again = new ArrayList<>();
    for (JsonObject v : connected) {
      BridgeClient b2 = BridgeClient.connect(vertx, survivor.port()).await(10, TimeUnit.SECONDS);
      b2.registerVisitor(v.getString("visitor"), v.getString("token")).await(5, TimeUnit.SECONDS);
      JsonObject state = b2.next(f -> "rec".equals(f.getString("type")), 5000).await(10, TimeUnit.SECONDS)
          .getJsonObject("body");
      assertTrue("rank".equals(state.getString("type")) || "admitted".equals(state.getString("type")),
          "a reconnecting visitor keeps its place or its admission: " + state);
      if ("rank".equals(state.getString("type"))) {
        assertTrue(state.getLong("position") <= positionBefore.get(v.getString("visitor")),
            "never further back than before: " + state);
      }
      again.add(b2);
    }

    assertTrue(survivor.awaitLog("runs admission for event " + EVENT, 40_000),
        "the survivor took the ticks over: " + survivor.log());
    long tookOverAfter = System.currentTimeMillis() - killedAt;
    Waits.until("admission went on after the kill (" + admittedBefore + " before)", 60_000,
        () -> admittedTotal(survivorApi) >= admittedBefore + 4);
    long admittedAfter = admittedTotal(survivorApi);

    // nobody admitted twice, nobody lost: every visitor is admitted once or still in line. Admission
    // is paused first, so none happens while the visitors are asked below (asking brings back those
    // away since they joined, who would be let in next) and the count and the batches seen agree
    survivorApi.putEvent(EVENT, new JsonObject().put("paused", true)).await(10, TimeUnit.SECONDS);
    // nothing to wait for but a tick that was already running when the pause landed: ticks are
    // 100 ms apart and take a few ms, so 1.5 s is a margin, and a batch it still admits is counted
    // below either way, as the announcements are awaited
    Thread.sleep(1500);
    Waits.until("every admission announced on the bus", 30_000,
        () -> admittedTotal(survivorApi) == admittedCount.size());
    JsonObject stats = survivorApi.stats(EVENT).await(10, TimeUnit.SECONDS);
    admittedCount.forEach((v, n) -> assertEquals(1, n, v + " was admitted " + n + " times"));
    Set<String> accounted = new HashSet<>();
    for (JsonObject v : visitors) {
      JsonObject me = survivorApi.me(EVENT, v.getString("token")).await(10, TimeUnit.SECONDS).bodyAsJsonObject();
      String state = me.getString("state");
      assertTrue(state.equals("waiting") || state.equals("active") || "expired".equals(me.getString("reason")),
          "a visitor was lost: " + me);
      accounted.add(v.getString("visitor"));
    }
    assertEquals(40, accounted.size());
    assertEquals(stats.getLong("admittedTotal"), (long) admittedCount.size(), "every admission was announced once");
    System.out.printf("node failure: ticks taken over %d ms after SIGKILL; %d admitted before, %d after; "
        + "%d sockets reconnected to the survivor%n", tookOverAfter, admittedBefore, admittedAfter, again.size());
    for (BridgeClient c : again) {
      c.close().otherwiseEmpty().await(5, TimeUnit.SECONDS);
    }
    apiA.close();
    apiB.close();
  }

  private static long admittedTotal(ApiClient api) throws Exception {
    return api.stats(EVENT).await(10, TimeUnit.SECONDS).getLong("admittedTotal");
  }

}
