package dev.foyer.cluster;

import dev.foyer.support.ApiClient;
import dev.foyer.support.NodeProcess;
import dev.foyer.support.TestServices;
import dev.foyer.support.TestSetup;
import dev.foyer.support.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nodes find each other anywhere in their port range, and a node that is alone while other nodes
 * serving its state are alive says so: in its log, in /health and in foyer_cluster_split.
 */
@Tag("alone") // starts nodes on the machine's Hazelcast ports 5701 and up, some from the shipped cluster.xml
@ExtendWith(VertxExtension.class)
class MembershipTest {

  /** A node's start, loaded two-core machine included (a JVM, Hazelcast, the schema, the verticles). */
  private static final long START_MILLIS = 45_000;

  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<ServerSocket> squatters = new ArrayList<>();
  private final List<ApiClient> clients = new ArrayList<>();
  private final TestSetup setup = new TestSetup();

  @AfterEach
  void stop(Vertx vertx) throws Exception {
    for (NodeProcess n : nodes) {
      n.kill();
    }
    for (ServerSocket s : squatters) {
      s.close();
    }
    clients.forEach(ApiClient::close);
    setup.cleanUp(vertx);
  }

  /** What a program holding a Hazelcast port does with a connection. */
  private enum Squatter {
    /** Accepts and hangs up, as most programs do with bytes they do not understand. */
    HANGS_UP,
    /** Accepts and never says a word, the worst a program can do to Hazelcast (see MemberProbe). */
    SILENT
  }

