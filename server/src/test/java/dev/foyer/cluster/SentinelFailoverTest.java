package dev.foyer.cluster;

import dev.foyer.support.FailoverRun;
import dev.foyer.support.LocalRedis;
import dev.foyer.support.LocalRedisSentinel;
import dev.foyer.support.SaleFailover;
import dev.foyer.support.SaleUnderLoad;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.ResponseType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Redis Sentinel: the master is killed (SIGKILL) in the middle of a sale on a foyer node that
 * knows only the Sentinels; they promote the replica and the sale goes on there. Prints the gap
 * and what, if anything, the asynchronous replication lost ({@code -Dfoyer.failover.waitReplicas=0}
 * runs it without WAIT, for comparison).
 */
@ExtendWith(VertxExtension.class)
class SentinelFailoverTest {

  private static final String EVENT = "sentinel-sale";

  @RegisterExtension
  static final SaleFailover<LocalRedisSentinel> failover = SaleFailover.over(SentinelFailoverTest.class, () -> {
    Assumptions.assumeTrue(LocalRedis.available(),
        "redis-server and redis-cli are not installed here; skipping the Redis Sentinel failover test");
    return LocalRedisSentinel.start();
  });

  @Test
  void theMasterDiesMidSaleAndTheSaleGoesOnOnThePromotedReplica(Vertx vertx) throws Exception {
    LocalRedisSentinel redis = failover.redis();
    failover.deploy(List.of(redis.url()));
    failover.sale(EVENT, SaleUnderLoad.Shape.small());

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

    failover.start();
    failover.kill(() -> redis.master().kill());
    long switchedAt = switched.future().await(30, TimeUnit.SECONDS);
    // the sale goes on a while on the promoted master: admissions, holds and sales
    failover.goesOnAfter(switchedAt);
    failover.stop();
    sentinelClients.forEach(Redis::close);

    assertEquals(redis.replica().port(), redis.currentMasterPort(), "the Sentinels promoted the replica");
    FailoverRun run = failover.run("Sentinel failover", "+switch-master",
        clients -> Redis.createClient(clients, redis.replica().url()));
    run.print();
    run.check();
  }
}
