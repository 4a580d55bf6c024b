package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.common.EventIds;
import dev.foyer.event.EventCatalog;
import dev.foyer.event.EventInfo;
import dev.foyer.event.EventRepository;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Function;

/**
 * The event a route is about, read once per request and kept ({@link ContextKeys#EVENT_INFO}): every
 * handler after it reads the event from there. It runs first on every route of an event, before
 * tokens, passes, codes or bodies are looked at, so bad input costs little.
 */
record EventLookup(EventCatalog catalog, EventRepository events) {

  /** The {@code :event} path parameter follows the id rule (400 {@code invalid_event_id}): for a creation. */
  void id(RoutingContext ctx) {
    ContextKeys.EVENT.put(ctx, EventIds.require(ctx.pathParam("event")));
    ctx.next();
  }

  /**
   * The {@code :event} path parameter names an event that exists: 400 {@code invalid_event_id},
   * 404 {@code unknown_event}, so an event that does not exist is the same 404 on every path (a gate
   * answering 401 for one would send buyers to the waiting room of an event that is not there).
   * Read through the node's catalog, which remembers unknown ids for a few seconds.
   */
  void known(RoutingContext ctx) {
    lookUp(ctx, catalog::get);
  }

  /** As {@link #known}, read from PostgreSQL: admin calls see the event as it is stored now, never a cache. */
  void stored(RoutingContext ctx) {
    lookUp(ctx, id -> events.find(id).compose(info -> info != null ? Future.succeededFuture(info)
        : Future.failedFuture(ApiError.notFound("unknown_event", "there is no event '" + id + "'"))));
  }

  private void lookUp(RoutingContext ctx, Function<String, Future<EventInfo>> find) {
    String event = EventIds.require(ctx.pathParam("event"));
    ContextKeys.EVENT.put(ctx, event);
    // a body handler may follow (the holds' routes): the read runs paused
    PausedCheck.run(ctx, () -> find.apply(event).map(info -> {
      ContextKeys.EVENT_INFO.put(ctx, info);
      return info;
    }));
  }
}
