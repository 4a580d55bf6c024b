package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.event.EventInfo;
import dev.foyer.line.LaneStore;
import dev.foyer.line.Lanes;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * What a new visitor's join proves when the event asks for it: a solved challenge ({@code "pow"} in
 * the body) and the booking site's identity ({@code "identity"}). A rejoin with a queue token proved
 * itself when it first joined, which {@link #newVisitorOnly} says once for every such check.
 */
record JoinChecks(ProofOfWork pow, PowDifficulty difficulty, Identities identities) {

  /** The check for a new visitor's join; a rejoin (a queue token was presented) passes on untouched. */
  static Handler<RoutingContext> newVisitorOnly(Handler<RoutingContext> check) {
    return ctx -> {
      if (ContextKeys.CLAIMS.get(ctx) != null) {
        ctx.next();
      } else {
        check.handle(ctx);
      }
    };
  }

  /**
   * A join without any solution, to an event that asks for one, is refused before the limits (403
   * {@code pow_required}): the waiting page's first attempt learns it must solve a challenge without
   * spending the address's join token (the attempt with the solution spends it). So is a solution of
   * a challenge far easier than the event issues now (403 {@code pow_stale}), which is not claimed
   * either: cheap challenges fetched while the event was quiet do not buy places in a surge. The
   * solution's signature is verified here, once, and kept for {@link #powRedeem}.
   */
  void powPresent(RoutingContext ctx) {
    Object payload = field(ctx, "pow");
    String event = ContextKeys.EVENT.get(ctx);
    EventInfo info = ContextKeys.EVENT_INFO.get(ctx);
    if (!ProofOfWork.asked(info.settings())) {
      ctx.next();
      return;
    }
    if (payload == null) {
      ctx.fail(ProofOfWork.required(event));
      return;
    }
    ProofOfWork.Solution solution = pow.verify(event, payload);
    ContextKeys.SOLUTION.put(ctx, solution);
    difficulty.now(info, System.currentTimeMillis()).compose(d -> pow.fresh(event, solution, d))
        .onSuccess(v -> ctx.next())
        .onFailure(ctx::fail);
  }

  /** The solution {@link #powPresent} verified is taken, once (403 {@code pow_invalid}, {@code pow_reused}). */
  void powRedeem(RoutingContext ctx) {
    if (!ProofOfWork.asked(ContextKeys.EVENT_INFO.get(ctx).settings())) {
      ctx.next();
      return;
    }
    pow.redeem(ContextKeys.EVENT.get(ctx), ContextKeys.SOLUTION.get(ctx))
        .onSuccess(v -> ctx.next())
        .onFailure(ctx::fail);
  }

  /**
   * The join's identity token, when the event uses them: the identity (hashed) goes on to the join,
   * which gives one identity one place.
   */
  void identity(RoutingContext ctx) {
    Object token = field(ctx, "identity");
    identities.identify(ContextKeys.EVENT.get(ctx), ContextKeys.EVENT_INFO.get(ctx).settings().identity(), token)
        .onSuccess(identity -> {
          if (identity != null) {
            ContextKeys.IDENTITY.put(ctx, identity.hash());
            ContextKeys.CLAIMED_LANE.put(ctx, Lanes.claimed(ContextKeys.EVENT_INFO.get(ctx).settings(), identity.claims()));
          }
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  /**
   * The join's code (a lane's way in), read before anything is spent: 400 {@code invalid_code} for
   * one that cannot be a code; whether it is known, and has a use left, the join itself says.
   */
  void code(RoutingContext ctx) {
    Object code = field(ctx, "code");
    if (code != null) {
      String normal = LaneStore.normalize(code);
      if (normal == null) {
        ctx.fail(ApiError.badRequest("invalid_code", "code must be 4 to 80 letters, digits, dashes or spaces"));
        return;
      }
      ContextKeys.CODE.put(ctx, normal);
    }
    ctx.next();
  }

  /** A field of the join's body (read once for the whole join), null without a body. */
  private static Object field(RoutingContext ctx, String name) {
    JsonObject body = Replies.optionalJsonBody(ctx);
    return body == null ? null : body.getValue(name);
  }
}
