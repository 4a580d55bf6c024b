package dev.foyer.ingress;

import dev.foyer.common.LuaScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Slows whoever guesses the admin key: wrong keys are counted per client address in Redis (so every
 * node sees the same count), logged with the address, and past {@link #LIMIT} in a window every
 * admin call from that address is refused until the window ends, the right key included, so the
 * answers tell a guesser nothing.
 */
final class AdminGuard {

  static final int LIMIT = 10;
  static final long WINDOW_MILLIS = 10 * 60_000;
  private static final LuaScript FAILURE = LuaScript.load("admin_failure");
  private static final LuaScript FAILURES = LuaScript.load("admin_failures");
  private static final Logger LOG = LoggerFactory.getLogger(AdminGuard.class);

  private final Redis redis;
  private final String prefix;

  AdminGuard(Redis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  /**
   * Seconds until this address may try again, 0 when it may now. Fails open: with Redis away the
   * key itself still has to be right, and an outage must not lock the operator out.
   */
  Future<Long> blockedFor(String address) {
    return FAILURES.run(redis, List.of(key(address)), List.of())
        .map(r -> r.get(0).toLong() >= LIMIT ? Math.max(1, (r.get(1).toLong() + 999) / 1000) : 0L)
        .otherwise(0L);
  }

  /** Counts a wrong key from this address; best effort, like {@link #blockedFor}. */
  Future<Void> failed(String address) {
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
