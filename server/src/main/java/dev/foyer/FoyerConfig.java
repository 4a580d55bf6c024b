package dev.foyer;

import dev.foyer.common.Stores;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Node configuration: defaults, then the JSON file named by {@code FOYER_CONFIG}, then
 * {@code FOYER_*} environment variables. Every JSON key {@code fooBar} has the variable
 * {@code FOYER_FOO_BAR}, so the two sources can never drift apart.
 *
 * @param httpPort        port of the REST API, the bridge and the pages
 * @param redisUrls       empty: dev mode starts an embedded Redis; one: a single Redis; several: Redis Cluster
 *                        seeds; {@code redis-sentinel://h1:26379,h2:26379/master}: Sentinels and the master
 *                        name they watch (see {@link dev.foyer.common.Stores.RedisServers})
 * @param pgUrl           null: dev mode starts an embedded PostgreSQL
 * @param adminKey        bearer key of the admin API
 * @param secret          HMAC key of queue tokens, the same on every node
 * @param passKey         PEM private key (RSA) that signs passes; null (and no passKeyFile): generated once,
 *                        kept in PostgreSQL sealed under {@code secret}, rotated through the admin API
 * @param clusterConfig   Hazelcast XML file; null: ./cluster.xml when present, else the built-in loopback default
 * @param keyPrefix       first part of every Redis key, so several deployments (or tests) can share one Redis
 * @param pgSchema        PostgreSQL schema holding foyer's tables
 * @param tickMillis      how often the queue verticle runs admission for each event
 * @param tokenTtlSeconds how long a queue token stays valid
 * @param httpInstances   ingress verticle instances per node
 * @param demo            create the demo event at start (dev mode does by default)
 * @param cluster         Hazelcast settings that override the cluster XML, for real networks
 * @param passKeyFile     path of a file holding passKey's PEM (a mounted secret); instead of passKey
 * @param passKeyPrevious PEM of the key passKey replaced: its passes still verify during a configured rotation
 * @param passKeyPreviousFile path of a file holding passKeyPrevious's PEM; instead of passKeyPrevious
 * @param redisWaitReplicas how many replicas must have a join, admission, hold or confirmation before it is
 *                        answered (Redis WAIT, Sentinel and Cluster only; 0: answer at once)
 * @param clients         who the clients are, for the limits per client
 * @param caches          how much of events' seats the node keeps in memory
 */
public record FoyerConfig(
    int httpPort,
    List<String> redisUrls,
    String pgUrl,
    String adminKey,
    String secret,
    String passKey,
    String clusterConfig,
    String keyPrefix,
    String pgSchema,
    long tickMillis,
    long tokenTtlSeconds,
    int httpInstances,
    boolean demo,
    Cluster cluster,
    String passKeyFile,
    String passKeyPrevious,
    String passKeyPreviousFile,
    int redisWaitReplicas,
    Clients clients,
    Caches caches) {

  /**
   * What a node keeps of events' seats (layouts and rendered seat maps, about 460 bytes of heap a
   * seat): at most {@code seats} seats across all events, the events used longest ago dropped first,
   * and an event nobody touched for {@code idleSeconds} dropped too. A dropped event is read again
   * from PostgreSQL and Redis on its next use.
   */
  public record Caches(long seats, long idleSeconds) {
    public Caches {
      if (seats < 1 || idleSeconds < 1) {
        throw new IllegalArgumentException(variableName("cachedSeats") + " and " + variableName("cacheIdleSeconds")
            + " must be 1 or more, not " + seats + " and " + idleSeconds);
      }
    }

    public static Caches defaults() {
      return new Caches(250_000, 600);
    }
  }

  /**
   * Who the clients are, for the limits per client: the proxies whose X-Forwarded-For is believed
   * (addresses or CIDR ranges; the shipped nginx), the clients no limit applies to (for load tests
   * and monitoring from known addresses), and how many bridge sockets one address and one network
   * (/24, /64) may open a minute; 0 turns one off. Sockets come before any event, so theirs are
   * node settings; the limits of joins, holds and confirmations are each event's (its settings).
   */
  public record Clients(List<String> trustedProxies, List<String> unlimitedClients, int socketsPerAddress,
                        int socketsPerNetwork) {
    public Clients {
      trustedProxies = List.copyOf(trustedProxies);
      unlimitedClients = List.copyOf(unlimitedClients);
      // a mistyped range stops the node at start rather than trusting the wrong peers
      new dev.foyer.common.ClientAddress(trustedProxies, unlimitedClients);
    }

    public static Clients defaults() {
      return new Clients(List.of(), List.of(), 60, 600);
    }
  }

  /**
   * One replica by default: production Redis is replicated, and a visitor told "you are in line"
   * should still be in line after the master dies. It costs one replica round trip on the writes
   * that matter and nothing where no replica is online (see {@link dev.foyer.common.Stores}).
   */
  public static final int DEFAULT_REDIS_WAIT_REPLICAS = 1;

  public static final String CONFIG_FILE_VARIABLE = "FOYER_CONFIG";

  /**
   * How this node finds the others, when the cluster XML's loopback default does not fit: the
   * cluster name, the members to contact (host or host:port, comma-separated), the interface to
   * bind and announce (also used by the event bus) and the Hazelcast port. Unset: the XML decides,
   * except the name, which {@link ClusterIdentity} derives from the state when the XML sets none.
   */
  public record Cluster(String name, List<String> members, String networkInterface, int port) {
    public Cluster {
      members = List.copyOf(members);
    }

    public static Cluster none() {
      return new Cluster(null, List.of(), null, 0);
    }
  }

  public FoyerConfig {
    redisUrls = List.copyOf(redisUrls);
    if (redisWaitReplicas < 0) {
      throw new IllegalArgumentException(variableName("redisWaitReplicas") + " must be 0 or more, not " + redisWaitReplicas);
    }
  }

  /** Without the pass-key files and previous key: configured by passKey alone, or generated. */
  public FoyerConfig(int httpPort, List<String> redisUrls, String pgUrl, String adminKey, String secret, String passKey,
                     String clusterConfig, String keyPrefix, String pgSchema, long tickMillis, long tokenTtlSeconds,
                     int httpInstances, boolean demo, Cluster cluster) {
    this(httpPort, redisUrls, pgUrl, adminKey, secret, passKey, clusterConfig, keyPrefix, pgSchema, tickMillis,
        tokenTtlSeconds, httpInstances, demo, cluster, null, null, null, DEFAULT_REDIS_WAIT_REPLICAS, Clients.defaults(), Caches.defaults());
  }

  /** Every setting but redisWaitReplicas, which takes its default. */
  public FoyerConfig(int httpPort, List<String> redisUrls, String pgUrl, String adminKey, String secret, String passKey,
                     String clusterConfig, String keyPrefix, String pgSchema, long tickMillis, long tokenTtlSeconds,
                     int httpInstances, boolean demo, Cluster cluster, String passKeyFile, String passKeyPrevious,
                     String passKeyPreviousFile) {
    this(httpPort, redisUrls, pgUrl, adminKey, secret, passKey, clusterConfig, keyPrefix, pgSchema, tickMillis,
        tokenTtlSeconds, httpInstances, demo, cluster, passKeyFile, passKeyPrevious, passKeyPreviousFile,
        DEFAULT_REDIS_WAIT_REPLICAS, Clients.defaults(), Caches.defaults());
  }

  public static FoyerConfig defaults() {
    return new FoyerConfig(8080, List.of(), null, null, null, null, null, "foyer", "public",
        1000, 86_400, Math.max(1, Runtime.getRuntime().availableProcessors()), false, Cluster.none(),
        null, null, null, DEFAULT_REDIS_WAIT_REPLICAS, Clients.defaults(), Caches.defaults());
  }

  /** True when at least one of Redis and PostgreSQL must be started in-process. */
  public boolean devMode() {
    return redisUrls.isEmpty() || pgUrl == null;
  }

  public static FoyerConfig load(Map<String, String> env) {
    JsonObject json = defaults().toJson();
    String file = env.get(CONFIG_FILE_VARIABLE);
    if (file != null && !file.isBlank()) {
      try {
        json.mergeIn(new JsonObject(Files.readString(Path.of(file))));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the configuration file " + file + ": " + e.getMessage());
      } catch (DecodeException e) {
        throw new IllegalArgumentException("the configuration file " + file + " is not valid JSON: " + e.getMessage());
      }
    }
    for (String key : defaults().toJson().fieldNames()) {
      String value = env.get(variableName(key));
      if (value != null && !value.isEmpty()) {
        json.put(key, value);
      }
    }
    return fromJson(json);
  }

  /** {@code httpPort} becomes {@code FOYER_HTTP_PORT}. */
  public static String variableName(String key) {
    return "FOYER_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase();
  }

  public static FoyerConfig fromJson(JsonObject json) {
    FoyerConfig d = defaults();
    List<String> redisUrls = urls(json.getValue("redisUrl"));
    if (!redisUrls.isEmpty()) {
      // a mistyped address stops the node at start, in words, rather than as 503s once it serves
      Stores.RedisServers.parse(redisUrls);
    }
    return new FoyerConfig(
        intValue(json, "httpPort", d.httpPort),
        redisUrls,
        blankToNull(json.getValue("pgUrl")),
        blankToNull(json.getValue("adminKey")),
        blankToNull(json.getValue("secret")),
        blankToNull(json.getValue("passKey")),
        blankToNull(json.getValue("clusterConfig")),
        json.getValue("keyPrefix") == null ? d.keyPrefix : json.getValue("keyPrefix").toString(),
        json.getValue("pgSchema") == null ? d.pgSchema : json.getValue("pgSchema").toString(),
        intValue(json, "tickMillis", d.tickMillis),
        intValue(json, "tokenTtlSeconds", d.tokenTtlSeconds),
        (int) intValue(json, "httpInstances", d.httpInstances),
        boolValue(json, "demo", d.demo),
        new Cluster(blankToNull(json.getValue("clusterName")), urls(json.getValue("clusterMembers")),
            blankToNull(json.getValue("clusterInterface")), intValue(json, "clusterPort", 0)),
        blankToNull(json.getValue("passKeyFile")),
        blankToNull(json.getValue("passKeyPrevious")),
        blankToNull(json.getValue("passKeyPreviousFile")),
        (int) intValue(json, "redisWaitReplicas", d.redisWaitReplicas),
        new Clients(urls(json.getValue("trustedProxies")), urls(json.getValue("unlimitedClients")),
            (int) intValue(json, "socketsPerAddress", d.clients.socketsPerAddress()),
            (int) intValue(json, "socketsPerNetwork", d.clients.socketsPerNetwork())),
        new Caches(intValue(json, "cachedSeats", d.caches.seats()),
            intValue(json, "cacheIdleSeconds", d.caches.idleSeconds())));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("httpPort", httpPort)
        .put("redisUrl", String.join(",", redisUrls))
        .put("pgUrl", pgUrl)
        .put("adminKey", adminKey)
        .put("secret", secret)
        .put("passKey", passKey)
        .put("clusterConfig", clusterConfig)
        .put("keyPrefix", keyPrefix)
        .put("pgSchema", pgSchema)
        .put("tickMillis", tickMillis)
        .put("tokenTtlSeconds", tokenTtlSeconds)
        .put("httpInstances", httpInstances)
        .put("demo", demo)
        .put("clusterName", cluster.name())
        .put("clusterMembers", String.join(",", cluster.members()))
        .put("clusterInterface", cluster.networkInterface())
        .put("clusterPort", cluster.port())
        .put("passKeyFile", passKeyFile)
        .put("passKeyPrevious", passKeyPrevious)
        .put("passKeyPreviousFile", passKeyPreviousFile)
        .put("redisWaitReplicas", redisWaitReplicas)
        .put("trustedProxies", String.join(",", clients.trustedProxies()))
        .put("unlimitedClients", String.join(",", clients.unlimitedClients()))
        .put("socketsPerAddress", clients.socketsPerAddress())
        .put("socketsPerNetwork", clients.socketsPerNetwork())
        .put("cachedSeats", caches.seats())
        .put("cacheIdleSeconds", caches.idleSeconds());
  }

  public FoyerConfig withHttpPort(int port) {
    return new FoyerConfig(port, redisUrls, pgUrl, adminKey, secret, passKey, clusterConfig, keyPrefix, pgSchema,
        tickMillis, tokenTtlSeconds, httpInstances, demo, cluster, passKeyFile, passKeyPrevious,
        passKeyPreviousFile, redisWaitReplicas, clients, caches);
  }

  public FoyerConfig withServers(List<String> redis, String pg) {
    return new FoyerConfig(httpPort, redis, pg, adminKey, secret, passKey, clusterConfig, keyPrefix, pgSchema,
        tickMillis, tokenTtlSeconds, httpInstances, demo, cluster, passKeyFile, passKeyPrevious,
        passKeyPreviousFile, redisWaitReplicas, clients, caches);
  }

  public FoyerConfig withKeys(String admin, String tokenSecret) {
    return new FoyerConfig(httpPort, redisUrls, pgUrl, admin, tokenSecret, passKey, clusterConfig, keyPrefix, pgSchema,
        tickMillis, tokenTtlSeconds, httpInstances, demo, cluster, passKeyFile, passKeyPrevious,
        passKeyPreviousFile, redisWaitReplicas, clients, caches);
  }

  public FoyerConfig withDemo(boolean createDemo) {
    return new FoyerConfig(httpPort, redisUrls, pgUrl, adminKey, secret, passKey, clusterConfig, keyPrefix, pgSchema,
        tickMillis, tokenTtlSeconds, httpInstances, createDemo, cluster, passKeyFile, passKeyPrevious,
        passKeyPreviousFile, redisWaitReplicas, clients, caches);
  }

  /** The four pass-key sources at once (PEM or file, current and previous); null leaves one unset. */
  public FoyerConfig withPassKeys(String pem, String file, String previousPem, String previousFile) {
    return new FoyerConfig(httpPort, redisUrls, pgUrl, adminKey, secret, pem, clusterConfig, keyPrefix, pgSchema,
        tickMillis, tokenTtlSeconds, httpInstances, demo, cluster, file, previousPem, previousFile, redisWaitReplicas, clients, caches);
  }

  /** How many replicas a write waits for (0: none). */
  public FoyerConfig withRedisWaitReplicas(int replicas) {
    return new FoyerConfig(httpPort, redisUrls, pgUrl, adminKey, secret, passKey, clusterConfig, keyPrefix, pgSchema,
        tickMillis, tokenTtlSeconds, httpInstances, demo, cluster, passKeyFile, passKeyPrevious,
        passKeyPreviousFile, replicas, clients, caches);
  }

  private static List<String> urls(Object value) {
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String blankToNull(Object value) {
    return value == null || value.toString().isBlank() ? null : value.toString();
  }

  private static long intValue(JsonObject json, String key, long fallback) {
    Object v = json.getValue(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(variableName(key) + " must be a whole number, not '" + v + "'");
    }
  }

  private static int intValue(JsonObject json, String key, int fallback) {
    return (int) intValue(json, key, (long) fallback);
  }

  private static boolean boolValue(JsonObject json, String key, boolean fallback) {
    Object v = json.getValue(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v.toString().trim().toLowerCase();
    if (s.equals("true") || s.equals("1") || s.equals("yes")) {
      return true;
    }
    if (s.equals("false") || s.equals("0") || s.equals("no")) {
      return false;
    }
    throw new IllegalArgumentException(variableName(key) + " must be true or false, not '" + v + "'");
  }

  /** How many seats of layouts and seat maps the node keeps, and for how long unused. */
  public FoyerConfig withCaches(Caches kept) {
    return new FoyerConfig(httpPort, redisUrls, pgUrl, adminKey, secret, passKey, clusterConfig, keyPrefix, pgSchema,
        tickMillis, tokenTtlSeconds, httpInstances, demo, cluster, passKeyFile, passKeyPrevious,
        passKeyPreviousFile, redisWaitReplicas, clients, kept);
  }

  /** Who is a trusted proxy, who is never limited, and the socket limits. */
  public FoyerConfig withClients(Clients who) {
    return new FoyerConfig(httpPort, redisUrls, pgUrl, adminKey, secret, passKey, clusterConfig, keyPrefix, pgSchema,
        tickMillis, tokenTtlSeconds, httpInstances, demo, cluster, passKeyFile, passKeyPrevious,
        passKeyPreviousFile, redisWaitReplicas, who, caches);
  }
}
