package dev.foyer;

import dev.foyer.common.PgSettings;
import dev.foyer.common.RedisSettings;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Node configuration: defaults, then the JSON file named by {@code FOYER_CONFIG}, then
 * {@code FOYER_*} environment variables. Every JSON key {@code fooBar} has the variable
 * {@code FOYER_FOO_BAR}, so the two sources can never drift apart; the keys stay flat while the
 * record groups them by what uses them.
 *
 * @param http          the REST API, the bridge and the pages
 * @param redis         the hot state
 * @param pg            the durable state
 * @param access        the admin key, the queue tokens' secret and how long tokens last
 * @param passKeys      where the key that signs passes comes from
 * @param clusterConfig Hazelcast XML file; null: ./cluster.xml when present, else the built-in loopback default
 * @param cluster       Hazelcast settings that override the cluster XML, for real networks
 * @param keyPrefix     first part of every Redis key, so several deployments (or tests) can share one Redis
 * @param tickMillis    how often the queue verticle runs admission for each event
 * @param demo          create the demo event at start (dev mode does by default)
 * @param clients       who the clients are, for the limits per client
 * @param caches        how much of events' seats the node keeps in memory
 */
public record FoyerConfig(
    Http http,
    RedisSettings redis,
    PgSettings pg,
    Access access,
    PassKeySources passKeys,
    String clusterConfig,
    Cluster cluster,
    String keyPrefix,
    long tickMillis,
    boolean demo,
    Clients clients,
    Caches caches) {

  /** The HTTP server: its port, and how many ingress verticle instances serve it on this node. */
  public record Http(int port, int instances) {

    /**
     * Half the cores, at least one. An event's joins all run on one Redis thread (its keys share a
     * slot), which one event loop can keep busy; a loop more per core only splits the joins of a
     * pass into smaller batches (common/ScriptBatcher) and wakes more threads, and the other half
     * of the cores runs the push, queue and hold rooms and, on a small box, Redis itself. On two
     * cores one loop took 17 % more joins a second than two (bench/README.md, "Third pass").
     */
    static int defaultInstances(int cores) {
      return Math.max(1, cores / 2);
    }
  }

  /**
   * Who may do what: the bearer key of the admin API, the HMAC key of queue tokens (the same on
   * every node), and how long a queue token stays valid.
   */
  public record Access(String adminKey, String secret, long tokenTtlSeconds) {
  }

  /**
   * The key that signs passes: PEM ({@code passKey}) or a file holding it ({@code passKeyFile}, a
   * mounted secret), and the key it replaced, whose passes still verify during a configured
   * rotation. None set: generated once, kept in PostgreSQL sealed under the token secret, rotated
   * through the admin API.
   */
  public record PassKeySources(String pem, String file, String previousPem, String previousFile) {

    public static PassKeySources none() {
      return new PassKeySources(null, null, null, null);
    }

    public boolean any() {
      return pem != null || file != null || previousPem != null || previousFile != null;
    }
  }

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

  public static FoyerConfig defaults() {
    return new FoyerConfig(new Http(8080, Http.defaultInstances(Runtime.getRuntime().availableProcessors())),
        new RedisSettings(List.of(), RedisSettings.DEFAULT_WAIT_REPLICAS), new PgSettings(null, "public"),
        new Access(null, null, 86_400), PassKeySources.none(), null, Cluster.none(), "foyer", 1000, false,
        Clients.defaults(), Caches.defaults());
  }

  /** True when at least one of Redis and PostgreSQL must be started in-process. */
  public boolean devMode() {
    return redis.urls().isEmpty() || pg.url() == null;
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
    return new FoyerConfig(
        new Http(ConfigValues.intValue(json, "httpPort", d.http.port()), ConfigValues.intValue(json, "httpInstances", d.http.instances())),
        new RedisSettings(ConfigValues.urls(json.getValue("redisUrl")), ConfigValues.intValue(json, "redisWaitReplicas", d.redis.waitReplicas())),
        new PgSettings(ConfigValues.blankToNull(json.getValue("pgUrl")),
            json.getValue("pgSchema") == null ? d.pg.schema() : json.getValue("pgSchema").toString()),
        new Access(ConfigValues.blankToNull(json.getValue("adminKey")), ConfigValues.blankToNull(json.getValue("secret")),
            ConfigValues.intValue(json, "tokenTtlSeconds", d.access.tokenTtlSeconds())),
        new PassKeySources(ConfigValues.blankToNull(json.getValue("passKey")), ConfigValues.blankToNull(json.getValue("passKeyFile")),
            ConfigValues.blankToNull(json.getValue("passKeyPrevious")), ConfigValues.blankToNull(json.getValue("passKeyPreviousFile"))),
        ConfigValues.blankToNull(json.getValue("clusterConfig")),
        new Cluster(ConfigValues.blankToNull(json.getValue("clusterName")), ConfigValues.urls(json.getValue("clusterMembers")),
            ConfigValues.blankToNull(json.getValue("clusterInterface")), ConfigValues.intValue(json, "clusterPort", 0)),
        json.getValue("keyPrefix") == null ? d.keyPrefix : json.getValue("keyPrefix").toString(),
        ConfigValues.intValue(json, "tickMillis", d.tickMillis),
        ConfigValues.boolValue(json, "demo", d.demo),
        new Clients(ConfigValues.urls(json.getValue("trustedProxies")), ConfigValues.urls(json.getValue("unlimitedClients")),
            ConfigValues.intValue(json, "socketsPerAddress", d.clients.socketsPerAddress()),
            ConfigValues.intValue(json, "socketsPerNetwork", d.clients.socketsPerNetwork())),
        new Caches(ConfigValues.intValue(json, "cachedSeats", d.caches.seats()),
            ConfigValues.intValue(json, "cacheIdleSeconds", d.caches.idleSeconds())));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("httpPort", http.port())
        .put("httpInstances", http.instances())
        .put("redisUrl", String.join(",", redis.urls()))
        .put("redisWaitReplicas", redis.waitReplicas())
        .put("pgUrl", pg.url())
        .put("pgSchema", pg.schema())
        .put("adminKey", access.adminKey())
        .put("secret", access.secret())
        .put("tokenTtlSeconds", access.tokenTtlSeconds())
        .put("passKey", passKeys.pem())
        .put("passKeyFile", passKeys.file())
        .put("passKeyPrevious", passKeys.previousPem())
        .put("passKeyPreviousFile", passKeys.previousFile())
        .put("clusterConfig", clusterConfig)
        .put("clusterName", cluster.name())
        .put("clusterMembers", String.join(",", cluster.members()))
        .put("clusterInterface", cluster.networkInterface())
        .put("clusterPort", cluster.port())
        .put("keyPrefix", keyPrefix)
        .put("tickMillis", tickMillis)
        .put("demo", demo)
        .put("trustedProxies", String.join(",", clients.trustedProxies()))
        .put("unlimitedClients", String.join(",", clients.unlimitedClients()))
        .put("socketsPerAddress", clients.socketsPerAddress())
        .put("socketsPerNetwork", clients.socketsPerNetwork())
        .put("cachedSeats", caches.seats())
        .put("cacheIdleSeconds", caches.idleSeconds());
  }

  /**
   * This configuration with some keys set as in the JSON file: every change goes through the
   * same reading and checks as a file's, and no method has to repeat every setting.
   */
  public FoyerConfig with(JsonObject changes) {
    return fromJson(toJson().mergeIn(changes));
  }

  public FoyerConfig withHttpPort(int port) {
    return with(new JsonObject().put("httpPort", port));
  }

  public FoyerConfig withServers(List<String> redisUrls, String pgUrl) {
    return with(new JsonObject().put("redisUrl", String.join(",", redisUrls)).put("pgUrl", pgUrl));
  }

  public FoyerConfig withKeys(String adminKey, String tokenSecret) {
    return with(new JsonObject().put("adminKey", adminKey).put("secret", tokenSecret));
  }

  public FoyerConfig withDemo(boolean createDemo) {
    return with(new JsonObject().put("demo", createDemo));
  }

  /** The four pass-key sources at once (PEM or file, current and previous); null leaves one unset. */
  public FoyerConfig withPassKeys(String pem, String file, String previousPem, String previousFile) {
    return with(new JsonObject().put("passKey", pem).put("passKeyFile", file).put("passKeyPrevious", previousPem)
        .put("passKeyPreviousFile", previousFile));
  }

  /** How many replicas a write waits for (0: none). */
  public FoyerConfig withRedisWaitReplicas(int replicas) {
    return with(new JsonObject().put("redisWaitReplicas", replicas));
  }

  /** How many seats of layouts and seat maps the node keeps, and for how long unused. */
  public FoyerConfig withCaches(Caches kept) {
    return with(new JsonObject().put("cachedSeats", kept.seats()).put("cacheIdleSeconds", kept.idleSeconds()));
  }

  /** Who is a trusted proxy, who is never limited, and the socket limits. */
  public FoyerConfig withClients(Clients who) {
    return with(new JsonObject().put("trustedProxies", String.join(",", who.trustedProxies()))
        .put("unlimitedClients", String.join(",", who.unlimitedClients()))
        .put("socketsPerAddress", who.socketsPerAddress()).put("socketsPerNetwork", who.socketsPerNetwork()));
  }
}
