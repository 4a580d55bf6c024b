package dev.foyer.line;

import dev.foyer.common.EventStore;
import dev.foyer.common.Keys;
import dev.foyer.common.LuaScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

import java.util.List;

/**
 * What a protected site asks of the line: whether a pass's visitor is still active (one read of the
 * active set, so a departure is seen by the very next check), and the single-use codes that carry
 * an admission back to the site.
 */
public class SiteStore extends EventStore {

  private static final LuaScript PASS_LIVE = LuaScript.load("pass_live");
  private static final LuaScript RETURN_CODE_ISSUE = LuaScript.load("return_code_issue");
  private static final LuaScript RETURN_CODE_TAKE = LuaScript.load("return_code_take");

  /** A code's visitor and how long they stay active. */
  public record Admitted(String visitor, long activeUntil) {
  }

  public SiteStore(Redis redis, String prefix) {
    super(redis, prefix);
  }

  /** The visitor's activeUntil (epoch ms) while active, renewing their presence; 0 when not active. */
  public Future<Long> activeUntil(String event, String visitor, long now) {
    Keys k = keys(event);
    return PASS_LIVE.run(redis, List.of(k.active, k.presence), List.of(visitor, now)).map(r -> r.toLong());
  }

  /** Stores {@code code} for the visitor if active, replacing their last one; their activeUntil, or 0 (and no code). */
  public Future<Long> issueReturnCode(String event, String visitor, String code, long now, long ttlMillis) {
    Keys k = keys(event);
    return RETURN_CODE_ISSUE.run(redis, List.of(k.active, k.returnCode(code), k.returnCodeOf(visitor), k.returnCode("")),
            List.of(visitor, now, ttlMillis, code))
        .map(r -> r.toLong());
  }

  /** Takes the code (it is gone afterwards); its visitor if the code was live and they are still active, else null. */
  public Future<Admitted> takeReturnCode(String event, String code, long now) {
    Keys k = keys(event);
    return RETURN_CODE_TAKE.run(redis, List.of(k.active, k.returnCode(code)), List.of(now))
        .map(r -> r == null || r.size() < 2 ? null : new Admitted(r.get(0).toString(), r.get(1).toLong()));
  }
}
