package dev.foyer.event;

import dev.foyer.common.ApiError;
import dev.foyer.common.Failures;
import dev.foyer.common.Metrics;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Events, their settings and seat maps in PostgreSQL. */
public class EventRepository {

  private static final String FOREIGN_KEY_VIOLATION = "23503";

  private final Pool pool;

  public EventRepository(Pool pool) {
    this.pool = pool;
  }

  /** Creates or replaces an event and its seats in one transaction; true when it was created. */
  public Future<Boolean> save(EventInfo event, JsonObject layout, List<Seat> seats) {
    int n = seats.size();
    String[] ids = new String[n];
    String[] sections = new String[n];
    Integer[] rows = new Integer[n];
    Integer[] numbers = new Integer[n];
    Double[] xs = new Double[n];
    Double[] ys = new Double[n];
    for (int i = 0; i < n; i++) {
      Seat s = seats.get(i);
      ids[i] = s.id();
      sections[i] = s.section();
      rows[i] = s.row();
      numbers[i] = s.number();
      xs[i] = s.x();
      ys[i] = s.y();
    }
    OffsetDateTime opensAt = event.opensAt() == null ? null : event.opensAt().atOffset(ZoneOffset.UTC);
    return pool.withTransaction(conn -> conn
        .preparedQuery("INSERT INTO events (id, name, opens_at, settings, layout, opening_seed, look) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7) "
            + "ON CONFLICT (id) DO UPDATE SET name = excluded.name, opens_at = excluded.opens_at, "
            + "settings = excluded.settings, layout = excluded.layout, look = excluded.look, updated_at = now() "
            + "RETURNING (xmax = 0) AS created")
        .execute(Tuple.of(event.id(), event.name(), opensAt, event.settings().toStoredJson(), layout, newSeed())
            .addValue(event.look().toJson()))
        .compose(created -> conn
            .preparedQuery("DELETE FROM seats WHERE event_id = $1 AND NOT (seat_id = ANY($2))")
            .execute(Tuple.tuple().addString(event.id()).addArrayOfString(ids))
            .recover(err -> Future.failedFuture(err instanceof PgException pg && FOREIGN_KEY_VIOLATION.equals(pg.getSqlState())
                ? new ApiError(409, "seats_sold", "the new layout drops seats that are already sold")
                : err))
            .compose(v -> conn.preparedQuery("INSERT INTO seats (event_id, seat_id, section, row_no, number, x, y) "
                    + "SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::float8[], $7::float8[]) "
                    + "ON CONFLICT (event_id, seat_id) DO UPDATE SET section = excluded.section, "
                    + "row_no = excluded.row_no, number = excluded.number, x = excluded.x, y = excluded.y")
                .execute(Tuple.tuple().addString(event.id()).addArrayOfString(ids).addArrayOfString(sections)
                    .addArrayOfInteger(rows).addArrayOfInteger(numbers).addArrayOfDouble(xs).addArrayOfDouble(ys)))
            .map(v -> created.iterator().next().getBoolean("created"))))
        .recover(Failures.postgres());
  }

  /** Changes an existing event's name, opening, settings and look; its layout and seats stay as they are. */
  public Future<Void> update(EventInfo event) {
    OffsetDateTime opensAt = event.opensAt() == null ? null : event.opensAt().atOffset(ZoneOffset.UTC);
    return pool.preparedQuery("UPDATE events SET name = $2, opens_at = $3, settings = $4, look = $5, updated_at = now() "
            + "WHERE id = $1")
        .execute(Tuple.of(event.id(), event.name(), opensAt, event.settings().toStoredJson(), event.look().toJson()))
        .<Void>mapEmpty()
        .recover(Failures.postgres());
  }

