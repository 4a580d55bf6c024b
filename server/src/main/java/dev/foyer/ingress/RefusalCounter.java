package dev.foyer.ingress;

import dev.foyer.event.EventInfo;
import dev.foyer.line.ReportStore;
import io.vertx.core.Context;
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

  /** Where each ingress verticle keeps its counter, on its own context. */
  private static final String CONTEXT_KEY = "foyer.refusalCounter";

  /** This verticle's counter is the one its answers count with. */
  void serveOn(Context context) {
    context.put(CONTEXT_KEY, this);
  }

  /**
   * Counts a refusal being answered: a 4xx with the contract's code on a known event's API. Called
   * as the answer is written (Replies.error), so an answer that counts costs nothing more and the
   * others cost nothing at all.
   */
  static void answered(RoutingContext ctx, int status, String code) {
    if (status < 400 || status >= 500 || ctx.response().ended()) {
      return;
    }
    EventInfo event = ContextKeys.EVENT_INFO.get(ctx);
    Context context = Vertx.currentContext();
    if (event != null && context != null && ctx.request().path().startsWith("/api/events/")
        && context.get(CONTEXT_KEY) instanceof RefusalCounter counter) {
      counter.count(event.id(), code, System.currentTimeMillis());
    }
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
