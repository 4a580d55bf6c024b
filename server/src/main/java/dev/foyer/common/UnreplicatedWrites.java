package dev.foyer.common;

import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes answered without the copies asked for: foyer_redis_unreplicated_writes_total{reason},
 * and a warning at most once a minute for the whole node (every verticle's client sees the same).
 */
final class UnreplicatedWrites {

  private static final Logger LOG = LoggerFactory.getLogger(UnreplicatedWrites.class);

  private static final AtomicLong LOGGED_AT = new AtomicLong();
  private static final AtomicLong SINCE = new AtomicLong();

  static void count(String reason, int replicas) {
    Counter.builder("foyer_redis_unreplicated_writes")
        .tag("reason", reason)
        .description("Redis writes answered before a replica had them (no replica online, WAIT timed out, or redirected)")
        .register(Metrics.registry())
        .increment();
    long n = SINCE.incrementAndGet();
    long now = System.currentTimeMillis();
    long last = LOGGED_AT.get();
    if (now - last >= 60_000 && LOGGED_AT.compareAndSet(last, now)) {
      SINCE.set(0);
      LOG.warn("Redis answered {} write(s) before a replica had them: {}. If the master fails now, the newest "
          + "joins, admissions or holds can be lost", n, switch (reason) {
            case "no_replica" -> "the master has no replica online";
            case "timeout" -> "no replica confirmed within " + ReplicatedRedis.WAIT_MILLIS + " ms (" + replicas + " online)";
            default -> "a Cluster slot was moving";
          });
    }
  }
}
