package dev.foyer.line;

import dev.foyer.common.EventStore;
import dev.foyer.common.LuaScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;

/**
 * An event's announcement in Redis (one hash, {@code Keys#announcement}): the one current now, or
 * the last one withdrawn, for the pages that connect later. Posting and withdrawing are scripts
 * (lua/announce.lua, lua/announcement_withdraw.lua), so ids only grow and a withdrawal by id never
 * takes back a newer one.
 */
public final class AnnouncementStore extends EventStore {

  private static final LuaScript ANNOUNCE = LuaScript.load("announce");
  private static final LuaScript WITHDRAW = LuaScript.load("announcement_withdraw");

  public AnnouncementStore(Redis redis, String prefix) {
    super(redis, prefix);
  }

  public Future<Announcement> post(String event, String message, String by, long now) {
    return ANNOUNCE.run(redis, List.of(keys(event).announcement), List.of(message, now, by))
        .map(r -> new Announcement(r.toLong(), message, now, by, false));
  }

  /** What withdrawing did: the announcement withdrawn (null: nothing was), and the last id the event gave. */
  public record Withdrawal(Announcement withdrawn, long lastId) {
  }

  /** Withdraws the current announcement, or only announcement {@code id} when given. */
  public Future<Withdrawal> withdraw(String event, Long id, long now) {
    return WITHDRAW.run(redis, List.of(keys(event).announcement), List.of(id == null ? "" : id.toString(), now))
        .map(r -> {
          long withdrawn = r.get(0).toLong();
          return new Withdrawal(withdrawn == 0 ? null : new Announcement(withdrawn, null, now, null, true),
              r.get(1).toLong());
        });
  }

  /** The current announcement, else the last one withdrawn; null when the event never had one. */
  public Future<Announcement> current(String event) {
    return redis.send(Request.cmd(Command.HMGET).arg(keys(event).announcement)
            .arg("seq").arg("id").arg("message").arg("at").arg("by").arg("withdrawnAt"))
        .map(r -> {
          long seq = number(r.get(0));
          if (seq == 0) {
            return null;
          }
          if (r.get(1) == null) {
            return new Announcement(seq, null, number(r.get(5)), null, true);
          }
          return new Announcement(number(r.get(1)), r.get(2).toString(), number(r.get(3)),
              r.get(4) == null ? null : r.get(4).toString(), false);
        });
  }

  private static long number(Response r) {
    return r == null ? 0 : r.toLong();
  }
}
