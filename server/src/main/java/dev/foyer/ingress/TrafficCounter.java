package dev.foyer.ingress;

import dev.foyer.line.QueueStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the requests this verticle serves per event and adds them, once a second, to a Redis
 * counter per event and second that all nodes share, so every node reads the same cluster-wide rate.
 */
class TrafficCounter {

  private final QueueStore store;
  private Map<String, long[]> counts = new HashMap<>();
  private long second = System.currentTimeMillis() / 1000;

  TrafficCounter(Vertx vertx, QueueStore store) {
    this.store = store;
    vertx.setPeriodic(1000, id -> flush());
  }

  /**
   * As a route handler: counts the request towards its event's rate, which the gate reads; after
   * {@link EventLookup#known}, so a made-up id never makes a counter in Redis.
   */
  void countRequest(RoutingContext ctx) {
    count(ContextKeys.EVENT.get(ctx));
    ctx.next();
  }

  void count(String event) {
    long now = System.currentTimeMillis() / 1000;
    if (now != second) {
      flush();
    }
    counts.computeIfAbsent(event, e -> new long[1])[0]++;
  }

  Future<Void> flush() {
    long flushedSecond = second;
    Map<String, long[]> flushed = counts;
    counts = new HashMap<>();
    second = System.currentTimeMillis() / 1000;
    List<Future<Long>> writes = new ArrayList<>();
    // a lost count only blurs the gate's input for one second; never fail a request over it
    flushed.forEach((event, n) -> writes.add(store.countTraffic(event, flushedSecond, n[0]).recover(err -> Future.succeededFuture(0L))));
    return Future.join(writes).mapEmpty();
  }
}
