package dev.foyer.hold;

import dev.foyer.event.Stock;
import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stock counts (free, held, sold per category; standing places left) change in the same Redis
 * steps as the seats, so however visitors on two nodes race (holds, replacing holds, best
 * available, standing places, releases, purchases, holds running out) they always equal a count of
 * the seats themselves.
 */
@ExtendWith(VertxExtension.class)
class StockTest {

  private static final String EVENT = "stock-race";
  private static final int FLOOR = 20;

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  @Test
  void stockCountsEqualTheSeatsWhateverVisitorsOnTwoNodesDo(Vertx vertx) throws Exception {
    JsonObject layout = new JsonObject()
        .put("currency", "EUR")
        .put("categories", new JsonArray()
            .add(new JsonObject().put("id", "front").put("name", "Front").put("price", 9000))
            .add(new JsonObject().put("id", "back").put("name", "Back").put("price", 4000)))
        .put("sections", new JsonArray()
            .add(new JsonObject().put("name", "A").put("rows", 2).put("seatsPerRow", 10).put("category", "front"))
            .add(new JsonObject().put("name", "B").put("rows", 3).put("seatsPerRow", 10).put("category", "back"))
            .add(new JsonObject().put("name", "Floor").put("standing", FLOOR).put("category", "back")
                .put("y", 6)));
    // all 60 straight in, more than the stock would pace in: this race is about the counts, not the pacing
    JsonObject settings = new JsonObject().put("gate", "off").put("maxActive", 1000).put("admitPerMinute", 0)
        .put("holdSeconds", 3).put("stockPacing", false);
    HttpResponse<Buffer> created = await(cluster.api(0).putLayout(EVENT, layout, settings));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    List<String> seats = new ArrayList<>();
    for (String section : List.of("A", "B")) {
      for (int row = 1; row <= (section.equals("A") ? 2 : 3); row++) {
        for (int n = 1; n <= 10; n++) {
          seats.add(section + "-" + row + "-" + n);
        }
      }
    }

    List<Future<Void>> visitors = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      ApiClient api = cluster.api(i % 2);
      Random random = new Random(i);
      visitors.add(api.admitted(EVENT).compose(v -> shop(api, v.getString("pass"), seats, random, 8)));
    }
    await(Future.all(visitors));

    dev.foyer.line.StockStore store = new dev.foyer.line.StockStore(cluster.redis(), cluster.setup().prefix());
    // every hold not bought runs out within holdSeconds and a sweep: then nothing is held
    Stock settled = await(Waits.until(vertx, () -> store.stock(EVENT), s -> s.held() == 0, 30_000));
    Map<String, String> statuses = await(cluster.api(1).seatStatuses(EVENT));
    Map<String, Stock.Counts> counted = new TreeMap<>();
    long[] front = new long[3];
    long[] back = new long[3];
    statuses.forEach((seat, status) -> {
      long[] c = seat.startsWith("A-") ? front : back;
      c[switch (status) { case "free" -> 0; case "held" -> 1; default -> 2; }]++;
    });
    counted.put("back", new Stock.Counts(back[0], back[1], back[2]));
    counted.put("front", new Stock.Counts(front[0], front[1], front[2]));
    assertEquals(counted, settled.categories(), "the stock counts are the seats' own");
    long floorSold = await(cluster.pg().preparedQuery("SELECT coalesce(sum(places), 0) AS n FROM standing_sales "
        + "WHERE event_id = $1").execute(io.vertx.sqlclient.Tuple.of(EVENT))).iterator().next().getLong("n");
    assertEquals(new Stock.Area(FLOOR, 0, floorSold), settled.standing().get("Floor"));
    assertTrue(settled.sold() > 0 && settled.buyers() > 0, "the race bought something: " + settled);
    assertEquals(seats.size() + FLOOR - settled.sold(), settled.free());
    System.out.printf("stock race: %d sold to %d buyers, %d left%n", settled.sold(), settled.buyers(), settled.free());
  }

  /** Random shopping: holds of 1 to 4 seats, best available, standing places, releases, purchases. */
  private Future<Void> shop(ApiClient api, String pass, List<String> seats, Random random, int steps) {
    if (steps == 0) {
      return Future.succeededFuture();
    }
    Future<HttpResponse<Buffer>> step = switch (random.nextInt(5)) {
      case 0 -> {
        List<String> pick = new ArrayList<>(seats);
        java.util.Collections.shuffle(pick, random);
        yield api.hold(EVENT, pass, pick.subList(0, 1 + random.nextInt(4)).toArray(new String[0]));
      }
      case 1 -> api.holdWith(EVENT, pass, new JsonObject().put("best", new JsonObject().put("count", 1 + random.nextInt(4))
          .put("category", random.nextBoolean() ? "front" : "back")), null);
      case 2 -> api.holdWith(EVENT, pass, new JsonObject().put("standing", new JsonObject().put("section", "Floor")
          .put("count", 1 + random.nextInt(3))), null);
      default -> Future.succeededFuture(null);
    };
    return step.compose(held -> {
      if (held == null || held.statusCode() != 201) {
        return Future.succeededFuture();
      }
      String holdId = held.bodyAsJsonObject().getString("holdId");
      return random.nextInt(3) == 0 ? api.release(EVENT, pass, holdId).mapEmpty()
          : random.nextBoolean() ? api.confirm(EVENT, pass, holdId).mapEmpty() : Future.succeededFuture();
    }).compose(v -> shop(api, pass, seats, random, steps - 1));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
