package dev.foyer.queue;

import dev.foyer.bus.Addresses;
import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.TestNode;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admission over real nodes: capacity, order, rate, expiry and pauses. */
@ExtendWith(VertxExtension.class)
class AdmissionTest {

  private static final String EVENT = "arena-night";

  // both nodes tick every event at once: the lock is bypassed, only the script stands guard
  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2).ticking(Ticking.EVERY_NODE);

  @Test
  void twoNodesTickingTheSameEventNeverAdmitPastCapacityAndAdmitEachVisitorOnceInJoinOrder(Vertx vertx)
      throws Exception {
    ApiClient api = cluster.api();
    TestNode nodeA = cluster.node(0);
    int visitors = 150;
    int maxActive = 25;
    Map<String, Long> positionOf = new HashMap<>();
    List<JsonObject> batches = new CopyOnWriteArrayList<>();
    AtomicLong maxSeen = new AtomicLong();
    MessageConsumer<JsonObject> consumer = nodeA.vertx().eventBus().consumer(Addresses.ADMISSIONS, m -> {
      if (EVENT.equals(m.body().getString("event"))) {
        batches.add(m.body());
      }
    });
    long sampler = vertx.setPeriodic(20, id -> cluster.redis().send(Request.cmd(Command.ZCARD).arg(activeKey()))
        .onSuccess(n -> maxSeen.accumulateAndGet(n.toLong(), Math::max)));
    try {
      // the rate cap binds, so each node's tick finds tokens the other left: both admit, interleaved
      await(api.createEvent(EVENT, new JsonObject().put("maxActive", maxActive).put("admitPerMinute", 3000)
          .put("activeSeconds", 1).put("paused", true)));
      joinAll(visitors).forEach(j -> positionOf.put(j.getString("visitor"), j.getLong("position")));
      await(consumer.completion());
      await(api.putEvent(EVENT, new JsonObject().put("paused", false)));
      Waits.until("every visitor admitted", 60_000,
          () -> batches.stream().mapToInt(b -> b.getJsonArray("visitors").size()).sum() >= visitors);
    } finally {
      vertx.cancelTimer(sampler);
      consumer.unregister();
    }
    assertTrue(maxSeen.get() <= maxActive, "active peaked at " + maxSeen.get() + " > " + maxActive);
    assertEquals(maxActive, maxSeen.get(), "capacity was used");
    List<JsonObject> ordered = new ArrayList<>(batches);
    ordered.sort(Comparator.comparingLong(b -> b.getLong("admittedTotal")));
    List<Long> order = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonObject batch : ordered) {
      for (Object visitor : batch.getJsonArray("visitors")) {
        assertTrue(seen.add((String) visitor), visitor + " was admitted twice");
        order.add(positionOf.get(visitor));
      }
    }
    assertEquals(visitors, seen.size());
    for (int i = 0; i < order.size(); i++) {
      assertEquals(i + 1L, order.get(i), "admission follows join order");
    }
  }

  @Test
  void expiredVisitorsFreeTheirSlotsAndAdmissionContinues() throws Exception {
    ApiClient api = cluster.api();
    await(api.createEvent(EVENT, new JsonObject().put("maxActive", 3).put("admitPerMinute", 0).put("activeSeconds", 1)
        .put("gate", "on")));
    List<JsonObject> joined = joinAll(9);
    JsonObject stats = Waits.until("all nine admitted", 60_000, () -> await(api.stats(EVENT)),
        s -> s.getLong("admittedTotal") >= 9);
    JsonObject first = me(joined.get(0));
    assertTrue(stats.getLong("active") <= 3);
    assertEquals("gone", first.getString("state"));
    assertEquals("expired", first.getString("reason"));
  }

  @Test
  void admissionNeverOutpacesAdmitPerMinute() throws Exception {
    ApiClient api = cluster.api();
    await(api.createEvent(EVENT, new JsonObject().put("maxActive", 1000).put("admitPerMinute", 120).put("paused", true)));
    joinAll(60);
    // taken before the pause is lifted: admission may begin before the answer comes back, and
    // an earlier start only loosens the bound
    long startedAt = System.currentTimeMillis();
    await(api.putEvent(EVENT, new JsonObject().put("paused", false)));
    // not a wait for anything: the bound must hold at any moment, and three seconds of admission
    // make it a rate rather than a burst; then admission is awaited to have run at all
    Thread.sleep(3000);
    JsonObject stats = Waits.until("admission ran", 60_000, () -> await(api.stats(EVENT)),
        s -> s.getLong("admittedTotal") >= 4);
    double seconds = (System.currentTimeMillis() - startedAt) / 1000.0;
    long admitted = stats.getLong("admittedTotal");
    // 2 a second, plus the bucket's one second of burst, plus one tick of slack
    assertTrue(admitted <= Math.ceil(2 * seconds) + 2 + 1, admitted + " admitted in " + seconds + " s");
    assertTrue(admitted >= 4, "admission ran: " + admitted);
  }

  @Test
  void aPausedAdmissionKeepsEtasSane() throws Exception {
    ApiClient api = cluster.api();
    await(api.createEvent(EVENT, new JsonObject().put("maxActive", 1000).put("admitPerMinute", 240).put("paused", true)));
    JsonObject last = joinAll(80).get(79);
    await(api.putEvent(EVENT, new JsonObject().put("paused", false)));
    Waits.until("the last visitor has an ETA", 30_000, () -> me(last).getValue("etaSeconds") != null);
    await(api.putEvent(EVENT, new JsonObject().put("paused", true)));
    // a tick already running when the pause landed may still admit: the position is read after
    // it, with a margin of many ticks
    Thread.sleep(1000);
    JsonObject beforePause = me(last);
    // nothing must happen while paused: two and a half seconds of ticks admit nobody
    Thread.sleep(2500);
    JsonObject paused = me(last);
    long position = paused.getLong("position");
    Long eta = paused.getLong("etaSeconds");
    assertEquals(beforePause.getLong("position"), position, "nobody is admitted while paused");
    assertNotNull(eta, "an ETA does not vanish during a pause");
    assertTrue(eta >= 0);
    // never slower than the event's guaranteed turnover (here the cap: 4 a second)
    assertTrue(eta <= Math.ceil(position / 4.0) + 1, "eta " + eta + " for position " + position);
    assertTrue(eta >= Math.floor(position / 4.0) - 1, "eta " + eta + " for position " + position);
  }

  @Test
  void behindAHeldSlotWithNoTurnoverTheEtaSaysItIsMeasuringAndBoundsTheWaitBySlotTime() throws Exception {
    ApiClient api = cluster.api();
    // one slot, held for 300 s: the "under a minute" for 55 s
    await(api.createEvent(EVENT, new JsonObject().put("maxActive", 1).put("admitPerMinute", 0).put("activeSeconds", 300)
        .put("gate", "on")));
    List<JsonObject> joined = joinAll(2);
    Waits.until("the first is admitted", 30_000, () -> "active".equals(me(joined.get(0)).getString("state")));
    // nothing must happen here: a second and a half of ticks go on and still nobody leaves the
    // held slot, so the ETA has no turnover to measure (a margin, not a race: leaving is wrong at any time)
    Thread.sleep(1500);
    JsonObject second = me(joined.get(1));
    assertEquals(1L, second.getLong("position"));
    JsonObject eta = second.getJsonObject("eta");
    assertEquals("measuring", eta.getString("status"), second.encode());
    assertNull(second.getValue("etaSeconds"), "no figure it cannot know");
    assertEquals(300L, eta.getLong("high"), "at most the held slot's time");
  }

  private JsonObject me(JsonObject visitor) {
    return await(cluster.api().me(EVENT, visitor.getString("token"))).bodyAsJsonObject();
  }

  private String activeKey() {
    return cluster.setup().prefix() + ":{" + EVENT + "}:active";
  }

  /** {@code n} visitors joining at once, in line order. */
  private List<JsonObject> joinAll(int n) {
    List<Future<HttpResponse<Buffer>>> joins = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      joins.add(cluster.api().join(EVENT));
    }
    await(Future.all(joins));
    List<JsonObject> bodies = new ArrayList<>();
    joins.forEach(f -> bodies.add(f.result().bodyAsJsonObject()));
    bodies.sort(Comparator.comparingLong(b -> b.getLong("position")));
    return bodies;
  }

}
