package dev.foyer.support;

import dev.foyer.FoyerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A fresh, isolated slice of the shared servers for one test: its own Redis key prefix and its own
 * PostgreSQL schema, removed again afterwards so no test depends on another's leftovers.
 */
public final class TestSetup {

  public static final String ADMIN_KEY = "test-admin-key";
  public static final String SECRET = "test-secret-at-least-16-chars";

  private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  public String prefix() {
    return "t" + id;
  }

  public String schema() {
    return "t_" + id;
  }

  public static String clusterName(Class<?> testClass) {
    return "foyer-test-" + testClass.getSimpleName() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Tests join thousands of visitors from loopback: loopback is never limited, and it is the trusted
   * proxy, so a test plays many clients by sending X-Forwarded-For (those are limited).
   */
  public static final FoyerConfig.Clients LOOPBACK_UNLIMITED = new FoyerConfig.Clients(
      List.of("127.0.0.0/8", "::1"), List.of("127.0.0.0/8", "::1"), 60, 600);

  /** Configuration of one node of this test: fast ticks, one ingress instance, a free port. */
  public FoyerConfig config() {
    return FoyerConfig.defaults().with(new JsonObject()
            .put("httpPort", TestServices.freePort()).put("httpInstances", 1)
            .put("redisUrl", TestServices.redisUrl()).put("pgUrl", TestServices.pgUrl()).put("pgSchema", schema())
            .put("adminKey", ADMIN_KEY).put("secret", SECRET).put("tokenTtlSeconds", 3600)
            .put("keyPrefix", prefix()).put("tickMillis", 200))
        .withClients(LOOPBACK_UNLIMITED);
  }

  public Redis redis(Vertx vertx) {
    return Redis.createClient(vertx, new RedisOptions().setConnectionString(TestServices.redisUrl())
        .setMaxPoolWaiting(10_000).setMaxWaitingHandlers(10_000));
  }

  public Pool pg(Vertx vertx) {
    PgConnectOptions options = PgConnectOptions.fromUri(TestServices.pgUrl());
    var properties = new HashMap<>(options.getProperties());
    properties.put("search_path", schema());
    options.setProperties(properties);
    return PgBuilder.pool().connectingTo(options).using(vertx).build();
  }

  /** Every key under this test's prefix, sorted, with its type: a snapshot to compare. */
  public Future<List<String>> redisKeys(Redis redis) {
    return redis.send(Request.cmd(Command.KEYS).arg(prefix() + ":*")).map(r -> {
      List<String> keys = new ArrayList<>();
      for (Response k : r) {
        keys.add(k.toString());
      }
      keys.sort(String::compareTo);
      return keys;
    });
  }

  public void cleanUp(Vertx vertx) {
    Redis redis = redis(vertx);
    Pool pg = pg(vertx);
    try {
      redisKeys(redis).compose(keys -> {
        if (keys.isEmpty()) {
          return Future.succeededFuture();
        }
        Request del = Request.cmd(Command.DEL);
        keys.forEach(del::arg);
        return redis.send(del).mapEmpty();
      }).await(10, TimeUnit.SECONDS);
      pg.query("DROP SCHEMA IF EXISTS " + schema() + " CASCADE").execute().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // leftovers carry a unique prefix and schema; they cannot disturb another test
    } finally {
      redis.close();
      pg.close();
    }
  }
}
