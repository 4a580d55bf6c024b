package dev.foyer.common;

import dev.foyer.FoyerConfig;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/** Builds the Redis client and PostgreSQL pool a verticle owns (and closes when it stops). */
public final class Stores {

  private static final Logger LOG = LoggerFactory.getLogger(Stores.class);

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

  /**
   * How long a write waits for its replica before it is answered anyway. A healthy replica on the
   * same network acknowledges in well under a millisecond; past this it is lagging or gone, and
   * holding every join for it would turn a replica's trouble into the sale's.
   */
  static final long WAIT_MILLIS = 100;

  private Stores() {
  }

  public static Redis redis(Vertx vertx, FoyerConfig config) {
    RedisServers servers = RedisServers.parse(config.redisUrls());
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
    int waitReplicas = servers.kind() == RedisServers.Kind.SINGLE ? 0 : config.redisWaitReplicas();
    return new ReplicatedRedis(client, waitReplicas, servers.kind() == RedisServers.Kind.CLUSTER);
  }

  /**
   * The Redis servers {@code FOYER_REDIS_URL} names, in one of three forms:
   * <ul>
   *   <li>{@code redis://[user:password@]host:port}: a single Redis;</li>
   *   <li>{@code redis://host1:port,redis://host2:port,...}: seeds of a Redis Cluster (any few of its nodes);</li>
   *   <li>{@code redis-sentinel://[user:password@]host1[:port],host2[:port],.../masterName}: the Sentinels
   *       watching the master set {@code masterName} (port 26379 unless given); the password, if any, is
   *       used for the Sentinels and the master alike.</li>
   * </ul>
   * The configuration splits the variable at commas; this puts the pieces back together.
   */
  public record RedisServers(Kind kind, List<String> endpoints, String masterName) {

    public enum Kind { SINGLE, CLUSTER, SENTINEL }

    static final String SENTINEL_SCHEME = "redis-sentinel://";
    static final int SENTINEL_PORT = 26379;
    private static final Pattern MASTER_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+)(:\\d{1,5})?");

    public RedisServers {
      endpoints = List.copyOf(endpoints);
    }

    public static RedisServers parse(List<String> urls) {
      if (urls.isEmpty()) {
        throw new IllegalArgumentException("FOYER_REDIS_URL names no Redis server");
      }
      if (urls.get(0).toLowerCase(java.util.Locale.ROOT).startsWith(SENTINEL_SCHEME)) {
        return sentinel(String.join(",", urls));
      }
      for (String url : urls) {
        String scheme = url.toLowerCase(java.util.Locale.ROOT);
        if (!scheme.startsWith("redis://") && !scheme.startsWith("rediss://")) {
          throw new IllegalArgumentException("FOYER_REDIS_URL: '" + url + "' is not a redis:// address; write "
              + "redis://host:port for one Redis, redis://a:6379,redis://b:6379 for Redis Cluster, or "
              + "redis-sentinel://host1:26379,host2:26379/masterName for Sentinel");
        }
      }
      return new RedisServers(urls.size() == 1 ? Kind.SINGLE : Kind.CLUSTER, urls, null);
    }

    private static RedisServers sentinel(String url) {
      String rest = url.substring(SENTINEL_SCHEME.length());
      int slash = rest.lastIndexOf('/');
      String masterName = slash < 0 ? "" : rest.substring(slash + 1);
      if (!MASTER_NAME.matcher(masterName).matches()) {
        throw new IllegalArgumentException("FOYER_REDIS_URL: " + SENTINEL_SCHEME + " needs the master set's name "
            + "after the Sentinels, as in redis-sentinel://host1:26379,host2:26379/mymaster");
      }
      String hosts = rest.substring(0, slash);
      String userInfo = "";
      int at = hosts.lastIndexOf('@');
      if (at >= 0) {
        userInfo = hosts.substring(0, at + 1);
        hosts = hosts.substring(at + 1);
      }
      List<String> endpoints = new ArrayList<>();
      for (String host : hosts.split(",")) {
        String h = host.trim();
        if (!HOST_PORT.matcher(h).matches()) {
          throw new IllegalArgumentException("FOYER_REDIS_URL: '" + h + "' is not a Sentinel's host or host:port");
        }
        boolean hasPort = h.startsWith("[") ? h.contains("]:") : h.contains(":");
        endpoints.add("redis://" + userInfo + h + (hasPort ? "" : ":" + SENTINEL_PORT));
      }
      return new RedisServers(Kind.SENTINEL, endpoints, masterName);
    }
  }

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
  public static final class ReplicatedRedis implements Redis {

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
      String master = cluster ? hashTag(key) : "";
      int wanted = Math.min(waitReplicas, online.getOrDefault(master, waitReplicas));
      List<Request> batch = new ArrayList<>(3);
      batch.add(write);
      batch.add(Request.cmd(Command.ROLE));
      if (wanted > 0) {
        batch.add(Request.cmd(Command.WAIT).arg(wanted).arg(WAIT_MILLIS));
      }
      return delegate.batch(batch).map(replies -> {
        int replicas = onlineReplicas(replies.get(1));
        online.put(master, replicas);
        if (wanted == 0 || replies.get(2).toInteger() < wanted) {
          Unreplicated.count(wanted == 0 || replicas == 0 ? "no_replica" : "timeout", replicas);
        }
        return replies.get(0);
      }).recover(err -> {
        String code = Failures.redisCode(err);
        if ("MOVED".equals(code) || "ASK".equals(code) || err instanceof NullPointerException) {
          // inside a batch the client does not follow a redirect (a slot moved mid-resharding), and
          // during a failover its slot map can have a hole for a moment, which its batch trips on
          // (NullPointerException in Slots.endpointsForKey) before sending anything: the write did
          // not run, so it goes again alone, routed by its key as a single command is, without waiting
          Unreplicated.count("redirected", 0);
          return delegate.send(write);
        }
        return Future.failedFuture(err);
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

  /**
   * Writes answered without the copies asked for: foyer_redis_unreplicated_writes_total{reason},
   * and a warning at most once a minute for the whole node (every verticle's client sees the same).
   */
  private static final class Unreplicated {

    private static final AtomicLong LOGGED_AT = new AtomicLong();
    private static final AtomicLong SINCE = new AtomicLong();

    static void count(String reason, int replicas) {
      Counter.builder("foyer_redis_unreplicated_writes")
          .tag("reason", reason)
          .description("Redis writes answered before a replica had them (no replica online, WAIT timed out, or redirected)")
          .register(Metrics.registry())
          .increment();
      long n = SINCE.incrementAndGet();
      long now = System.currentTimeMillis();
      long last = LOGGED_AT.get();
      if (now - last >= 60_000 && LOGGED_AT.compareAndSet(last, now)) {
        SINCE.set(0);
        LOG.warn("Redis answered {} write(s) before a replica had them: {}. If the master fails now, the newest "
            + "joins, admissions or holds can be lost", n, switch (reason) {
              case "no_replica" -> "the master has no replica online";
              case "timeout" -> "no replica confirmed within " + WAIT_MILLIS + " ms (" + replicas + " online)";
              default -> "a Cluster slot was moving";
            });
      }
    }
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
