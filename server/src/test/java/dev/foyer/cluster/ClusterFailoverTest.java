package dev.foyer.cluster;

import dev.foyer.FoyerConfig;
import dev.foyer.common.Keys;
import dev.foyer.common.RedisClients;
import dev.foyer.support.ApiClient;
import dev.foyer.support.FailoverRun;
import dev.foyer.support.LocalRedisCluster;
import dev.foyer.support.SaleAudit;
import dev.foyer.support.SaleFailover;
import dev.foyer.support.SaleUnderLoad;
import dev.foyer.support.TestServices;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis Cluster with a replica per master: the master serving the sale's slot is killed
 * (SIGKILL) mid-sale; the Cluster promotes its replica and the sale goes on. Before that, WAIT is
 * shown to reach the right node: with that master's replica asleep, writes of the sale's slot are
 * answered after the WAIT timeout and counted as unconfirmed.
 */
@ExtendWith(VertxExtension.class)
class ClusterFailoverTest {

  private static final String EVENT = "cluster-sale";

  @RegisterExtension
  static final SaleFailover<LocalRedisCluster> failover = SaleFailover.over(ClusterFailoverTest.class, () -> {
    Assumptions.assumeTrue(LocalRedisCluster.available(),
        "redis-server and redis-cli are not installed here; skipping the Redis Cluster failover test");
    // a node unanswered for a second is failing; DEBUG SLEEP (from loopback) stands in for a stalled replica
    return LocalRedisCluster.start(3, 1, "--cluster-node-timeout", "1000", "--enable-debug-command", "local");
  });

  @Test
  void theMasterOfTheSalesSlotDiesAndItsReplicaTakesOver(Vertx vertx) throws Exception {
    LocalRedisCluster redis = failover.redis();
    FoyerConfig config = failover.deploy(redis.urls());
    Keys keys = new Keys(failover.setup().prefix(), EVENT);
    int master = redis.masterOf(keys.waiting);
    int replica = redis.replicaOf(master);
    ApiClient api = failover.api();
    SaleUnderLoad.Shape shape = SaleUnderLoad.Shape.small();
    SaleUnderLoad sale = failover.sale(EVENT, shape);

    if (failover.waitReplicas() > 0) {
      // WAIT has no key: sent alone the client would give it to any master. In the script's batch it
      // goes where the script went, so only a stalled replica of this very master holds it up.
      assertEquals(201, api.join(EVENT).await(10, TimeUnit.SECONDS).statusCode());
      long before = SaleAudit.unreplicatedWrites();
      Process sleep = new ProcessBuilder("/usr/bin/redis-cli", "-p", String.valueOf(replica), "debug", "sleep", "1")
          .redirectErrorStream(true).start();
      Thread.sleep(200);
      long start = System.currentTimeMillis();
      assertEquals(201, api.join(EVENT).await(10, TimeUnit.SECONDS).statusCode());
      long joinMillis = System.currentTimeMillis() - start;
      sleep.waitFor(10, TimeUnit.SECONDS);
      long counted = SaleAudit.unreplicatedWrites() - before;
      System.out.printf("Cluster WAIT routing: with the replica of the sale's master asleep a join took %d ms and %d "
          + "write(s) of the slot were answered unconfirmed%n", joinMillis, counted);
      // sent to any other master the join comes back at once and unconfirmed by nobody; held up past
      // the WAIT's 100 ms, or counted as unconfirmed, it waited on this master's sleeping replica
      assertTrue(counted >= 1 || joinMillis >= 100, "the WAIT went to the sale's master, whose replica was asleep");
    }

    // an event whose slot lives on another master, joined all along: does its shard notice the failover?
    String other = null;
    for (int i = 0; other == null; i++) {
      if (redis.masterOf(new Keys(failover.setup().prefix(), "other-" + i).waiting) != master) {
        other = "other-" + i;
      }
    }
    SaleUnderLoad otherShard = failover.alongside(other,
        new SaleUnderLoad.Shape(shape.maxActive(), shape.activeSeconds(), 1, 50, 0, 100, 1, 10));

    failover.start();
    Redis onReplica = Redis.createClient(vertx, "redis://127.0.0.1:" + replica);
    failover.kill(() -> redis.kill(master));
    // the replica's own word that it took over: ROLE answers "master"
    assertTrue(SaleAudit.await(() -> "master".equals(role(onReplica)), 30_000), "the replica was promoted");
    long promotedAt = System.currentTimeMillis();
    onReplica.close();
    failover.goesOnAfter(promotedAt);
    failover.stop();

    assertEquals(replica, redis.masterOf(keys.waiting), "the replica serves the sale's slot now");
    FailoverRun run = failover.run("Cluster failover", "the replica's ROLE says master",
        clients -> RedisClients.open(clients, config.withServers(
            redis.urls().stream().filter(u -> !u.endsWith(":" + master)).toList(), TestServices.pgUrl()).redis()));
    run.print();
    long otherBack = otherShard.firstJoinAnsweredAfter(promotedAt);
    System.out.printf("Cluster failover: an event on another master meanwhile: %d joins answered 503; its first join "
            + "sent after the promotion answered 201 %d ms after it%n", otherShard.joins503(), otherBack - promotedAt);
    assertEquals(List.of(), otherShard.unexpected(), "the other shard's event answered 2xx or 503 only");
    run.check();
  }

  private static String role(Redis redis) {
    try {
      Response r = redis.send(Request.cmd(Command.ROLE)).await(2, TimeUnit.SECONDS);
      return r.get(0).toString();
    } catch (Exception e) {
      return "unreachable";
    }
  }
}