  /** Takes the free ones of these ports; a port already held by another program is just as taken. */
  private List<Integer> occupy(int from, int to, Squatter kind) {
    List<Integer> held = new ArrayList<>();
    for (int port = from; port <= to; port++) {
      try {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        squatters.add(socket);
        held.add(port);
        if (kind == Squatter.HANGS_UP) {
          Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
              try {
                socket.accept().close();
              } catch (IOException closed) {
                // the test is over
              }
            }
          }, "squatter-" + port);
          t.setDaemon(true);
          t.start();
        }
      } catch (IOException taken) {
        // held by another program already
      }
    }
    return held;
  }

  /** Waits for nodes started together (their starts overlap, which halves a test's time). */
  private void up(NodeProcess... started) throws InterruptedException {
    nodes.addAll(List.of(started));
    long deadline = System.currentTimeMillis() + START_MILLIS;
    for (NodeProcess node : started) {
      assertTrue(node.awaitLog("foyer is up", Math.max(1, deadline - System.currentTimeMillis())),
          "the node started: " + String.join("\n", node.log()));
    }
  }

  /** Its start said so, or it saw the other join. */
  static boolean inClusterOfTwo(NodeProcess node) throws InterruptedException {
    return node.line("foyer is up").contains("2 nodes in the cluster")
        || node.awaitLog("joined the cluster (2 nodes now)", 20_000);
  }

  private static Map<String, String> shipped() {
    return Map.of("FOYER_CLUSTER_CONFIG", Path.of("..", "cluster.xml").toAbsolutePath().normalize().toString());
  }

  /** The attacker's case: 5701 to 5703 taken, a node (re)started next to its cluster sat alone on the next port. */
  @Test
  void aSecondNodeFromTheShippedConfigJoinsTheFirstPastPortsTakenByOthers() throws Exception {
    List<Integer> held = occupy(5701, 5703, Squatter.HANGS_UP);
    NodeProcess a = NodeProcess.start(setup, null, shipped());
    up(a);
    NodeProcess b = NodeProcess.start(setup, null, shipped());
    up(b);
    assertTrue(b.line("foyer is up").contains("2 nodes in the cluster"), "the second node joined the first past "
        + "the ports taken " + held + ": " + b.line("foyer is up") + "\n" + String.join("\n", b.log()));
    assertTrue(a.awaitLog("joined the cluster (2 nodes now)", 20_000), String.join("\n", a.log()));
  }

  /**
   * Silent listeners on member ports: Hazelcast alone would have the first node wait on them for
   * minutes; the node leaves them out, says so, and the two nodes form one cluster.
   */
  @Test
  void silentListenersOnMemberPortsNeitherStallTheStartNorSplitTheCluster() throws Exception {
    List<Integer> silent = occupy(5701, 5703, Squatter.SILENT);
    long start = System.nanoTime();
    NodeProcess a = NodeProcess.start(setup, null, shipped());
    up(a);
    long firstUp = System.nanoTime();
    NodeProcess b = NodeProcess.start(setup, null, shipped());
    up(b);
    System.out.printf("first node up in %d ms, the second in %d ms more, silent listeners on %s%n",
        TimeUnit.NANOSECONDS.toMillis(firstUp - start), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstUp), silent);
    assertTrue(b.line("foyer is up").contains("2 nodes in the cluster"), b.line("foyer is up"));
    for (int port : silent) {
      for (NodeProcess node : List.of(a, b)) {
        assertNotNull(node.line("Member address 127.0.0.1:" + port + " left out"),
            "each node said which member port it left out: " + String.join("\n", node.log()));
      }
    }
  }

  @Test
  void aNodeAloneWhileAnotherServesItsStateSaysSoUntilTheOtherIsGone(Vertx vertx) throws Exception {
    NodeProcess a = NodeProcess.start(setup, null, shipped());
    // the same state, but a member list and ports that never reach the first node: a split cluster
    int lonelyPort = TestServices.freePort();
    NodeProcess b = NodeProcess.start(setup, null, Map.of(
        "FOYER_CLUSTER_MEMBERS", "127.0.0.1:" + TestServices.freePort(),
        "FOYER_CLUSTER_PORT", String.valueOf(lonelyPort),
        "FOYER_CLUSTER_INTERFACE", "127.0.0.1"));
    up(a, b);
    assertTrue(b.line("foyer is up").contains("1 nodes in the cluster"), b.line("foyer is up"));

    assertTrue(a.awaitLog("Split cluster:", 20_000), "the node in the shipped cluster warned: "
        + String.join("\n", a.log()));
    String warning = a.line("Split cluster:");
    assertTrue(warning.contains(":" + lonelyPort) && warning.contains("member list"),
        "it names the other node's address and what to check: " + warning);
    assertTrue(b.awaitLog("Split cluster:", 20_000), "the lonely node warned too: " + String.join("\n", b.log()));

    ApiClient api = new ApiClient(vertx, a.port());
    clients.add(api);
    JsonObject health = api.request(HttpMethod.GET, "/health").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    assertEquals("UP", health.getString("status"), "a split is no reason to take the node out: " + health);
    assertTrue(health.getJsonObject("details").getString("cluster").startsWith("split: 1 live node"), health.encode());
    assertTrue(metrics(api).contains("foyer_cluster_split 1.0"), "the metric counts the node outside");

    b.kill(); // without a goodbye: its beat goes stale
    long killed = System.nanoTime();
    assertTrue(a.awaitLog("Split cluster over", 30_000), "the warning ended: " + String.join("\n", a.log()));
    System.out.printf("split over %d ms after the other node was killed%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
    JsonObject after = api.request(HttpMethod.GET, "/health").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    assertFalse(after.containsKey("details"), after.encode());
    assertTrue(metrics(api).contains("foyer_cluster_split 0.0"));
  }

  @Test
  void nodesOfOneClusterSayNothingOfASplitNotEvenWhenOneCrashes(Vertx vertx) throws Exception {
    NodeProcess a = NodeProcess.start(setup, null, shipped());
    NodeProcess b = NodeProcess.start(setup, null, shipped());
    up(a, b);
    assertTrue(inClusterOfTwo(a) && inClusterOfTwo(b), String.join("\n", a.log()));
    ApiClient api = new ApiClient(vertx, a.port());
    clients.add(api);
    // three beats of both nodes (one every 2 s) and a second: a warning due would have come
    Waits.sleep(vertx, 7_000).await(20, TimeUnit.SECONDS);
    assertFalse(a.logged("Split cluster") || b.logged("Split cluster"), String.join("\n", a.log()));
    assertTrue(metrics(api).contains("foyer_cluster_split 0.0"));

    // a crash: out of the cluster within seconds, while its last beat stays fresh for 10 s more
    b.kill();
    assertTrue(a.awaitLog("left the cluster (1 nodes now)", 30_000), String.join("\n", a.log()));
    Waits.sleep(vertx, 12_000).await(20, TimeUnit.SECONDS);
    assertFalse(a.logged("Split cluster"), "a crashed node is no split: " + String.join("\n", a.log()));
  }

  private static String metrics(ApiClient api) throws Exception {
    return api.request(HttpMethod.GET, "/metrics").send().await(10, TimeUnit.SECONDS).bodyAsString();
  }
}
