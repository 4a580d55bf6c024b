package dev.foyer;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JoinConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a node names its cluster and what it tells other members about itself, without starting one. */
class ClusterIdentityTest {

  private static final Map<String, String> DEPLOYMENT = Map.of(
      "FOYER_REDIS_URL", "redis://10.0.0.21:6379",
      "FOYER_PG_URL", "postgresql://foyer:s3cret-pw@db.internal:5432/tickets",
      "FOYER_ADMIN_KEY", "admin-key",
      "FOYER_SECRET", "a-secret-of-sixteen-or-more");

  private static FoyerConfig config(Map<String, String> changes) {
    Map<String, String> env = new HashMap<>(DEPLOYMENT);
    env.putAll(changes);
    return FoyerConfig.load(env);
  }

  private static ClusterIdentity.Choice derived(Map<String, String> changes) {
    FoyerConfig config = config(changes);
    return ClusterIdentity.of(config).choose(config.cluster(), ClusterConfigs.loopback(ClusterIdentity.UNNAMED),
        null, false);
  }

  @Test
  void withoutANameTheClusterIsNamedAfterTheStateItServes() {
    ClusterIdentity.Choice same = derived(Map.of());
    assertTrue(same.name().matches("foyer-[0-9a-f]{12}"), same.name());
    assertTrue(same.reason().contains("derived from the state"), same.reason());
    assertEquals(same.name(), derived(Map.of()).name(), "the same state, the same name on every node");
    for (Map<String, String> other : java.util.List.of(
        Map.of("FOYER_REDIS_URL", "redis://10.0.0.22:6379"),
        Map.of("FOYER_PG_URL", "postgresql://foyer:s3cret-pw@db.internal:5432/other"),
        Map.of("FOYER_KEY_PREFIX", "staging"),
        Map.of("FOYER_PG_SCHEMA", "staging"))) {
      assertNotEquals(same.name(), derived(other).name(), "other state, another cluster: " + other);
    }
  }

  @Test
  void theNameNeverCarriesAPasswordOrDependsOnOneOrOnHowAServerIsSpelled() {
    ClusterIdentity.Choice same = derived(Map.of());
    ClusterIdentity.Choice spelledOtherwise = derived(Map.of(
        "FOYER_REDIS_URL", "REDIS://10.0.0.21",
        "FOYER_PG_URL", "postgres://foyer:rotated-pw@DB.internal/tickets?sslmode=require"));
    assertEquals(same.name(), spelledOtherwise.name(), "a password rotation or a default port does not split it");
    assertFalse(same.reason().contains("s3cret-pw"), "the log line names no password: " + same.reason());
    assertTrue(same.reason().contains("postgresql://foyer@db.internal:5432/tickets"), same.reason());
  }

  @Test
  void anExplicitNameWinsThenTheXmlsThenTheDerivedOne() {
    FoyerConfig named = config(Map.of("FOYER_CLUSTER_NAME", "tickets-prod"));
    Config xml = ClusterConfigs.loopback("from-xml");
    assertEquals("tickets-prod", ClusterIdentity.of(named).choose(named.cluster(), xml, "cluster.xml", false).name());
    FoyerConfig unnamed = config(Map.of());
    ClusterIdentity.Choice fromXml = ClusterIdentity.of(unnamed).choose(unnamed.cluster(), xml, "cluster.xml", false);
    assertEquals("from-xml", fromXml.name());
    assertEquals("set in cluster.xml", fromXml.reason());
  }

  @Test
  void theShippedClusterXmlPinsNoName() throws Exception {
    Config shipped = new FileSystemXmlConfig(Path.of("..", "cluster.xml").toString());
    assertEquals(ClusterIdentity.UNNAMED, shipped.getClusterName(), "a pinned name would join unrelated nodes");
    FoyerConfig config = config(Map.of());
    assertEquals(derived(Map.of()).name(),
        ClusterIdentity.of(config).choose(config.cluster(), shipped, "cluster.xml", false).name());
  }

  @Test
  void devModeJoinsNothingWhateverIsConfigured() {
    FoyerConfig config = FoyerConfig.load(Map.of("FOYER_CLUSTER_NAME", "tickets-prod",
        "FOYER_CLUSTER_MEMBERS", "127.0.0.1")).withServers(java.util.List.of("redis://127.0.0.1:41000"),
        "postgresql://postgres@127.0.0.1:41001/postgres");
    ClusterIdentity identity = ClusterIdentity.of(config);
    ClusterIdentity.Choice first = identity.choose(config.cluster(), ClusterConfigs.loopback("x"), "cluster.xml", true);
    ClusterIdentity.Choice second = identity.choose(config.cluster(), ClusterConfigs.loopback("x"), "cluster.xml", true);
    assertTrue(first.alone());
    assertTrue(first.name().startsWith("foyer-dev-"), first.name());
    assertNotEquals(first.name(), second.name(), "two dev instances never share a name");
    Config hazelcast = identity.apply(ClusterConfigs.apply(ClusterConfigs.load(null), config.cluster()), first);
    JoinConfig join = hazelcast.getNetworkConfig().getJoin();
    assertFalse(join.getTcpIpConfig().isEnabled(), "no members to contact");
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getAutoDetectionConfig().isEnabled());
    assertEquals(first.name(), hazelcast.getClusterName());
  }

  @Test
  void membersStateTheirIdentityAsHashesOnly() {
    FoyerConfig config = config(Map.of());
    Config hazelcast = ClusterIdentity.of(config).apply(ClusterConfigs.loopback("x"), derived(Map.of()));
    Map<String, String> attributes = hazelcast.getMemberAttributeConfig().getAttributes();
    String state = attributes.get(ClusterIdentity.STATE_ATTRIBUTE);
    String secret = attributes.get(ClusterIdentity.SECRET_ATTRIBUTE);
    assertTrue(state.matches("[0-9a-f]{16}") && secret.matches("[0-9a-f]{16}"), attributes.toString());
    String otherSecret = ClusterIdentity.of(config(Map.of("FOYER_SECRET", "another-secret-of-sixteen")))
        .apply(ClusterConfigs.loopback("x"), derived(Map.of())).getMemberAttributeConfig().getAttributes()
        .get(ClusterIdentity.SECRET_ATTRIBUTE);
    assertNotEquals(secret, otherSecret, "another secret tells apart");
    assertFalse(attributes.values().stream().anyMatch(v -> v.contains("secret") || v.contains("s3cret")));
  }
}
