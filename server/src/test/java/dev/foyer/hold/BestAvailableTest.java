package dev.foyer.hold;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Best available, accessible seats, standing areas and prices against real Redis and PostgreSQL:
 * each test sets up a small map, takes some seats by hand, and reads where best available puts a
 * buyer and what it says it did.
 */
@ExtendWith(VertxExtension.class)
class BestAvailableTest {

  private static final JsonObject OPEN = new JsonObject().put("gate", "off").put("maxActive", 1000)
      .put("admitPerMinute", 0).put("maxSeatsPerHold", 8);
  private static final AtomicInteger EVENTS = new AtomicInteger();

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private static <T> T get(Future<T> future) throws Exception {
    return future.await(30, TimeUnit.SECONDS);
  }

  private static JsonObject grid(String name, int rows, int perRow) {
    return new JsonObject().put("name", name).put("rows", rows).put("seatsPerRow", perRow);
  }

  private static JsonObject layout(JsonObject... sections) {
    return new JsonObject().put("sections", new JsonArray(java.util.List.of((Object[]) sections)));
  }

  /** A new event with this layout; its id. */
  private static String event(JsonObject layout) throws Exception {
    String id = "best-" + EVENTS.incrementAndGet();
    HttpResponse<Buffer> r = get(cluster.api().putLayout(id, layout, OPEN));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return id;
  }

  private static String buyer(String event) throws Exception {
    return get(cluster.api().admitted(event)).getString("pass");
  }

  private static HttpResponse<Buffer> best(String event, String pass, JsonObject best) throws Exception {
    return get(cluster.api().holdWith(event, pass, new JsonObject().put("best", best), null));
  }

  private static JsonObject count(int n) {
    return new JsonObject().put("count", n);
  }

  private static void taken(String event, String... seats) throws Exception {
    HttpResponse<Buffer> r = get(cluster.api().hold(event, buyer(event), seats));
    assertEquals(201, r.statusCode(), r.bodyAsString());
  }

