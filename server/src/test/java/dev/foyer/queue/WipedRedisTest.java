package dev.foyer.queue;

import dev.foyer.support.BridgeClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis comes back empty (restarted without persistence, flushed, failed over to a replica that never
 * had the event): the node notices, says so, keeps every sale, and tells the people in line at once.
 */
@ExtendWith(VertxExtension.class)
class WipedRedisTest {

  private static final String EVENT = "big-night";
  private static final String QUIET = "quiet-night";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);
  private BridgeClient bridge;

  @AfterEach
  void closeBridge() throws Exception {
    if (bridge != null) {
      bridge.close().await(5, TimeUnit.SECONDS);
    }
  }

  private boolean marked(String event) {
    return await(cluster.redis().send(Request.cmd(Command.HEXISTS)
        .arg(cluster.setup().prefix() + ":{" + event + "}:meta").arg("generation"))).toInteger() == 1;
  }

  private String resets(String event) {
    return await(cluster.api().request(HttpMethod.GET, "/metrics").send()).bodyAsString().lines()
        .filter(l -> l.startsWith("foyer_redis_resets_total{") && l.contains("event=\"" + event + "\""))
        .findFirst().orElse("none");
  }

  @Test
  void aWipedRedisIsNoticedSalesAreKeptAndEveryoneConnectedIsToldToJoinAgain(Vertx vertx) throws Exception {
    await(cluster.api().createEvent(EVENT, new JsonObject().put("gate", "off").put("admitPerMinute", 0)
        .put("activeSeconds", 120)));
    await(cluster.api().createEvent(QUIET, new JsonObject()));
    String pass = await(cluster.api().admitted(EVENT)).getString("pass");
    String holdId = await(cluster.api().hold(EVENT, pass, "A-1-1")).bodyAsJsonObject().getString("holdId");
    await(cluster.api().confirm(EVENT, pass, holdId));
    await(cluster.api().putEvent(EVENT, new JsonObject().put("gate", "on").put("paused", true)));
    List<JsonObject> waiting = new ArrayList<>();
    waiting.add(await(cluster.api().join(EVENT)).bodyAsJsonObject());
    waiting.add(await(cluster.api().join(EVENT)).bodyAsJsonObject());
    bridge = await(BridgeClient.connect(vertx, cluster.node().port()));
    JsonObject second = waiting.get(1);
    String address = "foyer.visitor." + second.getString("visitor");
    await(bridge.registerVisitor(second.getString("visitor"), second.getString("token")));
    await(bridge.nextMessage(address, "rank", 5000));
    Waits.until("both events are marked", 10_000, () -> marked(EVENT) && marked(QUIET));

    // what a Redis restarted without its data looks like to foyer: none of this test's keys
    Request del = Request.cmd(Command.DEL);
    await(cluster.setup().redisKeys(cluster.redis())).forEach(del::arg);
    await(cluster.redis().send(del));

    JsonObject gone = await(bridge.nextMessage(address, "gone", 10_000));
    Waits.until("the seat sold before the wipe shows sold", 10_000, () -> {
      Map<String, String> seats = await(cluster.api().seatStatuses(EVENT));
      return "sold".equals(seats.get("A-1-1"));
    });
    JsonObject rejoin = await(cluster.api().join(EVENT)).bodyAsJsonObject();
    String wiped = resets(EVENT);
    String quiet = resets(QUIET);
    assertEquals("reset", gone.getString("reason"), "told what happened, never left a stale position");
    assertEquals("waiting", rejoin.getString("state"));
    assertEquals(1L, rejoin.getLong("position"), "the line starts again");
    assertTrue(wiped.endsWith(" 1.0"), "one reset counted: " + wiped);
    assertTrue(quiet.endsWith(" 1.0"), "every event's loss is noticed, one alarm each: " + quiet);
  }

  @Test
  void aNewEventIsMarkedWithoutAnAlarm() throws Exception {
    String fresh = "first-night";
    await(cluster.api().createEvent(fresh, new JsonObject()));
    Waits.until("the new event is marked", 10_000, () -> marked(fresh));
    assertEquals("none", resets(fresh), "a first marking is no reset");
  }
}
