package dev.foyer.ingress;

import dev.foyer.bus.HoldService;
import dev.foyer.common.ClientAddress;
import dev.foyer.event.EventInfo;
import dev.foyer.pass.QueueTokens;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * What the checks of a route established for one request, kept in its routing context: every key
 * is named here, written by the one check that establishes it and read by the handlers after it,
 * so nothing a check looked up, parsed or verified is looked up, parsed or verified again.
 */
final class ContextKeys {

  /** A key of the routing context and the type of what it holds. */
  record Key<T>(String name) {

    T get(RoutingContext ctx) {
      return ctx.get(name);
    }

    void put(RoutingContext ctx, T value) {
      ctx.put(name, value);
    }
  }

  /** A body as read: {@code json} is null when there was none, which is kept as well. */
  record Body(JsonObject json) {
  }

  /** The {@code :event} path parameter, once it follows the id rule. */
  static final Key<String> EVENT = new Key<>("foyer.event");
  /** The event {@link EventLookup#known} or {@link EventLookup#stored} found. */
  static final Key<EventInfo> EVENT_INFO = new Key<>("foyer.event-info");
  /** The body once {@link Replies#optionalJsonBody} has read it, null before. */
  static final Key<Body> BODY = new Key<>("foyer.body");
  /** The queue token's claims, null when none was presented to {@link TokenChecks#optionalQueueToken}. */
  static final Key<QueueTokens.Claims> CLAIMS = new Key<>("foyer.claims");
  /** The queue token (or pass) the claims were read from. */
  static final Key<String> TOKEN = new Key<>("foyer.token");
  /** The visitor the pass admits. */
  static final Key<String> VISITOR = new Key<>("foyer.visitor");
  /** Who sent the request, null until {@link RequestClient#of} worked it out. */
  static final Key<ClientAddress.Client> CLIENT = new Key<>("foyer.client");
  /** The well-formed Idempotency-Key {@link IdempotencyKeys} took, null without one. */
  static final Key<String> IDEMPOTENCY_KEY = new Key<>("foyer.idempotency-key");
  /** A join's proof-of-work solution as {@link JoinChecks#powPresent} verified it, null before. */
  static final Key<ProofOfWork.Solution> SOLUTION = new Key<>("foyer.pow-solution");
  /** The verified identity of a join, null without one. */
  static final Key<String> IDENTITY = new Key<>("foyer.identity");
  /** The lane a join's verified identity claims (lane settings' {@code claim}), null for none. */
  static final Key<String> CLAIMED_LANE = new Key<>("foyer.claimed-lane");
  /** A join's code, as {@link JoinChecks#code} read it, null without one. */
  static final Key<String> CODE = new Key<>("foyer.code");
  /** Who an admin call comes from, once {@link AdminGuard#check} knows the key. */
  static final Key<dev.foyer.office.Operator> OPERATOR = new Key<>("foyer.operator");
  /** The hold a request asks for, once its body and its size are checked. */
  static final Key<HoldService.HoldAsk> HOLD_ASK = new Key<>("foyer.hold-ask");


  private ContextKeys() {
  }
}
