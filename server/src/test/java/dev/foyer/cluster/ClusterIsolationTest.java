package dev.foyer.cluster;

import dev.foyer.devmode.DemoEvent;
import dev.foyer.support.ApiClient;
import dev.foyer.support.NodeProcess;
import dev.foyer.support.TestSetup;
import dev.foyer.support.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real node processes on one machine, started as operators start them: nodes that share nothing
 * never form a cluster (neither by the default name nor by a name they happen to share), each
 * admits its own line; nodes that share their state do cluster; dev-mode instances stay alone.
 */
@Tag("alone") // starts nodes from the shipped cluster.xml, whose bare member finds only ports 5701 to 5703
@ExtendWith(VertxExtension.class)
class ClusterIsolationTest {

  private static final String EVENT = "same-name";
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<TestSetup> setups = new ArrayList<>();
  private final List<ApiClient> clients = new ArrayList<>();

  @AfterEach
  void stop(Vertx vertx) throws Exception {
    for (NodeProcess n : nodes) {
      n.stop();
    }
    clients.forEach(ApiClient::close);
    for (TestSetup s : setups) {
      s.cleanUp(vertx);
    }
  }

  private TestSetup setup() {
    TestSetup setup = new TestSetup();
    setups.add(setup);
    return setup;
  }

  private NodeProcess up(NodeProcess node) throws InterruptedException {
    nodes.add(node);
    assertTrue(node.awaitLog("foyer is up", 120_000), "the node started: " + node.log());
    return node;
  }

  private ApiClient api(Vertx vertx, NodeProcess node) {
    ApiClient api = new ApiClient(vertx, node.port());
    clients.add(api);
    return api;
  }

  /** The name the node's start line says it uses. */
  private static String clusterName(NodeProcess node) {
    String line = node.line("Cluster '");
    assertNotNull(line, "the cluster name is logged: " + node.log());
    return line.substring(line.indexOf("Cluster '") + 9, line.indexOf("':"));
  }

  /** One visitor joins the node's line and is admitted by that node's own ticks. */
  private static JsonObject admittedThrough(ApiClient api, String event) throws Exception {
    String token = await(api.join(event)).bodyAsJsonObject().getString("token");
    return Waits.until("the visitor is admitted", 20_000, () -> await(api.me(event, token)).bodyAsJsonObject(),
        status -> "active".equals(status.getString("state")));
  }

  private static final JsonObject QUEUEING = new JsonObject().put("gate", "on").put("maxActive", 1)
      .put("admitPerMinute", 0);

  @Test
  void unrelatedNodesOnOneMachineNeverMeetAndEachAdmitsItsOwnLine(Vertx vertx) throws Exception {
    NodeProcess a = up(NodeProcess.start(setup(), null, Map.of()));
    NodeProcess b = up(NodeProcess.start(setup(), null, Map.of()));
    ApiClient apiA = api(vertx, a);
    ApiClient apiB = api(vertx, b);
    // one event id on both: joined in one cluster, one node's ticks would hold its lock for both
    await(apiA.createEvent(EVENT, QUEUEING));
    await(apiB.createEvent(EVENT, QUEUEING));
    JsonObject inA = admittedThrough(apiA, EVENT);
    JsonObject inB = admittedThrough(apiB, EVENT);
    assertNotEquals(clusterName(a), clusterName(b), "each named after its own state");
    assertTrue(a.line("Cluster '").contains("derived from the state"), a.line("Cluster '"));
    assertTrue(a.line("foyer is up").contains("1 nodes in the cluster"), a.line("foyer is up"));
    assertTrue(b.line("foyer is up").contains("1 nodes in the cluster"), b.line("foyer is up"));
    assertFalse(a.logged("joined the cluster") || b.logged("joined the cluster"), "they never met");
    assertNotNull(inA.getString("pass"));
    assertNotNull(inB.getString("pass"));
  }

  @Test
  void nodesServingTheSameStateJoinByTheNameTheyDeriveAlike() throws Exception {
    TestSetup shared = setup();
    NodeProcess a = up(NodeProcess.start(shared, null, Map.of()));
    NodeProcess b = up(NodeProcess.start(shared, null, Map.of()));
    assertEquals(clusterName(a), clusterName(b));
    assertTrue(b.line("foyer is up").contains("2 nodes in the cluster"), b.line("foyer is up"));
    assertTrue(a.awaitLog("joined the cluster (2 nodes now)", 10_000), a.log().toString());
  }

  @Test
  void aNameSharedByNodesOfOtherStateStillKeepsThemApart(Vertx vertx) throws Exception {
    String name = TestSetup.clusterName(ClusterIsolationTest.class);
    NodeProcess a = up(NodeProcess.start(setup(), name, Map.of()));
    NodeProcess b = NodeProcess.start(setup(), name, Map.of());
    nodes.add(b);
    Integer exit = b.awaitExit(120_000);
    assertEquals(2, exit, "the newcomer refused to stay: " + b.log());
    String refusal = b.line("refuses cluster");
    assertNotNull(refusal, b.log().toString());
    assertTrue(refusal.contains("serves other state"), refusal);
    assertFalse(b.logged("foyer is up"), "it served nothing");
    assertTrue(a.awaitLog("Refused node", 10_000), "the cluster it met says so: " + a.log());
    ApiClient apiA = api(vertx, a);
    await(apiA.createEvent(EVENT, QUEUEING));
    admittedThrough(apiA, EVENT);
  }

  /**
   * The slow one (embedded PostgreSQL twice): two instances started from the same checkout with
   * nothing configured, both reading the shipped cluster.xml, as in the report.
   */
  @Test
  void twoDevModeInstancesStayAloneAndEachAdmitsItsOwnDemo(Vertx vertx, @TempDir Path first, @TempDir Path second)
      throws Exception {
    Path shipped = Path.of("..", "cluster.xml");
    Files.copy(shipped, first.resolve("cluster.xml"));
    Files.copy(shipped, second.resolve("cluster.xml"));
    NodeProcess a = up(NodeProcess.startDevMode(first));
    NodeProcess b = up(NodeProcess.startDevMode(second));
    JsonObject inA = admittedThrough(api(vertx, a), DemoEvent.ID);
    JsonObject inB = admittedThrough(api(vertx, b), DemoEvent.ID);
    assertTrue(a.line("Cluster '").contains("dev mode"), a.line("Cluster '"));
    assertNotEquals(clusterName(a), clusterName(b));
    assertTrue(a.line("foyer is up").contains("1 nodes in the cluster"), a.line("foyer is up"));
    assertTrue(b.line("foyer is up").contains("1 nodes in the cluster"), b.line("foyer is up"));
    assertFalse(a.logged("joined the cluster") || b.logged("joined the cluster"), "they never met");
    assertNotNull(inA.getString("pass"));
    assertNotNull(inB.getString("pass"));
  }
}
