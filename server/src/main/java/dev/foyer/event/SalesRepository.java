package dev.foyer.event;

import dev.foyer.common.Failures;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An event's sales as PostgreSQL recorded them (the durable truth the hold room writes on each
 * confirmation): one entry per reservation, seats and standing places alike, oldest first.
 */
public class SalesRepository {

  private final Pool pool;

  public SalesRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * One reservation: its seats (empty for standing places, then {@code standingSection} and
   * {@code places}), places per category ({@code ""} for seats without one), the amount in minor
   * units (null unless every place has a price) and when it was recorded.
   */
  public record Sale(String reservationId, String visitor, List<String> seats, String standingSection, int places,
                     Map<String, Integer> categories, Long amount, String currency, Instant at) {

    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("reservationId", reservationId).put("visitor", visitor)
          .put("seats", new JsonArray(new ArrayList<Object>(seats)));
      if (standingSection != null) {
        json.put("standing", new JsonObject().put("section", standingSection).put("places", places));
      }
      JsonObject byCategory = new JsonObject();
      categories.forEach(byCategory::put);
      return json.put("places", places).put("categories", byCategory).put("amount", amount)
          .put("currency", currency).put("at", at.toString());
    }
  }

  /** A page of sales in the order they were recorded, and whether more follow. */
  public record Page(List<Sale> sales, boolean more) {
  }

  public Future<Page> sales(String event, int offset, int limit) {
    return pool.preparedQuery("SELECT reservation_id, visitor_id, at, seats, categories, standing, places, amount, "
            + "priced, currency FROM ("
            + "SELECT reservation_id, visitor_id, min(created_at) AS at, array_agg(seat_id ORDER BY seat_id) AS seats, "
            + "array_agg(coalesce(category, '') ORDER BY seat_id) AS categories, NULL::text AS standing, "
            + "count(*)::int AS places, sum(price)::bigint AS amount, bool_and(price IS NOT NULL) AS priced, "
            + "max(currency) AS currency FROM reservations WHERE event_id = $1 GROUP BY reservation_id, visitor_id "
            + "UNION ALL SELECT reservation_id, visitor_id, created_at, ARRAY[]::text[], ARRAY[coalesce(category, '')], "
            + "section, places, price * places, price IS NOT NULL, currency FROM standing_sales WHERE event_id = $1"
            + ") AS sales ORDER BY at, reservation_id OFFSET $2 LIMIT $3")
        .execute(Tuple.of(event, offset, limit + 1))
        .map(rows -> {
          List<Sale> out = new ArrayList<>();
          for (Row r : rows) {
            if (out.size() == limit) {
              return new Page(out, true);
            }
            out.add(sale(r));
          }
          return new Page(out, false);
        })
        .recover(Failures.postgres());
  }

  private static Sale sale(Row r) {
    String[] seats = r.getArrayOfStrings("seats");
    String[] categories = r.getArrayOfStrings("categories");
    String standing = r.getString("standing");
    int places = r.getInteger("places");
    Map<String, Integer> byCategory = new LinkedHashMap<>();
    for (String c : categories) {
      byCategory.merge(c.isEmpty() ? "-" : c, standing != null ? places : 1, Integer::sum);
    }
    return new Sale(r.getUUID("reservation_id").toString(), r.getString("visitor_id"), List.of(seats), standing,
        places, byCategory, Boolean.TRUE.equals(r.getBoolean("priced")) ? r.getLong("amount") : null,
        r.getString("currency"), r.getOffsetDateTime("at").toInstant());
  }
}
