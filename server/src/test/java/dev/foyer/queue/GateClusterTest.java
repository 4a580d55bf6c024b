package dev.foyer.queue;

import dev.foyer.bus.Addresses;
import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.TestNode;
import dev.foyer.support.Waits;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gate over two real nodes, both ticking every event: real traffic turns it on and off. */
@ExtendWith(VertxExtension.class)
class GateClusterTest {

  private static final String EVENT = "rush-hour";

  // no lock: both nodes decide every tick, only the stored once-per-tick rule keeps them apart
  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2).ticking(Ticking.EVERY_NODE);

  @Test
  void loadAboveTheOnRateTurnsTheGateOnAndQuietAfterTheDebounceTurnsItOffWithOneDecisionPerTick(Vertx vertx,
                                                                                               VertxTestContext ctx) {
    ApiClient apiA = cluster.api(0);
    ApiClient apiB = cluster.api(1);
    TestNode nodeA = cluster.node(0);
    List<JsonObject> decisions = new CopyOnWriteArrayList<>();
    nodeA.vertx().eventBus().<JsonObject>consumer(Addresses.GATE_DECISIONS, m -> {
      if (EVENT.equals(m.body().getString("event"))) {
        decisions.add(m.body());
      }
    });
    AtomicInteger sent = new AtomicInteger();
    long[] loadWindow = new long[2];
    // on at 40 req/s, off at 10, spike 1000 (not reached), 2 s debounce
    JsonObject settings = new JsonObject().put("gateOnRate", 40).put("gateOffRate", 10).put("spikeRate", 1000)
        .put("gateDebounceSeconds", 2);
    apiA.createEvent(EVENT, settings)
        .compose(v -> Waits.sleep(vertx, 1000))
        .compose(v -> {
          // bounded load: about 100 requests a second for 3 seconds, spread over both nodes
          loadWindow[0] = System.currentTimeMillis();
          Promise<Void> done = Promise.promise();
          vertx.setPeriodic(20, id -> {
            if (System.currentTimeMillis() - loadWindow[0] > 3000) {
              vertx.cancelTimer(id);
              loadWindow[1] = System.currentTimeMillis();
              done.tryComplete();
              return;
            }
            ApiClient api = sent.incrementAndGet() % 2 == 0 ? apiA : apiB;
            api.request(HttpMethod.GET, "/api/events/" + EVENT).send();
            api.request(HttpMethod.GET, "/api/events/" + EVENT).send();
          });
          return done.future();
        })
        .compose(v -> AdmissionTest.pollUntil(vertx, () -> apiA.stats(EVENT),
            s -> !s.getJsonObject("gate").getBoolean("queueing"), 10_000))
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          Map<Long, Integer> perTick = new HashMap<>();
          decisions.forEach(d -> perTick.merge(d.getLong("tick"), 1, Integer::sum));
          perTick.forEach((tick, n) -> assertEquals(1, n, "tick " + tick + " was decided " + n + " times"));
          List<JsonObject> flips = decisions.stream().filter(d -> d.getBoolean("flipped")).toList();
          assertEquals(2, flips.size(), "on once, off once: " + flips);
          JsonObject on = flips.get(0);
          JsonObject off = flips.get(1);
          assertTrue(on.getBoolean("queueing"));
          assertTrue(on.getLong("rate") >= 40, "turned on by a rate at or above 40: " + on);
          assertFalse(off.getBoolean("queueing"));
          assertTrue(off.getLong("rate") <= 10, "turned off by a rate at or below 10: " + off);
          assertTrue(off.getLong("at") - on.getLong("at") >= 2000, "not off within the debounce");
          System.out.printf("gate: %d requests in %d ms; on %d ms after the load began at %d req/s, "
                  + "off %d ms after it ended at %d req/s; %d decisions, one per tick%n",
              sent.get() * 2, loadWindow[1] - loadWindow[0], on.getLong("at") - loadWindow[0], on.getLong("rate"),
              off.getLong("at") - loadWindow[1], off.getLong("rate"), decisions.size());
          ctx.completeNow();
        })));
  }

}
