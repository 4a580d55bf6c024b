package dev.foyer.queue;

import dev.foyer.common.Failures;
import dev.foyer.line.QueueStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Tells a Redis that lost an event's line from one that never had it. PostgreSQL records which
 * generation of the event's live state Redis should hold; each tick reads the marker Redis holds
 * (for free, in the admission script). The same marker: all is well. None, where PostgreSQL knows
 * one: Redis was restarted empty, flushed or failed over to a replica without it, and the line,
 * the admitted visitors and their holds are gone; a new generation starts and the tick reports
 * the reset. None, where PostgreSQL knows none: a new event, marked without a word.
 */
final class Generations {

  /** A reset this node noticed: the generation lost and the one that replaces it. */
  record Reset(String lost, String fresh) {
  }

  private final Pool pg;
  private final QueueStore line;
  /** What PostgreSQL said last, per event; checked against Redis on every tick without a query. */
  private final Map<String, String> known = new HashMap<>();

  Generations(Pool pg, QueueStore line) {
    this.pg = pg;
    this.line = line;
  }

  /** Null when Redis holds what it should; the reset when it lost the event's state. */
  Future<Reset> check(String event, String inRedis) {
    if (!inRedis.isEmpty() && inRedis.equals(known.get(event))) {
      return Future.succeededFuture();
    }
    return stored(event).compose(expected -> {
      if (inRedis.equals(expected)) {
        known.put(event, expected);
        return Future.succeededFuture();
      }
      if (!inRedis.isEmpty()) {
        // another node started a generation and has not recorded it yet: look again next tick
        return Future.succeededFuture();
      }
      String fresh = UUID.randomUUID().toString();
      return line.startGeneration(event, fresh).compose(inForce -> {
        if (!inForce.equals(fresh)) {
          return Future.succeededFuture(); // another node won the race and will record it
        }
        return record(event, expected, fresh).map(v -> {
          known.put(event, fresh);
          return expected == null ? null : new Reset(expected, fresh);
        });
      });
    });
  }

  private Future<String> stored(String event) {
    return pg.preparedQuery("SELECT generation FROM event_generations WHERE event_id = $1").execute(Tuple.of(event))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("generation"))
        .recover(Failures.postgres());
  }

  private Future<Void> record(String event, String lost, String fresh) {
    return pg.preparedQuery("INSERT INTO event_generations (event_id, generation) VALUES ($1, $2) "
            + "ON CONFLICT (event_id) DO UPDATE SET generation = $2, resets = event_generations.resets + 1, "
            + "reset_at = now()")
        .execute(Tuple.of(event, fresh))
        .<Void>mapEmpty()
        .recover(Failures.postgres());
  }
}
