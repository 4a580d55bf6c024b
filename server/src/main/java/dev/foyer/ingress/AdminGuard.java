package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.common.LuaScript;
import dev.foyer.office.Operator;
import dev.foyer.office.OperatorKeys;
import dev.foyer.office.Role;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The key on every admin call, and what its role allows. A key is the bootstrap admin's
 * ({@code FOYER_ADMIN_KEY}) or an operator key ({@link OperatorKeys}); {@link #check} finds whose it
 * is ({@link ContextKeys#OPERATOR}) for every path under {@code /api/admin}, and each route then
 * states the role it needs with {@link #requires}, its first handler. Whoever guesses is slowed:
 * wrong keys are counted per client address (per /64 for IPv6) in Redis (so every node sees the same count), logged with the address, and past
 * {@link #LIMIT} in a window every admin call from that address is refused until the window ends,
 * the right key included, so the answers tell a guesser nothing. Checked ahead of the admin routes'
 * body handlers: without the key a request costs its headers, no more.
 */
final class AdminGuard {

  static final int LIMIT = 10;
  static final long WINDOW_MILLIS = 10 * 60_000;
  private static final LuaScript FAILURE = LuaScript.load("admin_failure");
  private static final LuaScript FAILURES = LuaScript.load("admin_failures");
  private static final Logger LOG = LoggerFactory.getLogger(AdminGuard.class);

  private final byte[] adminKey;
  private final OperatorKeys keys;
  private final RequestClient clients;
  private final Redis redis;
  private final String prefix;

  AdminGuard(String adminKey, OperatorKeys keys, RequestClient clients, Redis redis, String prefix) {
    this.adminKey = adminKey.getBytes(StandardCharsets.UTF_8);
    this.keys = keys;
    this.clients = clients;
    this.redis = redis;
    this.prefix = prefix;
  }

  /**
   * {@code Authorization: Bearer <admin key>} (401 {@code missing_admin_key} / {@code invalid_admin_key});
   * 429 {@code too_many_failures} with Retry-After for a client address (as the limits per client
   * tell it) that guessed wrong too often.
   */
  void check(RoutingContext ctx) {
    String presented = TokenChecks.bearer(ctx);
    // the client, not the peer: behind the shipped nginx every peer is nginx, and counting there
    // would let anyone lock the operator out with ten wrong keys
    var client = clients.of(ctx);
    // an IPv6 client holds a whole /64 and could take a fresh address for every guess
    String address = client.address().contains(":") ? client.network() : client.address();
    PausedCheck.run(ctx, () -> blockedFor(address).compose(seconds -> {
      if (seconds > 0) {
        return Future.failedFuture(ApiError.tooManyRequests("too_many_failures",
            "too many wrong admin keys from this address; try again later", seconds));
      }
      if (presented == null) {
        return Future.failedFuture(ApiError.unauthorized("missing_admin_key",
            "admin calls need 'Authorization: Bearer <admin key>'"));
      }
      if (MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), adminKey)) {
        ContextKeys.OPERATOR.put(ctx, Operator.BOOTSTRAP);
        return Future.succeededFuture();
      }
      return keys.find(presented).compose(operator -> {
        if (operator == null) {
          return failed(address).compose(v -> Future.failedFuture(
              ApiError.unauthorized("invalid_admin_key", "the admin key is wrong or revoked")));
        }
        ContextKeys.OPERATOR.put(ctx, operator);
        return Future.succeededFuture();
      });
    }));
  }

  /**
   * The role a route needs, stated once as the route's first handler: a key of a lower role is
   * refused with 403 {@code insufficient_role} before anything else of the request is looked at.
   */
  Handler<RoutingContext> requires(Role needed) {
    return ctx -> {
      Operator operator = ContextKeys.OPERATOR.get(ctx);
      if (operator != null && operator.role().covers(needed)) {
        ctx.next();
        return;
      }
      ctx.fail(new ApiError(403, "insufficient_role", "this call needs a key of role " + needed.wire()
          + " or above", new JsonObject().put("required", needed.wire())
          .put("role", operator == null ? null : operator.role().wire())));
    };
  }

  /**
   * For a call some of whose fields need more than the route's role: 403 {@code insufficient_role}
   * (nothing changed) when {@code body} names one of {@code fields} and the key's role is below
   * {@code needed}.
   */
  static void requireFor(RoutingContext ctx, JsonObject body, java.util.Set<String> fields, Role needed) {
    Operator operator = ContextKeys.OPERATOR.get(ctx);
    boolean asks = body.fieldNames().stream().anyMatch(fields::contains);
    if (asks && (operator == null || !operator.role().covers(needed))) {
      throw new ApiError(403, "insufficient_role", "changing " + new java.util.TreeSet<>(fields)
          + " needs a key of role " + needed.wire() + " or above", new JsonObject().put("required", needed.wire())
          .put("role", operator == null ? null : operator.role().wire()));
    }
  }

  /**
   * Seconds until this address may try again, 0 when it may now. Fails open: with Redis away the
   * key itself still has to be right, and an outage must not lock the operator out.
   */
  private Future<Long> blockedFor(String address) {
    return FAILURES.run(redis, List.of(key(address)), List.of())
        .map(r -> r.get(0).toLong() >= LIMIT ? Math.max(1, (r.get(1).toLong() + 999) / 1000) : 0L)
        .otherwise(0L);
  }

  /** Counts a wrong key from this address; best effort, like {@link #blockedFor}. */
  private Future<Void> failed(String address) {
    return FAILURE.run(redis, List.of(key(address)), List.of(WINDOW_MILLIS)).map(r -> {
      long n = r.get(0).toLong();
      if (n == 1) {
        LOG.warn("Wrong admin key from {}", address);
      } else if (n == LIMIT) {
        LOG.warn("Wrong admin key {} times from {} within {} minutes: admin calls from there are refused for {} s",
            n, address, WINDOW_MILLIS / 60_000, (r.get(1).toLong() + 999) / 1000);
      } else if (n % 100 == 0) {
        LOG.warn("Wrong admin key {} times from {} in this window (still refused)", n, address);
      }
      return (Void) null;
    }).otherwiseEmpty();
  }

  private String key(String address) {
    return prefix + ":admin-failures:" + address;
  }
}
