package dev.foyer.common;

import dev.foyer.FoyerConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FOYER_REDIS_URL's three forms, and the mistakes refused at start with a sentence. */
class RedisUrlTest {

  private static RedisServers parse(String variable) {
    return RedisServers.parse(FoyerConfig.load(Map.of("FOYER_REDIS_URL", variable)).redis().urls());
  }

  @Test
  void oneUrlIsASingleRedis() {
    RedisServers servers = parse("redis://10.0.0.5:6379");
    assertEquals(RedisServers.Kind.SINGLE, servers.kind());
    assertEquals(List.of("redis://10.0.0.5:6379"), servers.endpoints());
    assertNull(servers.masterName());
  }

  @Test
  void severalUrlsAreRedisClusterSeeds() {
    RedisServers servers = parse("redis://r1:7000, redis://r2:7001,rediss://r3:7002");
    assertEquals(RedisServers.Kind.CLUSTER, servers.kind());
    assertEquals(List.of("redis://r1:7000", "redis://r2:7001", "rediss://r3:7002"), servers.endpoints());
  }

  @Test
  void sentinelsAndTheMasterName() {
    RedisServers servers = parse("redis-sentinel://s1:26379,s2:26380,s3/tickets");
    assertEquals(RedisServers.Kind.SENTINEL, servers.kind());
    assertEquals("tickets", servers.masterName());
    assertEquals(List.of("redis://s1:26379", "redis://s2:26380", "redis://s3:26379"), servers.endpoints(),
        "Sentinel's port is the default where none is given");
  }

  @Test
  void aPasswordIsUsedForEverySentinelAndTheMaster() {
    RedisServers servers = parse("redis-sentinel://foyer:s3cret@10.0.0.1,10.0.0.2:26379,[::1]:26381/mymaster");
    assertEquals(List.of("redis://foyer:s3cret@10.0.0.1:26379", "redis://foyer:s3cret@10.0.0.2:26379",
        "redis://foyer:s3cret@[::1]:26381"), servers.endpoints());
  }

  @Test
  void mistakesStopTheNodeAtStartInWords() {
    IllegalArgumentException noName = assertThrows(IllegalArgumentException.class,
        () -> FoyerConfig.load(Map.of("FOYER_REDIS_URL", "redis-sentinel://s1:26379,s2:26379")));
    assertTrue(noName.getMessage().contains("master set's name"), noName.getMessage());
    IllegalArgumentException bareHost = assertThrows(IllegalArgumentException.class,
        () -> FoyerConfig.load(Map.of("FOYER_REDIS_URL", "redis://a:6379,b:6379")));
    assertTrue(bareHost.getMessage().contains("'b:6379' is not a redis:// address"), bareHost.getMessage());
    IllegalArgumentException badHost = assertThrows(IllegalArgumentException.class,
        () -> FoyerConfig.load(Map.of("FOYER_REDIS_URL", "redis-sentinel://s1:26379,s 2/m")));
    assertTrue(badHost.getMessage().contains("not a Sentinel's host"), badHost.getMessage());
  }

  @Test
  void writesWaitForOneReplicaUnlessToldOtherwise() {
    assertEquals(1, FoyerConfig.load(Map.of()).redis().waitReplicas());
    assertEquals(0, FoyerConfig.load(Map.of("FOYER_REDIS_WAIT_REPLICAS", "0")).redis().waitReplicas());
    assertEquals(2, FoyerConfig.fromJson(new io.vertx.core.json.JsonObject().put("redisWaitReplicas", 2))
        .redis().waitReplicas());
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> FoyerConfig.load(Map.of("FOYER_REDIS_WAIT_REPLICAS", "-1")));
    assertEquals("FOYER_REDIS_WAIT_REPLICAS must be 0 or more, not -1", negative.getMessage());
  }

  @Test
  void theHashTagDecidesWhichMasterAWriteWaitsOn() {
    assertEquals("sale-1", ReplicatedRedis.hashTag("foyer:{sale-1}:waiting"));
    assertEquals("foyer:{}:x", ReplicatedRedis.hashTag("foyer:{}:x"));
    assertEquals("plain", ReplicatedRedis.hashTag("plain"));
  }
}
