package dev.foyer.cluster;

import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.LocalRedisCluster;
import dev.foyer.support.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The queue, push and hold flows on a real three-master Redis Cluster. */
@ExtendWith(VertxExtension.class)
class RedisClusterTest {

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1).deployedByTest();

  private static LocalRedisCluster redis;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(LocalRedisCluster.available(),
        "redis-server and redis-cli are not installed here; skipping the Redis Cluster test");
    redis = LocalRedisCluster.start();
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void joiningWaitingPushAdmissionAndHoldsWorkOnRedisCluster(Vertx vertx) throws Exception {
    cluster.deploy(config -> config.withServers(redis.urls(), TestServices.pgUrl())).await(30, TimeUnit.SECONDS);
    ApiClient api = cluster.api();
    // several events, so their keys spread over the shards
    for (String event : new String[] {"shard-a", "shard-b", "shard-c", "shard-d"}) {
      api.createEvent(event, new JsonObject().put("gate", "on").put("paused", true).put("rankPushMillis", 200))
          .await(10, TimeUnit.SECONDS);
      JsonObject first = api.join(event).await(10, TimeUnit.SECONDS).bodyAsJsonObject();
      JsonObject second = api.join(event).await(10, TimeUnit.SECONDS).bodyAsJsonObject();
      assertEquals(1L, first.getLong("position"), event);
      assertEquals(2L, second.getLong("position"), event);

      BridgeClient bridge = BridgeClient.connect(vertx, cluster.node().port()).await(10, TimeUnit.SECONDS);
      String address = "foyer.visitor." + second.getString("visitor");
      bridge.registerVisitor(second.getString("visitor"), second.getString("token")).await(5, TimeUnit.SECONDS);
      assertEquals(2L, bridge.nextMessage(address, "rank", 5000).await(10, TimeUnit.SECONDS).getLong("position"));
      api.putEvent(event, new JsonObject().put("paused", false)).await(10, TimeUnit.SECONDS);
      JsonObject admitted = bridge.nextMessage(address, "admitted", 10_000).await(15, TimeUnit.SECONDS);
      String pass = admitted.getString("pass");
      assertNotNull(pass);
      bridge.close().await(5, TimeUnit.SECONDS);

      var held = api.hold(event, pass, "A-1-1", "A-1-2").await(10, TimeUnit.SECONDS);
      assertEquals(201, held.statusCode(), held.bodyAsString());
      var confirmed = api.confirm(event, pass, held.bodyAsJsonObject().getString("holdId")).await(10, TimeUnit.SECONDS);
      assertEquals(201, confirmed.statusCode(), confirmed.bodyAsString());
      assertEquals("sold", api.seatStatuses(event).await(10, TimeUnit.SECONDS).get("A-1-2"));
    }
  }
}
