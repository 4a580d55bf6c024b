package dev.foyer.queue;

import dev.foyer.bus.Addresses;
import dev.foyer.support.ApiClient;
import dev.foyer.support.TestNode;
import dev.foyer.support.TestSetup;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** With the lock in force, one node ticks each event, and another takes over when it leaves. */
@ExtendWith(VertxExtension.class)
class ClusterLockTest {

  private static final String EVENT = "stadium-show";
  private static TestNode nodeA;
  private static TestNode nodeB;
  private TestSetup setup;
  private ApiClient api;

  @BeforeAll
  static void startCluster() {
    List<TestNode> nodes = TestNode.cluster(ClusterLockTest.class, 2);
    nodeA = nodes.get(0);
    nodeB = nodes.get(1);
  }

  @AfterAll
  static void stopCluster() {
    nodeA.close();
    nodeB.close();
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    setup = new TestSetup();
    nodeA.deploy(setup.config())
        .compose(v -> nodeB.deploy(setup.config()))
        .onSuccess(v -> api = new ApiClient(vertx, nodeA.port()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void undeploy(Vertx vertx) throws Exception {
    nodeA.undeploy().await(30, TimeUnit.SECONDS);
    nodeB.undeploy().await(30, TimeUnit.SECONDS);
    setup.cleanUp(vertx);
    api.close();
  }

  @Test
  void progressGoesOutOncePerTickForTheWholeClusterAndSurvivesTheTickingNodeLeaving(Vertx vertx,
                                                                                   VertxTestContext ctx) {
    AtomicInteger progress = new AtomicInteger();
    MessageConsumer<JsonObject> consumer = nodeB.vertx().eventBus()
        .consumer(Addresses.event(EVENT), m -> progress.incrementAndGet());
    long tick = setup.config().tickMillis();
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
