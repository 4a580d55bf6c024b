package dev.foyer.common;

import dev.foyer.FoyerConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.util.HashMap;
import java.util.Map;

/** Builds the Redis client and PostgreSQL pool a verticle owns (and closes when it stops). */
public final class Stores {

  private Stores() {
  }

  public static Redis redis(Vertx vertx, FoyerConfig config) {
    RedisOptions options = new RedisOptions()
        .setMaxPoolSize(24)
        .setMaxPoolWaiting(8192)
        .setMaxWaitingHandlers(8192)
        .setPoolRecycleTimeout(30_000);
    config.redisUrls().forEach(options::addConnectionString);
    if (config.redisUrls().size() > 1) {
      options.setType(RedisClientType.CLUSTER);
    }
    return Redis.createClient(vertx, options);
  }

  public static PgConnectOptions pgOptions(FoyerConfig config) {
    PgConnectOptions options = PgConnectOptions.fromUri(config.pgUrl());
    Map<String, String> properties = new HashMap<>(options.getProperties());
    properties.put("search_path", config.pgSchema());
    properties.put("application_name", "foyer");
    options.setProperties(properties);
    options.setReconnectAttempts(0);
    return options;
  }

  /** A pool shared by every verticle of this Vert.x instance that asks for the same name. */
  public static Pool pg(Vertx vertx, FoyerConfig config, String name, int size) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setMaxWaitQueueSize(4096).setConnectionTimeout(5)
            .setShared(true).setName("foyer-pg-" + name))
        .connectingTo(pgOptions(config))
        .using(vertx)
        .build();
  }
}
