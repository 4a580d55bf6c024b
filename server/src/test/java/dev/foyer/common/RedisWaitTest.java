package dev.foyer.common;

import dev.foyer.event.EventSettings;
import dev.foyer.line.QueueStore;
import dev.foyer.line.VisitorState;
import dev.foyer.support.LocalRedis;
import dev.foyer.support.SaleAudit;
import dev.foyer.support.SaleUnderLoad;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What WAIT does to a join, on a real master with a real replica: a join answered is already on
 * the replica, it costs one replica round trip (measured here against the same join without WAIT),
 * a replica that stops answering delays a write by the WAIT timeout and no more, and a master
 * without a replica online does not wait at all.
 */
@ExtendWith(VertxExtension.class)
class RedisWaitTest {

  private static Path dir;
  private static LocalRedis master;
  private static LocalRedis replica;
  private static LocalRedis alone;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(LocalRedis.available(),
        "redis-server and redis-cli are not installed here; skipping the Redis WAIT test");
    dir = Files.createTempDirectory("foyer-redis-wait");
    master = LocalRedis.server(dir);
    replica = LocalRedis.server(dir, "--replicaof", "127.0.0.1", String.valueOf(master.port()),
        "--enable-debug-command", "local");
    alone = LocalRedis.server(dir);
    long deadline = System.currentTimeMillis() + 20_000;
    while (!"up".equals(replica.info("replication", "master_link_status")) && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertEquals("up", replica.info("replication", "master_link_status"), "the replica is in sync");
  }

  @AfterAll
  static void stop() {
    for (LocalRedis r : new LocalRedis[] {replica, master, alone}) {
      if (r != null) {
        r.close();
      }
    }
    if (dir != null) {
      LocalRedis.delete(dir);
    }
  }

