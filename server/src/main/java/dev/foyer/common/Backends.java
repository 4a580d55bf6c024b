package dev.foyer.common;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;

/**
 * What a room (a verticle) stores its state in: a Redis client of its own ({@link RedisClients}) and
 * the node's PostgreSQL pool of the room's name ({@link PgPools}), opened together when the room
 * starts and closed together when it stops.
 */
public record Backends(Redis redis, Pool pg) {

  /** {@code room} names the pool, shared by the room's instances on this node, of {@code pgSize} connections. */
  public static Backends open(Vertx vertx, RedisSettings redis, PgSettings pg, String room, int pgSize) {
    return new Backends(RedisClients.open(vertx, redis), PgPools.open(vertx, pg, room, pgSize));
  }

  /** Closes both: done once both are, failed if either failed. */
  public Future<Void> close() {
    return Future.join(redis.close(), pg.close()).mapEmpty();
  }
}
