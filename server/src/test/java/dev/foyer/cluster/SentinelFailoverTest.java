package dev.foyer.cluster;

import dev.foyer.common.Keys;
import dev.foyer.support.ApiClient;
import dev.foyer.support.FailoverRun;
import dev.foyer.support.LocalRedis;
import dev.foyer.support.LocalRedisSentinel;
import dev.foyer.support.SaleAudit;
import dev.foyer.support.SaleUnderLoad;
import dev.foyer.support.TestNode;
import dev.foyer.support.TestServices;
import dev.foyer.support.TestSetup;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.ResponseType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis Sentinel: the master is killed (SIGKILL) in the middle of a sale on a foyer node that
 * knows only the Sentinels; they promote the replica and the sale goes on there. Prints the gap
 * and what, if anything, the asynchronous replication lost ({@code -Dfoyer.failover.waitReplicas=0}
 * runs it without WAIT, for comparison).
 */
@ExtendWith(VertxExtension.class)
class SentinelFailoverTest {

  private static final String EVENT = "sentinel-sale";
  private static LocalRedisSentinel redis;
  private static TestNode node;
  private final TestSetup setup = new TestSetup();

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(LocalRedis.available(),
        "redis-server and redis-cli are not installed here; skipping the Redis Sentinel failover test");
    redis = LocalRedisSentinel.start();
    node = TestNode.start(TestSetup.clusterName(SentinelFailoverTest.class));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void undeploy(Vertx vertx) throws Exception {
    node.undeploy().await(30, TimeUnit.SECONDS);
    setup.cleanUp(vertx);
  }

  @Test
  void theMasterDiesMidSaleAndTheSaleGoesOnOnThePromotedReplica(Vertx vertx) throws Exception {
    int waitReplicas = Integer.getInteger("foyer.failover.waitReplicas", 1);
    node.deploy(setup.config().withServers(List.of(redis.url()), TestServices.pgUrl())
        .withRedisWaitReplicas(waitReplicas)).await(60, TimeUnit.SECONDS);
    ApiClient api = new ApiClient(vertx, node.port());
    SaleUnderLoad.Shape shape = SaleUnderLoad.Shape.small();
    SaleUnderLoad sale = new SaleUnderLoad(vertx, List.of(api), EVENT, shape);
    sale.create(node.vertx().eventBus()).await(20, TimeUnit.SECONDS);

    // the moment the first Sentinel announces the new master, as any client subscribed to them hears it
    Promise<Long> switched = Promise.promise();
    List<Redis> sentinelClients = new java.util.ArrayList<>();
    for (LocalRedis sentinel : redis.sentinels()) {
      Redis client = Redis.createClient(vertx, sentinel.url());
      sentinelClients.add(client);
      RedisConnection subscription = client.connect().await(10, TimeUnit.SECONDS);
      subscription.handler(msg -> {
        if ((msg.type() == ResponseType.PUSH || msg.type() == ResponseType.MULTI) && msg.size() >= 3
            && "message".equalsIgnoreCase(msg.get(0).toString())
            && msg.get(2).toString().startsWith(LocalRedisSentinel.MASTER_NAME + " ")) {
          switched.tryComplete(System.currentTimeMillis());
        }
      });
      subscription.send(Request.cmd(Command.SUBSCRIBE).arg("+switch-master")).await(10, TimeUnit.SECONDS);
    }

    String loadBefore = SaleAudit.loadAverage();
    long unreplicatedAtStart = SaleAudit.unreplicatedWrites();
    long startedAt = System.currentTimeMillis();
    sale.start();
    assertTrue(SaleAudit.await(() -> sale.joinsAnswered201() >= 150 && sale.confirmations() >= 5, 30_000),
        "the sale got going: " + sale.joinsAnswered201() + " joins, " + sale.confirmations() + " sales");

    long unreplicatedBefore = SaleAudit.unreplicatedWrites() - unreplicatedAtStart;
    long killedAt = System.currentTimeMillis();
    redis.master().kill();
    long switchedAt = switched.future().await(30, TimeUnit.SECONDS);
    assertTrue(SaleAudit.await(() -> sale.firstJoinAnsweredAfter(killedAt) > 0, 30_000),
        "joins work again after the failover: " + sale.unexpected());
    // the sale goes on a while on the promoted master: admissions, holds and sales
    assertTrue(SaleAudit.await(() -> sale.confirmationsAfter(switchedAt) >= 5
            && sale.admissionsNoticedAfter(switchedAt) >= 15, 20_000),
        "sales go on after the failover: " + sale.confirmationsAfter(switchedAt) + " sales, "
            + sale.admissionsNoticedAfter(switchedAt) + " admissions");
    sale.stop();
    long stoppedAt = System.currentTimeMillis();
    String loadAfter = SaleAudit.loadAverage();
    sentinelClients.forEach(Redis::close);

    assertEquals(redis.replica().port(), redis.currentMasterPort(), "the Sentinels promoted the replica");
    List<String> lost = sale.lostJoins(api).await(60, TimeUnit.SECONDS);
    Redis newMaster = Redis.createClient(vertx, redis.replica().url());
    var pg = setup.pg(vertx);
    SaleAudit audit = SaleAudit.of(sale, pg, newMaster, new Keys(setup.prefix(), EVENT), EVENT);
    newMaster.close();
    pg.close();
    FailoverRun run = new FailoverRun("Sentinel failover", waitReplicas, "+switch-master", sale, shape, audit, lost,
        startedAt, killedAt, switchedAt, stoppedAt, unreplicatedBefore, loadBefore, loadAfter);
    run.print();
    api.close();
    run.check();
  }
}
