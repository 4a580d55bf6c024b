package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.common.WholeNumbers;
import dev.foyer.event.EventInfo;
import dev.foyer.event.Lane;
import dev.foyer.line.LaneStore;
import dev.foyer.office.Role;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * The operator's codes for an event's lanes: made in bulk (operators; a retry under the same
 * Idempotency-Key makes none and answers the same codes), listed with their uses left (operators:
 * a code is a bearer secret), revoked (operators). Making and revoking are in the audit log.
 */
record CodeRoutes(RouteChecks checks, LaneStore lanes) {

  /** The most codes one call makes: its answer stays a few hundred KB. */
  static final int MAX_PER_CALL = 10_000;
  static final int MAX_USES = 1_000_000;
  private static final Set<String> FIELDS = Set.of("lane", "count", "uses");
  private static final Logger LOG = LoggerFactory.getLogger(CodeRoutes.class);

  void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(16 * 1024);
    String codes = "/api/admin/events/:event/codes";
    AdminGuard admin = checks.admin();
    // a route's body handler must come before its other handlers: the role is checked on a route of its own
    router.post(codes).handler(admin.requires(Role.OPERATOR));
    router.post(codes).handler(checks.event()::stored);
    router.post(codes).handler(body).handler(IdempotencyKeys::check).handler(this::make);
    // codes are bearer secrets: whoever reads one can enter its lane
    router.get(codes).handler(admin.requires(Role.OPERATOR)).handler(checks.event()::stored).handler(this::list);
    router.delete(codes + "/:code").handler(admin.requires(Role.OPERATOR)).handler(checks.event()::stored)
        .handler(this::revoke);
  }

  private void make(RoutingContext ctx) {
    EventInfo event = ContextKeys.EVENT_INFO.get(ctx);
    JsonObject body = Replies.requiredJsonBody(ctx);
    Replies.rejectUnknownFields(body, FIELDS);
    String lane = lane(event, body.getValue("lane"));
    int count = whole(body.getValue("count"), 1, MAX_PER_CALL, "invalid_count", "count");
    int uses = body.containsKey("uses") ? whole(body.getValue("uses"), 1, MAX_USES, "invalid_uses", "uses") : 1;
    lanes.make(event.id(), lane, count, uses, ContextKeys.IDEMPOTENCY_KEY.get(ctx))
        .compose(made -> {
          if (made == null) {
            return Future.failedFuture(new ApiError(409, "too_many_codes", "event '" + event.id()
                + "' would hold more than " + LaneStore.MAX_CODES + " codes; revoke used ones first"));
          }
          if (made.replayed()) {
            ctx.response().putHeader("Idempotent-Replayed", "true");
            return Future.succeededFuture(made);
          }
          LOG.info("{} codes of {} uses for lane {} of event {} made by {}", made.codes().size(), uses, lane,
              event.id(), Audit.who(ctx));
          return checks.audit().record(ctx, "codes.make", event.id(), new JsonObject().put("lane", lane)
              .put("count", made.codes().size()).put("uses", uses)).map(made);
        })
        .onSuccess(made -> Replies.json(ctx, 201, new JsonObject().put("event", event.id()).put("lane", made.lane())
            .put("uses", made.uses()).put("codes", new JsonArray(new java.util.ArrayList<>(made.codes())))))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    EventInfo event = ContextKeys.EVENT_INFO.get(ctx);
    String lane = ctx.request().getParam("lane");
    lanes.list(event.id(), lane == null || lane.isEmpty() ? null : lane)
        .onSuccess(codes -> {
          JsonArray out = new JsonArray();
          codes.forEach(c -> out.add(new JsonObject().put("code", c.code()).put("lane", c.lane()).put("uses", c.uses())
              .put("left", c.left())));
          Replies.json(ctx, 200, new JsonObject().put("event", event.id()).put("codes", out));
        })
        .onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    EventInfo event = ContextKeys.EVENT_INFO.get(ctx);
    String code = LaneStore.normalize(ctx.pathParam("code"));
    if (code == null) {
      throw ApiError.notFound("unknown_code", "there is no such code for event '" + event.id() + "'");
    }
    lanes.revoke(event.id(), code)
        .onSuccess(revoked -> {
          if (!revoked) {
            ctx.fail(ApiError.notFound("unknown_code", "there is no such code for event '" + event.id() + "'"));
            return;
          }
          LOG.info("Code {}... of event {} revoked by {}", code.substring(0, 4), event.id(), Audit.who(ctx));
          checks.audit().record(ctx, "code.revoke", event.id(), new JsonObject().put("code", code.substring(0, 4) + "…"))
              .onComplete(v -> Replies.noContent(ctx));
        })
        .onFailure(ctx::fail);
  }

  /** A lane of the event that codes enter: one of its lanes, not general. */
  private static String lane(EventInfo event, Object value) {
    for (Lane lane : event.settings().lanes()) {
      if (!lane.general() && lane.name().equals(value)) {
        return lane.name();
      }
    }
    throw ApiError.badRequest("unknown_lane", "lane must name one of the event's lanes (general takes no codes): "
        + event.settings().lanes().stream().filter(l -> !l.general()).map(Lane::name).toList());
  }

  private static int whole(Object value, int min, int max, String code, String name) {
    if (!(value instanceof Number n) || !WholeNumbers.isWhole(n) || !WholeNumbers.within(n, min, max)) {
      throw ApiError.badRequest(code, name + " must be a whole number from " + min + " to " + max);
    }
    return n.intValue();
  }

}
