package dev.foyer.push;

import dev.foyer.bus.Addresses;
import dev.foyer.queue.QueueVerticle;
import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.TestNode;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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

  private BridgeClient bridge;

  @BeforeEach
  void deploy(VertxTestContext ctx) {
    cluster.deploy(0).onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void closeBridge() throws Exception {
    if (bridge != null) {
      bridge.close().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void theHarnessSeesAdmissionBatchesInJoinOrderAndOneProgressPerTick(Vertx vertx, VertxTestContext ctx) {
    TestNode foyer = cluster.node(0);
    TestNode harness = cluster.node(1);
    ApiClient api = cluster.api(0);
    List<JsonObject> admissions = new CopyOnWriteArrayList<>();
    List<JsonObject> progress = new CopyOnWriteArrayList<>();
    var bus = harness.vertx().eventBus();
    List<Future<Void>> subscribed = List.of(
        bus.<JsonObject>consumer(Addresses.ADMISSIONS, m -> admissions.add(m.body())).completion(),
        bus.<JsonObject>consumer(Addresses.event(EVENT), m -> progress.add(m.body())).completion());
    List<String> joinOrder = new ArrayList<>();
    long tick = cluster.setup().config().tickMillis();
    Future.all(subscribed)
        .compose(v -> api.createEvent(EVENT, new JsonObject().put("maxActive", 2).put("admitPerMinute", 0)
            .put("activeSeconds", 1).put("rankPushMillis", 200).put("paused", true)))
        .compose(v -> {
          Future<Void> chain = Future.succeededFuture();
          for (int i = 0; i < 8; i++) {
            chain = chain.compose(x -> api.join(EVENT)).map(r -> {
              joinOrder.add(r.bodyAsJsonObject().getString("visitor"));
              return null;
            });
          }
          return chain;
        })
        .compose(v -> BridgeClient.connect(vertx, foyer.port()))
        .compose(b -> {
          bridge = b;
          return api.join(EVENT).compose(r -> {
            JsonObject last = r.bodyAsJsonObject();
            joinOrder.add(last.getString("visitor"));
            return b.registerVisitor(last.getString("visitor"), last.getString("token"));
          });
        })
        .compose(v -> api.putEvent(EVENT, new JsonObject().put("paused", false)))
        .compose(v -> {
          progress.clear();
          return Waits.sleep(vertx, 3000);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
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
          ctx.completeNow();
        })));
  }
}
