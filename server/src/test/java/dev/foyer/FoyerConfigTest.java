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
    assertEquals(8080, config.httpPort());
    assertTrue(config.devMode());
    assertNull(config.adminKey());
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
    assertEquals(9100, config.httpPort());
    assertEquals("from-file", config.adminKey());
    assertEquals("postgresql://a@b:5432/c", config.pgUrl());
    assertEquals(List.of("redis://r1:7000", "redis://r2:7001"), config.redisUrls());
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
    assertEquals(List.of("10.0.0.11", "10.0.0.12:5701"), hazelcast.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    assertEquals(List.of("10.0.0.11"), List.copyOf(hazelcast.getNetworkConfig().getInterfaces().getInterfaces()));
    assertEquals(5801, hazelcast.getNetworkConfig().getPort());
    assertFalse(hazelcast.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
  }

  @Test
  void membersWithoutAnInterfaceLiftTheLoopbackRestriction() {
    FoyerConfig config = FoyerConfig.load(Map.of("FOYER_CLUSTER_MEMBERS", "foyer1,foyer2,foyer3"));
    var hazelcast = ClusterConfigs.apply(ClusterConfigs.loopback("foyer"), config.cluster());
    assertFalse(hazelcast.getNetworkConfig().getInterfaces().isEnabled());
    assertEquals(List.of("foyer1", "foyer2", "foyer3"), hazelcast.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
  }

  @Test
  void withoutClusterVariablesTheXmlDecides() {
    var hazelcast = ClusterConfigs.apply(ClusterConfigs.loopback("foyer"), FoyerConfig.load(Map.of()).cluster());
    assertEquals("foyer", hazelcast.getClusterName());
    assertEquals(List.of("127.0.0.1"), hazelcast.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
  }

  @Test
  void aBadValueIsNamedInTheError() {
    var e = assertThrows(IllegalArgumentException.class, () -> FoyerConfig.load(Map.of("FOYER_HTTP_PORT", "eighty")));
    assertTrue(e.getMessage().contains("FOYER_HTTP_PORT"));
  }
}
