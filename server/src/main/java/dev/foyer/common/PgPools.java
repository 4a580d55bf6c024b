package dev.foyer.common;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.util.HashMap;
import java.util.Map;

/** Builds the PostgreSQL pools verticles use, in foyer's schema. */
public final class PgPools {

  private PgPools() {
  }

  static PgConnectOptions options(PgSettings settings) {
    PgConnectOptions options = PgConnectOptions.fromUri(settings.url());
    Map<String, String> properties = new HashMap<>(options.getProperties());
    properties.put("search_path", settings.schema());
    properties.put("application_name", "foyer");
    options.setProperties(properties);
    options.setReconnectAttempts(0);
    return options;
  }

  /** A pool shared by every verticle of this Vert.x instance that asks for the same name. */
  public static Pool open(Vertx vertx, PgSettings settings, String name, int size) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setMaxWaitQueueSize(4096).setConnectionTimeout(5)
            .setShared(true).setName("foyer-pg-" + name))
        .connectingTo(options(settings))
        .using(vertx)
        .build();
  }
}
