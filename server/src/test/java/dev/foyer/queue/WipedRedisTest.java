package dev.foyer.queue;

import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.TestNode;
import dev.foyer.support.TestSetup;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
  private static TestNode node;
  private TestSetup setup;
  private ApiClient api;
  private Redis redis;
  private BridgeClient bridge;

  @BeforeAll
  static void startNode() {
    node = TestNode.start(TestSetup.clusterName(WipedRedisTest.class));
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    setup = new TestSetup();
    redis = setup.redis(vertx);
    node.deploy(setup.config())
        .onSuccess(v -> api = new ApiClient(vertx, node.port()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void undeploy(Vertx vertx) throws Exception {
    if (bridge != null) {
      bridge.close().await(5, TimeUnit.SECONDS);
    }
    node.undeploy().await(30, TimeUnit.SECONDS);
    setup.cleanUp(vertx);
    redis.close();
    api.close();
  }

  private Future<Boolean> marked(String event) {
    return redis.send(Request.cmd(Command.HEXISTS).arg(setup.prefix() + ":{" + event + "}:meta").arg("generation"))
        .map(r -> r.toInteger() == 1);
  }

  private Future<String> resets(String event) {
    return api.request(HttpMethod.GET, "/metrics").send().map(r -> r.bodyAsString().lines()
        .filter(l -> l.startsWith("foyer_redis_resets_total{") && l.contains("event=\"" + event + "\""))
        .findFirst().orElse("none"));
  }

  @Test
  void aWipedRedisIsNoticedSalesAreKeptAndEveryoneConnectedIsToldToJoinAgain(Vertx vertx, VertxTestContext ctx) {
    List<JsonObject> waiting = new ArrayList<>();
    String[] pass = new String[1];
    api.createEvent(EVENT, new JsonObject().put("gate", "off").put("admitPerMinute", 0).put("activeSeconds", 120))
        .compose(v -> api.createEvent(QUIET, new JsonObject()))
        .compose(v -> api.admitted(EVENT))
        .compose(buyer -> {
          pass[0] = buyer.getString("pass");
          return api.hold(EVENT, pass[0], "A-1-1");
        })
        .compose(held -> api.confirm(EVENT, pass[0], held.bodyAsJsonObject().getString("holdId")))
        .compose(sold -> api.putEvent(EVENT, new JsonObject().put("gate", "on").put("paused", true)))
        .compose(v -> api.join(EVENT)).map(r -> waiting.add(r.bodyAsJsonObject()))
        .compose(v -> api.join(EVENT)).map(r -> waiting.add(r.bodyAsJsonObject()))
        .compose(v -> BridgeClient.connect(vertx, node.port()))
        .compose(b -> {
          bridge = b;
          JsonObject second = waiting.get(1);
          return b.registerVisitor(second.getString("visitor"), second.getString("token"))
              .compose(x -> b.nextMessage("foyer.visitor." + second.getString("visitor"), "rank", 5000));
        })
        .compose(rank -> Waits.until(vertx, () -> marked(EVENT).compose(a -> marked(QUIET).map(b -> a && b)),
            both -> both, 10_000))
        // what a Redis restarted without its data looks like to foyer: none of this test's keys
        .compose(v -> setup.redisKeys(redis).compose(keys -> {
          Request del = Request.cmd(Command.DEL);
          keys.forEach(del::arg);
          return redis.send(del);
        }))
        .compose(v -> bridge.nextMessage("foyer.visitor." + waiting.get(1).getString("visitor"), "gone", 10_000))
        .compose(gone -> Waits.until(vertx, () -> api.seatStatuses(EVENT), seats -> "sold".equals(seats.get("A-1-1")),
                10_000)
            .compose(seats -> api.join(EVENT))
            .compose(rejoin -> resets(EVENT).compose(wiped -> resets(QUIET).map(quiet -> {
              ctx.verify(() -> {
                assertEquals("reset", gone.getString("reason"), "told what happened, never left a stale position");
                assertEquals("waiting", rejoin.bodyAsJsonObject().getString("state"));
                assertEquals(1L, rejoin.bodyAsJsonObject().getLong("position"), "the line starts again");
                assertTrue(wiped.endsWith(" 1.0"), "one reset counted: " + wiped);
                assertTrue(quiet.endsWith(" 1.0"), "every event's loss is noticed, one alarm each: " + quiet);
              });
              return null;
            }))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aNewEventIsMarkedWithoutAnAlarm(Vertx vertx, VertxTestContext ctx) {
    String fresh = "first-night";
    api.createEvent(fresh, new JsonObject())
        .compose(v -> Waits.until(vertx, () -> marked(fresh), done -> done, 10_000))
        .compose(v -> resets(fresh))
        .onComplete(ctx.succeeding(line -> ctx.verify(() -> {
          assertEquals("none", line, "a first marking is no reset");
          ctx.completeNow();
        })));
  }
}
