package dev.foyer.ingress;

import dev.foyer.event.EventInfo;
import dev.foyer.line.ReportStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the refusals this verticle answers for the sale's report: every 4xx of an event's API with
 * the contract's error code, by code and UTC minute, counted once when the answer is sent, and added
 * to Redis once a second in one step per event (so a flood of refusals costs Redis one call a
 * second, not one per request). Only events that exist are counted (an unknown id is refused before
 * it is known), so a made-up id never makes a key.
 */
class RefusalCounter {

  private static final Logger LOG = LoggerFactory.getLogger(RefusalCounter.class);

  private final ReportStore store;
  /** event -> "epochMinute:code" -> refusals since the last flush. */
  private Map<String, Map<String, Long>> counts = new HashMap<>();

  RefusalCounter(Vertx vertx, ReportStore store) {
    this.store = store;
    vertx.setPeriodic(1000, id -> flush());
  }

  /** As a route handler ahead of an event's routes: once the answer is sent, a refusal counts. */
  void watch(RoutingContext ctx) {
    ctx.addEndHandler(ended -> {
      String code = ContextKeys.REFUSAL.get(ctx);
      EventInfo event = ContextKeys.EVENT_INFO.get(ctx);
      int status = ctx.response().getStatusCode();
      if (code != null && event != null && status >= 400 && status < 500) {
        count(event.id(), code, System.currentTimeMillis());
      }
    });
    ctx.next();
  }

  void count(String event, String code, long now) {
    counts.computeIfAbsent(event, e -> new HashMap<>()).merge(now / 60_000 + ":" + code, 1L, Long::sum);
  }

  Future<Void> flush() {
    if (counts.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<String, Map<String, Long>> flushed = counts;
    counts = new HashMap<>();
    List<Future<Void>> writes = new ArrayList<>();
    // a count lost to an outage only thins the report; a request never fails over it
    flushed.forEach((event, fields) -> writes.add(store.countRefusals(event, fields).recover(err -> {
      LOG.debug("Refusals of event {} not added to its report (Redis: {})", event, err.getMessage());
      return Future.succeededFuture();
    })));
    return Future.join(writes).mapEmpty();
  }
}
