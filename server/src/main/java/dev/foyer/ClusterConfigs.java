package dev.foyer;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the Hazelcast configuration comes from: FOYER_CLUSTER_CONFIG, ./cluster.xml, or loopback. */
public final class ClusterConfigs {

  private ClusterConfigs() {
  }

  /** The XML file the configuration comes from, or null for the built-in loopback default. */
  public static String source(String configured) {
    return configured != null ? configured : (Files.exists(Path.of("cluster.xml")) ? "cluster.xml" : null);
  }

  /**
   * Without an XML, the loopback default leaves the cluster unnamed, so that {@link ClusterIdentity}
   * names it after the state the node serves.
   */
  public static Config load(String configured) {
    String path = source(configured);
    if (path == null) {
      return loopback(ClusterIdentity.UNNAMED);
    }
    try {
      return new FileSystemXmlConfig(path);
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("the cluster configuration " + path + " does not exist");
    }
  }

  /** Applies what the environment says (FOYER_CLUSTER_*) over the XML or default configuration. */
  public static Config apply(Config config, FoyerConfig.Cluster cluster) {
    if (cluster.name() != null) {
      config.setClusterName(cluster.name());
    }
    NetworkConfig network = config.getNetworkConfig();
    if (cluster.port() > 0) {
      network.setPort(cluster.port());
    }
    if (cluster.networkInterface() != null) {
      network.getInterfaces().setEnabled(true).setInterfaces(List.of(cluster.networkInterface()));
    } else if (!cluster.members().isEmpty()) {
      // members on other hosts cannot be reached through the loopback-only default
      network.getInterfaces().setEnabled(false);
    }
    if (!cluster.members().isEmpty()) {
      JoinConfig join = network.getJoin();
      join.getMulticastConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    }
    return config;
  }

  /** The same cluster as the shipped cluster.xml: TCP on loopback, no multicast, short CP sessions. */
  public static Config loopback(String clusterName) {
    Config config = new Config().setClusterName(clusterName);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "3");
    NetworkConfig network = config.getNetworkConfig().setPort(5701).setPortAutoIncrement(true).setPortCount(20);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).addMember("127.0.0.1");
    config.getCPSubsystemConfig().setSessionTimeToLiveSeconds(10).setSessionHeartbeatIntervalSeconds(2);
    config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return config;
  }
}
