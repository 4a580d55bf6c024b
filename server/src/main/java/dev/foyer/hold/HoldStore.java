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
import java.util.Map;

/** Seat holds and seat statuses in Redis, changed only through Lua scripts. */
public class HoldStore extends EventStore {

  static final int MAX_BATCH = 1000;
  static final int LOAD_CHUNK = 5000;

  private static final LuaScript HOLD = LuaScript.load("hold");
  private static final LuaScript RELEASE = LuaScript.load("release");
  private static final LuaScript EXPIRE = LuaScript.load("expire_holds");
  private static final LuaScript CONFIRM_BEGIN = LuaScript.load("confirm_begin");
  private static final LuaScript CONFIRM_END = LuaScript.load("confirm_end");
  private static final LuaScript LOAD_SEATS = LuaScript.load("load_seats");
  private static final LuaScript SEAT_STATUSES = LuaScript.load("seat_statuses");
  private static final LuaScript SEAT_COUNTS = LuaScript.load("seat_counts");
  private static final LuaScript SEAT_CHANGES = LuaScript.load("seat_changes");
  private static final LuaScript BEST = LuaScript.load("best");
  private static final LuaScript STANDING = LuaScript.load("standing");
  private static final LuaScript LOAD_ROWS = LuaScript.load("load_rows");
  private static final LuaScript STOCK_NAMES = LuaScript.load("stock_names");
  /** Rows per load_rows call: a few thousand seats, a few milliseconds of Redis. */
  static final int ROWS_CHUNK = 200;

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
    return HOLD.run(redis, k.seatKeys(), args)
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
    return BEST.run(redis, k.seatKeys(),
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
    return STANDING.run(redis, k.seatKeys(),
            List.of(visitor, holdId, now, expiresAt, section, count))
        .map(r -> "ok".equals(r.get(0).toString())
            ? new StandingHold("ok", r.get(5).toLong(), r.get(6).toLong(), changes(r.get(1), r.get(3), r.get(4)),
                r.get(2).toString())
            : new StandingHold(r.get(0).toString(), r.get(1).toLong(), 0, Changes.NONE, null));
  }

  /** One row of the rows index: its key, rank, category ("" none) and a character per seat number. */
  public record RowSpec(String row, int rank, String category, String pattern) {
  }

  /** A standing area as loaded: capacity and the places PostgreSQL has sold. */
  public record StandingSpec(String section, int capacity, long sold) {
  }

  /** Builds the rows index of a layout (named by {@code token}) in chunks of whole rows, then the standing areas. */
  public Future<Long> loadRows(String event, String token, List<RowSpec> rows, List<StandingSpec> standing,
                               dev.foyer.event.SeatLayout.Plan names) {
    Keys k = keys(event);
    List<String> keys = k.seatKeys();
    Future<Response> chain = Future.succeededFuture();
    for (int from = 0; from < Math.max(1, rows.size()); from += ROWS_CHUNK) {
      List<RowSpec> chunk = rows.subList(Math.min(from, rows.size()), Math.min(rows.size(), from + ROWS_CHUNK));
      boolean last = from + ROWS_CHUNK >= rows.size();
      List<Object> args = new ArrayList<>(List.of(last ? "last" : "more", token, chunk.size()));
      for (RowSpec r : chunk) {
        args.addAll(List.of(r.row(), r.rank(), r.category(), r.pattern()));
      }
      if (last) {
        for (StandingSpec s : standing) {
          args.addAll(List.of(s.section(), s.capacity(), s.sold()));
        }
      }
      chain = chain.compose(v -> LOAD_ROWS.run(redis, keys, args));
    }
    List<Object> named = new ArrayList<>(List.of(names.currency() == null ? "" : names.currency(),
        names.categories().size()));
    names.categories().values().forEach(c -> named.addAll(List.of(c.id(), c.name() == null ? c.id() : c.name(), c.price())));
    names.standing().forEach(a -> named.addAll(List.of(a.section(), a.category() == null ? "" : a.category())));
    return chain.compose(rowCount -> STOCK_NAMES.run(redis, keys, named).map(rowCount.toLong()));
  }

