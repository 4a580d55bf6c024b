package dev.foyer.ingress;

import dev.foyer.bus.Addresses;
import dev.foyer.common.ApiError;
import dev.foyer.line.Announcement;
import dev.foyer.line.AnnouncementBoard;
import dev.foyer.line.AnnouncementStore;
import dev.foyer.office.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * The operator's word to everyone in an event's line: one announcement at a time, kept in Redis
 * for pages that connect later, sent to every connected page as an {@code announcement} frame on
 * {@code foyer.event.{event}} (each node hands it to its sockets, also on each visitor's own
 * address), until it is withdrawn or replaced.
 */
record AnnouncementRoutes(RouteChecks checks, AnnouncementStore store, Vertx vertx) {

  private static final Logger LOG = LoggerFactory.getLogger(AnnouncementRoutes.class);

  void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(VisitorRoutes.BODY_LIMIT);
    AdminGuard admin = checks.admin();
    String path = "/api/admin/events/:event/announcements";
    router.get(path).handler(admin.requires(Role.VIEWER)).handler(checks.event()::stored).handler(this::current);
    router.post(path).handler(admin.requires(Role.OPERATOR)).handler(checks.event()::stored);
    router.post(path).handler(body).handler(this::post);
    router.delete(path).handler(admin.requires(Role.OPERATOR)).handler(checks.event()::stored).handler(this::withdraw);
    router.delete(path + "/:id").handler(admin.requires(Role.OPERATOR)).handler(checks.event()::stored)
        .handler(this::withdraw);
  }

  private void current(RoutingContext ctx) {
    store.current(ContextKeys.EVENT.get(ctx))
        .onSuccess(a -> Replies.json(ctx, 200, new JsonObject()
            .put("announcement", a == null || a.withdrawn() ? null : a.toJson())))
        .onFailure(ctx::fail);
  }

  private void post(RoutingContext ctx) {
    String event = ContextKeys.EVENT.get(ctx);
    JsonObject body = Replies.requiredJsonBody(ctx);
    Replies.rejectUnknownFields(body, Set.of("message"));
    if (!(body.getValue("message") instanceof String raw) || raw.isBlank()
        || raw.strip().length() > Announcement.MAX_MESSAGE) {
      throw ApiError.badRequest("invalid_message", "message must be plain text of 1 to " + Announcement.MAX_MESSAGE
          + " characters");
    }
    String message = raw.strip();
    store.post(event, message, Audit.operator(ctx).label(), System.currentTimeMillis())
        .compose(a -> tell(event, a).compose(v -> checks.audit().record(ctx, "announcement.post", event,
            new JsonObject().put("id", a.id()).put("message", message))).map(a))
        .onSuccess(a -> {
          LOG.info("Announcement {} to the line of event {} by {}: {}", a.id(), event, Audit.who(ctx), message);
          Replies.json(ctx, 201, a.toJson());
        })
        .onFailure(ctx::fail);
  }

  /** The current one, or only the one named: gone already (withdrawn or replaced) changes nothing. */
  private void withdraw(RoutingContext ctx) {
    String event = ContextKeys.EVENT.get(ctx);
    String rawId = ctx.pathParam("id");
    Long id = rawId == null ? null : parseId(rawId);
    store.withdraw(event, id, System.currentTimeMillis())
        .compose(w -> {
          if (w.withdrawn() == null) {
            if (id != null && id > w.lastId()) {
              throw ApiError.notFound("unknown_announcement", "event " + event + " has no announcement " + id);
            }
            return Future.succeededFuture();
          }
          LOG.info("Announcement {} of event {} withdrawn by {}", w.withdrawn().id(), event, Audit.who(ctx));
          return tell(event, w.withdrawn()).compose(v -> checks.audit().record(ctx, "announcement.withdraw", event,
              new JsonObject().put("id", w.withdrawn().id())));
        })
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  /** This node knows it before the answer (a page registering here next gets it); the others when it arrives. */
  private Future<Void> tell(String event, Announcement a) {
    JsonObject frame = a.frame();
    AnnouncementBoard.of(vertx).heard(event, frame);
    vertx.eventBus().publish(Addresses.event(event), frame);
    return Future.succeededFuture();
  }

  private static Long parseId(String raw) {
    try {
      long id = Long.parseLong(raw);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiError.notFound("unknown_announcement", "announcement ids are whole numbers from 1");
  }
}
