package dev.foyer.ingress;

import dev.foyer.office.AuditLog;
import dev.foyer.office.Operator;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an admin route adds, in one line, once its change is made and before it answers:
 * {@code .compose(x -> checks.audit().record(ctx, "gate.set", event, details).map(x))}. The key and
 * role come from the request ({@link ContextKeys#OPERATOR}), the client address as the limits per
 * client see it. Never fails the call: the change is made by then, so a lost entry is logged as an
 * error rather than answered as if nothing had happened.
 */
final class Audit {

  private static final Logger LOG = LoggerFactory.getLogger(Audit.class);

  private final AuditLog log;
  private final RequestClient clients;

  Audit(AuditLog log, RequestClient clients) {
    this.log = log;
    this.clients = clients;
  }

  Future<Void> record(RoutingContext ctx, String action, String event, JsonObject details) {
    Operator who = operator(ctx);
    return log.record(who, clients.of(ctx).address(), action, event, details).recover(err -> {
      LOG.error("Could not record {} on event {} by {} in the audit log: {}", action, event, who.label(),
          err.getMessage());
      return Future.succeededFuture();
    });
  }

  /** Who made the call: every admin route runs after {@link AdminGuard#check}, which always says. */
  static Operator operator(RoutingContext ctx) {
    Operator who = ContextKeys.OPERATOR.get(ctx);
    if (who == null) {
      throw new IllegalStateException("an admin route ran without AdminGuard.check before it");
    }
    return who;
  }

  /** As log lines name who made a change: the key and the client address. */
  static String who(RoutingContext ctx) {
    var client = ContextKeys.CLIENT.get(ctx);
    return operator(ctx).label() + " at " + (client != null ? client.address()
        : ctx.request().remoteAddress().hostAddress());
  }
}
