package dev.foyer.common;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One atomic Redis operation, kept as a resource file under {@code lua/}. Runs by EVALSHA and
 * falls back to EVAL when the server has not seen the script yet (a restart, a flush, a new shard).
 */
public final class LuaScript {

  /**
   * The writes a visitor is told about and that Redis alone remembers, so a failover must not lose
   * them once answered: a join (the place in line), an admission (the pass already sent), a hold,
   * both steps of a confirmation (PostgreSQL has the sale, but Redis's record of it is what stops
   * the seats from being held again), an extension (the site holds a pass for the new time) and new
   * lane codes (the operator hands them out).
   * They wait for a replica (see {@link ReplicatedRedis}). Not here: reads; presence renewals and
   * traffic counts, renewed every few seconds anyway; leaving, completing, reaping, expiry and
   * release, whose loss only keeps a place or a seat taken until the next sweep or expiry frees it
   * again; gate flips and the opening, which the next tick makes again (the opening from the same
   * seed, in the same order).
   */
  static final Set<String> ACKNOWLEDGED = Set.of("join", "admit", "hold", "confirm_begin", "confirm_end",
      "extend", "codes_make");

  private final String name;
  private final String source;
  private final String sha;
  private final boolean acknowledged;
  private volatile BoundTimer timer;

  private LuaScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha = sha1(source);
    this.acknowledged = ACKNOWLEDGED.contains(name);
  }

  public static LuaScript load(String name) {
    return new LuaScript(name, withIncludes(resource("lua/" + name + ".lua")));
  }

  /**
   * Inlines each {@code --#include lib} line with the parts of {@code lua/lib/lib.lua} the script
   * uses ({@link LuaLibraries}): a rule that two operations share (admission) is written once, and
   * each script still runs as one atomic unit.
   */
  static String withIncludes(String source) {
    return LuaLibraries.inline(source, lib -> resource("lua/lib/" + lib + ".lua"));
  }

  private static String resource(String path) {
    return Resources.text(path, "script resource");
  }

  /** The timer on the running Vert.x's registry, looked up again only when that registry changes. */
  private Timer timer() {
    MeterRegistry registry = Metrics.registry();
    BoundTimer bound = this.timer;
    if (bound == null || bound.registry() != registry) {
      bound = new BoundTimer(registry, Metrics.redisScript(name));
      this.timer = bound;
    }
    return bound.timer();
  }

  private record BoundTimer(MeterRegistry registry, Timer timer) {
  }

  public String name() {
    return name;
  }

  /**
   * A reply that never comes (a connection that died without a word) must not hold a request
   * forever: past this, the call fails as Redis being unreachable and the caller answers 503.
   */
  static final long TIMEOUT_MILLIS = 10_000;

  public Future<Response> run(Redis redis, List<String> keys, List<?> args) {
    long start = System.nanoTime();
    Function<Request, Future<Response>> send =
        acknowledged && redis instanceof ReplicatedRedis replicated && replicated.waits()
            ? request -> replicated.sendAcknowledged(request, keys.isEmpty() ? "" : keys.get(0))
            : redis::send;
    return send.apply(request(Command.EVALSHA, sha, keys, args))
        .timeout(TIMEOUT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(err -> {
      if ("NOSCRIPT".equals(Failures.redisCode(err))) {
        return send.apply(request(Command.EVAL, source, keys, args))
            .timeout(TIMEOUT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      return Future.failedFuture(err);
    }).onSuccess(r -> timer().record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS))
        .recover(Failures.redis());
  }

  /** This script's EVALSHA of one run, for {@link ScriptBatcher}. */
  Request evalsha(List<String> keys, List<?> args) {
    return request(Command.EVALSHA, sha, keys, args);
  }

  /**
   * Runs of this script in one batch on {@code connection}, a connection of {@code redis}; an
   * acknowledged script's batch waits for replicas once, on that connection. {@code key} is any key
   * of theirs, for routing.
   */
  Future<List<Response>> sendAll(Redis redis, RedisConnection connection, List<Request> requests, String key) {
    return acknowledged && redis instanceof ReplicatedRedis replicated && replicated.waits()
        ? replicated.sendAllAcknowledged(requests, key, connection::batch)
        : connection.batch(requests);
  }

  void recordTime(long nanos) {
    timer().record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  private static Request request(Command command, String script, List<String> keys, List<?> args) {
    Request request = Request.cmd(command).arg(script).arg(keys.size());
    for (String key : keys) {
      request.arg(key);
    }
    for (Object arg : args) {
      request.arg(String.valueOf(arg));
    }
    return request;
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
