package dev.foyer.hold;

import dev.foyer.common.EventStore;
import dev.foyer.common.Keys;
import dev.foyer.common.LuaScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.foyer.hold.HoldStore.strings;

/**
 * The seat map in Redis as a whole: loaded from PostgreSQL (the seats and what is sold; the rows
 * index best available and the stock read), and read back (statuses, counts, the changes since a
 * version). Holds change it seat by seat through {@link HoldStore}.
 */
public class SeatMapStore extends EventStore {

  static final int LOAD_CHUNK = 5000;
  /** Rows per load_rows call: a few thousand seats, a few milliseconds of Redis. */
  static final int ROWS_CHUNK = 200;

  private static final LuaScript LOAD_SEATS = LuaScript.load("load_seats");
  private static final LuaScript LOAD_ROWS = LuaScript.load("load_rows");
  private static final LuaScript STOCK_NAMES = LuaScript.load("stock_names");
  private static final LuaScript SEAT_STATUSES = LuaScript.load("seat_statuses");
  private static final LuaScript SEAT_COUNTS = LuaScript.load("seat_counts");
  private static final LuaScript SEAT_CHANGES = LuaScript.load("seat_changes");

  public SeatMapStore(Redis redis, String prefix) {
    super(redis, prefix);
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
    List<String> keys = k.seatKeys;
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

  /** Replaces the event's seat map with these ids and records these sales, in chunks, swapped at once. */
  public Future<Long> loadSeats(String event, List<String> seatIds, Map<String, String> sold) {
    Keys k = keys(event);
    String loadId = java.util.UUID.randomUUID().toString();
    List<String> keys = List.of(k.seatsLoading(loadId), k.seats, k.sold, k.seatVersion, k.seatLog);
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
    return SEAT_COUNTS.run(redis, List.of(k.seats, k.holdSeats, k.sold), List.of())
        .map(r -> new Counts(r.get(0).toLong(), r.get(1).toLong(), r.get(2).toLong()));
  }

  /** The held and sold seats at one version; null when the seat map is not in Redis (never loaded, or Redis lost it). */
  public record Statuses(List<String> held, List<String> sold, String generation, long version) {
  }

  public Future<Statuses> statuses(String event) {
    Keys k = keys(event);
    return SEAT_STATUSES.run(redis, List.of(k.holdSeats, k.sold, k.seats, k.seatVersion), List.of())
        .map(r -> r.get(0).toInteger() == 0 ? null
            : new Statuses(strings(r.get(1)), strings(r.get(2)), r.get(3).toString(), r.get(4).toLong()));
  }

  /**
   * What changed after one version: {@code reset} when that version cannot be answered (another
   * generation, not given yet, or more than the most changes asked for), {@code missing} when the
   * map is not in Redis; otherwise the current version and each changed seat with its status now.
   */
  public record Since(boolean missing, boolean reset, String generation, long version, List<HoldStore.Change> changes) {
  }

  public Future<Since> changesSince(String event, String generation, long since, int most) {
    Keys k = keys(event);
    return SEAT_CHANGES.run(redis, List.of(k.seatVersion, k.seatLog, k.holdSeats, k.sold, k.seats),
            List.of(generation, since, most))
        .map(r -> switch (r.get(0).toString()) {
          case "missing" -> new Since(true, false, "", 0, List.of());
          case "reset" -> new Since(false, true, r.get(1).toString(), r.get(2).toLong(), List.of());
          default -> {
            List<String> flat = strings(r.get(3));
            List<HoldStore.Change> changes = new ArrayList<>(flat.size() / 3);
            for (int i = 0; i + 2 < flat.size(); i += 3) {
              changes.add(new HoldStore.Change(flat.get(i), flat.get(i + 1), Long.parseLong(flat.get(i + 2))));
            }
            yield new Since(false, false, r.get(1).toString(), r.get(2).toLong(), changes);
          }
        });
  }
}
