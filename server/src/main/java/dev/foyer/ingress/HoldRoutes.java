package dev.foyer.ingress;

import dev.foyer.bus.HoldService;
import dev.foyer.common.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What an admitted visitor calls with the pass: the seat map, holds, releases, confirmations. */
record HoldRoutes(Checks checks, HoldService holds) {

  void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(VisitorRoutes.BODY_LIMIT);
    router.get("/api/events/:event/seats").handler(checks::eventId).handler(this::seats);
    // the pass is checked before any body is read
    router.routeWithRegex("/api/events/(?<event>[^/]+)/holds(?:/.*)?").handler(checks::eventId)
        .handler(checks::pass).handler(checks::traffic);
    router.post("/api/events/:event/holds").handler(body).handler(this::hold);
    router.delete("/api/events/:event/holds/:holdId").handler(this::release);
    router.post("/api/events/:event/holds/:holdId/confirm").handler(body).handler(this::confirm);
  }

  private void seats(RoutingContext ctx) {
    holds.seats(Checks.event(ctx))
        .onSuccess(seats -> Replies.json(ctx, 200, seats))
        .onFailure(ctx::fail);
  }

  private void hold(RoutingContext ctx) {
    JsonObject body = Replies.requiredJsonBody(ctx);
    Replies.rejectUnknownFields(body, Set.of("seats"));
    holds.hold(Checks.event(ctx), Checks.visitor(ctx), seatList(body.getValue("seats")))
        .onSuccess(held -> Replies.json(ctx, 201, new JsonObject().put("holdId", held.holdId())
            .put("seats", new JsonArray(List.copyOf(held.seats()))).put("expiresAt", held.expiresAt())))
        .onFailure(ctx::fail);
  }

  private void release(RoutingContext ctx) {
    holds.release(Checks.event(ctx), Checks.visitor(ctx), ctx.pathParam("holdId"))
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  private void confirm(RoutingContext ctx) {
    holds.confirm(Checks.event(ctx), Checks.visitor(ctx), ctx.pathParam("holdId"))
        .onSuccess(r -> Replies.json(ctx, 201, new JsonObject().put("reservationId", r.reservationId())
            .put("seats", new JsonArray(List.copyOf(r.seats())))))
        .onFailure(ctx::fail);
  }

  /** The seats of a hold request: a non-empty list of distinct seat ids; 400 otherwise. */
  static List<String> seatList(Object value) {
    if (!(value instanceof JsonArray array)) {
      throw ApiError.badRequest("invalid_seats", "seats must be an array of seat ids");
    }
    if (array.isEmpty()) {
      throw ApiError.badRequest("no_seats", "pick at least one seat");
    }
    List<String> seats = new ArrayList<>(array.size());
    Set<String> seen = new HashSet<>();
    Set<String> duplicates = new HashSet<>();
    for (Object o : array) {
      if (!(o instanceof String s) || s.isEmpty() || s.length() > 64) {
        throw ApiError.badRequest("invalid_seats", "seats must be an array of seat ids like \"A-3-12\"");
      }
      if (!seen.add(s)) {
        duplicates.add(s);
      }
      seats.add(s);
    }
    if (!duplicates.isEmpty()) {
      throw new ApiError(400, "duplicate_seats", "each seat may be asked for once",
          new JsonObject().put("seats", new JsonArray(new ArrayList<Object>(duplicates))));
    }
    return seats;
  }
}
