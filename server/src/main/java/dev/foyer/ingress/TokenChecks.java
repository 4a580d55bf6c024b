package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.pass.Passes;
import dev.foyer.pass.QueueTokens;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Who the visitor is, from {@code Authorization: Bearer}: a queue token for a place in the line, a
 * pass for an admitted visitor. The pass is checked on routes of its own ahead of the body
 * handlers, so a request without one never makes the node buffer its body.
 */
record TokenChecks(QueueTokens tokens, Passes passes) {

  /** A queue token for this event (401 otherwise). */
  void queueToken(RoutingContext ctx) {
    String token = bearer(ctx);
    ContextKeys.CLAIMS.put(ctx, tokens.verify(token, ContextKeys.EVENT.get(ctx), System.currentTimeMillis() / 1000));
    ContextKeys.TOKEN.put(ctx, token);
    ctx.next();
  }

  /** A queue token for this event if one is presented (a rejoin); none is fine (a new visitor). */
  void optionalQueueToken(RoutingContext ctx) {
    if (bearer(ctx) == null) {
      ctx.next();
    } else {
      queueToken(ctx);
    }
  }

  /**
   * A queue token, or the visitor's pass (a JWT: two dots, where a queue token has three), for the
   * calls a site holding only the pass may make on the visitor's behalf (leaving). A pass that does
   * not verify is 401 {@code invalid_token}, as a bad queue token is.
   */
  void queueTokenOrPass(RoutingContext ctx) {
    String token = bearer(ctx);
    if (token == null || token.chars().filter(c -> c == '.').count() != 2) {
      queueToken(ctx);
      return;
    }
    String event = ContextKeys.EVENT.get(ctx);
    PausedCheck.run(ctx, () -> passes.claims(token, event)
        .recover(err -> Future.failedFuture(ApiError.unauthorized("invalid_token",
            "the pass is forged, altered, expired or another event's")))
        .map(claims -> {
          ContextKeys.CLAIMS.put(ctx, new QueueTokens.Claims(event, claims.visitor(), claims.exp()));
          ContextKeys.TOKEN.put(ctx, token);
          return claims;
        }));
  }

  /** A live pass for this event (401 {@code missing_pass}, 403 {@code not_admitted}). */
  void pass(RoutingContext ctx) {
    String pass = bearer(ctx);
    PausedCheck.run(ctx, () -> passes.verify(pass, ContextKeys.EVENT.get(ctx)).map(visitor -> {
      ContextKeys.VISITOR.put(ctx, visitor);
      return visitor;
    }));
  }

  static String bearer(RoutingContext ctx) {
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
}
