package dev.foyer.queue;

import dev.foyer.bus.Addresses;
import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.TestNode;
import dev.foyer.support.Waits;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.atomic.AtomicInteger;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With the lock in force, one node ticks each event, and another takes over when it leaves. */
@ExtendWith(VertxExtension.class)
class ClusterLockTest {

  private static final String EVENT = "stadium-show";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  @Test
  void progressGoesOutOncePerTickForTheWholeClusterAndSurvivesTheTickingNodeLeaving() throws Exception {
    TestNode nodeA = cluster.node(0);
    TestNode nodeB = cluster.node(1);
    ApiClient api = cluster.api(0);
    AtomicInteger progress = new AtomicInteger();
    MessageConsumer<JsonObject> consumer = nodeB.vertx().eventBus()
        .consumer(Addresses.event(EVENT), m -> progress.incrementAndGet());
    try {
      long tick = cluster.setup().config().tickMillis();
      await(api.createEvent(EVENT, null));
      await(consumer.completion());
      Waits.until("the event ticks", 60_000, () -> progress.get() > 0);
      progress.set(0);
      // not a wait for anything: a count over three seconds of ticks, which more than one node
      // ticking would push past one message a tick
      Thread.sleep(3000);
      int inThreeSeconds = progress.get();
      long ticks = 3000 / tick;
      assertTrue(inThreeSeconds >= ticks / 2, inThreeSeconds + " progress messages in 3 s");
      assertTrue(inThreeSeconds <= ticks + 2, inThreeSeconds + " progress messages in 3 s: more than one node ticks");

      await(nodeA.undeploy());
      // the remaining node claims the event at its next refresh (every EVENT_REFRESH_MILLIS); it
      // has taken over once a second and a half of ticks bring at least three messages
      Waits.until("the remaining node took the event over", 60_000, () -> {
        progress.set(0);
        Thread.sleep(1500);
        return progress.get() >= 3;
      });
    } finally {
      consumer.unregister();
    }
  }

}
