package dev.foyer.ingress;

import dev.foyer.bus.Addresses;
import dev.foyer.common.ApiError;
import dev.foyer.event.EventCatalog;
import dev.foyer.event.EventInfo;
import dev.foyer.event.EventLook;
import dev.foyer.event.EventRepository;
import dev.foyer.event.EventSettings;
import dev.foyer.event.Seat;
import dev.foyer.event.SeatLayout;
import dev.foyer.line.GateKeeper;
import dev.foyer.line.QueueCounts;
import dev.foyer.line.QueueStore;
import dev.foyer.pass.PassKeyException;
import dev.foyer.pass.PassKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import dev.foyer.bus.EventChanges;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.foyer.event.Stock;
import dev.foyer.line.SaleEnd;
import dev.foyer.line.StockBoard;
import dev.foyer.line.StockStore;
import dev.foyer.office.Role;

import java.util.List;
import java.util.Set;

/**
 * What the operator calls with the admin key: events, their settings and gate, live figures.
 * Changes are read from and written to PostgreSQL directly (never a cache), applied to every cache
 * of this node before the answer and to the other nodes' through {@link Addresses#EVENT_CHANGED}
 * ({@link EventChanges}), and logged with who made them.
 */
record AdminRoutes(RouteChecks checks, EventRepository events, EventCatalog catalog, QueueStore line, GateKeeper gate,
                   PassKeys passKeys, Pool pg, Vertx vertx, StockStore stock, ReportRoutes report) {

  static final int BODY_LIMIT = 8 * 1024 * 1024;
  private static final Set<String> EVENT_FIELDS = Set.of("name", "opensAt", "seats", "settings", "names", "messages",
      "branding");
  private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);


  void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
    AdminGuard admin = checks.admin();
    // the key is checked before any body is read: without it a request costs its headers, no more;
    // then each route's first handler states the role it needs
    router.route("/api/admin/*").handler(admin::check);
    router.get("/api/admin/events").handler(admin.requires(Role.VIEWER)).handler(this::list);
    // a route's body handler must come before its other handlers: the role is checked on a route of its own
    router.put("/api/admin/events/:event").handler(admin.requires(Role.ADMIN));
    router.put("/api/admin/events/:event").handler(body).handler(checks.event()::id).handler(this::putEvent);
    router.get("/api/admin/events/:event/stats").handler(admin.requires(Role.VIEWER)).handler(checks.event()::stored)
        .handler(this::stats);
    router.get("/api/admin/events/:event/report").handler(admin.requires(Role.VIEWER)).handler(checks.event()::stored)
        .handler(report::report);
    router.get("/api/admin/events/:event/reservations").handler(admin.requires(Role.VIEWER))
        .handler(checks.event()::stored).handler(report::reservations);
    // the event is looked up before its body is read; a body handler must come first on its route
    router.put("/api/admin/events/:event/gate").handler(admin.requires(Role.OPERATOR)).handler(checks.event()::stored);
    router.put("/api/admin/events/:event/gate").handler(body).handler(this::putGate);
    router.put("/api/admin/events/:event/settings").handler(admin.requires(Role.OPERATOR))
        .handler(checks.event()::stored);
    router.put("/api/admin/events/:event/settings").handler(body).handler(this::putSettings);
    router.post("/api/admin/events/:event/end").handler(admin.requires(Role.OPERATOR)).handler(checks.event()::stored);
    router.post("/api/admin/events/:event/end").handler(body).handler(this::endSale);
    router.post("/api/admin/pass-keys/rotate").handler(admin.requires(Role.ADMIN)).handler(this::rotatePassKeys);
  }

  /**
   * A new signing key for passes; the one before still verifies until the next rotation, so no
   * pass in use is ended. Every node's verticles reload the ring at once.
   */
  private void rotatePassKeys(RoutingContext ctx) {
    passKeys.rotate(pg)
        .recover(err -> Future.failedFuture(err instanceof PassKeyException
            ? new ApiError(500, "pass_key_error", err.getMessage()) : err))
        .compose(ring -> checks.audit().record(ctx, "pass_keys.rotate", null, new JsonObject()
            .put("current", ring.current().kid())).map(ring))
        .onSuccess(ring -> {
          vertx.eventBus().publish(Addresses.PASS_KEYS_ROTATED, ring.current().kid());
          LOG.info("Pass keys rotated by {}: {} signs now, {} still verifies", who(ctx), ring.current().kid(),
              ring.previous() == null ? "none" : ring.previous().kid());
          Replies.json(ctx, 200, new JsonObject().put("current", ring.current().kid())
              .put("previous", ring.previous() == null ? null : ring.previous().kid()));
        })
        .onFailure(ctx::fail);
  }

  /**
   * Creates an event (name and layout required) or updates one: an update changes the fields it
   * gives and keeps the others ({@code "opensAt": null} clears the opening), and without
   * {@code seats} it leaves the seat map alone, so a rename or a new opening time needs no layout.
   */
  private void putEvent(RoutingContext ctx) {
    String id = ContextKeys.EVENT.get(ctx);
    JsonObject body = Replies.requiredJsonBody(ctx);
    Replies.rejectUnknownFields(body, EVENT_FIELDS);
    Object rawName = body.getValue("name");
    if (body.containsKey("name") && (!(rawName instanceof String n) || n.isBlank() || n.length() > 200)) {
      throw ApiError.badRequest("invalid_name", "name must be a non-empty string of at most 200 characters");
    }
    boolean opensAtGiven = body.containsKey("opensAt");
    var givenOpensAt = EventRepository.parseOpensAt(body.getValue("opensAt"));
    Object rawLayout = body.getValue("seats");
    if (body.containsKey("seats") && !(rawLayout instanceof JsonObject)) {
      throw ApiError.badRequest("invalid_layout", "seats must be an object like {\"sections\": [...]}");
    }
    JsonObject layout = (JsonObject) rawLayout;
    Object rawSettings = body.getValue("settings");
    if (rawSettings != null && !(rawSettings instanceof JsonObject)) {
      throw ApiError.badRequest("invalid_setting", "settings must be an object");
    }
    JsonObject settingsJson = rawSettings == null ? new JsonObject() : (JsonObject) rawSettings;
    EventSettings.defaults().merge(settingsJson); // reject bad settings before reading anything
    EventLook.change(body, EventLook.NONE); // and a bad look
    List<Seat> seats = layout == null ? null : SeatLayout.expand(layout);
    // the audit log keeps what changed, the layout as its seat count: a map can be megabytes
    JsonObject changed = body.copy();
    if (seats != null) {
      changed.put("seats", seats.size());
    }
    events.find(id)
        .compose(existing -> {
          if (existing == null && rawName == null) {
            throw ApiError.badRequest("invalid_name", "there is no event '" + id + "' yet: creating one needs a name");
          }
          if (existing == null && layout == null) {
            throw ApiError.badRequest("invalid_layout", "there is no event '" + id + "' yet: creating one needs "
                + "its seats, like {\"sections\": [...]}");
          }
          String name = rawName != null ? ((String) rawName).trim() : existing.name();
          var opensAt = opensAtGiven || existing == null ? givenOpensAt : existing.opensAt();
          EventSettings base = existing == null ? EventSettings.defaults() : existing.settings();
          EventLook look = EventLook.change(body, existing == null ? EventLook.NONE : existing.look());
          EventInfo event = new EventInfo(id, name, opensAt, base.merge(settingsJson), null, look);
          Future<Boolean> saved = layout != null ? events.save(event, layout, seats)
              : events.update(event).map(false);
          Future<Long> seatCount = seats != null ? Future.succeededFuture((long) seats.size()) : events.seatCount(id);
          return saved
              .compose(created -> gate.override(event).map(created))
              // every cache of this node current before the answer; other nodes hear it on the bus
              .compose(created -> EventChanges.announce(vertx, id).map(created))
              .compose(created -> checks.audit().record(ctx, created ? "event.create" : "event.update", id, changed)
                  .map(created))
              .compose(created -> seatCount.map(count -> {
                LOG.info("Event {} {} by {}: {} seats{}, settings {}", id, created ? "created" : "updated", who(ctx),
                    count, layout == null ? " (layout kept)" : "", event.settings().toJson().encode());
                Replies.json(ctx, created ? 201 : 200, new JsonObject()
                    .put("id", id)
                    .put("name", event.name())
                    .put("opensAt", opensAt == null ? null : opensAt.toString())
                    .put("seats", count)
                    .put("settings", event.settings().toJson())
                    .mergeIn(look.toJson()));
                return created;
              }));
        })
        .onFailure(ctx::fail);
  }

  /** Every event with all its settings: what the admin console lists. */
  private void list(RoutingContext ctx) {
    events.list()
        .onSuccess(list -> {
          JsonArray out = new JsonArray();
          list.forEach(e -> out.add(new JsonObject().put("id", e.id()).put("name", e.name())
              .put("opensAt", e.opensAt() == null ? null : e.opensAt().toString())
              .put("settings", e.settings().toJson()).mergeIn(e.look().toJson())));
          Replies.json(ctx, 200, new JsonObject().put("events", out));
        })
        .onFailure(ctx::fail);
  }

  private void stats(RoutingContext ctx) {
    String id = ContextKeys.EVENT.get(ctx);
    EventInfo info = ContextKeys.EVENT_INFO.get(ctx);
    Future.all(line.counts(id, System.currentTimeMillis()), events.soldCount(id), events.seatCount(id),
            stock.stock(id), stock.told(id))
        .onSuccess(all -> {
          QueueCounts counts = all.resultAt(0);
          long sold = all.<Long>resultAt(1);
          long seats = all.<Long>resultAt(2);
          Stock left = all.resultAt(3);
          StockBoard.Told told = all.resultAt(4);
          Replies.json(ctx, 200, new JsonObject()
              .put("stock", left.toJson().put("state", told.sale() == null ? left.state()
                  : told.sale().getString("state")))
              .put("waiting", counts.waiting())
              .put("active", counts.active())
              .put("admittedTotal", counts.admittedTotal())
              .put("prequeued", counts.prequeued())
              .put("completed", counts.completed())
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
        })
        .onFailure(ctx::fail);
  }

  private void putGate(RoutingContext ctx) {
    String id = ContextKeys.EVENT.get(ctx);
    EventInfo info = ContextKeys.EVENT_INFO.get(ctx);
    JsonObject body = Replies.requiredJsonBody(ctx);
    Replies.rejectUnknownFields(body, Set.of("mode"));
    EventSettings.Gate mode = EventSettings.Gate.parse(body.getValue("mode"));
    EventInfo updated = new EventInfo(id, info.name(), info.opensAt(), info.settings().withGate(mode),
        info.openingSeed());
    events.saveSettings(id, updated.settings())
        .compose(v -> gate.override(updated))
        .compose(queueing -> EventChanges.announce(vertx, id).map(queueing))
        .compose(queueing -> checks.audit().record(ctx, "gate.set", id, body).map(queueing))
        .onSuccess(queueing -> {
          LOG.info("Gate of event {} set to {} by {} (joiners {})", id, mode.wire(), who(ctx),
              queueing == null ? "wait or pass as traffic decides"
                  : queueing ? "wait in line" : "pass straight in while capacity allows");
          Replies.json(ctx, 200, new JsonObject().put("event", id)
              .put("gate", new JsonObject().put("mode", mode.wire()).put("queueing", queueing)));
        })
        .onFailure(ctx::fail);
  }

  /**
   * Settings that decide who may get in and from where (whose identity tokens count, where a visit
   * returns to, which sites may call, proof of work, the limits per client): an operator steers the
   * sale, only an admin changes these, as with the whole event's definition.
   */
  private static final Set<String> ADMIN_SETTINGS = Set.of("identity", "returnUrls", "corsOrigins", "pow", "limits");

  /** Changes some settings of an event at once on every node; logged with who and what. */
  private void putSettings(RoutingContext ctx) {
    String id = ContextKeys.EVENT.get(ctx);
    EventInfo info = ContextKeys.EVENT_INFO.get(ctx);
    JsonObject changes = Replies.requiredJsonBody(ctx);
    AdminGuard.requireFor(ctx, changes, ADMIN_SETTINGS, Role.ADMIN);
    EventSettings updated = info.settings().merge(changes);
    events.saveSettings(id, updated)
        .compose(v -> gate.override(new EventInfo(id, info.name(), info.opensAt(), updated, info.openingSeed())))
        .compose(queueing -> EventChanges.announce(vertx, id).map(queueing))
        .compose(queueing -> checks.audit().record(ctx, "settings.update", id, changes).map(queueing))
        .onSuccess(queueing -> {
          if (changes.containsKey("paused") && updated.paused() != info.settings().paused()) {
            LOG.info("Admission of event {} {} by {}", id, updated.paused() ? "paused" : "resumed", who(ctx));
          }
          LOG.info("Settings of event {} changed by {}: {}", id, who(ctx), changes.encode());
          Replies.json(ctx, 200, new JsonObject().put("event", id).put("settings", updated.toJson()));
        })
        .onFailure(ctx::fail);
  }

  /**
   * Ends the sale (sold out for good, or over): nobody joins or is let in from now on, and the line
   * is told with the reason and message within a tick. Those already booking may finish.
   */
  private void endSale(RoutingContext ctx) {
    String id = ContextKeys.EVENT.get(ctx);
    JsonObject body = Replies.requiredJsonBody(ctx);
    Replies.rejectUnknownFields(body, Set.of("reason", "message"));
    Object reason = body.getValue("reason");
    if (!(reason instanceof String r) || !SaleEnd.REASONS.contains(r)) {
      throw ApiError.badRequest("invalid_reason", "reason must be one of " + SaleEnd.REASONS);
    }
    Object message = body.getValue("message", "");
    if (!(message instanceof String m) || m.length() > SaleEnd.MAX_MESSAGE) {
      throw ApiError.badRequest("invalid_message", "message must be text of at most " + SaleEnd.MAX_MESSAGE
          + " characters");
    }
    SaleEnd end = new SaleEnd(r, m.strip());
    line.endSale(id, end)
        .compose(v -> checks.audit().record(ctx, "sale.end", id, body))
        .onSuccess(v -> {
          LOG.info("Sale of event {} ended by {} ({}): nobody joins or is let in any more", id, who(ctx), r);
          Replies.json(ctx, 200, new JsonObject().put("event", id).put("sale", "ended").put("reason", r)
              .put("message", end.message().isEmpty() ? SaleEnd.defaultMessage(r) : end.message()));
        })
        .onFailure(ctx::fail);
  }

  private static String who(RoutingContext ctx) {
    return Audit.who(ctx);
  }
}
