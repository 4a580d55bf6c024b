package dev.foyer.ingress;

import dev.foyer.FoyerConfig;
import dev.foyer.common.ApiError;
import dev.foyer.common.EventIds;
import dev.foyer.common.Failures;
import dev.foyer.common.Metrics;
import dev.foyer.common.Stores;
import dev.foyer.event.EventCatalog;
import dev.foyer.event.EventInfo;
import dev.foyer.event.EventRepository;
import dev.foyer.event.EventSettings;
import dev.foyer.event.Seat;
import dev.foyer.event.SeatLayout;
import dev.foyer.hold.HoldVerticle;
import dev.foyer.pass.PassKeyRing;
import dev.foyer.pass.Passes;
import dev.foyer.pass.QueueTokens;
import dev.foyer.push.LocalSockets;
import dev.foyer.queue.QueueStore;
import dev.foyer.queue.QueueVerticle;
import dev.foyer.queue.ShuffleOrder;
import dev.foyer.queue.VisitorState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;

/**
 * HTTP: the REST API of the contract, health, passes' public key, metrics and static pages. Every
 * check that needs no state (event id, token signature, admin key, body shape) runs before Redis or
 * PostgreSQL is touched, so bad input costs little and changes nothing.
 */
public class IngressVerticle extends VerticleBase {

  static final int VISITOR_BODY_LIMIT = 16 * 1024;
  static final int ADMIN_BODY_LIMIT = 8 * 1024 * 1024;
  private static final Set<String> EVENT_FIELDS = Set.of("name", "opensAt", "seats", "settings");
  private static final Logger LOG = LoggerFactory.getLogger(IngressVerticle.class);

  private final FoyerConfig config;
  private final PassKeyRing passKey;
  private final LocalSockets connected;
  private Redis redis;
  private Pool pg;
  private QueueStore queue;
  private EventRepository events;
  private EventCatalog catalog;
  private QueueTokens tokens;
  private Passes passes;
  private TrafficCounter traffic;
  private HealthChecks health;

  public IngressVerticle(FoyerConfig config, PassKeyRing passKey, LocalSockets connected) {
    this.config = config;
    this.passKey = passKey;
    this.connected = connected;
  }

