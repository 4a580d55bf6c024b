package dev.foyer.hold;

import dev.foyer.common.EventStore;
import dev.foyer.common.Keys;
import dev.foyer.common.LuaScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Seat holds in Redis (hold, best available, standing, release, expiry, confirmation), each one Lua script; the map as a whole is {@link SeatMapStore}'s. */
public class HoldStore extends EventStore {

  private static final LuaScript HOLD = LuaScript.load("hold");
  private static final LuaScript RELEASE = LuaScript.load("release");
  private static final LuaScript EXPIRE = LuaScript.load("expire_holds");
  private static final LuaScript CONFIRM_BEGIN = LuaScript.load("confirm_begin");
  private static final LuaScript CONFIRM_END = LuaScript.load("confirm_end");
  private static final LuaScript BEST = LuaScript.load("best");
  private static final LuaScript STANDING = LuaScript.load("standing");

  static final int MAX_BATCH = 1000;

  public HoldStore(Redis redis, String prefix) {
    super(redis, prefix);
  }

  /** A seat whose status changed, with the seat-status version of that change. */
  public record Change(String seat, String status, long version) {
  }

  /** Seat changes of one step, all under one version of the map's generation. */
  public record Changes(String generation, List<Change> list) {
    static final Changes NONE = new Changes("", List.of());
  }

  /**
   * Outcome of a script: "ok" or an error word, with seats (taken or unknown), the seat changes and
   * the hold it concerned (for a new hold: the one it replaced, "" if none).
   */
  public record Outcome(String result, List<String> seats, Changes changes, String holdId) {
    boolean ok() {
      return "ok".equals(result);
    }
  }

  public Future<Outcome> hold(String event, String visitor, String holdId, long now, long expiresAt, List<String> seats) {
    Keys k = keys(event);
    List<Object> args = new ArrayList<>(List.of(visitor, holdId, now, expiresAt));
    args.addAll(seats);
    return HOLD.run(redis, counted(k), args)
        .map(r -> "ok".equals(r.get(0).toString())
            ? new Outcome("ok", seats, changes(r.get(1), r.get(3), r.get(4)), r.get(2).toString())
            : new Outcome(r.get(0).toString(), strings(r.get(1)), Changes.NONE, null));
  }

  /** A best-available hold: the seats chosen and how ({@code together}, {@code split}, {@code orphan_allowed}). */
  public record Best(String result, List<String> seats, String placement, boolean otherSection, long expiresAt,
                     Changes changes, String replaced) {
    boolean ok() {
      return "ok".equals(result);
    }
  }

  public Future<Best> best(String event, String visitor, String holdId, long now, long expiresAt,
                           dev.foyer.bus.HoldService.BestAsk ask) {
    Keys k = keys(event);
    return BEST.run(redis, counted(k),
            List.of(visitor, holdId, now, expiresAt, ask.count(), ask.category(), ask.section(), ask.accessible()))
        .map(r -> "ok".equals(r.get(0).toString())
            ? new Best("ok", strings(r.get(5)), r.get(6).toString(), r.get(8).toInteger() == 1, r.get(7).toLong(),
                changes(r.get(1), r.get(3), r.get(4)), r.get(2).toString())
            : new Best(r.get(0).toString(), List.of(), null, false, 0, Changes.NONE, null));
  }

  /** A standing hold: "ok" or the refusal, with the places left in the area after it. */
  public record StandingHold(String result, long left, long expiresAt, Changes changes, String replaced) {
    boolean ok() {
      return "ok".equals(result);
    }
  }

  public Future<StandingHold> standing(String event, String visitor, String holdId, long now, long expiresAt,
                                       String section, int count) {
    Keys k = keys(event);
    return STANDING.run(redis, counted(k),
            List.of(visitor, holdId, now, expiresAt, section, count))
        .map(r -> "ok".equals(r.get(0).toString())
            ? new StandingHold("ok", r.get(5).toLong(), r.get(6).toLong(), changes(r.get(1), r.get(3), r.get(4)),
                r.get(2).toString())
            : new StandingHold(r.get(0).toString(), r.get(1).toLong(), 0, Changes.NONE, null));
  }

