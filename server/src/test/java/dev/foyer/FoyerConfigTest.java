package dev.foyer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FoyerConfigTest {

  @Test
  void withNothingConfiguredItIsDevModeOnPort8080() {
    FoyerConfig config = FoyerConfig.load(Map.of());
    assertEquals(8080, config.http().port());
    assertTrue(config.devMode());
    assertNull(config.access().adminKey());
    assertEquals("foyer", config.keyPrefix());
  }

  @Test
  void theJsonFileSetsKeysAndEnvironmentVariablesWin(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("foyer.json");
    Files.writeString(file, "{\"httpPort\": 9000, \"adminKey\": \"from-file\", \"pgUrl\": \"postgresql://a@b:5432/c\"}");
    FoyerConfig config = FoyerConfig.load(Map.of(
        "FOYER_CONFIG", file.toString(),
        "FOYER_HTTP_PORT", "9100",
        "FOYER_REDIS_URL", "redis://r1:7000, redis://r2:7001"));
    assertEquals(9100, config.http().port());
    assertEquals("from-file", config.access().adminKey());
    assertEquals("postgresql://a@b:5432/c", config.pg().url());
    assertEquals(List.of("redis://r1:7000", "redis://r2:7001"), config.redis().urls());
    assertFalse(config.devMode());
  }

  @Test
  void everyKeyHasTheVariableOfTheSameName() {
    assertEquals("FOYER_HTTP_PORT", FoyerConfig.variableName("httpPort"));
    assertEquals("FOYER_REDIS_URL", FoyerConfig.variableName("redisUrl"));
    assertEquals("FOYER_PASS_KEY", FoyerConfig.variableName("passKey"));
    assertEquals("FOYER_CLUSTER_CONFIG", FoyerConfig.variableName("clusterConfig"));
  }

  @Test
  void clusterVariablesOverrideTheLoopbackClusterForRealNetworks() {
    FoyerConfig config = FoyerConfig.load(Map.of(
        "FOYER_CLUSTER_NAME", "tickets-prod",
        "FOYER_CLUSTER_MEMBERS", "10.0.0.11,10.0.0.12:5701",
        "FOYER_CLUSTER_INTERFACE", "10.0.0.11",
        "FOYER_CLUSTER_PORT", "5801"));
    var hazelcast = ClusterConfigs.apply(ClusterConfigs.loopback("foyer"), config.cluster());
    assertEquals("tickets-prod", hazelcast.getClusterName());
    List<String> members = hazelcast.getNetworkConfig().getJoin().getTcpIpConfig().getMembers();
    assertEquals(21, members.size(), "a host without a port on every port of the range, one with a port once: " + members);
    assertEquals(List.of("10.0.0.11:5801", "10.0.0.11:5802"), members.subList(0, 2));
    assertEquals(List.of("10.0.0.11:5820", "10.0.0.12:5701"), members.subList(19, 21));
    assertEquals(List.of("10.0.0.11"), List.copyOf(hazelcast.getNetworkConfig().getInterfaces().getInterfaces()));
    assertEquals(5801, hazelcast.getNetworkConfig().getPort());
    assertFalse(hazelcast.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
  }

  @Test
  void membersWithoutAnInterfaceLiftTheLoopbackRestriction() {
    FoyerConfig config = FoyerConfig.load(Map.of("FOYER_CLUSTER_MEMBERS", "foyer1,foyer2,foyer3"));
    var hazelcast = ClusterConfigs.apply(ClusterConfigs.loopback("foyer"), config.cluster());
    assertFalse(hazelcast.getNetworkConfig().getInterfaces().isEnabled());
    List<String> members = hazelcast.getNetworkConfig().getJoin().getTcpIpConfig().getMembers();
    assertEquals(60, members.size(), members.toString());
    assertTrue(members.containsAll(List.of("foyer1:5701", "foyer2:5710", "foyer3:5720")), members.toString());
  }

  @Test
  void withoutClusterVariablesTheXmlDecides() {
    var hazelcast = ClusterConfigs.apply(ClusterConfigs.loopback("foyer"), FoyerConfig.load(Map.of()).cluster());
    assertEquals("foyer", hazelcast.getClusterName());
    assertEquals(ports("127.0.0.1", 5701, 5720), hazelcast.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
  }

  /**
   * Hazelcast tries a bare member on three ports only and parses no range: the shipped XML and the
   * built-in default name every port of theirs, and a member given without a port gets them all.
   */
  @Test
  void everyPortOfTheRangeIsAMember() throws Exception {
    var shipped = new com.hazelcast.config.FileSystemXmlConfig(java.nio.file.Path.of("..", "cluster.xml").toString());
    var network = shipped.getNetworkConfig();
    assertEquals(ports("127.0.0.1", network.getPort(), network.getPort() + network.getPortCount() - 1),
        network.getJoin().getTcpIpConfig().getMembers(), "cluster.xml lists its whole range");
    assertEquals(network.getJoin().getTcpIpConfig().getMembers(),
        ClusterConfigs.loopback("x").getNetworkConfig().getJoin().getTcpIpConfig().getMembers(), "as the default does");

    var moved = ClusterConfigs.apply(new com.hazelcast.config.FileSystemXmlConfig(
        java.nio.file.Path.of("..", "cluster.xml").toString()), FoyerConfig.load(Map.of("FOYER_CLUSTER_PORT", "6801")).cluster());
    assertEquals(ports("127.0.0.1", 6801, 6820), moved.getNetworkConfig().getJoin().getTcpIpConfig().getMembers(),
        "FOYER_CLUSTER_PORT moves the listed range with the port");

    var mixed = ClusterConfigs.apply(ClusterConfigs.loopback("x"), FoyerConfig.load(Map.of(
        "FOYER_CLUSTER_MEMBERS", "10.0.0.1, [fd00::1],fd00::2,[fd00::3]:5799,10.0.0.4:5702")).cluster());
    List<String> members = mixed.getNetworkConfig().getJoin().getTcpIpConfig().getMembers();
    assertEquals(62, members.size(), members.toString());
    assertTrue(members.containsAll(List.of("10.0.0.1:5701", "10.0.0.1:5720", "[fd00::1]:5701", "[fd00::2]:5720",
        "[fd00::3]:5799", "10.0.0.4:5702")), members.toString());
  }

  private static List<String> ports(String host, int from, int to) {
    List<String> members = new java.util.ArrayList<>();
    for (int port = from; port <= to; port++) {
      members.add(host + ":" + port);
    }
    return members;
  }

  @Test
  void aBadValueIsNamedInTheError() {
    var e = assertThrows(IllegalArgumentException.class, () -> FoyerConfig.load(Map.of("FOYER_HTTP_PORT", "eighty")));
    assertTrue(e.getMessage().contains("FOYER_HTTP_PORT"));
  }
}
