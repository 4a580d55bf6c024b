package dev.foyer.bench;

import dev.foyer.support.FoyerCluster;
import dev.foyer.support.TestSetup;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code line --ports} against two nodes of one cluster (in this JVM), from two harness processes:
 * the visitors spread over both nodes, the admin calls on the first, every admission notice (some
 * crossing the cluster to the other node's sockets) matched once.
 */
@ExtendWith(VertxExtension.class)
class LineAcrossNodesTest {

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  private Vertx harness;

  @BeforeEach
  void startHarness() {
    harness = Vertx.vertx();
  }

  @AfterEach
  void stopHarness() throws Exception {
    harness.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void pushOnlyAcrossTwoNodesSpreadsTheVisitorsAndMatchesEveryNotice() throws Exception {
    String pid = String.valueOf(ProcessHandle.current().pid());
    Map<String, String> o = Map.ofEntries(Map.entry("ports", cluster.node(0).port() + "," + cluster.node(1).port()),
        Map.entry("admin-key", TestSetup.ADMIN_KEY), Map.entry("phases", "push"), Map.entry("processes", "2"),
        Map.entry("visitors", "300"), Map.entry("seconds", "6"), Map.entry("admit-per-minute", "1200"),
        Map.entry("rank-push-millis", "500"), Map.entry("max-active", "60"), Map.entry("active-seconds", "3"),
        Map.entry("joins-per-second", "4"), Map.entry("leaves-per-second", "2"), Map.entry("samples-per-second", "10"),
        Map.entry("server-pid", pid + "," + pid));
    JsonObject r;
    try (ThreadDumpAfter watchdog = ThreadDumpAfter.seconds(60, "line")) {
      r = Bench.run(harness, "line", o);
    }
    assertTrue(Bench.summary(r).startsWith("line"), Bench.summary(r));
    assertEquals(new JsonArray().add("push"), r.getJsonArray("phases"));
    assertEquals(null, r.getJsonObject("poll"), "only the push phase ran");
    assertEquals(2, r.getJsonArray("nodes").size());
    JsonObject p = r.getJsonObject("push");
    assertTrue(p.getLong("admittedByServer") > 20, p.encode());
    assertEquals(p.getLong("admittedByServer"), (long) p.getInteger("admissionNoticesReceived"), "every notice matched");
    assertEquals(0, p.getLong("lostNotices"));
    assertEquals(0, p.getLong("duplicateNotices"));
    assertEquals(0, p.getLong("errors"), p.encode());
    assertTrue(p.getDouble("rankFramesPerVisitorMinute") > 0, p.encode());
    assertTrue(p.getJsonObject("displayedError").getLong("samples") > 10, p.encode());

    JsonArray byNode = p.getJsonObject("heapAfterGc").getJsonArray("byNode");
    assertEquals(2, byNode.size());
    for (Object n : byNode) {
      JsonObject node = (JsonObject) n;
      assertEquals(150, node.getLong("visitors"), "round-robin over the nodes: " + node);
      assertTrue(node.getLong("connectedVisitors") >= 140, "the node holds its sockets: " + node);
    }
    assertEquals(300, p.getJsonObject("heapAfterGc").getJsonObject("total").getLong("visitors"));
    assertEquals(2, p.getJsonArray("serverCpuSecondsByNode").size());
    assertTrue(p.getDouble("serverCpuSeconds") > 0, "one JVM for both nodes, counted once");
  }
}
