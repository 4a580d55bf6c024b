package dev.foyer.common;

import dev.foyer.support.LocalRedis;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.impl.types.ErrorType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Which Redis replies are "cannot serve now" (503 dependency_down, retry) and which are a rejected
 * request: each produced by a real redis-server in the state a failover leaves it in, alone and
 * inside a batch (the form foyer's acknowledged writes take). LOADING, TRYAGAIN, UNBLOCKED, MOVED
 * and ASK need a large dataset, a slot migration or a demotion mid-WAIT to provoke; they are
 * checked in Redis's own words.
 */
@ExtendWith(VertxExtension.class)
class RedisFailuresTest {

  private static final String WRITE = "return redis.call('SET', KEYS[1], ARGV[1])";
  private Path dir;
  private final List<LocalRedis> servers = new ArrayList<>();
  private final List<Redis> clients = new ArrayList<>();

  @BeforeEach
  void folder() throws Exception {
    Assumptions.assumeTrue(LocalRedis.available(),
        "redis-server and redis-cli are not installed here; skipping the Redis failure classification test");
    dir = Files.createTempDirectory("foyer-redis-failures");
  }

  @AfterEach
  void stop() {
    clients.forEach(Redis::close);
    servers.forEach(LocalRedis::close);
    if (dir != null) {
      LocalRedis.delete(dir);
    }
  }

  private LocalRedis server(String... args) throws Exception {
    LocalRedis server = LocalRedis.server(dir, args);
    servers.add(server);
    return server;
  }

  private Redis client(Vertx vertx, LocalRedis server) {
    Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url()));
    clients.add(client);
    return client;
  }

  private static Request eval(String script, String key, String value) {
    return Request.cmd(Command.EVAL).arg(script).arg(1).arg(key).arg(value);
  }

  /** The failure alone and as the first command of a batch, both transient and answered 503. */
  private static void assertRetry(Redis redis, Request request, String code) throws Exception {
    Throwable alone = failure(redis.send(request));
    Throwable inBatch = failure(redis.batch(List.of(request, Request.cmd(Command.PING))));
    for (Throwable err : List.of(alone, inBatch)) {
      assertInstanceOf(ErrorType.class, err, String.valueOf(err));
      assertEquals(code, Failures.redisCode(err), err.getMessage());
      assertTrue(Failures.isUnreachable(err), err.getMessage());
      ApiError api = assertInstanceOf(ApiError.class, failure(Future.failedFuture(err).recover(Failures.redis())));
      assertEquals(503, api.status());
      assertEquals("dependency_down", api.code());
    }
  }

  @Test
  void aWriteOnAReplicaIsReadonlyAndRetried(Vertx vertx) throws Exception {
    LocalRedis master = server();
    LocalRedis replica = server("--replicaof", "127.0.0.1", String.valueOf(master.port()));
    Redis onReplica = client(vertx, replica);
    // what a demoted master answers until the client's picture of the topology moves on
    assertRetry(onReplica, Request.cmd(Command.SET).arg("k").arg("v"), "READONLY");
    // and a script that writes: Redis 7 refuses it with the same code
    assertRetry(onReplica, eval(WRITE, "k", "v"), "READONLY");
  }

  @Test
  void aReplicaThatLostItsMasterIsMasterdown(Vertx vertx) throws Exception {
    LocalRedis master = server();
    LocalRedis replica = server("--replicaof", "127.0.0.1", String.valueOf(master.port()),
        "--replica-serve-stale-data", "no");
    Waits.until("the replica is linked to its master", 60_000,
        () -> "up".equals(replica.info("replication", "master_link_status")));
    master.kill();
    Waits.until("the replica sees its master gone", 60_000,
        () -> "down".equals(replica.info("replication", "master_link_status")));
    assertRetry(client(vertx, replica), Request.cmd(Command.GET).arg("k"), "MASTERDOWN");
  }

  @Test
  void aClusterNodeWithoutTheSlotIsClusterdown(Vertx vertx) throws Exception {
    // a Cluster node whose slots have no master, as while a dead master's replica has not yet taken over
    LocalRedis node = server("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
        "--cluster-port", String.valueOf(dev.foyer.support.TestServices.freePort()));
    assertRetry(client(vertx, node), Request.cmd(Command.GET).arg("k"), "CLUSTERDOWN");
  }

  @Test
  void aMasterThatLostTheReplicasItMustWriteToIsNoreplicas(Vertx vertx) throws Exception {
    LocalRedis master = server("--min-replicas-to-write", "1");
    assertRetry(client(vertx, master), eval(WRITE, "k", "v"), "NOREPLICAS");
  }

  @Test
  void aServerFullUpIsOomAndAScriptRunningLongIsBusy(Vertx vertx) throws Exception {
    LocalRedis full = server("--maxmemory-policy", "noeviction");
    full.cli("config", "set", "maxmemory", "1");
    assertRetry(client(vertx, full), eval(WRITE, "k", "v"), "OOM");

    LocalRedis busy = server("--busy-reply-threshold", "100");
    Redis client = client(vertx, busy);
    RedisConnection looping = client.connect().await(10, TimeUnit.SECONDS);
    Future<?> endless = looping.send(Request.cmd(Command.EVAL).arg("while true do end").arg(0));
    try {
      // the script has run past the threshold once another client is told BUSY
      Waits.until("the script runs past the busy threshold", 30_000, () -> busy.cli("ping").contains("BUSY"));
      assertRetry(client, Request.cmd(Command.GET).arg("k"), "BUSY");
    } finally {
      busy.cli("script", "kill");
      endless.otherwiseEmpty().await(10, TimeUnit.SECONDS);
      looping.close();
    }
  }

  @Test
  void aConnectionResetInsideABatchIsRetried(Vertx vertx) throws Exception {
    LocalRedis master = server();
    Redis client = client(vertx, master);
    client.send(Request.cmd(Command.PING)).await(10, TimeUnit.SECONDS);
    // the master dies while a batch waits for its answer, as in the middle of a failover
    Future<?> waiting = client.batch(List.of(Request.cmd(Command.BLPOP).arg("nothing").arg(5),
        Request.cmd(Command.PING)));
    Waits.until("the batch's BLPOP waits on the master", 30_000,
        () -> "1".equals(master.info("clients", "blocked_clients")));
    master.kill();
    Throwable err = failure(waiting);
    assertTrue(Failures.isUnreachable(err), String.valueOf(err));
    // and the next call finds nobody listening
    assertTrue(Failures.isUnreachable(failure(client.send(Request.cmd(Command.PING)))));
  }

  @Test
  void theOtherFailoverRepliesInRedissOwnWords() {
    for (String reply : List.of(
        "LOADING Redis is loading the dataset in memory",
        "TRYAGAIN Multiple keys request during rehashing of slot",
        "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)",
        "MOVED 3999 127.0.0.1:6381",
        "ASK 3999 127.0.0.1:6381",
        "CONNECTION_CLOSED",
        "ERR max number of clients reached",
        "ERR [0] LOADING Redis is loading the dataset in memory",
        "ERR [0] io.netty.channel.unix.Errors$NativeIoException: recvAddress(..) failed with error(-104): "
            + "Connection reset by peer")) {
      assertTrue(Failures.isUnreachable(ErrorType.create(reply)), reply);
    }
  }

  @Test
  void repliesAboutTheRequestItselfStayTheirOwnErrors(Vertx vertx) throws Exception {
    LocalRedis master = server("--requirepass", "secret-password");
    Redis noPassword = client(vertx, master);
    Throwable unauthenticated = failure(noPassword.send(Request.cmd(Command.GET).arg("k")));
    assertFalse(Failures.isUnreachable(unauthenticated), "credentials need an operator: " + unauthenticated);

    Redis redis = Redis.createClient(vertx, new RedisOptions()
        .setConnectionString("redis://:secret-password@127.0.0.1:" + master.port()));
    clients.add(redis);
    redis.send(Request.cmd(Command.LPUSH).arg("list").arg("x")).await(10, TimeUnit.SECONDS);
    List<Throwable> rejected = List.of(
        failure(redis.send(Request.cmd(Command.GET).arg("list"))),
        failure(redis.send(eval("return redis.call('NOSUCHCOMMAND')", "k", "v"))),
        failure(redis.send(Request.cmd(Command.EVALSHA).arg("0000000000000000000000000000000000000000").arg(0))),
        failure(redis.batch(List.of(Request.cmd(Command.GET).arg("list"), Request.cmd(Command.PING)))));
    for (Throwable err : rejected) {
      assertFalse(Failures.isUnreachable(err), err.getMessage());
    }
    assertEquals("WRONGTYPE", Failures.redisCode(rejected.get(0)));
    assertEquals("NOSCRIPT", Failures.redisCode(rejected.get(2)));
    assertEquals("WRONGTYPE", Failures.redisCode(rejected.get(3)));
    assertFalse(Failures.isUnreachable(ErrorType.create("BUSYKEY Target key name already exists.")));
  }

  private static Throwable failure(Future<?> future) throws Exception {
    try {
      future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    return fail("expected a failure");
  }
}
