package dev.foyer.ingress;

import dev.foyer.event.EventInfo;
import dev.foyer.event.PowSettings;
import dev.foyer.line.QueueStore;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;

/**
 * The difficulty an event's challenges have now: fixed, or for an adaptive event following the
 * cluster-wide request rate of the last second, read at most once a second per event on this
 * verticle. The challenges are issued at it, and a solution is redeemed only if its challenge was
 * not far easier.
 */
final class PowDifficulty {

  private final QueueStore line;
  /** event -> {rate, read at (epoch ms)} */
  private final Map<String, long[]> rates = new HashMap<>();

  PowDifficulty(QueueStore line) {
    this.line = line;
  }

  Future<Long> now(EventInfo info, long nowMillis) {
    PowSettings pow = info.settings().pow();
    if (pow.mode() != PowSettings.Mode.ADAPTIVE) {
      return Future.succeededFuture(pow.difficultyAt(0));
    }
    long[] rate = rates.get(info.id());
    if (rate != null && nowMillis - rate[1] < 1000) {
      return Future.succeededFuture(pow.difficultyAt(rate[0]));
    }
    return line.counts(info.id(), nowMillis).map(c -> {
      rates.put(info.id(), new long[] {c.trafficRate(), nowMillis});
      return pow.difficultyAt(c.trafficRate());
    });
  }
}
