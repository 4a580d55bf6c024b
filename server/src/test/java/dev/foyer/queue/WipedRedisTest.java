package dev.foyer.queue;

import dev.foyer.support.BridgeClient;
import dev.foyer.support.FoyerCluster;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

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

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);
  private BridgeClient bridge;

  @AfterEach
  void closeBridge() throws Exception {
    if (bridge != null) {
      bridge.close().await(5, TimeUnit.SECONDS);
    }
  }

  private Future<Boolean> marked(String event) {
    return cluster.redis().send(Request.cmd(Command.HEXISTS).arg(cluster.setup().prefix() + ":{" + event + "}:meta").arg("generation"))
        .map(r -> r.toInteger() == 1);
  }

  private Future<String> resets(String event) {
    return cluster.api().request(HttpMethod.GET, "/metrics").send().map(r -> r.bodyAsString().lines()
        .filter(l -> l.startsWith("foyer_redis_resets_total{") && l.contains("event=\"" + event + "\""))
        .findFirst().orElse("none"));
  }

  @Test
  void aWipedRedisIsNoticedSalesAreKeptAndEveryoneConnectedIsToldToJoinAgain(Vertx vertx, VertxTestContext ctx) {
    List<JsonObject> waiting = new ArrayList<>();
    String[] pass = new String[1];
    cluster.api().createEvent(EVENT, new JsonObject().put("gate", "off").put("admitPerMinute", 0).put("activeSeconds", 120))
        .compose(v -> cluster.api().createEvent(QUIET, new JsonObject()))
        .compose(v -> cluster.api().admitted(EVENT))
        .compose(buyer -> {
          pass[0] = buyer.getString("pass");
          return cluster.api().hold(EVENT, pass[0], "A-1-1");
        })
        .compose(held -> cluster.api().confirm(EVENT, pass[0], held.bodyAsJsonObject().getString("holdId")))
        .compose(sold -> cluster.api().putEvent(EVENT, new JsonObject().put("gate", "on").put("paused", true)))
        .compose(v -> cluster.api().join(EVENT)).map(r -> waiting.add(r.bodyAsJsonObject()))
        .compose(v -> cluster.api().join(EVENT)).map(r -> waiting.add(r.bodyAsJsonObject()))
        .compose(v -> BridgeClient.connect(vertx, cluster.node().port()))
        .compose(b -> {
          bridge = b;
          JsonObject second = waiting.get(1);
          return b.registerVisitor(second.getString("visitor"), second.getString("token"))
              .compose(x -> b.nextMessage("foyer.visitor." + second.getString("visitor"), "rank", 5000));
        })
        .compose(rank -> Waits.until(vertx, () -> marked(EVENT).compose(a -> marked(QUIET).map(b -> a && b)),
            both -> both, 10_000))
        // what a Redis restarted without its data looks like to foyer: none of this test's keys
        .compose(v -> cluster.setup().redisKeys(cluster.redis()).compose(keys -> {
          Request del = Request.cmd(Command.DEL);
          keys.forEach(del::arg);
          return cluster.redis().send(del);
        }))
        .compose(v -> bridge.nextMessage("foyer.visitor." + waiting.get(1).getString("visitor"), "gone", 10_000))
        .compose(gone -> Waits.until(vertx, () -> cluster.api().seatStatuses(EVENT), seats -> "sold".equals(seats.get("A-1-1")),
                10_000)
            .compose(seats -> cluster.api().join(EVENT))
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
    cluster.api().createEvent(fresh, new JsonObject())
        .compose(v -> Waits.until(vertx, () -> marked(fresh), done -> done, 10_000))
        .compose(v -> resets(fresh))
        .onComplete(ctx.succeeding(line -> ctx.verify(() -> {
          assertEquals("none", line, "a first marking is no reset");
          ctx.completeNow();
        })));
  }
}
