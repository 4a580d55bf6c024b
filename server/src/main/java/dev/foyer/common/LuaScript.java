package dev.foyer.common;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * One atomic Redis operation, kept as a resource file under {@code lua/}. Runs by EVALSHA and
 * falls back to EVAL when the server has not seen the script yet (a restart, a flush, a new shard).
 */
public final class LuaScript {

  private final String name;
  private final String source;
  private final String sha;
  private volatile BoundTimer timer;

  private LuaScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha = sha1(source);
  }

  public static LuaScript load(String name) {
    return new LuaScript(name, withIncludes(resource("lua/" + name + ".lua")));
  }

  /**
   * Inlines each {@code --#include lib} line with {@code lua/lib/lib.lua}: a rule that two
   * operations share (admission) is written once, and each script still runs as one atomic unit.
   */
  static String withIncludes(String source) {
    StringBuilder out = new StringBuilder(source.length());
    for (String line : source.split("\n", -1)) {
      if (line.startsWith(INCLUDE)) {
        out.append(resource("lua/lib/" + line.substring(INCLUDE.length()).trim() + ".lua"));
      } else {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  private static final String INCLUDE = "--#include ";

  private static String resource(String path) {
    try (InputStream in = LuaScript.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
    return redis.send(request(Command.EVALSHA, sha, keys, args))
        .timeout(TIMEOUT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(err -> {
      String message = err.getMessage();
      if (message != null && message.startsWith("NOSCRIPT")) {
        return redis.send(request(Command.EVAL, source, keys, args))
            .timeout(TIMEOUT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      return Future.failedFuture(err);
    }).onSuccess(r -> timer().record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS))
        .recover(Failures.redis());
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
