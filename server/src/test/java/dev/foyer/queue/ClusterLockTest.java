package dev.foyer.queue;

import dev.foyer.bus.Addresses;
import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.TestNode;
import dev.foyer.support.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** With the lock in force, one node ticks each event, and another takes over when it leaves. */
@ExtendWith(VertxExtension.class)
class ClusterLockTest {

  private static final String EVENT = "stadium-show";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  @Test
  void progressGoesOutOncePerTickForTheWholeClusterAndSurvivesTheTickingNodeLeaving(Vertx vertx,
                                                                                   VertxTestContext ctx) {
    TestNode nodeA = cluster.node(0);
    TestNode nodeB = cluster.node(1);
    ApiClient api = cluster.api(0);
    AtomicInteger progress = new AtomicInteger();
    MessageConsumer<JsonObject> consumer = nodeB.vertx().eventBus()
        .consumer(Addresses.event(EVENT), m -> progress.incrementAndGet());
    long tick = cluster.setup().config().tickMillis();
    api.createEvent(EVENT, null)
        .compose(v -> consumer.completion())
        .compose(v -> Waits.sleep(vertx, 1500))
        .compose(v -> {
          progress.set(0);
          return Waits.sleep(vertx, 3000);
        })
        .compose(v -> {
          int inThreeSeconds = progress.get();
          ctx.verify(() -> {
            long ticks = 3000 / tick;
            assertTrue(inThreeSeconds >= ticks / 2, inThreeSeconds + " progress messages in 3 s");
            assertTrue(inThreeSeconds <= ticks + 2, inThreeSeconds + " progress messages in 3 s: more than one node ticks");
          });
          return nodeA.undeploy();
        })
        .compose(v -> Waits.sleep(vertx, QueueVerticle.EVENT_REFRESH_MILLIS + 1000))
        .compose(v -> {
          progress.set(0);
          return Waits.sleep(vertx, 1500);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertTrue(progress.get() >= 3, "the remaining node took the event over: " + progress.get());
          consumer.unregister();
          ctx.completeNow();
        })));
  }

}
