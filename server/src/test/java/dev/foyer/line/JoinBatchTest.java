package dev.foyer.line;

import dev.foyer.common.Metrics;
import dev.foyer.event.EventSettings;
import dev.foyer.pass.QueueTokens;
import dev.foyer.support.LocalRedis;
import dev.foyer.support.TestSetup;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Joins that an event loop reads in one pass reach Redis in one write (common/ScriptBatcher), and
 * each is still its own join: its own place, exactly once, whether the batch runs, or Redis has
 * forgotten the script and every join of it goes again alone.
 */
@ExtendWith(VertxExtension.class)
class JoinBatchTest {

  private static final String EVENT = "batch-night";
  /** Nobody goes straight in: every join takes a place in line. */
  private static final EventSettings HELD = EventSettings.defaults().withGate(EventSettings.Gate.ON);

  private final TestSetup setup = new TestSetup();

  @AfterEach
  void cleanUp(Vertx vertx) {
    setup.cleanUp(vertx);
  }

  @Test
  void joinsReadInOnePassOnTwoEventLoopsEachGetTheirOwnPlace(Vertx vertx) throws Exception {
    Redis redis = setup.redis(vertx);
    QueueStore line = new QueueStore(redis, setup.prefix());
    // the first join of all loads the script: a batch sent before would go again run by run
    line.join(EVENT, QueueTokens.newVisitorId(), System.currentTimeMillis(), HELD, 0, null).await(10, TimeUnit.SECONDS);
    double batchedBefore = batched();

    List<Future<QueueStore.Joined>> joins = new ArrayList<>();
    joins.addAll(onePass(vertx.getOrCreateContext(), line, 40).await(10, TimeUnit.SECONDS));
    joins.addAll(onePass(vertx.getOrCreateContext(), line, 40).await(10, TimeUnit.SECONDS));
    Future.all(joins).await(20, TimeUnit.SECONDS);

    assertEquals(LongStream.rangeClosed(2, 81).boxed().toList(),
        joins.stream().map(j -> j.result().state().position()).sorted().toList(),
        "80 joins, 80 places: 2 to 81, none twice, none skipped");
    assertEquals(81L, waiting(redis), "each join is in the line once");
    assertTrue(batched() - batchedBefore >= 40,
        "the joins of one pass shared a write (" + (batched() - batchedBefore) + " batched)");
  }

  @Test
  void aRedisThatForgotTheScriptRunsEachJoinOfTheBatchAloneAndOnce(Vertx vertx) throws Exception {
    Assumptions.assumeTrue(LocalRedis.available(),
        "redis-server is not installed here; skipping the forgotten-script case (it needs a Redis of its own to flush)");
    // a Redis of its own: flushing the shared one's scripts would reach every test running beside
    Path dir = Files.createTempDirectory("foyer-join-batch");
    LocalRedis own = LocalRedis.server(dir);
    try {
      Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(own.url())
          .setMaxPoolWaiting(10_000).setMaxWaitingHandlers(10_000));
      QueueStore line = new QueueStore(redis, setup.prefix());
      line.join(EVENT, QueueTokens.newVisitorId(), System.currentTimeMillis(), HELD, 0, null).await(10, TimeUnit.SECONDS);
      // a restart or SCRIPT FLUSH: the batch's EVALSHAs all fail with NOSCRIPT, and nothing of it ran
      redis.send(Request.cmd(Command.SCRIPT).arg("FLUSH")).await(10, TimeUnit.SECONDS);

      List<Future<QueueStore.Joined>> joins = onePass(vertx.getOrCreateContext(), line, 30).await(10, TimeUnit.SECONDS);
      Future.all(joins).await(20, TimeUnit.SECONDS);

      assertEquals(LongStream.rangeClosed(2, 31).boxed().toList(),
          joins.stream().map(j -> j.result().state().position()).sorted().toList());
      assertEquals(31L, waiting(redis), "no join of the failed batch ran twice");
      redis.close().await(10, TimeUnit.SECONDS);
    } finally {
      own.close();
      LocalRedis.delete(dir);
    }
  }

  /** {@code n} joins asked for in one go on an event loop, as a pass over its sockets does. */
  private static Future<List<Future<QueueStore.Joined>>> onePass(Context loop, QueueStore line, int n) {
    Promise<List<Future<QueueStore.Joined>>> asked = Promise.promise();
    loop.runOnContext(v -> {
      List<Future<QueueStore.Joined>> joins = new ArrayList<>();
      long now = System.currentTimeMillis();
      for (int i = 0; i < n; i++) {
        joins.add(line.join(EVENT, QueueTokens.newVisitorId(), now, HELD, 0, null));
      }
      asked.complete(joins);
    });
    return asked.future();
  }

  private long waiting(Redis redis) throws Exception {
    return redis.send(Request.cmd(Command.ZCARD).arg(setup.prefix() + ":{" + EVENT + "}:waiting"))
        .await(10, TimeUnit.SECONDS).toLong();
  }

  private static double batched() {
    Counter counter = Metrics.registry().find("foyer_redis_batched_runs").tag("script", "join").counter();
    return counter == null ? 0 : counter.count();
  }
}
