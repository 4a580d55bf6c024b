package dev.foyer.ingress;

import dev.foyer.bus.Addresses;
import dev.foyer.bus.Departures;
import dev.foyer.common.Metrics;
import dev.foyer.event.EventInfo;
import dev.foyer.event.EventRepository;
import dev.foyer.event.EventSettings;
import dev.foyer.event.Lane;
import dev.foyer.event.Stock;
import dev.foyer.line.Eta;
import dev.foyer.line.QueueCounts;
import dev.foyer.line.StockBoard;
import dev.foyer.line.StockStore;
import dev.foyer.line.QueueStore;
import dev.foyer.line.ShuffleOrder;
import dev.foyer.line.VisitorState;
import dev.foyer.pass.Passes;
import dev.foyer.pass.QueueTokens;
import dev.foyer.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import static dev.foyer.ingress.JoinChecks.newVisitorOnly;

/** What visitors call: join, where do I stand, leave; and the public facts of events. */
record VisitorRoutes(RouteChecks checks, QueueStore line, EventRepository events, QueueTokens tokens, Passes passes,
                     EventBus bus, ProofOfWork pow, PowDifficulty difficulty, StockStore stock, StockBoard board) {

  static final int BODY_LIMIT = 16 * 1024;

  void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
    EventLookup event = checks.event();
    TrafficCounter traffic = checks.traffic();
    JoinChecks joins = checks.joins();
    router.get("/api/events").handler(this::list);
    router.get("/api/events/:event").handler(event::known).handler(traffic::countRequest).handler(this::event);
    // the Idempotency-Key before the checks that spend something (a limit token, a solution), as a
    // 4xx changes nothing; a rejoin proved itself when it first joined
    router.post("/api/events/:event/visitors").handler(body).handler(event::known)
        .handler(checks.tokens()::optionalQueueToken).handler(newVisitorOnly(IdempotencyKeys::check))
        .handler(newVisitorOnly(joins::code))
        .handler(traffic::countRequest).handler(newVisitorOnly(joins::powPresent))
        .handler(newVisitorOnly(checks.limits()::join)).handler(newVisitorOnly(joins::identity))
        .handler(newVisitorOnly(joins::powRedeem)).handler(this::join);
    router.get("/api/events/:event/challenge").handler(event::known).handler(traffic::countRequest)
        .handler(this::challenge);
    router.get("/api/events/:event/visitors/me").handler(event::known).handler(checks.tokens()::queueToken)
        .handler(traffic::countRequest).handler(this::me);
    router.delete("/api/events/:event/visitors/me").handler(event::known).handler(checks.tokens()::queueTokenOrPass)
        .handler(traffic::countRequest).handler(this::leave);
  }

  private void join(RoutingContext ctx) {
    String event = ContextKeys.EVENT.get(ctx);
    EventInfo info = ContextKeys.EVENT_INFO.get(ctx);
    // a rejoin's body was read by no check: it must still be JSON
    Replies.optionalJsonBody(ctx);
    long now = System.currentTimeMillis();
    QueueTokens.Claims claims = ContextKeys.CLAIMS.get(ctx);
    if (claims != null) {
      line.status(event, claims.visitor(), now)
          .onSuccess(state -> Replies.json(ctx, 200, status(info, claims.visitor(), ContextKeys.TOKEN.get(ctx), state)))
          .onFailure(ctx::fail);
      return;
    }
    line.join(event, QueueTokens.newVisitorId(), now, info.settings(), info.opensAtMillis(),
            ContextKeys.IDEMPOTENCY_KEY.get(ctx), ContextKeys.IDENTITY.get(ctx), ContextKeys.CLAIMED_LANE.get(ctx),
            ContextKeys.CODE.get(ctx))
        .compose(joined -> {
          if (!joined.earlier()) {
            Metrics.joins(event).increment();
            return Future.succeededFuture(joined);
          }
          // a retry of a join that did happen, or an identity that has a place already: the same
          // visitor and place, with a fresh token
          ctx.response().putHeader("Idempotent-Replayed", "true");
          return line.status(event, joined.visitor(), now)
              .map(state -> new QueueStore.Joined(joined.visitor(), state, true));
        })
        .onSuccess(joined -> Replies.json(ctx, 201, status(info, joined.visitor(),
            tokens.issue(event, joined.visitor(), now / 1000), joined.state())))
        .onFailure(ctx::fail);
  }

  /**
   * A proof-of-work challenge for a join (404 {@code pow_off} when the event asks for none). An
   * adaptive event's difficulty follows the cluster-wide request rate of the last second, read at
   * most once a second per event on this node.
   */
  private void challenge(RoutingContext ctx) {
    String event = ContextKeys.EVENT.get(ctx);
    EventInfo info = ContextKeys.EVENT_INFO.get(ctx);
    if (!ProofOfWork.asked(info.settings())) {
      throw ApiError.notFound("pow_off", "event '" + event + "' asks for no proof of work");
    }
    difficulty.now(info, System.currentTimeMillis()).map(d -> pow.challenge(event, info.settings().pow(), d))
        .onSuccess(challenge -> Replies.json(ctx, 200, challenge)).onFailure(ctx::fail);
  }

  private void me(RoutingContext ctx) {
    String event = ContextKeys.EVENT.get(ctx);
    String visitor = ContextKeys.CLAIMS.get(ctx).visitor();
    long now = System.currentTimeMillis();
    // the stock board is read from Redis once per node and event, then kept by the broadcasts
    board.get(event, stock)
        .compose(told -> line.status(event, visitor, now))
        .onSuccess(state -> Replies.json(ctx, 200,
            status(ContextKeys.EVENT_INFO.get(ctx), visitor, ContextKeys.TOKEN.get(ctx), state)))
        .onFailure(ctx::fail);
  }

  private void leave(RoutingContext ctx) {
    String event = ContextKeys.EVENT.get(ctx);
    String visitor = ContextKeys.CLAIMS.get(ctx).visitor();
    line.leave(event, visitor, "left")
        .onSuccess(was -> {
          if (was != VisitorState.State.GONE) {
            Metrics.gone(event, "left").increment();
            bus.publish(Addresses.DEPARTURES, Departures.of(event, "left", visitor).toJson());
          }
          Replies.noContent(ctx);
        })
        .onFailure(ctx::fail);
  }

  /** The contract's VisitorStatus. */
  private JsonObject status(EventInfo event, String visitor, String token, VisitorState state) {
    JsonObject body = new JsonObject()
        .put("event", event.id())
        .put("visitor", visitor)
        .put("token", token)
        .put("state", state.state().wire())
        .put("position", state.position())
        .put("waiting", state.waiting())
        .put("address", Addresses.visitor(visitor))
        .put("sale", state.sale());
    Eta.Estimate eta = state.position() == null ? null : Eta.of(state.position(), state.turnover(), event.settings());
    body.put("etaSeconds", eta == null ? null : eta.seconds()).put("eta", eta == null ? null : eta.toJson());
    StockBoard.Told told = board.get(event.id());
    if (told != null && told.shown() != null) {
      // what the line was last told (at most 10 s old while it moves), from this node's memory
      body.put("stock", told.shown());
    }
    if (state.state() == VisitorState.State.WAITING && state.position() != null) {
      body.put("chance", board.chance(event.id(), state.position(), event.settings().maxSeatsPerHold()));
    }
    if (state.state() == VisitorState.State.WAITING || state.state() == VisitorState.State.PREQUEUE) {
      body.put("awaySeconds", event.settings().awaySeconds());
      if (!event.settings().lanes().isEmpty()) {
        // the position is within this lane
        body.put("lane", state.lane() != null ? state.lane() : Lane.GENERAL);
      }
      if (state.returned()) {
        body.put("returned", true);
      }
    }
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

  private void list(RoutingContext ctx) {
    events.list()
        .onSuccess(list -> {
          JsonArray out = new JsonArray();
          list.forEach(e -> out.add(new JsonObject().put("id", e.id()).put("name", e.name())
              .put("names", e.look().toJson().getJsonObject("names"))
              .put("opensAt", e.opensAt() == null ? null : e.opensAt().toString())));
          Replies.json(ctx, 200, new JsonObject().put("events", out));
        })
        .onFailure(ctx::fail);
  }

  private void event(RoutingContext ctx) {
    String event = ContextKeys.EVENT.get(ctx);
    EventInfo info = ContextKeys.EVENT_INFO.get(ctx);
    Future.all(line.counts(event, System.currentTimeMillis()), stock.stock(event), board.get(event, stock))
        .onSuccess(all -> {
          QueueCounts c = all.resultAt(0);
          Stock left = all.resultAt(1);
          StockBoard.Told told = all.resultAt(2);
          JsonObject body = new JsonObject()
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
                  .put("rate", c.trafficRate()))
              .put("sale", told.sale() == null ? left.state() : told.sale().getString("state"))
              .put("stock", left.loaded() ? left.toJson() : null)
              .put("ended", told.sale() == null || told.sale().getString("reason") == null ? null
                  : new JsonObject().put("reason", told.sale().getString("reason"))
                      .put("message", told.sale().getString("message")))
              .mergeIn(info.look().toJson());
          if (!info.settings().lanes().isEmpty()) {
            body.put("lanes", lanes(info));
          }
          Replies.json(ctx, 200, body);
        })
        .onFailure(ctx::fail);
  }

  /** The event's lanes as a page may show them: when each opens and takes joins, and its share. */
  private static JsonArray lanes(EventInfo info) {
    JsonArray out = new JsonArray();
    for (Lane lane : info.settings().lanes()) {
      long opensAt = lane.opensAtMillis(info.opensAtMillis());
      out.add(new JsonObject().put("name", lane.name())
          .put("opensAt", opensAt == 0 ? null : java.time.Instant.ofEpochMilli(opensAt).toString())
          .put("joinsFrom", lane.joinsFrom() == null ? null : lane.joinsFrom().toString()).put("share", lane.share())
          .put("codes", !lane.general()).put("claim", lane.claim() != null));
    }
    return out;
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
}