  @Override
  public Future<?> start() {
    redis = Stores.redis(vertx, config);
    pg = Stores.pg(vertx, config, "ingress", 8);
    queue = new QueueStore(redis, config.keyPrefix());
    events = new EventRepository(pg);
    catalog = new EventCatalog(events);
    tokens = new QueueTokens(config.secret(), config.tokenTtlSeconds());
    passes = new Passes(vertx, passKey);
    traffic = new TrafficCounter(vertx, queue);
    health = new HealthChecks(vertx, redis, pg);
    vertx.eventBus().<String>consumer(EventCatalog.CHANGED, msg -> catalog.invalidate(msg.body()));

    Router router = Router.router(vertx);
    router.get("/health").handler(this::health);
    router.get("/.well-known/jwks.json").handler(this::jwks);
    router.get("/metrics").handler(PrometheusScrapingHandler.create());

    router.route("/api/admin/*").handler(BodyHandler.create(false).setBodyLimit(ADMIN_BODY_LIMIT));
    router.get("/api/admin/events").handler(this::adminEvents);
    router.put("/api/admin/events/:event").handler(this::putEvent);
    router.get("/api/admin/events/:event/stats").handler(this::stats);
    router.put("/api/admin/events/:event/gate").handler(this::putGate);
    router.put("/api/admin/events/:event/settings").handler(this::putSettings);

    router.route("/api/events/*").handler(BodyHandler.create(false).setBodyLimit(VISITOR_BODY_LIMIT));
    router.get("/api/events").handler(this::listEvents);
    router.post("/api/events/:event/visitors").handler(this::join);
    router.get("/api/events/:event/visitors/me").handler(this::me);
    router.delete("/api/events/:event/visitors/me").handler(this::leave);
    router.get("/api/events/:event").handler(this::event);
    router.get("/api/events/:event/seats").handler(this::seats);
    router.post("/api/events/:event/holds").handler(this::hold);
    router.delete("/api/events/:event/holds/:holdId").handler(this::release);
    router.post("/api/events/:event/holds/:holdId/confirm").handler(this::confirm);

    router.route("/eventbus/*").subRouter(
        new EventBusBridge(vertx, tokens, queue, catalog, passes, connected).router());
    router.get("/events/:event").handler(ctx -> page(ctx, "waiting.html"));
    router.get("/events/:event/seats").handler(ctx -> page(ctx, "seats.html"));
    router.get("/admin").handler(ctx -> ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .sendFile("webroot/admin.html"));
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));

    router.route("/api/*").handler(ctx -> ctx.fail(ApiError.notFound("not_found", "no such API call: "
        + ctx.request().method() + " " + ctx.request().path())));
    router.route().handler(StaticHandler.create("webroot").setCachingEnabled(false));
    router.route().failureHandler(this::failure);
    router.errorHandler(404, ctx -> error(ctx, ApiError.notFound("not_found", "nothing at " + ctx.request().path())));
    router.errorHandler(405, ctx -> error(ctx, new ApiError(405, "method_not_allowed",
        ctx.request().method() + " is not allowed on " + ctx.request().path())));

    HttpServer server = vertx.createHttpServer();
    return server.requestHandler(router).listen(config.httpPort());
  }

  @Override
  public Future<?> stop() {
    return traffic.flush().eventually(() -> Future.join(redis.close(), pg.close()));
  }

  // ---- visitors

  private void join(RoutingContext ctx) {
    String event = EventIds.require(ctx.pathParam("event"));
    optionalJsonBody(ctx);
    long now = System.currentTimeMillis();
    String presented = bearer(ctx);
    QueueTokens.Claims claims = presented == null ? null : tokens.verify(presented, event, now / 1000);
    traffic.count(event);
    catalog.get(event).compose(info -> {
      if (claims != null) {
        return queue.status(event, claims.visitor(), now)
            .onSuccess(state -> reply(ctx, 200, status(info, claims.visitor(), presented, state)));
      }
      String visitor = QueueTokens.newVisitorId();
      String token = tokens.issue(event, visitor, now / 1000);
      return queue.join(event, visitor, now, info.settings(), info.opensAtMillis())
          .onSuccess(state -> {
            Metrics.joins(event).increment();
            reply(ctx, 201, status(info, visitor, token, state));
          });
    }).onFailure(ctx::fail);
  }

  private void me(RoutingContext ctx) {
    String event = EventIds.require(ctx.pathParam("event"));
    long now = System.currentTimeMillis();
    String token = bearer(ctx);
    QueueTokens.Claims claims = tokens.verify(token, event, now / 1000);
    traffic.count(event);
    catalog.get(event)
        .compose(info -> queue.status(event, claims.visitor(), now)
            .onSuccess(state -> reply(ctx, 200, status(info, claims.visitor(), token, state))))
        .onFailure(ctx::fail);
  }

  private void leave(RoutingContext ctx) {
    String event = EventIds.require(ctx.pathParam("event"));
    QueueTokens.Claims claims = tokens.verify(bearer(ctx), event, System.currentTimeMillis() / 1000);
    traffic.count(event);
    catalog.get(event)
        .compose(info -> queue.leave(event, claims.visitor(), "left"))
        .onSuccess(was -> {
          if (was != VisitorState.State.GONE) {
            Metrics.gone(event, "left").increment();
            vertx.eventBus().publish(QueueVerticle.DEPARTURES, new JsonObject().put("event", event)
                .put("reason", "left").put("visitors", new JsonArray().add(claims.visitor())));
          }
          ctx.response().setStatusCode(204).end();
        })
        .onFailure(ctx::fail);
  }

  private JsonObject status(EventInfo event, String visitor, String token, VisitorState state) {
    JsonObject body = new JsonObject()
        .put("event", event.id())
        .put("visitor", visitor)
        .put("token", token)
        .put("state", state.state().wire())
        .put("position", state.position())
        .put("waiting", state.waiting())
        .put("etaSeconds", state.position() == null ? null
            : QueueStore.etaSeconds(state.position(), state.rate(), event.settings()))
        .put("address", "foyer.visitor." + visitor);
    if (state.state() == VisitorState.State.ACTIVE) {
      body.put("pass", passes.issue(event.id(), visitor, state.activeUntil()))
          .put("activeUntil", state.activeUntil());
    }
    if (state.state() == VisitorState.State.GONE) {
      body.put("reason", state.reason());
    }
    if (event.opensAt() != null) {
      body.put("opensAt", event.opensAt().toString());
    }
    return body;
  }

  // ---- public event information

  private void listEvents(RoutingContext ctx) {
    events.list()
        .onSuccess(list -> {
          JsonArray out = new JsonArray();
          list.forEach(e -> out.add(new JsonObject().put("id", e.id()).put("name", e.name())
              .put("opensAt", e.opensAt() == null ? null : e.opensAt().toString())));
          reply(ctx, 200, new JsonObject().put("events", out));
        })
        .onFailure(ctx::fail);
  }

  private void event(RoutingContext ctx) {
    String event = EventIds.require(ctx.pathParam("event"));
    traffic.count(event);
    catalog.get(event)
        .compose(info -> queue.counts(event, System.currentTimeMillis())
            .onSuccess(c -> reply(ctx, 200, new JsonObject()
                .put("id", info.id())
                .put("name", info.name())
                .put("opensAt", info.opensAt() == null ? null : info.opensAt().toString())
                .put("opening", opening(info, c.opened()))
                .put("maxSeatsPerHold", info.settings().maxSeatsPerHold())
                .put("holdSeconds", info.settings().holdSeconds())
                .put("progress", new JsonObject()
                    .put("waiting", c.waiting())
                    .put("active", c.active())
                    .put("admittedTotal", c.admittedTotal())
                    .put("admitPerMinute", info.settings().admitPerMinute())
                    .put("queueing", c.queueing())
                    .put("rate", c.trafficRate())))))
        .onFailure(ctx::fail);
  }

  /** How the pre-queue is ordered; for a shuffle, the commitment before and the seed after. */
  private static JsonObject opening(EventInfo info, boolean opened) {
    if (info.opensAt() == null) {
      return null;
    }
    JsonObject opening = new JsonObject().put("order", info.settings().opening().wire()).put("opened", opened);
    if (info.settings().opening() == EventSettings.Opening.SHUFFLE && info.openingSeed() != null) {
      opening.put("commitment", ShuffleOrder.commitment(info.openingSeed()));
      if (opened) {
        opening.put("seed", info.openingSeed());
      }
    }
    return opening;
  }

  private void seats(RoutingContext ctx) {
    String event = EventIds.require(ctx.pathParam("event"));
    holds(new JsonObject().put("op", "seats").put("event", event))
        .onSuccess(seats -> reply(ctx, 200, seats))
        .onFailure(ctx::fail);
  }

  // ---- seat holds: checked here (pass, body shape), done by the hold verticle of this node

  private void hold(RoutingContext ctx) {
    String event = EventIds.require(ctx.pathParam("event"));
    JsonObject body = requiredJsonBody(ctx);
    rejectUnknownFields(body, Set.of("seats"));
    traffic.count(event);
    passes.verify(bearer(ctx), event)
        .compose(visitor -> holds(new JsonObject().put("op", "hold").put("event", event).put("visitor", visitor)
            .put("seats", body.getValue("seats"))))
        .onSuccess(held -> reply(ctx, 201, held))
        .onFailure(ctx::fail);
  }

  private void release(RoutingContext ctx) {
    String event = EventIds.require(ctx.pathParam("event"));
    String holdId = ctx.pathParam("holdId");
    traffic.count(event);
    passes.verify(bearer(ctx), event)
        .compose(visitor -> holds(new JsonObject().put("op", "release").put("event", event).put("visitor", visitor)
            .put("holdId", holdId)))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void confirm(RoutingContext ctx) {
    String event = EventIds.require(ctx.pathParam("event"));
    String holdId = ctx.pathParam("holdId");
    traffic.count(event);
    passes.verify(bearer(ctx), event)
        .compose(visitor -> holds(new JsonObject().put("op", "confirm").put("event", event).put("visitor", visitor)
            .put("holdId", holdId)))
        .onSuccess(reservation -> reply(ctx, 201, reservation))
        .onFailure(ctx::fail);
  }

  /** A request to this node's hold verticle; its refusals come back as the contract's errors. */
  private Future<JsonObject> holds(JsonObject request) {
    return vertx.eventBus().<JsonObject>request(HoldVerticle.ADDRESS, request,
            new DeliveryOptions().setLocalOnly(true).setSendTimeout(40_000))
        .map(Message::body)
        .recover(err -> {
          if (err instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
            JsonObject error = new JsonObject(reply.getMessage());
            JsonObject extra = error.copy();
            extra.remove("error");
            extra.remove("message");
            return Future.failedFuture(new ApiError(reply.failureCode(), error.getString("error"),
                error.getString("message"), extra.isEmpty() ? null : extra));
          }
          return Future.failedFuture(ApiError.dependencyDown("The seat service", err));
        });
  }

  // ---- admin

  private void putEvent(RoutingContext ctx) {
    requireAdmin(ctx);
    String id = EventIds.require(ctx.pathParam("event"));
    JsonObject body = requiredJsonBody(ctx);
    rejectUnknownFields(body, EVENT_FIELDS);
    if (!(body.getValue("name") instanceof String name) || name.isBlank() || name.length() > 200) {
      throw ApiError.badRequest("invalid_name", "name must be a non-empty string of at most 200 characters");
    }
    var opensAt = EventRepository.parseOpensAt(body.getValue("opensAt"));
    if (!(body.getValue("seats") instanceof JsonObject layout)) {
      throw ApiError.badRequest("invalid_layout", "seats must be an object like {\"sections\": [...]}");
    }
    Object rawSettings = body.getValue("settings");
    if (rawSettings != null && !(rawSettings instanceof JsonObject)) {
      throw ApiError.badRequest("invalid_setting", "settings must be an object");
    }
    JsonObject settingsJson = rawSettings == null ? new JsonObject() : (JsonObject) rawSettings;
    EventSettings.defaults().merge(settingsJson); // reject bad settings before reading anything
    List<Seat> seats = SeatLayout.expand(layout);
    events.find(id)
        .compose(existing -> {
          EventSettings base = existing == null ? EventSettings.defaults() : existing.settings();
          EventInfo event = new EventInfo(id, name.trim(), opensAt, base.merge(settingsJson));
          return events.save(event, layout, seats)
              .compose(created -> syncGate(event).map(created))
              .onSuccess(created -> {
                vertx.eventBus().publish(EventCatalog.CHANGED, id);
                LOG.info("Event {} {} by admin: {} seats, settings {}", id, created ? "created" : "updated",
                    seats.size(), event.settings().toJson().encode());
                reply(ctx, created ? 201 : 200, new JsonObject()
                    .put("id", id)
                    .put("name", event.name())
                    .put("opensAt", opensAt == null ? null : opensAt.toString())
                    .put("seats", seats.size())
                    .put("settings", event.settings().toJson()));
              });
        })
        .onFailure(ctx::fail);
  }

  /** Every event with all its settings: what the admin console lists. */
  private void adminEvents(RoutingContext ctx) {
    requireAdmin(ctx);
    events.list()
        .onSuccess(list -> {
          JsonArray out = new JsonArray();
          list.forEach(e -> out.add(new JsonObject().put("id", e.id()).put("name", e.name())
              .put("opensAt", e.opensAt() == null ? null : e.opensAt().toString())
              .put("settings", e.settings().toJson())));
          reply(ctx, 200, new JsonObject().put("events", out));
        })
        .onFailure(ctx::fail);
  }

  private void stats(RoutingContext ctx) {
    requireAdmin(ctx);
    String id = EventIds.require(ctx.pathParam("event"));
    storedEvent(id)
        .compose(info -> {
          return Future.all(queue.counts(id, System.currentTimeMillis()), events.soldCount(id), events.seatCount(id))
              .onSuccess(all -> {
                var counts = all.<dev.foyer.queue.QueueCounts>resultAt(0);
                long sold = all.<Long>resultAt(1);
                long seats = all.<Long>resultAt(2);
                reply(ctx, 200, new JsonObject()
                    .put("waiting", counts.waiting())
                    .put("active", counts.active())
                    .put("admittedTotal", counts.admittedTotal())
                    .put("prequeued", counts.prequeued())
                    .put("admissionRate", counts.rate())
                    .put("held", counts.held())
                    .put("sold", sold)
                    .put("seats", new JsonObject().put("total", seats).put("held", counts.held()).put("sold", sold)
                        .put("free", Math.max(0, seats - counts.held() - sold)))
                    .put("settings", info.settings().toJson())
                    .put("gate", new JsonObject()
                        .put("mode", info.settings().gate().wire())
                        .put("queueing", counts.queueing())
                        .put("rate", counts.trafficRate())));
              });
        })
        .onFailure(ctx::fail);
  }

  private void putGate(RoutingContext ctx) {
    requireAdmin(ctx);
    String id = EventIds.require(ctx.pathParam("event"));
    JsonObject body = requiredJsonBody(ctx);
    rejectUnknownFields(body, Set.of("mode"));
    EventSettings.Gate mode = EventSettings.Gate.parse(body.getValue("mode"));
    storedEvent(id)
        .compose(info -> {
          EventInfo updated = new EventInfo(id, info.name(), info.opensAt(), info.settings().withGate(mode));
          return events.saveSettings(id, updated.settings())
              .compose(v -> syncGate(updated))
              .onSuccess(queueing -> {
                vertx.eventBus().publish(EventCatalog.CHANGED, id);
                LOG.info("Gate of event {} set to {} by admin at {} (joiners {})", id, mode.wire(),
                    ctx.request().remoteAddress().hostAddress(),
                    queueing == null ? "wait or pass as traffic decides"
                        : queueing ? "wait in line" : "pass straight in while capacity allows");
                reply(ctx, 200, new JsonObject().put("event", id)
                    .put("gate", new JsonObject().put("mode", mode.wire()).put("queueing", queueing)));
              });
        })
        .onFailure(ctx::fail);
  }

  /** Changes some settings of an event at once on every node; logged with who and what. */
  private void putSettings(RoutingContext ctx) {
    requireAdmin(ctx);
    String id = EventIds.require(ctx.pathParam("event"));
    JsonObject changes = requiredJsonBody(ctx);
    EventSettings.defaults().merge(changes); // reject bad settings before reading anything
    storedEvent(id)
        .compose(info -> {
          EventSettings updated = info.settings().merge(changes);
          return events.saveSettings(id, updated)
              .compose(v -> syncGate(new EventInfo(id, info.name(), info.opensAt(), updated, info.openingSeed())))
              .onSuccess(queueing -> {
                vertx.eventBus().publish(EventCatalog.CHANGED, id);
                String who = "admin at " + ctx.request().remoteAddress().hostAddress();
                if (changes.containsKey("paused") && updated.paused() != info.settings().paused()) {
                  LOG.info("Admission of event {} {} by {}", id, updated.paused() ? "paused" : "resumed", who);
                }
                LOG.info("Settings of event {} changed by {}: {}", id, who, changes.encode());
                reply(ctx, 200, new JsonObject().put("event", id).put("settings", updated.toJson()));
              });
        })
        .onFailure(ctx::fail);
  }

  /** The event as PostgreSQL has it now (admin calls bypass the cache); 404 when there is none. */
  private Future<EventInfo> storedEvent(String id) {
    return events.find(id).compose(info -> info != null ? Future.succeededFuture(info)
        : Future.failedFuture(ApiError.notFound("unknown_event", "there is no event '" + id + "'")));
  }

  private static void rejectUnknownFields(JsonObject body, Set<String> known) {
    for (String field : body.fieldNames()) {
      if (!known.contains(field)) {
        throw ApiError.badRequest("unknown_field", "unknown field '" + field + "'; this call takes " + known);
      }
    }
  }

  /**
   * Applies an override at once on every node ({@code on}, {@code off}); under {@code auto} the next
   * admission tick decides from the traffic. Answers whether joiners now wait (null: auto decides).
   */
  private Future<Boolean> syncGate(EventInfo event) {
    return switch (event.settings().gate()) {
      case ON -> queue.setQueueing(event.id(), true).map(changed -> true);
      case OFF -> queue.setQueueing(event.id(), false).map(changed -> false);
      case AUTO -> Future.succeededFuture((Boolean) null);
    };
  }

  // ---- pages

  private void page(RoutingContext ctx, String file) {
    if (!EventIds.isValid(ctx.pathParam("event"))) {
      ctx.response().setStatusCode(404).end("No such event");
      return;
    }
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").sendFile("webroot/" + file);
  }

  // ---- infrastructure

  private void health(RoutingContext ctx) {
    health.check().onComplete(ar -> {
      JsonObject body = ar.result();
      reply(ctx, "UP".equals(body.getString("status")) ? 200 : 503, body);
    });
  }

  private void jwks(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "public, max-age=300");
    reply(ctx, 200, passes.jwks());
  }

  private void requireAdmin(RoutingContext ctx) {
    String presented = bearer(ctx);
    if (presented == null) {
      throw ApiError.unauthorized("missing_admin_key", "admin calls need 'Authorization: Bearer <admin key>'");
    }
    if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
        config.adminKey().getBytes(StandardCharsets.UTF_8))) {
      throw ApiError.unauthorized("invalid_admin_key", "the admin key is wrong");
    }
  }

  private static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null) {
      return null;
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw ApiError.unauthorized("invalid_token", "the Authorization header must be 'Bearer <token>'");
    }
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  private static JsonObject requiredJsonBody(RoutingContext ctx) {
    JsonObject body = optionalJsonBody(ctx);
    if (body == null) {
      throw ApiError.badRequest("invalid_json", "this call needs a JSON object body");
    }
    return body;
  }

  private static JsonObject optionalJsonBody(RoutingContext ctx) {
    var buffer = ctx.body().buffer();
    if (buffer == null || buffer.length() == 0 || buffer.toString().isBlank()) {
      return null;
    }
    try {
      Object value = io.vertx.core.json.Json.decodeValue(buffer);
      if (value instanceof JsonObject json) {
        return json;
      }
    } catch (DecodeException e) {
      throw ApiError.badRequest("invalid_json", "the body is not valid JSON");
    }
    throw ApiError.badRequest("invalid_json", "the body must be a JSON object");
  }

  private static void reply(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }

  private void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiError e) {
      error(ctx, e);
    } else if (ctx.statusCode() == 413) {
      error(ctx, new ApiError(413, "body_too_large", "the request body is larger than this call accepts"));
    } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      error(ctx, new ApiError(ctx.statusCode(), "bad_request", "the request was not understood"));
    } else if (failure != null && Failures.isUnreachable(failure)) {
      error(ctx, ApiError.dependencyDown("a backing service", failure));
    } else {
      LOG.error("Unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
      error(ctx, new ApiError(500, "internal_error", "something went wrong on our side"));
    }
  }

  private static final java.util.concurrent.atomic.AtomicLong UNAVAILABLE = new java.util.concurrent.atomic.AtomicLong();
  private static volatile long unavailableLoggedAt;

  /** During an outage every request fails alike: one line, then at most one every 10 s with a count. */
  private static void error(RoutingContext ctx, ApiError e) {
    if (e.status() == 503) {
      long count = UNAVAILABLE.incrementAndGet();
      long now = System.currentTimeMillis();
      if (now - unavailableLoggedAt >= 10_000) {
        unavailableLoggedAt = now;
        UNAVAILABLE.set(0);
        LOG.warn("Answering 503 ({} requests since the last report), e.g. {} {}: {}", count,
            ctx.request().method(), ctx.request().path(), e.getMessage());
      }
    }
    reply(ctx, e.status(), e.toJson());
  }
}