  /** The event, or null when there is none with that id. */
  public Future<EventInfo> find(String id) {
    Metrics.eventLookups().increment();
    return pool.preparedQuery("SELECT id, name, opens_at, settings, opening_seed, look FROM events WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : toEvent(rows.iterator().next()))
        .recover(Failures.postgres());
  }

  public Future<List<EventInfo>> list() {
    return pool.query("SELECT id, name, opens_at, settings, opening_seed, look FROM events ORDER BY opens_at NULLS FIRST, id")
        .execute()
        .map(rows -> {
          List<EventInfo> events = new ArrayList<>();
          rows.forEach(r -> events.add(toEvent(r)));
          return events;
        })
        .recover(Failures.postgres());
  }

  public Future<Void> saveSettings(String id, EventSettings settings) {
    return pool.preparedQuery("UPDATE events SET settings = $2, updated_at = now() WHERE id = $1")
        .execute(Tuple.of(id, settings.toStoredJson()))
        .<Void>mapEmpty()
        .recover(Failures.postgres());
  }

  /** Seats with their durable status: sold when a reservation row exists, else free. */
  public Future<JsonArray> seats(String id) {
    return pool.preparedQuery("SELECT s.seat_id, s.section, s.row_no, s.number, s.x, s.y, r.seat_id IS NOT NULL AS sold "
            + "FROM seats s LEFT JOIN reservations r ON r.event_id = s.event_id AND r.seat_id = s.seat_id "
            + "WHERE s.event_id = $1 ORDER BY s.section, s.row_no, s.number")
        .execute(Tuple.of(id))
        .map(rows -> {
          JsonArray seats = new JsonArray();
          for (Row r : rows) {
            seats.add(new JsonObject()
                .put("id", r.getString("seat_id"))
                .put("section", r.getString("section"))
                .put("row", r.getInteger("row_no"))
                .put("number", r.getInteger("number"))
                .put("x", r.getDouble("x"))
                .put("y", r.getDouble("y"))
                .put("status", r.getBoolean("sold") ? "sold" : "free"));
          }
          return seats;
        })
        .recover(Failures.postgres());
  }

  /** The layout spec as it was given (null when there is no such event). */
  public Future<JsonObject> layout(String id) {
    return pool.preparedQuery("SELECT layout FROM events WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Object raw = rows.iterator().next().getValue("layout");
          return raw instanceof JsonObject j ? j : new JsonObject(String.valueOf(raw));
        })
        .recover(Failures.postgres());
  }

  public Future<Long> seatCount(String id) {
    return pool.preparedQuery("SELECT count(*) AS seats FROM seats WHERE event_id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.iterator().next().getLong("seats"))
        .recover(Failures.postgres());
  }

  public Future<Long> soldCount(String id) {
    return pool.preparedQuery("SELECT count(*) AS sold FROM reservations WHERE event_id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.iterator().next().getLong("sold"))
        .recover(Failures.postgres());
  }

  private static EventInfo toEvent(Row r) {
    OffsetDateTime opensAt = r.getOffsetDateTime("opens_at");
    Object raw = r.getValue("settings");
    JsonObject settings = raw instanceof JsonObject j ? j : new JsonObject(String.valueOf(raw));
    Object rawLook = r.getValue("look");
    JsonObject look = rawLook == null ? null : rawLook instanceof JsonObject j ? j : new JsonObject(String.valueOf(rawLook));
    return new EventInfo(r.getString("id"), r.getString("name"),
        opensAt == null ? null : opensAt.toInstant(),
        EventSettings.defaults().merge(settings), r.getString("opening_seed"), EventLook.fromJson(look));
  }

  /** 256 random bits; kept for the life of the event (an update never changes it). */
  private static String newSeed() {
    byte[] bytes = new byte[32];
    new java.security.SecureRandom().nextBytes(bytes);
    return java.util.HexFormat.of().formatHex(bytes);
  }

  public static Instant parseOpensAt(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      try {
        return OffsetDateTime.parse(s).toInstant();
      } catch (RuntimeException e) {
        // fall through to the error below
      }
    }
    throw ApiError.badRequest("invalid_opens_at", "opensAt must be an ISO-8601 time with offset, like 2026-12-01T12:00:00Z");
  }
}
