package dev.foyer.ingress;

import dev.foyer.bus.Addresses;
import dev.foyer.bus.Departures;
import dev.foyer.bus.VisitExtended;
import dev.foyer.common.ApiError;
import dev.foyer.common.Metrics;
import dev.foyer.common.WholeNumbers;
import dev.foyer.line.VisitStore;
import dev.foyer.pass.Passes;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.Set;

/**
 * What a site's backend calls with an admitted visitor's pass to steer the visit: the visitor is
 * done (paid on the site), or needs more time (a slow payment). Neither counts towards the gate's
 * traffic rate: it is the site's traffic, not the queue's.
 */
record SiteVisitRoutes(RouteChecks checks, VisitStore visits, Passes passes, EventBus bus) {

  /** The most seconds one extension may ask for, whatever the event allows in all. */
  static final int MOST_SECONDS = 86_400;

  void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(VisitorRoutes.BODY_LIMIT);
    EventLookup event = checks.event();
    router.post("/api/events/:event/visitors/me/complete").handler(event::known).handler(checks.tokens()::pass)
        .handler(this::complete);
    // the pass is checked before any body is read, on a route of its own: a body handler comes first on its route
    router.post("/api/events/:event/visitors/me/extend").handler(event::known).handler(checks.tokens()::pass);
    router.post("/api/events/:event/visitors/me/extend").handler(body).handler(this::extend);
  }

  /**
   * The visit ends as {@code completed}: the slot frees at once, the hold room releases any hold
   * left unconfirmed (as after leaving), the page is told. A retry answers the same and counts nothing.
   */
  private void complete(RoutingContext ctx) {
    String event = ContextKeys.EVENT.get(ctx);
    String visitor = ContextKeys.VISITOR.get(ctx);
    visits.complete(event, visitor, System.currentTimeMillis())
        .map(done -> switch (done.outcome()) {
          case COMPLETED -> {
            Metrics.gone(event, "completed").increment();
            bus.publish(Addresses.DEPARTURES, Departures.of(event, "completed", visitor).toJson());
            yield done;
          }
          case AGAIN -> done;
          case GONE -> throw notActive(done.reason());
        })
        .onSuccess(done -> Replies.json(ctx, 200, new JsonObject().put("event", event).put("visitor", visitor)
            .put("state", "gone").put("reason", "completed")))
        .onFailure(ctx::fail);
  }

  /**
   * More time to book: activeUntil and the visitor's hold move on by {@code seconds}, within the
   * event's maxExtendSeconds in all. The answer carries a pass that runs until the new activeUntil,
   * also as the gate's cookie, for a site that relays it to the browser.
   */
  private void extend(RoutingContext ctx) {
    JsonObject body = Replies.requiredJsonBody(ctx);
    Replies.rejectUnknownFields(body, Set.of("seconds"));
    Object value = body.getValue("seconds");
    if (!(value instanceof Number n) || !WholeNumbers.isWhole(n) || !WholeNumbers.within(n, 1, MOST_SECONDS)) {
      throw ApiError.badRequest("invalid_seconds", "seconds must be a whole number from 1 to " + MOST_SECONDS);
    }
    IdempotencyKeys.take(ctx);
    String event = ContextKeys.EVENT.get(ctx);
    String visitor = ContextKeys.VISITOR.get(ctx);
    int most = ContextKeys.EVENT_INFO.get(ctx).settings().maxExtendSeconds();
    visits.extend(event, visitor, System.currentTimeMillis(), n.intValue(), most, ContextKeys.IDEMPOTENCY_KEY.get(ctx))
        .map(extension -> switch (extension.outcome()) {
          case EXTENDED -> {
            bus.publish(Addresses.EXTENSIONS, new VisitExtended(event, visitor, extension.activeUntil()).toJson());
            yield extension;
          }
          case AGAIN -> {
            ctx.response().putHeader("Idempotent-Replayed", "true");
            yield extension;
          }
          case LIMIT -> throw new ApiError(409, "extend_limit", most == 0
              ? "this event does not extend a visitor's time"
              : "a visitor's time is extended by at most " + most + " s in all; " + extension.left() + " s are left",
              new JsonObject().put("left", extension.left()).put("maxExtendSeconds", most));
          case NOT_ADMITTED -> throw notActive(null);
        })
        .onSuccess(extension -> {
          String pass = passes.issue(event, visitor, extension.activeUntil());
          ctx.response().addCookie(PassCookies.of(ctx, event, pass, extension.activeUntil()));
          JsonObject answer = new JsonObject().put("event", event).put("visitor", visitor)
              .put("activeUntil", extension.activeUntil()).put("pass", pass)
              .put("extended", extension.extended()).put("left", Math.max(0, most - extension.extended()));
          if (extension.holdId() != null) {
            answer.put("hold", new JsonObject().put("holdId", extension.holdId())
                .put("expiresAt", extension.holdExpiresAt()));
          }
          Replies.json(ctx, 200, answer);
        })
        .onFailure(ctx::fail);
  }

  /** As every pass-authenticated call answers for a visitor no longer in the booking flow; with why, when known. */
  private static ApiError notActive(String reason) {
    return new ApiError(403, "not_admitted", "this pass's visitor is no longer in the booking flow"
        + (reason == null ? "" : " (" + reason + ")"), reason == null ? null : new JsonObject().put("reason", reason));
  }
}
