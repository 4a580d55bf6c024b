package dev.foyer.common;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.RedisRole;

/** Builds the Redis client a verticle owns (and closes when it stops), for one, Sentinel or Cluster. */
public final class RedisClients {

  /**
   * How stale the client's picture of who is master may get: after a Sentinel or Cluster failover,
   * new calls reach the promoted replica within this. Each refresh is one small round trip.
   */
  static final long TOPOLOGY_TTL_MILLIS = 1000;

  /**
   * A master that vanished without a TCP reset (its host gone) would otherwise hold every new
   * connection for Netty's default 60 s, long after Sentinel or the Cluster moved on.
   */
  static final int CONNECT_TIMEOUT_MILLIS = 2000;

  private RedisClients() {
  }

  public static ReplicatedRedis open(Vertx vertx, RedisSettings settings) {
    RedisServers servers = RedisServers.parse(settings.urls());
    RedisOptions options = new RedisOptions()
        .setMaxPoolSize(24)
        .setMaxPoolWaiting(8192)
        .setMaxWaitingHandlers(8192)
        .setPoolRecycleTimeout(30_000);
    options.getNetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
    servers.endpoints().forEach(options::addConnectionString);
    switch (servers.kind()) {
      case CLUSTER -> options.setType(RedisClientType.CLUSTER)
          // foyer's scripts write, and a replica may lag: everything goes to the masters
          .setUseReplicas(RedisReplicas.NEVER)
          .setHashSlotCacheTTL(TOPOLOGY_TTL_MILLIS);
      case SENTINEL -> options.setType(RedisClientType.SENTINEL)
          .setRole(RedisRole.MASTER)
          .setMasterName(servers.masterName())
          // every call borrows a pooled connection through a fresh look at the topology, so the
          // client's auto-failover (which moves connections held open) has nothing to add
          .setAutoFailover(false)
          .setTopologyCacheTTL(TOPOLOGY_TTL_MILLIS);
      default -> options.setType(RedisClientType.STANDALONE);
    }
    Redis client = Redis.createClient(vertx, options);
    // a single Redis has nobody to fail over to, so a replica's copy would buy nothing there
    int waitReplicas = servers.kind() == RedisServers.Kind.SINGLE ? 0 : settings.waitReplicas();
    return new ReplicatedRedis(client, waitReplicas, servers.kind() == RedisServers.Kind.CLUSTER);
  }
}
