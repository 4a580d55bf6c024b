package dev.foyer.queue;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gate over two real nodes, both ticking every event: real traffic turns it on and off, and the
 * operator, asking either node, sees it turn on once and off once.
 */
@ExtendWith(VertxExtension.class)
class GateClusterTest {

  private static final String EVENT = "rush-hour";
  /** Between two reads of the stats: a tick (200 ms) is read several times over. */
  private static final long READ_EVERY_MILLIS = 20;
  private static final int DEBOUNCE_SECONDS = 5;

  // no lock: both nodes decide every tick, only the stored once-per-tick rule keeps them apart
  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2).ticking(Ticking.EVERY_NODE);

  /** The gate as one read of the admin stats told it, and when that read was sent and answered. */
  private record Sample(long sentAt, long answeredAt, boolean queueing, long rate) {
  }

  @Test
  void loadAboveTheOnRateTurnsTheGateOnAndQuietAfterTheDebounceTurnsItOffOnceAsEveryNodeTellsIt(Vertx vertx)
      throws Exception {
    ApiClient apiA = cluster.api(0);
    ApiClient apiB = cluster.api(1);
    List<Sample> samples = new CopyOnWriteArrayList<>();
    Promise<Void> stopWatching = Promise.promise();
    AtomicInteger sent = new AtomicInteger();
    long[] loadWindow = new long[2];
    AtomicReference<List<Sample>> seen = new AtomicReference<>();
    // on at 40 req/s, off at 10, spike 1000 (not reached); a debounce longer than the load, so it is what
    // keeps the gate on, and the gate stays on long enough for a slow read of the stats to see it
    JsonObject settings = new JsonObject().put("gateOnRate", 40).put("gateOffRate", 10).put("spikeRate", 1000)
        .put("gateDebounceSeconds", DEBOUNCE_SECONDS);
    await(apiA.createEvent(EVENT, settings));
    // before its first tick the stats say queueing: the load starts once both nodes tell it decided open
    Waits.until("the gate decided open", 30_000, () -> !queueing(apiA) && !queueing(apiB));
    try {
      // the admin stats count no traffic: reading them does not move the gate; the first read is sent
      // before the load, so a gate on without it would be the first turn
      watch(vertx, List.of(apiA, apiB), 0, samples, stopWatching.future());
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
      await(done.future());
      // the turns as they stood when the third was seen
      Waits.until("three turns of the gate seen", 30_000, () -> {
        seen.set(turns(samples));
        return seen.get().size() >= 3;
      });
    } catch (AssertionError notSeen) {
      throw new AssertionError(notSeen.getMessage() + "; turns " + seen.get() + " in " + samples.size()
          + " reads, " + sent.get() * 2 + " requests in " + (loadWindow[1] - loadWindow[0]) + " ms", notSeen);
    } finally {
      stopWatching.tryComplete();
    }

    List<Sample> turns = seen.get();
    System.out.printf("gate: load from %d to %d ms; turns %s%n", 0, loadWindow[1] - loadWindow[0],
        turns.stream().map(t -> t.queueing() + "@" + (t.sentAt() - loadWindow[0]) + ".." + (t.answeredAt()
            - loadWindow[0]) + " ms, rate " + t.rate()).toList());
    assertEquals(List.of(false, true, false), turns.stream().map(Sample::queueing).toList(),
        "open, on once, off once, as both nodes answered: " + turns);
    Sample on = turns.get(1);
    Sample off = turns.get(2);
    Sample lastOpen = before(samples, on);
    // the first read to see it off again saw it after the load, whenever it was sent
    assertTrue(off.answeredAt() >= loadWindow[1], "off before the load ended: " + off);
    assertTrue(off.rate() <= 10, "turned off under a rate at or below 10: " + off);
    // the gate was on at most from the last read that still saw it open to the first that saw it closed again
    assertTrue(off.answeredAt() - lastOpen.sentAt() >= DEBOUNCE_SECONDS * 1000L, "off within the debounce: "
        + turns);
    System.out.printf("gate: %d requests in %d ms; seen on %d ms after the load began, off %d ms after it "
            + "ended at %d req/s; %d reads of the stats%n",
        sent.get() * 2, loadWindow[1] - loadWindow[0], on.answeredAt() - loadWindow[0],
        off.answeredAt() - loadWindow[1], off.rate(), samples.size());
  }

  /** Whether the node's stats say the gate is on. */
  private static boolean queueing(ApiClient node) {
    return await(node.stats(EVENT)).getJsonObject("gate").getBoolean("queueing");
  }

  /** Reads the stats from one node after the other, each read sent once the last is answered. */
  private static void watch(Vertx vertx, List<ApiClient> nodes, int next, List<Sample> samples, Future<Void> until) {
    if (until.isComplete()) {
      return;
    }
    long sentAt = System.currentTimeMillis();
    nodes.get(next % nodes.size()).stats(EVENT).onComplete(read -> {
      if (read.succeeded()) {
        JsonObject gate = read.result().getJsonObject("gate");
        samples.add(new Sample(sentAt, System.currentTimeMillis(), gate.getBoolean("queueing"), gate.getLong("rate")));
      }
      vertx.setTimer(READ_EVERY_MILLIS, id -> watch(vertx, nodes, next + 1, samples, until));
    });
  }

  /** The first read of each run of reads that saw the gate the same way. */
  private static List<Sample> turns(List<Sample> samples) {
    List<Sample> turns = new ArrayList<>();
    for (Sample s : samples) {
      if (turns.isEmpty() || turns.get(turns.size() - 1).queueing() != s.queueing()) {
        turns.add(s);
      }
    }
    return turns;
  }

  /** The read just before this one. */
  private static Sample before(List<Sample> samples, Sample read) {
    return samples.get(samples.indexOf(read) - 1);
  }
}