  /** Releases a hold by id for its holder, or ({@code holdId} null) whatever hold the visitor has. */
  public Future<Outcome> release(String event, String holdId, String visitor) {
    Keys k = keys(event);
    return RELEASE.run(redis, k.seatKeys(),
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
    return EXPIRE.run(redis, k.seatKeys(),
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
    return CONFIRM_BEGIN.run(redis, k.seatKeys(),
            List.of(holdId, visitor, now, fenceUntil, newReservationId))
        .map(r -> r.size() == 3
            ? new Begin(r.get(0).toString(), r.get(1).toString(), Arrays.asList(r.get(2).toString().split(",")))
            : new Begin(r.get(0).toString(), null, List.of()));
  }

  public Future<Changes> confirmEnd(String event, String holdId, String reservationId, String visitor,
                                    List<String> seats) {
    Keys k = keys(event);
    return CONFIRM_END.run(redis, k.seatKeys(),
            List.of(holdId, reservationId, visitor, String.join(",", seats)))
        .map(r -> changes(r.get(0), r.get(1), r.get(2)));
  }

  /** Replaces the event's seat map with these ids and records these sales, in chunks, swapped at once. */
  public Future<Long> loadSeats(String event, List<String> seatIds, Map<String, String> sold) {
    Keys k = keys(event);
    String loadId = java.util.UUID.randomUUID().toString();
    List<String> keys = List.of(k.seatsLoading(loadId), k.seats(), k.sold(), k.seatVersion(), k.seatLog());
    // the generation this load starts if it changes the map: short, and never containing the '.'
    // that separates it from the version in an ETag or a ?since=
    String generation = loadId.replace("-", "").substring(0, 12);
    List<List<Object>> chunks = new ArrayList<>();
    for (int from = 0; from < Math.max(1, seatIds.size()); from += LOAD_CHUNK) {
      List<String> ids = seatIds.subList(Math.min(from, seatIds.size()), Math.min(seatIds.size(), from + LOAD_CHUNK));
      List<Object> args = new ArrayList<>();
      args.add(from == 0 ? "first" : "more");
      args.add(generation);
      args.add(ids.size());
      args.addAll(ids);
      chunks.add(args);
    }
    List<Object> last = new ArrayList<>(List.of("last", generation, 0));
    sold.forEach((seat, reservation) -> {
      last.add(seat);
      last.add(reservation);
    });
    chunks.add(last);
    Future<Response> chain = Future.succeededFuture();
    for (List<Object> args : chunks) {
      chain = chain.compose(v -> LOAD_SEATS.run(redis, keys, args));
    }
    return chain.map(Response::toLong);
  }

  /** Seats on the map, held and sold. */
  public record Counts(long seats, long held, long sold) {
  }

  public Future<Counts> counts(String event) {
    Keys k = keys(event);
    return SEAT_COUNTS.run(redis, List.of(k.seats(), k.holdSeats(), k.sold()), List.of())
        .map(r -> new Counts(r.get(0).toLong(), r.get(1).toLong(), r.get(2).toLong()));
  }

  /** The held and sold seats at one version; null when the seat map is not in Redis (never loaded, or Redis lost it). */
  public record Statuses(List<String> held, List<String> sold, String generation, long version) {
  }

  public Future<Statuses> statuses(String event) {
    Keys k = keys(event);
    return SEAT_STATUSES.run(redis, List.of(k.holdSeats(), k.sold(), k.seats(), k.seatVersion()), List.of())
        .map(r -> r.get(0).toInteger() == 0 ? null
            : new Statuses(strings(r.get(1)), strings(r.get(2)), r.get(3).toString(), r.get(4).toLong()));
  }

  /**
   * What changed after one version: {@code reset} when that version cannot be answered (another
   * generation, not given yet, or more than the most changes asked for), {@code missing} when the
   * map is not in Redis; otherwise the current version and each changed seat with its status now.
   */
  public record Since(boolean missing, boolean reset, String generation, long version, List<Change> changes) {
  }

  public Future<Since> changesSince(String event, String generation, long since, int most) {
    Keys k = keys(event);
    return SEAT_CHANGES.run(redis, List.of(k.seatVersion(), k.seatLog(), k.holdSeats(), k.sold(), k.seats()),
            List.of(generation, since, most))
        .map(r -> switch (r.get(0).toString()) {
          case "missing" -> new Since(true, false, "", 0, List.of());
          case "reset" -> new Since(false, true, r.get(1).toString(), r.get(2).toLong(), List.of());
          default -> {
            List<String> flat = strings(r.get(3));
            List<Change> changes = new ArrayList<>(flat.size() / 3);
            for (int i = 0; i + 2 < flat.size(); i += 3) {
              changes.add(new Change(flat.get(i), flat.get(i + 1), Long.parseLong(flat.get(i + 2))));
            }
            yield new Since(false, false, r.get(1).toString(), r.get(2).toLong(), changes);
          }
        });
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

  private static List<String> strings(Response array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      for (Response item : array) {
        out.add(item.toString());
      }
    }
    return out;
  }
}
