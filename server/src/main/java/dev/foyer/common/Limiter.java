package dev.foyer.common;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

import java.util.ArrayList;
import java.util.List;

/**
 * Token buckets per client in Redis ({@code lua/limit.lua}), so every node enforces the same limit:
 * a client spreading its requests over the nodes gets no more than from one.
 */
public final class Limiter {

  private static final LuaScript LIMIT = LuaScript.load("limit");

  private final Redis redis;
  private final String prefix;

  public Limiter(Redis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  /** One bucket: the key's name after the hash tag, and its capacity per minute (0: unlimited). */
  public record Bucket(String name, int perMinute) {
  }

  /**
   * Takes a token from every bucket (all under hash tag {@code tag}) or from none. Answers 0, or the
   * ms until the request would pass. Fails open: when Redis is away the call it guards fails
   * anyway, and a limit must not turn an outage into a lock-out.
   */
  public Future<Long> take(String tag, List<Bucket> buckets) {
    List<String> keys = new ArrayList<>(buckets.size());
    List<Object> args = new ArrayList<>(buckets.size() + 1);
    args.add(System.currentTimeMillis());
    for (Bucket b : buckets) {
      keys.add(prefix + ":{" + tag + "}:limit:" + b.name());
      args.add(b.perMinute());
    }
    return LIMIT.run(redis, keys, args).map(r -> r.toLong()).otherwise(0L);
  }
}