  private static Redis client(Vertx vertx, LocalRedis server) {
    return Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url())
        .setMaxPoolSize(16).setMaxPoolWaiting(4096));
  }

  private static String prefix() {
    return "w" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  /** {@code n} joins, {@code concurrency} at a time; the round trip of each, in microseconds, sorted. */
  private static long[] joins(Vertx vertx, QueueStore line, String event, int n, int concurrency, List<String> visitors)
      throws Exception {
    long[] micros = new long[n];
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> workers = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      workers.add(joinLoop(line, event, next, n, micros, visitors));
    }
    Future.all(workers).await(120, TimeUnit.SECONDS);
    java.util.Arrays.sort(micros);
    return micros;
  }

  private static Future<Void> joinLoop(QueueStore line, String event, AtomicInteger next, int n, long[] micros,
                                       List<String> visitors) {
    int i = next.getAndIncrement();
    if (i >= n) {
      return Future.succeededFuture();
    }
    String visitor = UUID.randomUUID().toString();
    long start = System.nanoTime();
    return line.join(event, visitor, System.currentTimeMillis(), EventSettings.defaults().withGate(EventSettings.Gate.ON), 0,
            null)
        .compose(state -> {
          micros[i] = (System.nanoTime() - start) / 1000;
          synchronized (visitors) {
            visitors.add(visitor);
          }
          return joinLoop(line, event, next, n, micros, visitors);
        });
  }

  private static String summary(long[] micros) {
    double mean = java.util.Arrays.stream(micros).average().orElse(0) / 1000.0;
    return String.format("p50 %.2f ms, p99 %.2f ms, mean %.2f ms", SaleUnderLoad.percentile(micros, 0.5) / 1000.0,
        SaleUnderLoad.percentile(micros, 0.99) / 1000.0, mean);
  }

  @Test
  void aJoinAnsweredIsOnTheReplicaAndTheWaitCostsOneReplicaRoundTrip(Vertx vertx) throws Exception {
    Redis plain = client(vertx, master);
    Redis waiting = ReplicatedRedis.of(client(vertx, master), 1, false);
    Redis onReplica = client(vertx, replica);
    String prefix = prefix();
    QueueStore withoutWait = new QueueStore(plain, prefix);
    QueueStore withWait = new QueueStore(waiting, prefix);
    int n = 2000;
    int concurrency = 8;
    try {
      // warm both paths (scripts loaded, pools filled, JIT), then measure them in turns
      joins(vertx, withoutWait, "warm", 300, concurrency, new ArrayList<>());
      joins(vertx, withWait, "warm", 300, concurrency, new ArrayList<>());
      long unreplicatedBefore = SaleAudit.unreplicatedWrites();
      List<String> waited = new ArrayList<>();
      List<String> notWaited = new ArrayList<>();
      // in turns, so a burst of load from elsewhere on the machine falls on both alike
      int rounds = 4;
      List<long[]> without = new ArrayList<>();
      List<long[]> with = new ArrayList<>();
      long nanosWithout = 0;
      long nanosWith = 0;
      for (int round = 0; round < rounds; round++) {
        long t0 = System.nanoTime();
        without.add(joins(vertx, withoutWait, "nowait", n / rounds, concurrency, notWaited));
        long t1 = System.nanoTime();
        with.add(joins(vertx, withWait, "wait", n / rounds, concurrency, waited));
        nanosWithout += t1 - t0;
        nanosWith += System.nanoTime() - t1;
      }
      long[] allWithout = merge(without);
      long[] allWith = merge(with);
      double perSecondWithout = n / (nanosWithout / 1e9);
      double perSecondWith = n / (nanosWith / 1e9);

      // sequential, one at a time: the added round trip on its own
      long[] seqWithout = joins(vertx, withoutWait, "nowait", 300, 1, new ArrayList<>());
      long[] seqWith = joins(vertx, withWait, "wait", 300, 1, new ArrayList<>());

      System.out.printf("WAIT cost, join script on a master with one replica (loopback, load average %s): "
              + "%d joins, %d at a time, without WAIT %s (%.0f joins/s); with WAIT 1 %s (%.0f joins/s); "
              + "one at a time without %s, with %s%n",
          SaleAudit.loadAverage(), n, concurrency, summary(allWithout), perSecondWithout, summary(allWith), perSecondWith,
          summary(seqWithout), summary(seqWith));
      assertEquals(unreplicatedBefore, SaleAudit.unreplicatedWrites(), "the replica confirmed every waited join");

      // a waited join is on the replica the moment it is answered: look at the replica at once
      List<String> fresh = new ArrayList<>();
      Keys keys = new Keys(prefix, "fresh");
      int missing = 0;
      for (int i = 0; i < 100; i++) {
        joins(vertx, withWait, "fresh", 1, 1, fresh);
        Response score = onReplica.send(Request.cmd(Command.ZSCORE).arg(keys.waiting).arg(fresh.get(i)))
            .await(10, TimeUnit.SECONDS);
        if (score == null) {
          missing++;
        }
      }
      assertEquals(0, missing, "joins answered but not yet on the replica");
      assertEquals(n, waited.size());
    } finally {
      plain.close();
      waiting.close();
      onReplica.close();
    }
  }

  private static long[] merge(List<long[]> parts) {
    long[] out = parts.stream().flatMapToLong(java.util.Arrays::stream).toArray();
    java.util.Arrays.sort(out);
    return out;
  }

  @Test
  void aReplicaThatStopsAnsweringDelaysAWriteByTheTimeoutAndItIsCounted(Vertx vertx) throws Exception {
    Redis waiting = ReplicatedRedis.of(client(vertx, master), 1, false);
    QueueStore line = new QueueStore(waiting, prefix());
    try {
      joins(vertx, line, "slow", 5, 1, new ArrayList<>());
      long before = SaleAudit.unreplicatedWrites();
      // the replica stops for a second, as one swapping or on a saturated link would
      Process sleep = new ProcessBuilder("/usr/bin/redis-cli", "-p", String.valueOf(replica.port()), "debug", "sleep", "1")
          .redirectErrorStream(true).start();
      Thread.sleep(200);
      long start = System.nanoTime();
      VisitorState state = line.join("slow", UUID.randomUUID().toString(), System.currentTimeMillis(),
          EventSettings.defaults().withGate(EventSettings.Gate.ON), 0, null).await(10, TimeUnit.SECONDS).state();
      long millis = (System.nanoTime() - start) / 1_000_000;
      sleep.waitFor(10, TimeUnit.SECONDS);
      assertNotNull(state);
      System.out.printf("WAIT with the replica asleep: the join was answered after %d ms (timeout %d ms)%n", millis,
          ReplicatedRedis.WAIT_MILLIS);
      assertTrue(millis >= ReplicatedRedis.WAIT_MILLIS, "it waited for the replica: " + millis);
      assertTrue(millis < 800, "and no longer than the timeout, not for the sleeping replica: " + millis);
      assertEquals(before + 1, SaleAudit.unreplicatedWrites(), "the unconfirmed write was counted");
    } finally {
      waiting.close();
    }
  }

  @Test
  void aMasterWithoutAReplicaOnlineDoesNotWait(Vertx vertx) throws Exception {
    Redis waiting = ReplicatedRedis.of(client(vertx, alone), 1, false);
    QueueStore line = new QueueStore(waiting, prefix());
    try {
      // the first write learns from ROLE that nobody is there to wait for
      joins(vertx, line, "alone", 1, 1, new ArrayList<>());
      long before = SaleAudit.unreplicatedWrites();
      long start = System.nanoTime();
      joins(vertx, line, "alone", 20, 1, new ArrayList<>());
      long millis = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("WAIT without a replica: 20 joins one after another in %d ms%n", millis);
      assertEquals(before + 20, SaleAudit.unreplicatedWrites(), "each was counted as answered without a copy");
      assertTrue(millis < 20 * ReplicatedRedis.WAIT_MILLIS, "none of them waited out the timeout: " + millis + " ms");
    } finally {
      waiting.close();
    }
  }
}
