package dev.foyer;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import dev.foyer.devmode.DevServers;
import io.vertx.core.Vertx;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Starts one foyer node: configuration, dev-mode servers if needed, the cluster, the verticles. */
public final class Main {

  /** How long a member address may take to accept and to answer Hazelcast's greeting, at start. */
  private static final int MEMBER_CONNECT_MILLIS = 1000;
  private static final int MEMBER_ANSWER_MILLIS = 2000;

  private Main() {
  }

  public static void main(String[] args) {
    System.setProperty("java.net.preferIPv4Stack", "true");
    System.setProperty("hazelcast.logging.type", "slf4j");
    Logger log = LoggerFactory.getLogger(Main.class);
    warnUnlessExitOnOutOfMemory(log);

    FoyerConfig config;
    try {
      config = FoyerConfig.load(System.getenv());
    } catch (IllegalArgumentException e) {
      log.error("Cannot start: {}", e.getMessage());
      System.exit(2);
      return;
    }

    if (config.pg().url() != null && config.access().secret() == null) {
      // the secret seals the pass key kept in that database: a made-up one would not open it next time
      log.error("Cannot start: FOYER_SECRET must be set when PostgreSQL is configured (FOYER_PG_URL)");
      System.exit(2);
      return;
    }
    DevServers dev = new DevServers();
    boolean devMode = config.devMode();
    if (devMode) {
      config = dev.startMissing(config).withDemo(true);
      if (config.access().adminKey() == null || config.access().secret() == null) {
        String admin = config.access().adminKey() != null ? config.access().adminKey() : randomKey();
        String secret = config.access().secret() != null ? config.access().secret() : randomKey();
        config = config.withKeys(admin, secret);
        log.info("Dev mode: admin key is {} (set FOYER_ADMIN_KEY and FOYER_SECRET to choose your own)", admin);
      }
    } else if (config.access().adminKey() == null || config.access().secret() == null) {
      log.error("Cannot start: FOYER_ADMIN_KEY and FOYER_SECRET must be set when Redis and PostgreSQL are configured");
      System.exit(2);
      return;
    }

    Config hazelcast;
    ClusterIdentity identity = ClusterIdentity.of(config);
    ClusterIdentity.Choice cluster;
    try {
      hazelcast = ClusterConfigs.apply(ClusterConfigs.load(config.clusterConfig()), config.cluster());
      cluster = identity.choose(config.cluster(), hazelcast, ClusterConfigs.source(config.clusterConfig()), devMode);
      identity.apply(hazelcast, cluster);
    } catch (RuntimeException e) {
      log.error("Cannot start: {}", e.getMessage());
      dev.close();
      System.exit(2);
      return;
    }
    log.info("Cluster '{}': {}", cluster.name(), cluster.reason());
    if (!cluster.alone()) {
      for (String member : new MemberProbe(MEMBER_CONNECT_MILLIS, MEMBER_ANSWER_MILLIS).apply(hazelcast)) {
        log.warn("Member address {} left out: a program there accepts connections but does not answer as a Hazelcast "
            + "member, and Hazelcast would wait on it for minutes before forming a cluster. Nodes on the other "
            + "member addresses are still found; free that port or list other ports", member);
      }
    }

    FoyerConfig finalConfig = config;
    HazelcastClusterManager clusterManager = new HazelcastClusterManager(hazelcast);
    Vertx vertx;
    try {
      var options = FoyerNode.vertxOptions();
      if (config.cluster().networkInterface() != null) {
        // the event bus listens and announces itself on the same interface as Hazelcast
        options.getEventBusOptions().setHost(config.cluster().networkInterface());
      }
      vertx = Vertx.builder()
          .with(options)
          .withMetrics(new MicrometerMetricsFactory())
          .withClusterManager(clusterManager)
          .buildClustered()
          .await(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      log.error("Cannot start: {}", e.getMessage() == null ? e.toString() : e.getMessage());
      dev.close();
      System.exit(1);
      return;
    }
    // checked before anything is deployed: a node that leaves now has taken no lock, sent nothing
    String refusal = identity.refusal(clusterManager.getHazelcastInstance().getCluster());
    if (refusal != null) {
      log.error("Cannot start: this node refuses cluster '{}': {}. Nodes join only nodes that share their state: "
          + "give this node the others' FOYER_REDIS_URL, FOYER_PG_URL, FOYER_KEY_PREFIX, FOYER_PG_SCHEMA and "
          + "FOYER_SECRET, or another FOYER_CLUSTER_NAME", cluster.name(), refusal);
      leave(vertx, log);
      dev.close();
      System.exit(2);
      return;
    }
    logMembership(clusterManager, identity, log);
    try {
      FoyerNode.deploy(vertx, finalConfig).await(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      log.error("Cannot start: {}", e.getMessage() == null ? e.toString() : e.getMessage());
      leave(vertx, log);
      dev.close();
      System.exit(1);
      return;
    }
    log.info("foyer is up at http://localhost:{}/ ({} ingress instances, {} transport, {} nodes in the cluster)",
        config.http().port(), config.http().instances(), vertx.isNativeTransportEnabled() ? "native epoll" : "Java NIO",
        clusterManager.getNodes().size());

    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("Shutting down: undeploying verticles and leaving the cluster");
      try {
        vertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("Shutdown did not finish cleanly: {}", e.getMessage());
      }
      dev.close();
      log.info("Stopped");
    }, "foyer-shutdown"));
  }

  /** One line when a node joins or leaves the cluster, in words an operator understands. */
  private static void logMembership(HazelcastClusterManager manager, ClusterIdentity identity, Logger log) {
    Set<UUID> refused = ConcurrentHashMap.newKeySet();
    manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        String why = identity.difference(event.getMember());
        if (why != null) {
          refused.add(event.getMember().getUuid());
          log.error("Refused node {}: {}; it leaves again without serving anything (nodes join only nodes that "
              + "share their state)", event.getMember().getAddress(), why);
          return;
        }
        log.info("Node {} joined the cluster ({} nodes now)", event.getMember().getAddress(), event.getMembers().size());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        if (refused.remove(event.getMember().getUuid())) {
          log.info("Refused node {} has left ({} nodes now)", event.getMember().getAddress(), event.getMembers().size());
          return;
        }
        log.warn("Node {} left the cluster ({} nodes now); its events' ticks move to another node within seconds",
            event.getMember().getAddress(), event.getMembers().size());
      }
    });
  }

  private static void leave(Vertx vertx, Logger log) {
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Leaving the cluster did not finish cleanly: {}", e.getMessage());
    }
  }

  /**
   * A node out of memory half-works (health hangs, the process stays up) and holds its events' locks;
   * one that exits hands them to the cluster within seconds. The JVM flag cannot be set from inside.
   */
  private static void warnUnlessExitOnOutOfMemory(Logger log) {
    var diagnostics = java.lang.management.ManagementFactory.getPlatformMXBean(
        com.sun.management.HotSpotDiagnosticMXBean.class);
    if (diagnostics != null && !"true".equals(diagnostics.getVMOption("ExitOnOutOfMemoryError").getValue())) {
      log.warn("Started without -XX:+ExitOnOutOfMemoryError: out of memory, this node would linger half-dead "
          + "instead of leaving the cluster; start it as the README shows");
    }
  }

  private static String randomKey() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