  /** Releases a hold by id for its holder, or ({@code holdId} null) whatever hold the visitor has. */
  public Future<Outcome> release(String event, String holdId, String visitor) {
    Keys k = keys(event);
    return RELEASE.run(redis, k.seatKeys,
            List.of(holdId == null ? "" : holdId, visitor))
        .map(r -> "ok".equals(r.get(0).toString())
            ? new Outcome("ok", List.of(), changes(r.get(2), r.get(3), r.get(4)), r.get(1).toString())
            : new Outcome(r.get(0).toString(), List.of(), Changes.NONE, null));
  }

  /** Expired holds: the seat changes, and who lost which hold (holdId, visitor pairs). */
  public record Expired(Changes changes, List<String[]> holds) {
  }

  public Future<Expired> expire(String event, long now) {
    Keys k = keys(event);
    return EXPIRE.run(redis, k.seatKeys,
            List.of(now, MAX_BATCH))
        .map(r -> {
          List<String> pairs = strings(r.get(1));
          List<String[]> holds = new ArrayList<>();
          for (int i = 0; i + 1 < pairs.size(); i += 2) {
            holds.add(new String[] {pairs.get(i), pairs.get(i + 1)});
          }
          return new Expired(changes(r.get(0), r.get(2), r.get(3)), holds);
        });
  }

  /** Result of starting a confirmation: "ok", "confirmed" (a retry), "not_your_hold" or "expired". */
  public record Begin(String result, String reservationId, List<String> seats) {
  }

  public Future<Begin> confirmBegin(String event, String holdId, String visitor, long now, long fenceUntil,
                                    String newReservationId) {
    Keys k = keys(event);
    return CONFIRM_BEGIN.run(redis, k.seatKeys,
            List.of(holdId, visitor, now, fenceUntil, newReservationId))
        .map(r -> r.size() == 3
            ? new Begin(r.get(0).toString(), r.get(1).toString(), Arrays.asList(r.get(2).toString().split(",")))
            : new Begin(r.get(0).toString(), null, List.of()));
  }

  /** {@code sold}: what PostgreSQL recorded as sold, counted once for the sale's report. */
  public Future<Changes> confirmEnd(String event, String holdId, String reservationId, String visitor,
                                    List<String> seats, dev.foyer.bus.HoldService.Priced sold) {
    Keys k = keys(event);
    List<Object> args = new ArrayList<>(List.of(holdId, reservationId, visitor, String.join(",", seats)));
    for (dev.foyer.bus.HoldService.Item item : sold.items()) {
      args.add(item.category() == null ? "" : item.category());
      args.add(item.count());
      args.add(item.price() == null ? "" : item.price());
    }
    return CONFIRM_END.run(redis, counted(k), args)
        .map(r -> changes(r.get(0), r.get(1), r.get(2)));
  }

  /** The seat keys and, last, the report's, for the steps that count a hold or a sale (lua/lib/report.lua). */
  private static List<String> counted(Keys k) {
    List<String> keys = new ArrayList<>(k.seatKeys);
    keys.addAll(k.reportKeys);
    return keys;
  }

  private static Changes changes(Response flat, Response generation, Response version) {
    List<String> values = strings(flat);
    if (values.isEmpty()) {
      return Changes.NONE;
    }
    long v = version.toLong();
    List<Change> changes = new ArrayList<>(values.size() / 2);
    for (int i = 0; i + 1 < values.size(); i += 2) {
      changes.add(new Change(values.get(i), values.get(i + 1), v));
    }
    return new Changes(generation.toString(), changes);
  }

  static List<String> strings(Response array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      for (Response item : array) {
        out.add(item.toString());
      }
    }
    return out;
  }
}
