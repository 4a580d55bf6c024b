package dev.foyer.common;

import java.util.List;

/**
 * Which Redis a node uses and how safely it writes.
 *
 * @param urls         empty: dev mode starts an embedded Redis; one: a single Redis; several: Redis Cluster
 *                     seeds; {@code redis-sentinel://h1:26379,h2:26379/master}: Sentinels and the master name
 *                     they watch (see {@link RedisServers})
 * @param waitReplicas how many replicas must have a join, admission, hold or confirmation before it is
 *                     answered (Redis WAIT, Sentinel and Cluster only; 0: answer at once)
 */
public record RedisSettings(List<String> urls, int waitReplicas) {

  /**
   * One replica by default: production Redis is replicated, and a visitor told "you are in line"
   * should still be in line after the master dies. It costs one replica round trip on the writes
   * that matter and nothing where no replica is online (see {@link ReplicatedRedis}).
   */
  public static final int DEFAULT_WAIT_REPLICAS = 1;

  public RedisSettings {
    urls = List.copyOf(urls);
    if (waitReplicas < 0) {
      throw new IllegalArgumentException("FOYER_REDIS_WAIT_REPLICAS must be 0 or more, not " + waitReplicas);
    }
    if (!urls.isEmpty()) {
      // a mistyped address stops the node at start, in words, rather than as 503s once it serves
      RedisServers.parse(urls);
    }
  }
}
