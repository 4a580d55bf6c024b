package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import io.vertx.ext.web.RoutingContext;

import java.util.regex.Pattern;

/**
 * The client's key for one attempt at a change (a join, a hold), kept across that attempt's
 * retries, so a retry after a timeout or a 503 that still went through gives back what it did
 * instead of doing it twice. Checked once per request, before the checks that spend something (a
 * limit token, a proof-of-work solution), as a 4xx changes nothing; the change reads it from
 * {@link ContextKeys#IDEMPOTENCY_KEY}.
 */
final class IdempotencyKeys {

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{16,64}");

  private IdempotencyKeys() {
  }

  /** As a route handler: the key is well formed or absent, and kept. */
  static void check(RoutingContext ctx) {
    take(ctx);
    ctx.next();
  }

  /** Keeps the Idempotency-Key header (none is fine); 400 {@code invalid_idempotency_key} when malformed. */
  static void take(RoutingContext ctx) {
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key != null && !KEY.matcher(key).matches()) {
      throw ApiError.badRequest("invalid_idempotency_key",
          "Idempotency-Key must be 16 to 64 characters of A-Z, a-z, 0-9, '-' and '_' (a random UUID will do)");
    }
    ContextKeys.IDEMPOTENCY_KEY.put(ctx, key);
  }
}
