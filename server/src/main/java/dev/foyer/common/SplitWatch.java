package dev.foyer.common;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Notices a split cluster: nodes serving the same state (one Redis key prefix) that are alive but
 * not in this node's Hazelcast cluster, because their member lists, ports or interfaces never let
 * them meet (or they carry another FOYER_CLUSTER_NAME). Such nodes each tick the same events, hold
 * their own admission locks and push to their own sockets only, and nothing else says so.
 *
 * <p>Every node beats every {@link #BEAT_MILLIS} into one Redis hash of its key prefix (its id, its
 * cluster's name and its Hazelcast address), one script call that also reads the hash back and drops
 * nodes silent for {@link #STALE_MILLIS}, by Redis's clock: the hash holds the live nodes and no
 * more. A live node this node's cluster does not list, two beats running (a node joining is listed
 * within one), and that did not just leave the cluster (a crashed member's last beat is still
 * fresh), is a split: a WARN naming the nodes and what to check (again every minute while it lasts,
 * and once when it ends), the count in {@code foyer_cluster_split}, and a line in /health's
 * details. Health stays UP: each part serves its own visitors correctly from the shared Redis, and
 * a load balancer told DOWN by every node of both parts would take the whole sale down.
 */
public final class SplitWatch extends VerticleBase {

  public static final long BEAT_MILLIS = 2000;
  public static final long STALE_MILLIS = 10_000;
  private static final long HASH_TTL_MILLIS = 60_000;
  private static final long REPEAT_MILLIS = 60_000;
  private static final long LEFT_GRACE_MILLIS = STALE_MILLIS + 2 * BEAT_MILLIS;
  private static final String STATE = "foyer.cluster.split";
  private static final Logger LOG = LoggerFactory.getLogger(SplitWatch.class);
  private static final LuaScript BEAT = LuaScript.load("node_beat");

  private final RedisSettings redisSettings;
  private final String keyPrefix;
  private Redis redis;
  private ClusterManager manager;
  private String self;
  private String record;
  private Set<String> outsideBefore = Set.of();
  private Set<String> reported = Set.of();
  private long reportedAt;
  private Set<String> membersBefore = Set.of();
  /**
   * Members that left this cluster lately, by when: a node killed is out of the cluster within
   * seconds but its last beat stays fresh for {@link #STALE_MILLIS}, which is no split. One still
   * beating past that (a network partition) is.
   */
  private final Map<String, Long> left = new java.util.HashMap<>();
  private boolean beating;

  public SplitWatch(RedisSettings redis, String keyPrefix) {
    this.redisSettings = redis;
    this.keyPrefix = keyPrefix;
  }

  /** The key of the live nodes serving this key prefix: hash node id -> beat|record. */
  public static String key(String prefix) {
    return prefix + ":cluster:nodes";
  }

  /** What this node's /health says of a split, or null when there is none. */
  public static String details(Vertx vertx) {
    return (String) vertx.sharedData().getLocalMap(STATE).get("details");
  }

  @Override
  public Future<?> start() {
    manager = ((VertxInternal) vertx).clusterManager();
    if (manager == null) {
      return Future.succeededFuture(); // a Vert.x of its own has no cluster to split
    }
    redis = RedisClients.open(vertx, redisSettings);
    self = manager.getNodeId();
    record = new JsonObject().put("cluster", clusterName()).put("address", address()).encode();
    Metrics.clusterSplit(0);
    vertx.setPeriodic(1, BEAT_MILLIS, id -> beat());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.sharedData().getLocalMap(STATE).remove("details");
    if (redis == null) {
      return Future.succeededFuture();
    }
    // gone at once rather than after STALE_MILLIS: the others' warnings end with this node
    return redis.send(Request.cmd(Command.HDEL).arg(key(keyPrefix)).arg(self))
        .timeout(2, java.util.concurrent.TimeUnit.SECONDS)
        .otherwiseEmpty()
        .eventually(() -> redis.close());
  }

  private void beat() {
    if (beating) {
      return; // a slow Redis: one beat at a time
    }
    String id = manager.getNodeId();
    if (!id.equals(self)) {
      // a merge gave this member another id: its old record would read as a node outside
      redis.send(Request.cmd(Command.HDEL).arg(key(keyPrefix)).arg(self));
      self = id;
      record = new JsonObject().put("cluster", clusterName()).put("address", address()).encode();
    }
    beating = true;
    BEAT.run(redis, List.of(key(keyPrefix)), List.of(self, record, STALE_MILLIS, HASH_TTL_MILLIS))
        .onSuccess(this::judge)
        .onComplete(ar -> beating = false);
    // a failed beat says nothing about the cluster: Redis being away is reported where it is used
  }

  private void judge(Response live) {
    Set<String> members = new HashSet<>(manager.getNodes());
    long now = System.currentTimeMillis();
    for (String id : membersBefore) {
      if (!members.contains(id)) {
        left.put(id, now);
      }
    }
    left.values().removeIf(at -> now - at > LEFT_GRACE_MILLIS);
    membersBefore = members;
    Map<String, JsonObject> outside = new TreeMap<>();
    for (int i = 0; i + 1 < live.size(); i += 2) {
      String id = live.get(i).toString();
      if (!id.equals(self) && !members.contains(id) && !left.containsKey(id)) {
        outside.put(id, parse(live.get(i + 1).toString()));
      }
    }
    Map<String, JsonObject> split = new LinkedHashMap<>();
    outside.forEach((id, node) -> {
      if (outsideBefore.contains(id)) {
        split.put(id, node);
      }
    });
    outsideBefore = outside.keySet();
    Metrics.clusterSplit(split.size());
    if (split.isEmpty()) {
      vertx.sharedData().getLocalMap(STATE).remove("details");
      if (!reported.isEmpty()) {
        LOG.info("Split cluster over: every live node serving key prefix {} is in this node's cluster ({} nodes)",
            keyPrefix, members.size());
        reported = Set.of();
      }
      return;
    }
    vertx.sharedData().getLocalMap(STATE).put("details", "split: " + split.size() + " live node"
        + (split.size() == 1 ? "" : "s") + " serving this state " + (split.size() == 1 ? "is" : "are")
        + " not in this node's cluster of " + members.size() + "; see this node's log");
    if (!split.keySet().equals(reported) || now - reportedAt >= REPEAT_MILLIS) {
      reported = Set.copyOf(split.keySet());
      reportedAt = now;
      LOG.warn("Split cluster: {} live node(s) serving key prefix {} are not in this node's cluster '{}' ({} nodes, "
          + "this one at {}): {}. Each part ticks the same events and pushes to its own visitors only. Check that "
          + "every node's member list (the tcp-ip members of the cluster XML, or FOYER_CLUSTER_MEMBERS) names the "
          + "others' addresses and Hazelcast ports, that those ports are open between the hosts and not held by "
          + "other programs, that FOYER_CLUSTER_INTERFACE is an address the others reach, and that "
          + "FOYER_CLUSTER_NAME is the same everywhere", split.size(), keyPrefix, clusterName(),
          members.size(), address(), describe(split));
    }
  }

  private String describe(Map<String, JsonObject> nodes) {
    StringBuilder out = new StringBuilder();
    nodes.forEach((id, node) -> {
      if (out.length() > 0) {
        out.append(", ");
      }
      String cluster = node.getString("cluster");
      out.append("node ").append(id).append(" at ").append(node.getString("address", "?"));
      if (cluster != null && !cluster.equals(clusterName())) {
        out.append(" in cluster '").append(cluster).append("'");
      }
    });
    return out.toString();
  }

  private static JsonObject parse(String text) {
    try {
      return new JsonObject(text);
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  private String clusterName() {
    return manager instanceof HazelcastClusterManager hz && hz.getHazelcastInstance() != null
        ? hz.getHazelcastInstance().getConfig().getClusterName() : null;
  }

  private String address() {
    return manager instanceof HazelcastClusterManager hz && hz.getHazelcastInstance() != null
        ? String.valueOf(hz.getHazelcastInstance().getCluster().getLocalMember().getAddress()) : manager.getNodeId();
  }
}
