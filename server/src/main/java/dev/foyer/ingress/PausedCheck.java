package dev.foyer.ingress;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Supplier;

/**
 * Runs a check that waits on something (Redis, PostgreSQL, the pass keys) with the request paused:
 * a body handler may follow on the route, and nothing of the body may arrive while the check runs.
 * Then the request goes on, or fails with the check's refusal.
 */
final class PausedCheck {

  private PausedCheck() {
  }

  /** {@code check} starts the check; whatever may throw at once belongs before this call, not in it. */
  static void run(RoutingContext ctx, Supplier<Future<?>> check) {
    Future<?> result = check.get();
    if (result.isComplete()) {
      // answered from memory (a cached event, a known pass): nothing could arrive meanwhile, as
      // this runs on the request's own event loop, so there is nothing to pause for
      settle(ctx, result);
      return;
    }
    ctx.request().pause();
    result.onComplete(ar -> {
      ctx.request().resume();
      settle(ctx, result);
    });
  }

  private static void settle(RoutingContext ctx, Future<?> result) {
    if (result.failed()) {
      ctx.fail(result.cause());
    } else {
      ctx.next();
    }
  }
}
