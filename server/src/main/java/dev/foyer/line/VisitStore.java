package dev.foyer.line;

import dev.foyer.common.EventStore;
import dev.foyer.common.Keys;
import dev.foyer.common.LuaScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

import java.util.ArrayList;
import java.util.List;

/**
 * What a site's backend changes of an admitted visitor's visit with the pass: ending it as
 * completed, or giving it more time. Each is one Lua script over the event's keys, so two nodes
 * completing or extending the same visitor at once can never count twice or pass the bound.
 */
public class VisitStore extends EventStore {

  private static final LuaScript COMPLETE = LuaScript.load("complete");
  private static final LuaScript EXTEND = LuaScript.load("extend");

  /** How long an extension's Idempotency-Key is remembered, as a join's: a retry comes within seconds. */
  static final long EXTEND_KEY_MILLIS = QueueStore.JOIN_KEY_MILLIS;

  public VisitStore(Redis redis, String prefix) {
    super(redis, prefix);
  }

  /** How a completion went: done now, done before (a retry), or the visitor was not active ({@code reason}). */
  public record Completion(Outcome outcome, String reason) {

    public enum Outcome { COMPLETED, AGAIN, GONE }
  }

  /** Takes an active visitor out as completed, freeing the slot; counted once, however often retried. */
  public Future<Completion> complete(String event, String visitor, long now) {
    Keys k = keys(event);
    return COMPLETE.run(redis, List.of(k.active, k.gone, k.presence, k.meta, k.report, k.joinedAt, k.waits), List.of(visitor, now))
        .map(r -> switch (r.get(0).toString()) {
          case "completed" -> new Completion(Completion.Outcome.COMPLETED, "completed");
          case "again" -> new Completion(Completion.Outcome.AGAIN, "completed");
          default -> new Completion(Completion.Outcome.GONE, r.get(1).toString());
        });
  }

  /**
   * How an extension went. {@code EXTENDED} and {@code AGAIN} (a retry under the same key, nothing
   * changed) carry the visitor's activeUntil now and the seconds extended in all; {@code EXTENDED}
   * the hold it pushed back too, if any ({@code holdId} null otherwise); {@code LIMIT} the seconds
   * still allowed.
   */
  public record Extension(Outcome outcome, long activeUntil, long extended, String holdId, long holdExpiresAt,
                          long left) {

    public enum Outcome { EXTENDED, AGAIN, NOT_ADMITTED, LIMIT }
  }

  /**
   * Pushes back the visitor's activeUntil and their hold's expiry by {@code seconds}, within
   * {@code maxSeconds} in all; {@code key} the request's Idempotency-Key, null without one.
   */
  public Future<Extension> extend(String event, String visitor, long now, int seconds, int maxSeconds, String key) {
    Keys k = keys(event);
    List<String> keys = new ArrayList<>(k.seatKeys);
    keys.add(k.extended);
    keys.add(k.extendKey(visitor, key));
    return EXTEND.run(redis, keys, List.of(visitor, now, seconds, maxSeconds, key == null ? 0 : EXTEND_KEY_MILLIS))
        .map(r -> switch (r.get(0).toString()) {
          case "extended" -> new Extension(Extension.Outcome.EXTENDED, r.get(1).toLong(), r.get(2).toLong(),
              r.get(3).toString().isEmpty() ? null : r.get(3).toString(), r.get(4).toLong(), 0);
          case "again" -> new Extension(Extension.Outcome.AGAIN, r.get(1).toLong(), r.get(2).toLong(), null, 0, 0);
          case "extend_limit" -> new Extension(Extension.Outcome.LIMIT, 0, 0, null, 0, r.get(1).toLong());
          default -> new Extension(Extension.Outcome.NOT_ADMITTED, 0, 0, null, 0, 0);
        });
  }
}