  private static JsonObject placed(HttpResponse<Buffer> r, String placement, String... seats) {
    assertEquals(201, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(placement, body.getString("placement"), body.encode());
    assertEquals(new JsonArray(java.util.List.of((Object[]) seats)), body.getJsonArray("seats"), body.encode());
    return body;
  }

  @Test
  void theBestSeatsAreTogetherInTheFrontRowNearestItsCentre() throws Exception {
    String e = event(layout(grid("A", 3, 10)));
    placed(best(e, buyer(e), count(2)), "together", "A-1-5", "A-1-6");
    // A-1-2..4 would strand A-1-1, A-1-7..9 A-1-10: the next row's centre
    placed(best(e, buyer(e), count(3)), "together", "A-2-5", "A-2-6", "A-2-7");
    placed(best(e, buyer(e), count(4)), "together", "A-1-1", "A-1-2", "A-1-3", "A-1-4");
  }

  @Test
  void aRowThatWouldStrandOneSeatIsPassedOverForTheNextRow() throws Exception {
    String e = event(layout(grid("A", 2, 5)));
    taken(e, "A-1-1");
    // A-1-2..4 or A-1-3..5 would leave A-1-5 or A-1-2 alone between taken seats and the row's end
    placed(best(e, buyer(e), count(3)), "together", "A-2-1", "A-2-2", "A-2-3");
  }

  @Test
  void withNoRowToTakeThemTogetherTheyAreSplitOverTwoAdjacentRows() throws Exception {
    String e = event(layout(grid("A", 2, 6)));
    taken(e, "A-1-6", "A-2-6");
    placed(best(e, buyer(e), count(6)), "split", "A-1-3", "A-1-4", "A-1-5", "A-2-3", "A-2-4", "A-2-5");
  }

  @Test
  void aStrandedSeatIsAllowedOnlyWhenNothingElseFits() throws Exception {
    String e = event(layout(grid("A", 1, 3)));
    placed(best(e, buyer(e), count(2)), "orphan_allowed", "A-1-2", "A-1-3");
    HttpResponse<Buffer> none = best(e, buyer(e), count(2));
    assertEquals(409, none.statusCode());
    assertEquals("not_enough_seats", none.bodyAsJsonObject().getString("error"));
  }

  @Test
  void aSectionAskedForIsTriedFirstThenTheOthersAndACategoryIsNeverLeft() throws Exception {
    JsonObject spec = layout(grid("A", 1, 2).put("category", "front"), grid("B", 1, 4).put("category", "back"),
        grid("C", 1, 4).put("category", "front"))
        .put("currency", "EUR").put("categories", new JsonArray()
            .add(new JsonObject().put("id", "front").put("name", "Front").put("price", 6500))
            .add(new JsonObject().put("id", "back").put("name", "Back").put("price", 2500)));
    String e = event(spec);
    JsonObject first = placed(best(e, buyer(e), count(2).put("section", "A")), "together", "A-1-1", "A-1-2");
    assertEquals(false, first.getBoolean("otherSection"));
    assertEquals(new JsonObject().put("amount", 13000).put("currency", "EUR"), first.getJsonObject("total"));
    assertEquals("front", first.getJsonArray("items").getJsonObject(0).getString("category"));
    // A is full: the same ask goes to the next section, but of its category only (C, not B)
    JsonObject moved = placed(best(e, buyer(e), count(2).put("section", "A").put("category", "front")), "together",
        "C-1-1", "C-1-2");
    assertEquals(true, moved.getBoolean("otherSection"));
    JsonObject back = placed(best(e, buyer(e), count(4).put("category", "back")), "together",
        "B-1-1", "B-1-2", "B-1-3", "B-1-4");
    assertEquals(10000, back.getJsonObject("total").getLong("amount"));
    HttpResponse<Buffer> unknown = best(e, buyer(e), count(1).put("category", "balcony"));
    assertEquals(400, unknown.statusCode());
    assertEquals("unknown_category", unknown.bodyAsJsonObject().getString("error"));
  }

  @Test
  void aCompanionSeatGoesOnlyWithItsWheelchairSeatAndOrdinaryBuyersLeaveBothFree() throws Exception {
    JsonObject a = grid("A", 1, 6).put("accessible", new JsonArray()
        .add(new JsonObject().put("row", 1).put("seats", "3").put("kind", "wheelchair"))
        .add(new JsonObject().put("row", 1).put("seats", "4").put("kind", "companion")));
    String e = event(layout(a, grid("B", 1, 4)));
    HttpResponse<Buffer> alone = get(cluster.api().hold(e, buyer(e), "A-1-4"));
    assertEquals(400, alone.statusCode());
    assertEquals("companion_without_wheelchair", alone.bodyAsJsonObject().getString("error"));
    assertEquals(new JsonArray().add("A-1-4"), alone.bodyAsJsonObject().getJsonArray("seats"));
    // ordinary best available does not take accessible seats: A-1-1..2 and A-1-5..6 only
    placed(best(e, buyer(e), count(2)), "together", "A-1-1", "A-1-2");
    placed(best(e, buyer(e), count(2).put("accessible", "wheelchair")), "together", "A-1-3", "A-1-4");
    String seats = get(cluster.api().seatStatuses(e)).toString();
    assertTrue(seats.contains("A-1-3=held") && seats.contains("A-1-4=held"), seats);
    JsonObject map = get(cluster.api().request(io.vertx.core.http.HttpMethod.GET, "/api/events/" + e + "/seats").send())
        .bodyAsJsonObject();
    JsonObject third = map.getJsonArray("seats").getJsonObject(2);
    assertEquals("wheelchair", third.getString("accessible"), third.encode());
  }

  @Test
  void aRetriedBestAvailableHoldWithItsKeyIsTheSameHold() throws Exception {
    String e = event(layout(grid("A", 2, 10)));
    String pass = buyer(e);
    JsonObject body = new JsonObject().put("best", count(2));
    HttpResponse<Buffer> once = get(cluster.api().holdWith(e, pass, body, "best-attempt-000001"));
    HttpResponse<Buffer> twice = get(cluster.api().holdWith(e, pass, body, "best-attempt-000001"));
    assertEquals(201, once.statusCode(), once.bodyAsString());
    assertEquals(201, twice.statusCode(), twice.bodyAsString());
    JsonObject first = once.bodyAsJsonObject();
    JsonObject again = twice.bodyAsJsonObject();
    assertEquals(first.getString("holdId"), again.getString("holdId"));
    assertEquals(first.getJsonArray("seats"), again.getJsonArray("seats"));
    assertEquals("together", again.getString("placement"), again.encode());
    long held = get(cluster.api().seatStatuses(e)).values().stream().filter("held"::equals).count();
    assertEquals(2, held, "the retry held nothing more");
    // a new best hold of the same visitor replaces the old and may take its seats again
    JsonObject next = get(cluster.api().holdWith(e, pass, new JsonObject().put("best", count(4)), null)).bodyAsJsonObject();
    assertEquals(new JsonArray().add("A-1-4").add("A-1-5").add("A-1-6").add("A-1-7"), next.getJsonArray("seats"));
    HttpResponse<Buffer> tooMany = best(e, pass, count(9));
    assertEquals(422, tooMany.statusCode());
    assertEquals("too_many_seats", tooMany.bodyAsJsonObject().getString("error"));
  }

  @Test
  void standingPlacesAreTakenNeverPastCapacityGivenBackOnReleaseAndRecordedWhenBought() throws Exception {
    JsonObject spec = layout(grid("A", 1, 4), new JsonObject().put("name", "Floor").put("standing", 5)
        .put("category", "ga"))
        .put("currency", "GBP").put("categories", new JsonArray()
            .add(new JsonObject().put("id", "ga").put("name", "General admission").put("price", 3000)));
    String e = event(spec);
    String one = buyer(e);
    String two = buyer(e);
    JsonObject floor = new JsonObject().put("section", "Floor");
    HttpResponse<Buffer> first = get(cluster.api().holdWith(e, one, new JsonObject().put("standing", floor.copy().put("count", 3)), null));
    assertEquals(201, first.statusCode(), first.bodyAsString());
    assertEquals(2, first.bodyAsJsonObject().getJsonObject("standing").getLong("left"));
    assertEquals(9000, first.bodyAsJsonObject().getJsonObject("total").getLong("amount"));
    HttpResponse<Buffer> full = get(cluster.api().holdWith(e, two, new JsonObject().put("standing", floor.copy().put("count", 3)), null));
    assertEquals(409, full.statusCode());
    assertEquals("standing_full", full.bodyAsJsonObject().getString("error"));
    assertEquals(2, full.bodyAsJsonObject().getLong("left"));
    assertEquals(204, get(cluster.api().release(e, one, first.bodyAsJsonObject().getString("holdId"))).statusCode());
    HttpResponse<Buffer> now = get(cluster.api().holdWith(e, two, new JsonObject().put("standing", floor.copy().put("count", 5)), null));
    assertEquals(201, now.statusCode(), now.bodyAsString());
    HttpResponse<Buffer> bought = get(cluster.api().confirm(e, two, now.bodyAsJsonObject().getString("holdId")));
    assertEquals(201, bought.statusCode(), bought.bodyAsString());
    assertEquals(new JsonObject().put("section", "Floor").put("count", 5), bought.bodyAsJsonObject().getJsonObject("standing"));
    assertEquals(15000, bought.bodyAsJsonObject().getJsonObject("total").getLong("amount"));
    Row sale = get(cluster.pg().preparedQuery("SELECT places, price, currency, category FROM standing_sales WHERE event_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(e))).iterator().next();
    assertEquals(5, sale.getInteger("places"));
    assertEquals(3000L, sale.getLong("price"));
    assertEquals("GBP", sale.getString("currency"));
    HttpResponse<Buffer> none = get(cluster.api().holdWith(e, one, new JsonObject().put("standing", floor.copy().put("count", 1)), null));
    assertEquals(409, none.statusCode(), "sold places stay taken");
    HttpResponse<Buffer> seat = get(cluster.api().holdWith(e, one, new JsonObject().put("standing",
        new JsonObject().put("section", "A").put("count", 1)), null));
    assertEquals(400, seat.statusCode());
    assertEquals("unknown_section", seat.bodyAsJsonObject().getString("error"));
  }

  @Test
  void aSoldSeatRecordsItsCategoryAndPrice() throws Exception {
    JsonObject spec = layout(grid("A", 2, 4).put("category", "back").put("categories", new JsonArray()
        .add(new JsonObject().put("rows", "1").put("category", "front"))))
        .put("currency", "EUR").put("categories", new JsonArray()
            .add(new JsonObject().put("id", "front").put("price", 6500))
            .add(new JsonObject().put("id", "back").put("price", 2500)));
    String e = event(spec);
    String pass = buyer(e);
    JsonObject held = get(cluster.api().hold(e, pass, "A-1-1", "A-2-1")).bodyAsJsonObject();
    assertEquals(9000, held.getJsonObject("total").getLong("amount"));
    JsonObject bought = get(cluster.api().confirm(e, pass, held.getString("holdId"))).bodyAsJsonObject();
    assertEquals(9000, bought.getJsonObject("total").getLong("amount"));
    var rows = get(cluster.pg().preparedQuery("SELECT seat_id, category, price, currency FROM reservations "
        + "WHERE event_id = $1 ORDER BY seat_id").execute(io.vertx.sqlclient.Tuple.of(e)));
    var it = rows.iterator();
    Row front = it.next();
    Row back = it.next();
    assertEquals("A-1-1 front 6500 EUR", front.getString("seat_id") + " " + front.getString("category") + " "
        + front.getLong("price") + " " + front.getString("currency"));
    assertEquals("A-2-1 back 2500 EUR", back.getString("seat_id") + " " + back.getString("category") + " "
        + back.getLong("price") + " " + back.getString("currency"));
  }

  @Test
  void aLayoutWithoutCategoriesAnswersAsItAlwaysDid() throws Exception {
    String e = event(layout(grid("A", 1, 4)));
    JsonObject held = get(cluster.api().hold(e, buyer(e), "A-1-1")).bodyAsJsonObject();
    assertNull(held.getValue("total"));
    JsonObject map = get(cluster.api().request(io.vertx.core.http.HttpMethod.GET, "/api/events/" + e + "/seats").send())
        .bodyAsJsonObject();
    assertEquals(java.util.Set.of("generation", "version", "seats"), map.fieldNames());
    assertEquals(java.util.Set.of("id", "section", "row", "number", "x", "y", "status"),
        map.getJsonArray("seats").getJsonObject(0).fieldNames());
  }

  @Test
  void badLayoutsAndBadAsksAreRefusedNamingTheField() throws Exception {
    ApiClient api = cluster.api();
    JsonObject unknownCategory = layout(grid("A", 1, 4).put("category", "vip")).put("currency", "EUR")
        .put("categories", new JsonArray().add(new JsonObject().put("id", "std").put("price", 100)));
    JsonObject noCurrency = layout(grid("A", 1, 4)).put("categories", new JsonArray()
        .add(new JsonObject().put("id", "std").put("price", 100)));
    JsonObject lonelyCompanion = layout(grid("A", 1, 6).put("accessible", new JsonArray()
        .add(new JsonObject().put("row", 1).put("seats", "5").put("kind", "companion"))));
    JsonObject badRange = layout(grid("A", 3, 4).put("categories", new JsonArray()
        .add(new JsonObject().put("rows", "3-1").put("category", "std"))))
        .put("currency", "EUR").put("categories", new JsonArray().add(new JsonObject().put("id", "std").put("price", 1)));
    JsonObject standingWithRows = layout(new JsonObject().put("name", "Floor").put("standing", 100).put("rows", 2));
    JsonObject badPrice = layout(grid("A", 1, 1)).put("currency", "EUR").put("categories", new JsonArray()
        .add(new JsonObject().put("id", "std").put("price", 12.5)));
    String[][] cases = {
        {unknownCategory.encode(), "sections[0] (A).category"},
        {noCurrency.encode(), "currency"},
        {lonelyCompanion.encode(), "sections[0] (A).accessible"},
        {badRange.encode(), "sections[0] (A).categories[0].rows"},
        {standingWithRows.encode(), "sections[0] (Floor).rows"},
        {badPrice.encode(), "categories[0].price"},
    };
    for (String[] c : cases) {
      HttpResponse<Buffer> r = get(api.putLayout("bad-layout", new JsonObject(c[0]), OPEN));
      assertEquals(400, r.statusCode(), c[0]);
      assertEquals("invalid_layout", r.bodyAsJsonObject().getString("error"), r.bodyAsString());
      assertEquals(c[1], r.bodyAsJsonObject().getString("field"), r.bodyAsString());
    }
    assertEquals(404, get(api.request(io.vertx.core.http.HttpMethod.GET, "/api/events/bad-layout").send()).statusCode(),
        "nothing was created");
    String e = event(layout(grid("A", 1, 4)));
    String pass = buyer(e);
    Object[][] asks = {
        {new JsonObject().put("best", count(0)), "invalid_best"},
        {new JsonObject().put("best", count(2).put("accessible", "yes")), "invalid_best"},
        {new JsonObject().put("best", count(2)).put("seats", new JsonArray().add("A-1-1")), "invalid_hold"},
        {new JsonObject().put("standing", new JsonObject().put("count", 2)), "invalid_standing"},
        {new JsonObject().put("best", count(1).put("section", "Z")), "unknown_section"},
    };
    for (Object[] ask : asks) {
      HttpResponse<Buffer> r = get(api.holdWith(e, pass, (JsonObject) ask[0], null));
      assertEquals(400, r.statusCode(), ask[0].toString());
      assertEquals(ask[1], r.bodyAsJsonObject().getString("error"), r.bodyAsString());
    }
  }
}
