package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.common.EventIds;
import dev.foyer.office.AuditLog;
import dev.foyer.office.Role;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The audit log as the console and tools read it: newest first, of one event or all, a page at a time. */
record AuditRoutes(RouteChecks checks, AuditLog log) {

  void mount(Router router) {
    router.get("/api/admin/audit").handler(checks.admin().requires(Role.VIEWER)).handler(this::read);
  }

  private void read(RoutingContext ctx) {
    String event = ctx.request().getParam("event");
    if (event != null && !EventIds.isValid(event)) {
      throw ApiError.badRequest("invalid_event_id", "event must match [a-z0-9][a-z0-9-]{0,63}");
    }
    int limit = (int) number(ctx, "limit", AuditLog.DEFAULT_LIMIT, 1, AuditLog.MAX_LIMIT);
    String before = ctx.request().getParam("before");
    log.read(event, limit, before == null ? null : number(ctx, "before", 0, 1, Long.MAX_VALUE))
        .onSuccess(page -> Replies.json(ctx, 200, page))
        .onFailure(ctx::fail);
  }

  private static long number(RoutingContext ctx, String name, long fallback, long min, long max) {
    String raw = ctx.request().getParam(name);
    if (raw == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(raw);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiError.badRequest("invalid_query", "'" + name + "' must be a whole number from " + min + " to " + max);
  }
}
