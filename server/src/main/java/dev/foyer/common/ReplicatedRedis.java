package dev.foyer.common;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Redis client foyer's scripts run on, knowing whether a write can wait for a replica. A
 * script that must outlive its master ({@link LuaScript}: joins, admissions, holds,
 * confirmations) goes out in one batch with {@code ROLE} and {@code WAIT}: the same connection,
 * so WAIT waits for exactly that write, and on Redis Cluster the same node, because the client
 * routes a batch by the keys in it (a lone WAIT, having no key, would go to any master). ROLE
 * says how many replicas the master has online; WAIT asks for no more than that, so a master
 * without a replica (a Cluster built without them, a master whose replica died or was just
 * promoted) answers at once instead of after {@link #WAIT_MILLIS}, and is counted and logged.
 */
public final class ReplicatedRedis implements Redis {

  /**
   * How long a write waits for its replica before it is answered anyway. A healthy replica on the
   * same network acknowledges in well under a millisecond; past this it is lagging or gone, and
   * holding every join for it would turn a replica's trouble into the sale's.
   */
  static final long WAIT_MILLIS = 100;

  private final Redis delegate;
  private final int waitReplicas;
  private final boolean cluster;
  /** Replicas last seen online, per master; on a Cluster per hash tag, the keys' slot deciding the master. */
  private final Map<String, Integer> online = new ConcurrentHashMap<>();

  ReplicatedRedis(Redis delegate, int waitReplicas, boolean cluster) {
    this.delegate = delegate;
    this.waitReplicas = waitReplicas;
    this.cluster = cluster;
  }

  /** Wraps a client built elsewhere (tests): writes wait for up to {@code waitReplicas}. */
  public static ReplicatedRedis of(Redis delegate, int waitReplicas, boolean cluster) {
    return new ReplicatedRedis(delegate, waitReplicas, cluster);
  }

  /** True when acknowledged writes wait for replicas at all. */
  public boolean waits() {
    return waitReplicas > 0;
  }

  /**
   * Runs one write and answers once up to {@code waitReplicas} replicas have it, or after
   * {@link #WAIT_MILLIS} with fewer. {@code key} is any key of the write, for routing.
   */
  public Future<Response> sendAcknowledged(Request write, String key) {
    return sendAllAcknowledged(List.of(write), key).map(replies -> replies.get(0)).recover(err -> {
      String code = Failures.redisCode(err);
      if ("MOVED".equals(code) || "ASK".equals(code) || err instanceof NullPointerException) {
        // inside a batch the client does not follow a redirect (a slot moved mid-resharding), and
        // during a failover its slot map can have a hole for a moment, which its batch trips on
        // (NullPointerException in Slots.endpointsForKey) before sending anything: the write did
        // not run, so it goes again alone, routed by its key as a single command is, without waiting
        UnreplicatedWrites.count("redirected", 0);
        return delegate.send(write);
      }
      return Future.failedFuture(err);
    });
  }

  /**
   * As {@link #sendAcknowledged}, for writes of one slot sent in one batch, one WAIT for them all;
   * answers their replies in order. A redirect fails it (see {@link ScriptBatcher}).
   */
  public Future<List<Response>> sendAllAcknowledged(List<Request> writes, String key) {
    return sendAllAcknowledged(writes, key, delegate::batch);
  }

  /** As above, the batch sent by {@code batch} (a connection of the caller's, which WAIT then waits on). */
  public Future<List<Response>> sendAllAcknowledged(List<Request> writes, String key,
                                                    java.util.function.Function<List<Request>, Future<List<Response>>> batch) {
    String master = cluster ? hashTag(key) : "";
    int wanted = Math.min(waitReplicas, online.getOrDefault(master, waitReplicas));
    List<Request> requests = new ArrayList<>(writes.size() + 2);
    requests.addAll(writes);
    requests.add(Request.cmd(Command.ROLE));
    if (wanted > 0) {
      requests.add(Request.cmd(Command.WAIT).arg(wanted).arg(WAIT_MILLIS));
    }
    int n = writes.size();
    return batch.apply(requests).map(replies -> {
      int replicas = onlineReplicas(replies.get(n));
      online.put(master, replicas);
      if (wanted == 0 || replies.get(n + 1).toInteger() < wanted) {
        UnreplicatedWrites.count(wanted == 0 || replicas == 0 ? "no_replica" : "timeout", replicas);
      }
      return replies.subList(0, n);
    });
  }

  private static int onlineReplicas(Response role) {
    // a master answers ["master", offset, [[ip, port, offset], ...]], listing replicas in sync
    if (role == null || role.size() < 3 || !"master".equals(role.get(0).toString())) {
      return 0;
    }
    return role.get(2) == null ? 0 : role.get(2).size();
  }

  @Override
  public Future<RedisConnection> connect() {
    return delegate.connect();
  }

  @Override
  public Future<Void> close() {
    return delegate.close();
  }

  @Override
  public Future<Response> send(Request command) {
    return delegate.send(command);
  }

  @Override
  public Future<List<Response>> batch(List<Request> commands) {
    return delegate.batch(commands);
  }

  /** Redis's rule: the part between the first { and the next }, if not empty, decides the slot. */
  static String hashTag(String key) {
    int open = key.indexOf('{');
    if (open >= 0) {
      int close = key.indexOf('}', open + 1);
      if (close > open + 1) {
        return key.substring(open + 1, close);
      }
    }
    return key;
  }
}
