package dev.foyer.hold;

import dev.foyer.bus.HoldService.Item;
import dev.foyer.bus.HoldService.Priced;
import dev.foyer.common.ApiError;
import dev.foyer.common.Failures;
import dev.foyer.common.Metrics;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reservations (sold seats) and seat ids in PostgreSQL: the durable truth of what was sold. */
public class ReservationRepository {

  /** No confirmation transaction may outlive this, so it always ends well inside the Redis fence. */
  static final long STATEMENT_TIMEOUT_MILLIS = 10_000;

  private final Pool pool;

  public ReservationRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Records the sale of a hold's seats in one transaction. Idempotent: rows already written for
   * this hold count as done. A seat sold to anyone else fails the whole sale with 409.
   */
  public Future<Void> reserve(String event, String holdId, String visitor, UUID reservationId, Priced priced,
                              long mustCommitBefore) {
    List<String> seats = priced.items().stream().map(Item::seat).toList();
    String[] categories = priced.items().stream().map(Item::category).toArray(String[]::new);
    Long[] prices = priced.items().stream().map(Item::price).toArray(Long[]::new);
    long start = System.nanoTime();
    return pool.withTransaction(conn -> conn
            .query("SET LOCAL statement_timeout = " + STATEMENT_TIMEOUT_MILLIS).execute()
            .compose(v -> conn.preparedQuery("INSERT INTO reservations (event_id, seat_id, reservation_id, hold_id, visitor_id, "
                    + "category, price, currency) "
                    + "SELECT $1, s, $3, $4, $5, c, p, $8 FROM unnest($2::text[], $6::text[], $7::bigint[]) AS t (s, c, p) "
                    + "ON CONFLICT (event_id, seat_id) DO NOTHING")
                .execute(Tuple.tuple().addString(event).addArrayOfString(seats.toArray(new String[0]))
                    .addUUID(reservationId).addString(holdId).addString(visitor).addArrayOfString(categories)
                    .addArrayOfLong(prices).addString(priced.currency())))
            .compose(v -> conn.preparedQuery("SELECT seat_id FROM reservations WHERE event_id = $1 AND seat_id = ANY($2) "
                    + "AND hold_id <> $3")
                .execute(Tuple.tuple().addString(event).addArrayOfString(seats.toArray(new String[0])).addString(holdId)))
            .compose(others -> {
              if (others.size() > 0) {
                List<String> taken = new ArrayList<>();
                others.forEach(r -> taken.add(r.getString("seat_id")));
                return Future.failedFuture(new ApiError(409, "seats_unavailable",
                    "some of these seats were sold to someone else", new io.vertx.core.json.JsonObject()
                    .put("seats", new io.vertx.core.json.JsonArray(new ArrayList<Object>(taken)))));
              }
              if (System.currentTimeMillis() >= mustCommitBefore) {
                return Future.failedFuture(ApiError.dependencyDown("PostgreSQL",
                    new IllegalStateException("too slow to confirm safely")));
              }
              return Future.<Void>succeededFuture();
            }))
        .onSuccess(v -> Metrics.postgres("confirm").record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS))
        .recover(err -> Future.failedFuture(err instanceof PgException pg && "57014".equals(pg.getSqlState())
            ? ApiError.dependencyDown("PostgreSQL", err) : err))
        .recover(Failures.postgres());
  }

  /**
   * Records the sale of a standing hold's places in one transaction, never past the area's
   * capacity: the area's advisory lock orders sales, and the places already sold are counted under
   * it. Idempotent: a row already written for this hold counts as done. 409 {@code standing_full}
   * when the area cannot take them.
   */
  public Future<Void> reserveStanding(String event, String holdId, String visitor, UUID reservationId, String section,
                                      int places, int capacity, Priced priced, long mustCommitBefore) {
    Item item = priced.items().get(0);
    long start = System.nanoTime();
    return pool.withTransaction(conn -> conn
            .query("SET LOCAL statement_timeout = " + STATEMENT_TIMEOUT_MILLIS).execute()
            .compose(v -> conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1 || '/' || $2))")
                .execute(Tuple.of(event, section)))
            .compose(v -> conn.preparedQuery("INSERT INTO standing_sales (event_id, section, hold_id, reservation_id, "
                    + "visitor_id, places, category, price, currency) "
                    + "SELECT $1, $2, $3, $4, $5, $6::int, $7, $8::bigint, $9 WHERE (SELECT coalesce(sum(places), 0) FROM standing_sales "
                    + "WHERE event_id = $1 AND section = $2 AND hold_id <> $3) + $6::int <= $10::int "
                    + "ON CONFLICT (event_id, hold_id) DO NOTHING")
                .execute(Tuple.tuple().addString(event).addString(section).addString(holdId).addUUID(reservationId)
                    .addString(visitor).addInteger(places).addString(item.category()).addLong(item.price())
                    .addString(priced.currency()).addInteger(capacity)))
            .compose(v -> conn.preparedQuery("SELECT 1 FROM standing_sales WHERE event_id = $1 AND hold_id = $2")
                .execute(Tuple.of(event, holdId)))
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(new ApiError(409, "standing_full",
                    "standing area " + section + " has no room for " + places + " more"));
              }
              if (System.currentTimeMillis() >= mustCommitBefore) {
                return Future.failedFuture(ApiError.dependencyDown("PostgreSQL",
                    new IllegalStateException("too slow to confirm safely")));
              }
              return Future.<Void>succeededFuture();
            }))
        .onSuccess(v -> Metrics.postgres("confirm").record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS))
        .recover(err -> Future.failedFuture(err instanceof PgException pg && "57014".equals(pg.getSqlState())
            ? ApiError.dependencyDown("PostgreSQL", err) : err))
        .recover(Failures.postgres());
  }

  /** Places sold per standing area (section -> places). */
  public Future<Map<String, Long>> standingSold(String event) {
    return pool.preparedQuery("SELECT section, sum(places) AS places FROM standing_sales WHERE event_id = $1 GROUP BY section")
        .execute(Tuple.of(event))
        .map(rows -> {
          Map<String, Long> out = new HashMap<>();
          rows.forEach(r -> out.put(r.getString("section"), r.getLong("places")));
          return out;
        })
        .recover(Failures.postgres());
  }

  /** Seat ids of the event's map and the sold ones (seat -> reservation id). */
  public record SeatMap(List<String> seats, Map<String, String> sold) {
  }

  public Future<SeatMap> seatMap(String event) {
    return pool.preparedQuery("SELECT s.seat_id, r.reservation_id FROM seats s LEFT JOIN reservations r "
            + "ON r.event_id = s.event_id AND r.seat_id = s.seat_id WHERE s.event_id = $1")
        .execute(Tuple.of(event))
        .map(rows -> {
          List<String> seats = new ArrayList<>(rows.size());
          Map<String, String> sold = new HashMap<>();
          for (Row r : rows) {
            seats.add(r.getString("seat_id"));
            UUID reservation = r.getUUID("reservation_id");
            if (reservation != null) {
              sold.put(r.getString("seat_id"), reservation.toString());
            }
          }
          return new SeatMap(seats, sold);
        })
        .recover(Failures.postgres());
  }

  /** A hold's sale as PostgreSQL has it; null when this visitor's hold was never sold. */
  public record Sale(String reservationId, List<String> seats) {
  }

  /**
   * The sale of a hold, if PostgreSQL recorded one: the durable answer to a retried confirmation
   * when Redis no longer knows the hold (it expired after the sale's answer was lost, or Redis was
   * wiped or failed over to a replica that never saw the sale).
   */
  public Future<Sale> sale(String event, String holdId, String visitor) {
    return pool.preparedQuery("SELECT reservation_id, seat_id FROM reservations WHERE event_id = $1 AND hold_id = $2 "
            + "AND visitor_id = $3 ORDER BY seat_id")
        .execute(Tuple.of(event, holdId, visitor))
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture(rows) : pool.preparedQuery(
                "SELECT reservation_id, '@' || section || ':' || places AS seat_id FROM standing_sales "
                    + "WHERE event_id = $1 AND hold_id = $2 AND visitor_id = $3")
            .execute(Tuple.of(event, holdId, visitor)))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          List<String> seats = new ArrayList<>(rows.size());
          String reservation = null;
          for (Row r : rows) {
            reservation = r.getUUID("reservation_id").toString();
            seats.add(r.getString("seat_id"));
          }
          return new Sale(reservation, seats);
        })
        .recover(Failures.postgres());
  }
}
