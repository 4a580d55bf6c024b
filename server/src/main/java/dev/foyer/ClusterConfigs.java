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
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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

  /**
   * Applies what the environment says (FOYER_CLUSTER_*) over the XML or default configuration, then
   * names every port of the range for each member given without one (see {@link #withPorts}).
   */
  public static Config apply(Config config, FoyerConfig.Cluster cluster) {
    if (cluster.name() != null) {
      config.setClusterName(cluster.name());
    }
    NetworkConfig network = config.getNetworkConfig();
    JoinConfig join = network.getJoin();
    if (cluster.port() > 0) {
      join.getTcpIpConfig().setMembers(moved(join.getTcpIpConfig().getMembers(), network, cluster.port()));
      network.setPort(cluster.port());
    }
    if (cluster.networkInterface() != null) {
      network.getInterfaces().setEnabled(true).setInterfaces(List.of(cluster.networkInterface()));
    } else if (!cluster.members().isEmpty()) {
      // members on other hosts cannot be reached through the loopback-only default
      network.getInterfaces().setEnabled(false);
    }
    if (!cluster.members().isEmpty()) {
      join.getMulticastConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    }
    join.getTcpIpConfig().setMembers(withPorts(join.getTcpIpConfig().getMembers(), network));
    return config;
  }

  /**
   * Each member without a port becomes one member per port of the range (port, port-count). A bare
   * address is tried on its first three ports only ({@code hazelcast.tcp.join.port.try.count}): with
   * 5701 to 5703 held by other programs, a node on 5704 and one on 5705 each found no one and
   * served the same events as two clusters. Hazelcast 5.3 parses no range ("host:5701-5720") in a
   * member, so the ports are spelt out. Entries may hold several members (",", ";" or " " apart).
   */
  static List<String> withPorts(List<String> members, NetworkConfig network) {
    int count = network.isPortAutoIncrement() ? Math.max(1, network.getPortCount()) : 1;
    Set<String> expanded = new LinkedHashSet<>();
    for (String entry : members) {
      for (String member : entry.trim().split("[,; ]+")) {
        if (member.isEmpty()) {
          continue;
        }
        if (hasPort(member)) {
          expanded.add(member);
          continue;
        }
        String host = member.contains(":") && !member.startsWith("[") ? "[" + member + "]" : member;
        for (int i = 0; i < count; i++) {
          expanded.add(host + ":" + (network.getPort() + i));
        }
      }
    }
    return new ArrayList<>(expanded);
  }

  /**
   * FOYER_CLUSTER_PORT moves the whole range, and the members the XML spells out on that range
   * with it (the shipped 127.0.0.1:5701 to :5720 would otherwise name ports nobody listens on).
   */
  private static List<String> moved(List<String> members, NetworkConfig network, int port) {
    int from = network.getPort();
    int count = network.isPortAutoIncrement() ? Math.max(1, network.getPortCount()) : 1;
    List<String> out = new ArrayList<>();
    for (String member : members) {
      int colon = member.lastIndexOf(':');
      int old = hasPort(member) ? parsePort(member.substring(colon + 1)) : -1;
      out.add(old >= from && old < from + count ? member.substring(0, colon + 1) + (old - from + port) : member);
    }
    return out;
  }

  private static int parsePort(String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** "host:port" and "[v6]:port" have one; "host", "[v6]" and a bare "v6::addr" have none. */
  private static boolean hasPort(String member) {
    if (member.startsWith("[")) {
      return member.contains("]:");
    }
    int colon = member.indexOf(':');
    return colon >= 0 && colon == member.lastIndexOf(':');
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
    // every port of the range spelt out, as in cluster.xml (see withPorts)
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2)
        .setMembers(withPorts(List.of("127.0.0.1"), network));
    config.getCPSubsystemConfig().setSessionTimeToLiveSeconds(10).setSessionHeartbeatIntervalSeconds(2);
    config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return config;
  }
}
